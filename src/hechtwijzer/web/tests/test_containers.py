"""The container set-up (README, "Containers"): compose.yaml, the Dockerfile, deploy/Caddyfile
and .dockerignore, read as files. Docker itself is not needed: what matters to a school board's
operator is checked here, and the image build where a Docker daemon runs."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[4]
APP_SERVERS = ("app1", "app2")
# Values that must come from a mounted secret file, never from the environment as literals.
SECRETS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "HECHTWIJZER_ENCRYPTION_KEYS",
    "EMAIL_HOST_PASSWORD",
    "POSTGRES_PASSWORD",
)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command(service: dict) -> str:
    parts = service.get("command", [])
    return " ".join(parts) if isinstance(parts, list) else parts


def stages(dockerfile: str) -> list[str]:
    """The Dockerfile's stages, each from its FROM line to the next."""
    return re.split(r"(?m)^(?=FROM )", dockerfile)[1:]


def test_two_app_servers_run_the_same_image(services):
    first, second = (services[name] for name in APP_SERVERS)
    assert first["image"] == second["image"] and first["build"] == second["build"]
    for server in (first, second):
        assert command(server).startswith("hechtwijzer serve")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert first["image"] == f"hechtwijzer:{project['version']}"


def test_the_database_is_postgresql_and_is_waited_for(services):
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in services["db"]["healthcheck"]["test"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_migrations_run_once_before_any_server_starts(services):
    migrate = services["migrate"]
    assert command(migrate) == "hechtwijzer migrate --noinput"
    assert migrate["restart"] == "no"
    assert migrate["image"] == services["app1"]["image"]
    for name in (*APP_SERVERS, "daily"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    migrating = [name for name, service in services.items() if "migrate" in command(service)]
    assert migrating == ["migrate"]


def test_the_proxy_routes_to_both_servers_and_checks_their_health(services):
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    mounted = {volume.split(":")[0]: volume.split(":")[1] for volume in proxy["volumes"]}
    assert mounted["./deploy/Caddyfile"] == "/etc/caddy/Caddyfile"
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    upstreams = re.search(r"(?m)^\s*reverse_proxy (.+) \{", caddyfile).group(1).split()
    assert upstreams == [f"{name}:8000" for name in APP_SERVERS]
    assert re.search(r"(?m)^\s*health_uri /healthz$", caddyfile)
    assert re.search(r"(?m)^\s*Host \{\$HECHTWIJZER_DOMAIN\}$", caddyfile)  # ALLOWED_HOSTS
    for name in APP_SERVERS:
        assert proxy["depends_on"][name]["condition"] == "service_healthy"


def test_the_app_servers_are_health_checked_on_healthz(services):
    for name in APP_SERVERS:
        check = services[name]["healthcheck"]
        assert check["test"][0] == "CMD"
        assert "http://127.0.0.1:8000/healthz" in " ".join(check["test"])
        assert "ALLOWED_HOSTS" in " ".join(check["test"])  # a Host the app answers for


def test_the_daily_job_runs_daily(services):
    daily = services["daily"]
    assert daily["image"] == services["app1"]["image"]
    assert "hechtwijzer daily" in command(daily)
    assert "tomorrow $$DAILY_AT" in command(daily)  # $$: compose leaves the shell its $
    assert re.fullmatch(r"\d\d:\d\d", daily["environment"]["DAILY_AT"])
    assert daily["environment"]["SECRET_KEY_FILE"] == "/run/secrets/secret_key"


def test_secrets_are_mounted_files_not_environment_literals(compose, services):
    declared = compose["secrets"]
    for name, service in services.items():
        environment = service.get("environment", {})
        assert isinstance(environment, dict), f"{name}: environment as a mapping"
        for variable in SECRETS:
            assert variable not in environment, f"{name} sets {variable} in the environment"
        for variable, value in environment.items():
            if variable.endswith("_FILE"):
                secret = value.removeprefix("/run/secrets/")
                assert value == f"/run/secrets/{secret}", f"{name}: {variable}"
                assert secret in service["secrets"], f"{name}: {secret} is not mounted"
                assert set(declared[secret]) == {"file"}, secret
    for secret in declared.values():
        assert secret["file"].startswith("./secrets/")
    assert "/secrets/" in (ROOT / ".gitignore").read_text().split()
    app = services["app1"]["environment"]
    assert {app["SECRET_KEY_FILE"], app["DATABASE_URL_FILE"]} == {
        "/run/secrets/secret_key",
        "/run/secrets/database_url",
    }
    assert app["HECHTWIJZER_ENCRYPTION_KEYS_FILE"] == "/run/secrets/encryption_keys"
    assert services["db"]["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/db_password"


def test_every_image_is_pinned_to_a_version(services):
    dockerfile = (ROOT / "Dockerfile").read_text()
    default_python = re.search(r"(?m)^ARG PYTHON_IMAGE=(\S+)$", dockerfile).group(1)
    images = [service["image"] for service in services.values()]
    images += [default_python]
    images += re.findall(r"(?m)^FROM (\S+)", dockerfile.replace("${PYTHON_IMAGE}", ""))
    for image in filter(None, images):
        _name, _, tag = image.partition(":")
        assert tag and tag != "latest" and re.search(r"\d", tag), image


def test_the_image_runs_as_an_unprivileged_user_without_compilers():
    dockerfile = (ROOT / "Dockerfile").read_text()
    *builders, final = stages(dockerfile)
    assert len(builders) >= 1  # a multi-stage build
    users = re.findall(r"(?m)^USER (\S+)$", final)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert "build-essential" in "".join(builders)  # compilers stay in the build stage
    for tool in ("build-essential", "gcc", "npm", "gettext"):
        assert tool not in final, tool
    # The one package the image installs: the PostgreSQL client, for backups.
    installs = re.findall(r"apt-get install -y --no-install-recommends ([^\n\\&]+)", final)
    assert [packages.split() for packages in installs] == [["postgresql-client-15"]]
    assert "COPY --from=build /opt/hechtwijzer /opt/hechtwijzer" in final


def test_the_image_can_back_up_the_database_of_its_compose_file(services):
    """`hechtwijzer backup` runs pg_dump, which refuses a server of a newer major version: the
    image's client is the database image's major version."""
    final = stages((ROOT / "Dockerfile").read_text())[-1]
    client = re.search(r"postgresql-client-(\d+)", final).group(1)
    server = re.match(r"postgres:(\d+)", services["db"]["image"]).group(1)
    assert client == server


def test_the_build_context_leaves_out_local_data_and_secrets():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".git", ".env", "secrets/", "var/", ".venv/", "bench/"):
        assert path in ignored, path
