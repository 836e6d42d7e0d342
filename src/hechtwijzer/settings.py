"""Hechtwijzer settings: one module, driven by environment variables.

Defaults give a working, safe development install on an embedded SQLite file under the data
directory. `HECHTWIJZER_ENV=production` switches on every setting an HTTPS deployment needs and
refuses to start without an explicit `SECRET_KEY` and `ALLOWED_HOSTS`.
"""

import datetime
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# --- tiny typed environment helpers ------------------------------------------------------------


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_str(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = env_str(name)
    if not raw:
        return list(default or [])
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_secret(name: str) -> str:
    """A secret from the variable NAME or from the file NAME_FILE names (a secret mounted into
    a container); never both, and a named file must be readable."""
    value = env_str(name)
    path = env_str(f"{name}_FILE")
    if value and path:
        raise ImproperlyConfigured(f"{name} and {name}_FILE are both set: use one of them")
    if not path:
        return value
    try:
        return Path(path).read_text().strip()
    except FileNotFoundError:
        raise ImproperlyConfigured(f"{name}_FILE={path!r}: no such file") from None
    except OSError as error:
        raise ImproperlyConfigured(
            f"{name}_FILE={path!r} cannot be read ({error.strerror})"
        ) from None


def private_directory(path: Path) -> Path:
    """Create the directory (and its parents) if needed; a directory created here is 0700,
    since it will hold the database, keys and backups."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode passes through the umask
    return path


def database_from_url(url: str) -> dict:
    """Translate a DATABASE_URL into Django's DATABASES entry.

    Supports `sqlite:///relative.db`, `sqlite:////absolute.db` and
    `postgres://user:password@host:port/name?option=value` (also `postgresql://`). Written here
    instead of adding a dependency: two schemes is all the product supports.
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ImproperlyConfigured("DATABASE_URL: a sqlite URL needs a file path")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                # WAL lets readers and one writer work at once (several gunicorn workers);
                # IMMEDIATE transactions take the write lock up front instead of failing later.
                # secure_delete overwrites deleted rows, so erased pupils' data does not linger.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL: a postgres URL needs a database name")
        options = dict(parse_qsl(parts.query))
        database = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            # A new PostgreSQL connection per request costs about 4x throughput: keep them,
            # and check them before reuse so a restarted server does not break a request.
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 600),
            "CONN_HEALTH_CHECKS": True,
        }
        pool = postgres_pool()
        if pool:
            # psycopg's pool (Django 5.2) per worker: connections are handed back after each
            # request instead of one idle connection held per worker. Django refuses
            # persistent connections beside a pool, so CONN_MAX_AGE is 0 here.
            options["pool"] = pool
            database["CONN_MAX_AGE"] = 0
            database["CONN_HEALTH_CHECKS"] = False  # the pool checks connections itself
        return database
    raise ImproperlyConfigured(
        f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use sqlite:/// or postgres://)"
    )


def postgres_pool() -> dict | None:
    """psycopg's connection pool for PostgreSQL, from HECHTWIJZER_DB_POOL_MIN/MAX (connections
    kept open / at most, per worker process) and HECHTWIJZER_DB_POOL_TIMEOUT (seconds a request
    waits for a free connection). HECHTWIJZER_DB_POOL=0 switches it off (one persistent
    connection per worker, CONN_MAX_AGE, as before). README, "Several app servers"."""
    if not env_bool("HECHTWIJZER_DB_POOL", True):
        return None
    low = env_int("HECHTWIJZER_DB_POOL_MIN", 1)
    high = env_int("HECHTWIJZER_DB_POOL_MAX", 4)
    timeout = env_int("HECHTWIJZER_DB_POOL_TIMEOUT", 10)
    if low < 0 or high < 1 or low > high:
        raise ImproperlyConfigured(
            f"HECHTWIJZER_DB_POOL_MIN={low} and HECHTWIJZER_DB_POOL_MAX={high}: "
            "need 0 <= MIN <= MAX and MAX >= 1"
        )
    if timeout < 1:
        raise ImproperlyConfigured("HECHTWIJZER_DB_POOL_TIMEOUT must be at least 1 second")
    return {"min_size": low, "max_size": high, "timeout": timeout}


def secret_key_from_file(path: Path) -> str:
    """Read the generated secret key, creating it once (mode 0600) when it does not exist."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    private_directory(path.parent)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it in the meantime
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


# --- environment -------------------------------------------------------------------------------

PACKAGE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = env_str("HECHTWIJZER_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"HECHTWIJZER_ENV={ENVIRONMENT!r} is unknown (use development or production)"
    )
PRODUCTION = ENVIRONMENT == "production"

# Everything the running app writes (SQLite database, generated secret key, collected static
# files) lives here, outside the source tree.
DATA_DIR = private_directory(Path(env_str("HECHTWIJZER_DATA_DIR", "var")).resolve())

DEBUG = env_bool("DEBUG", False)

# SECRET_KEY and DATABASE_URL (which holds the database password) may also come from the files
# SECRET_KEY_FILE and DATABASE_URL_FILE name: secrets mounted into containers (compose.yaml).
SECRET_KEY = env_secret("SECRET_KEY")
if PRODUCTION and not SECRET_KEY:
    raise ImproperlyConfigured(
        "HECHTWIJZER_ENV=production needs SECRET_KEY to be set (or SECRET_KEY_FILE)"
    )
SECRET_KEY = SECRET_KEY or secret_key_from_file(DATA_DIR / "secret_key")

# Keys for the notes encrypted at rest (hechtwijzer.crypto): `id:base64,id:base64`, the first
# is current, from HECHTWIJZER_ENCRYPTION_KEYS or the file HECHTWIJZER_ENCRYPTION_KEYS_FILE
# names (which also takes a JSON key file). The file is read again when a note names a key this
# process does not hold, so a rotated secret reaches running servers. Without either, a
# development install generates <data dir>/encryption_keys.json; production refuses to start
# (system check hw.E201), since every server must hold the same keys.
ENCRYPTION_KEYS_FILE = env_str("HECHTWIJZER_ENCRYPTION_KEYS_FILE")
ENCRYPTION_KEYS = env_secret("HECHTWIJZER_ENCRYPTION_KEYS")
if ENCRYPTION_KEYS_FILE and not ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        f"HECHTWIJZER_ENCRYPTION_KEYS_FILE={ENCRYPTION_KEYS_FILE!r} holds no key"
    )
if ENCRYPTION_KEYS:
    from hechtwijzer import crypto

    try:
        if ENCRYPTION_KEYS_FILE:
            crypto.read_keys_secret(Path(ENCRYPTION_KEYS_FILE))
        else:
            crypto.keyring_from_string(ENCRYPTION_KEYS)
    except crypto.KeyConfigurationError as error:
        raise ImproperlyConfigured(str(error)) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("HECHTWIJZER_ENV=production needs ALLOWED_HOSTS to be set")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATABASES = {
    "default": database_from_url(
        env_secret("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'hechtwijzer.sqlite3'}"
    )
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("CONN_MAX_AGE", 600))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- application ------------------------------------------------------------------------------

INSTALLED_APPS = [
    "hechtwijzer.web",  # first, so its templates (e.g. the admin's base) take precedence
    "hechtwijzer.schools",
    "hechtwijzer.audit",
    "hechtwijzer.administration",  # groups, staff, pupils' records, access to one pupil
    "hechtwijzer.knowledge",
    "hechtwijzer.observations",
    "hechtwijzer.care",
    "hechtwijzer.behaviour",
    "hechtwijzer.plans",
    "hechtwijzer.meetings",  # the care-team meeting: agenda, minutes, decisions
    "hechtwijzer.accounts",
    "hechtwijzer.privacy",  # retention, erasure, access export, backups, key rotation
    "hechtwijzer.reminders",  # e-mail reminders and `hechtwijzer daily`
    "hechtwijzer.readlinks",  # time-limited read links to one document, for people without accounts
    "hechtwijzer.parents",  # parent conversations, consent on the plan, the plan for parents
    "hechtwijzer.referrals",  # hand-off to care partners: referral, summary PDF, read link
    "hechtwijzer.transfer",  # transfer to another school: the report out, a received plan in
    "hechtwijzer.handover",  # the warm handover to next year's teacher
    "hechtwijzer.api",  # the REST API (/api/v1/) and personal API tokens
    "hechtwijzer.demo",  # `demo` and `generate`: fictional data through the domain apps
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files carry the header too.
    "hechtwijzer.web.middleware.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hechtwijzer.web.language.language_middleware",
    "django.middleware.common.CommonMiddleware",
    "hechtwijzer.web.middleware.utf8_forms",  # before any view or CSRF check reads the form
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hechtwijzer.accounts.middleware.session_limits",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "hechtwijzer.web.middleware.private_pages",
    # Last, as django-axes asks: turns a lockout flagged during log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hechtwijzer.urls"
# `make bench` (bench/run.py) serves the app with one extra page: a bare baseline that renders
# rows from one query with no access policy, audit or profile, to compare our pages against.
# It reads pupil names without any check, so it must never be served outside a benchmark.
BENCH = env_bool("HECHTWIJZER_BENCH", False)
if BENCH:
    if PRODUCTION:
        raise ImproperlyConfigured("HECHTWIJZER_BENCH is for benchmarks, never for production")
    ROOT_URLCONF = "hechtwijzer.bench_urls"
WSGI_APPLICATION = "hechtwijzer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hechtwijzer.web.context_processors.navigation",
            ],
        },
    },
]

# --- authentication and sessions --------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept so that hashes made before a hasher change can still be verified and upgraded.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "home"  # the home page is the log-in page for anonymous visitors
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# A session lasts a working day at most, counted from the log-in however busy it is
# (hechtwijzer.accounts.middleware.session_limits), and ends when the browser closes or at log-out.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Sessions live in the database, which every app server shares: a log-in on one server
# continues on the next (README, "Several app servers"). Never a per-process cache.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session unused this long ends (hechtwijzer.accounts.middleware.session_limits).
IDLE_TIMEOUT_MINUTES = env_int("IDLE_TIMEOUT_MINUTES", 30)
CSRF_COOKIE_HTTPONLY = True  # templates put the token in the page; scripts never read the cookie
CSRF_FAILURE_VIEW = "hechtwijzer.web.views.csrf_failure"
# Messages often name a pupil ("The scores of Piet …"): keep them in the server-side session,
# not in a (signed, but readable) cookie; only the newest few wait there (web/messages.py).
MESSAGE_STORAGE = "hechtwijzer.web.messages.BoundedSessionStorage"

# django-axes checks for a lock before any password is checked; ModelBackend checks passwords.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Throttling failed log-ins (django-axes, hechtwijzer.accounts.throttle). After
# AXES_FAILURE_LIMIT failures for one username (from any address, and so also for the pair of
# username and address), log-in to that account is refused for AXES_COOLOFF_MINUTES; other
# accounts behind the same address (a school's NAT) are not affected. One address is throttled
# for every username only after AXES_ADDRESS_FAILURE_LIMIT failures within the cool-off.
# Wrong two-step codes count as failures too. The lockout page is the same whether or not the
# account exists.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AXES_COOLOFF_MINUTES)  # axes' default: forever
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_HANDLER = "hechtwijzer.accounts.throttle.AccountAndAddressHandler"
# axes would log every successful log-in (username, address, browser) in its own table, for
# ever, outside the audit trail: the audit trail's auth.login entry is the one record.
AXES_DISABLE_ACCESS_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hechtwijzer.accounts.views.locked_out"
# One source of truth for the client's address: the throttle and the audit trail both use it.
AXES_CLIENT_IP_CALLABLE = "hechtwijzer.network.client_ip"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_ENABLE_ADMIN = False  # the admin is for school administrators, not for operators
AXES_VERBOSE = False
# How many proxies in front of the app append to X-Forwarded-For. 0: use REMOTE_ADDR. Set it
# to exactly the number of proxies: too high lets clients choose their address for the
# throttling; too low throttles the proxy's address (everyone at once).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0)

# Two-step log-in: the code page must be completed within this many seconds of the password.
TWO_FACTOR_STEP_SECONDS = env_int("TWO_FACTOR_STEP_SECONDS", 5 * 60)

# Invitations (hechtwijzer.administration.invitations): a new staff member, or one whose
# password the school administrator reset, chooses a password through a single-use link that
# expires after this many days. The link is mailed when the account has an address;
# BASE_URL is the address in front of it in mails and in `hechtwijzer invite`.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)

# The REST API's rate limit per token: at most API_RATE_LIMIT requests in each window of
# API_RATE_WINDOW_SECONDS (counted in the token's row, so every app server agrees; api/tokens.py).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 60)
_DEV_URL = f"http://{env_str('HOST', '127.0.0.1')}:{env_str('PORT', '8000')}"
BASE_URL = env_str("BASE_URL", "" if PRODUCTION else _DEV_URL).rstrip("/")

# --- e-mail (invitations, role notices, reminders) ---------------------------------------------
# Development prints mails on the console; production sends through the SMTP server given here.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")  # or EMAIL_HOST_PASSWORD_FILE
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "hechtwijzer@localhost")
# Seconds an SMTP connection may hang before the mail counts as failed (`hechtwijzer daily`).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Reminders (hechtwijzer.reminders, `hechtwijzer daily`): how a teacher's reminder names a
# pupil. "initials": first name and the initial of the last name ("Sanne V."); "none": no
# name, only the date and the link. The care coordinator's weekly digest holds counts only.
# The school's privacy officer decides (README, "Reminders").
REMINDER_PUPIL_NAMES = env_str("REMINDER_PUPIL_NAMES", "initials")
if REMINDER_PUPIL_NAMES not in {"initials", "none"}:
    raise ImproperlyConfigured(
        f"REMINDER_PUPIL_NAMES={REMINDER_PUPIL_NAMES!r}: use initials or none"
    )

# --- security headers --------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the app never uses, switched off for its pages and anything they might
# embed (hechtwijzer.web.middleware.permissions_policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # A load balancer asks the app servers for /healthz over plain HTTP on the inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is secure and host-only.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- language and time -------------------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- static files ------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Files served at the site's root: favicon.ico, which browsers ask for on every page, the PDFs
# and the JSON export included.
WHITENOISE_ROOT = PACKAGE_DIR / "web_root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- logging: no pupil data in application logs ------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
