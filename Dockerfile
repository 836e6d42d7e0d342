# syntax=docker/dockerfile:1
# Hechtwijzer's production image (README, "Containers"). Three stages, so that the final image
# holds the Python runtime, the installed wheels (the app, typst's and the other dependencies'
# pinned in constraints.txt) and the collected static files, and no compiler, npm or gettext.
# Base images are pinned by version; update them deliberately, as constraints.txt.

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

# --- htmx from the npm registry, the version and SHA-256 of the Makefile (`make vendor`) ------
FROM node:22.12.0-bookworm-slim AS htmx
WORKDIR /build
COPY Makefile ./
RUN set -eu; \
    version="$(sed -n 's/^HTMX_VERSION := //p' Makefile)"; \
    sha="$(sed -n 's/^HTMX_SHA256 := //p' Makefile)"; \
    npm pack --silent "htmx.org@${version}" >/dev/null; \
    tar -xzf "htmx.org-${version}.tgz" package/dist/htmx.min.js; \
    echo "${sha}  package/dist/htmx.min.js" | sha256sum -c --quiet

# --- build: translations, wheels, the installed app and its static files ---------------------
FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
COPY --from=htmx /build/package/dist/htmx.min.js src/hechtwijzer/static/vendor/htmx.min.js
# msgfmt directly (what `compilemessages` runs), so no Django is needed before the wheels exist.
RUN find src/hechtwijzer/locale -name django.po -execdir msgfmt --check-format -o django.mo django.po \;
# Every dependency as a wheel, at the versions of constraints.txt (binary wheels where PyPI has
# them, built here with the compilers of this stage where it has not), then installed into a
# virtual environment that the final stage copies as it is.
RUN pip wheel --no-cache-dir --wheel-dir /wheels -c constraints.txt . \
    && python -m venv /opt/hechtwijzer \
    && /opt/hechtwijzer/bin/pip install --no-cache-dir --no-index --find-links /wheels hechtwijzer \
    && /opt/hechtwijzer/bin/pip uninstall --yes pip
# Static files are collected once, here, into a throw-away data directory: development mode
# would write a secret key and encryption keys there, which must never reach the image; only
# the static folder is copied on.
RUN HECHTWIJZER_DATA_DIR=/build/data SECRET_KEY=collectstatic-only \
    DATABASE_URL=sqlite:////build/data/unused.sqlite3 \
    /opt/hechtwijzer/bin/hechtwijzer collectstatic --noinput -v0

# --- the image: runtime only, as an unprivileged user ----------------------------------------
FROM ${PYTHON_IMAGE}
# pg_dump and pg_restore, for `hechtwijzer backup` and `restore` (privacy/backup.py): the major
# version of the database image in compose.yaml, since a pg_dump older than its server refuses
# to dump it (web/tests/test_containers.py holds the two together).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 hechtwijzer \
    && useradd --uid 10001 --gid hechtwijzer --no-create-home \
        --home-dir /var/lib/hechtwijzer --shell /usr/sbin/nologin hechtwijzer \
    && install -d -m 0700 -o hechtwijzer -g hechtwijzer /var/lib/hechtwijzer
COPY --from=build /opt/hechtwijzer /opt/hechtwijzer
COPY --from=build --chown=hechtwijzer:hechtwijzer /build/data/static /var/lib/hechtwijzer/static
ENV PATH=/opt/hechtwijzer/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HECHTWIJZER_ENV=production \
    HECHTWIJZER_DATA_DIR=/var/lib/hechtwijzer \
    HOST=0.0.0.0 \
    PORT=8000 \
    TZ=Europe/Amsterdam
USER hechtwijzer:hechtwijzer
WORKDIR /var/lib/hechtwijzer
EXPOSE 8000
CMD ["hechtwijzer", "serve"]
