"""Django settings for Steward. Every value comes from the environment (see CONTRACT.md)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import bootstrap as bootstrap_static  # the django-bootstrap-static wheel
import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _home() -> Path:
    home = Path(os.environ.get("STEWARD_HOME", "./.steward")).expanduser().resolve()
    if not home.exists():
        # The home holds the database, backups and the secret key: only its owner may read it.
        home.mkdir(mode=0o700, parents=True)
    (home / "static").mkdir(parents=True, exist_ok=True)
    return home


STEWARD_HOME = _home()


def private_file(path: Path) -> None:
    """Create `path` (if missing) readable and writable by its owner only; tighten it if not."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(descriptor)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)


def _secret_key() -> str:
    from_env = os.environ.get("STEWARD_SECRET_KEY")
    if from_env:
        return from_env
    key_file = STEWARD_HOME / "secret_key"
    if not key_file.exists():
        private_file(key_file)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("STEWARD_DEBUG", "") == "1"
# The host names the server answers to: the local names unless configured; `steward serve
# --host H` adds H (core.server). Never `*` by default (Host header attacks on links and mail).
LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("STEWARD_ALLOWED_HOSTS", "").split(",") if h.strip()
] or list(LOCAL_HOSTS)
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("STEWARD_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "auditlog",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_tables2",
    "django_filters",
    "steward.core",
    "steward.org",
    "steward.engineering",
    "steward.orgdesign",
    "steward.architecture",
    "steward.strategy",
    "steward.growth",
    "steward.finance",
    "steward.talent",
    "steward.cockpit",
    "steward.demo",
    "steward.knowledge",
    "steward.worktracking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "steward.core.middleware.ApiJsonErrorsMiddleware",
    "steward.core.dbbusy.DatabaseBusyMiddleware",
    "steward.core.middleware.MalformedRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "steward.core.audit.AuditContextMiddleware",  # auditlog's, one receiver for all requests
    "steward.core.requestmemo.RequestMemoMiddleware",  # small reads once per page
    "steward.core.middleware.SecurityHeadersMiddleware",
    "steward.core.middleware.LoginRequiredMiddleware",
    "steward.core.middleware.BadInputPageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "steward.urls"
WSGI_APPLICATION = "steward.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "steward.core.navigation.navigation",
            ],
            # The formatting filters (money, number, date, label, ...) in every template.
            "builtins": ["steward.core.templatetags.steward_format"],
        },
    },
]

# Inputs, selects and text areas written in Python, the same bytes as Django's templates.
FORM_RENDERER = "steward.core.widgets.FormRenderer"


def _busy_timeout() -> float:
    """Seconds a SQLite writer waits for another process's write lock before giving up."""
    raw = os.environ.get("STEWARD_SQLITE_BUSY_TIMEOUT", "60")
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"STEWARD_SQLITE_BUSY_TIMEOUT={raw!r}: give seconds between 0 and 3600 (default 60)"
        )
    return seconds


STEWARD_SQLITE_BUSY_TIMEOUT = _busy_timeout()


def _sqlite_file() -> Path:
    """The database file, created 0600 so SQLite makes its -wal and -shm files 0600 too."""
    database = STEWARD_HOME / "steward.sqlite3"
    private_file(database)
    for companion in ("-wal", "-shm"):
        other = database.with_name(database.name + companion)
        if other.exists() and other.stat().st_mode & 0o077:
            other.chmod(0o600)
    return database


def _databases() -> dict[str, dict[str, object]]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return {"default": dict(dj_database_url.parse(url, conn_max_age=60))}
    # Processes share the file: WAL lets readers go on while one writer writes; every
    # transaction takes the write lock when it begins (IMMEDIATE), so a reader that later
    # writes cannot deadlock against another; a writer waits up to the busy timeout.
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_sqlite_file()),
            "OPTIONS": {
                "timeout": STEWARD_SQLITE_BUSY_TIMEOUT,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    f"PRAGMA busy_timeout={int(STEWARD_SQLITE_BUSY_TIMEOUT * 1000)}; "
                    "PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Largest YAML (or role Markdown) file an import reads, in bytes (docs/security.md).
STEWARD_YAML_MAX_BYTES = int(os.environ.get("STEWARD_YAML_MAX_BYTES", str(16 * 1024 * 1024)))

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
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
AUTHENTICATION_BACKENDS = [
    "steward.core.auth.LockoutBackend",  # first: refuses locked (user name, address) pairs
    "steward.core.auth.PasswordBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Login lock-out (django-axes): this many failures for one user name from one address within
# the window lock that pair, and only that pair.
STEWARD_LOGIN_MAX_FAILURES = int(os.environ.get("STEWARD_LOGIN_MAX_FAILURES", "5"))
STEWARD_LOGIN_WINDOW_SECONDS = int(os.environ.get("STEWARD_LOGIN_WINDOW_SECONDS", "900"))
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# without them the client address is REMOTE_ADDR and X-Forwarded-For is ignored.
STEWARD_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("STEWARD_TRUSTED_PROXIES", "").split(",") if p.strip()
]
AXES_FAILURE_LIMIT = STEWARD_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = timedelta(seconds=STEWARD_LOGIN_WINDOW_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "steward.core.auth.client_address"
AXES_VERBOSE = False

# Expensive work (the portfolio solve): the wall-clock limit of one solve in seconds, and how many
# may run at once in one server process (below the server's 4 threads; docs/security.md).
STEWARD_SOLVE_SECONDS = float(os.environ.get("STEWARD_SOLVE_SECONDS", "20"))
STEWARD_EXPENSIVE_CONCURRENCY = int(os.environ.get("STEWARD_EXPENSIVE_CONCURRENCY", "2"))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "steward_cache",
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SAMESITE = "Lax"
# Pages and HTMX take the token from the template ({% csrf_token %}, hx-headers); no script
# reads the cookie, so it is HttpOnly.
CSRF_COOKIE_HTTPONLY = True
_SECURE = os.environ.get("STEWARD_SECURE_COOKIES", "") == "1"
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = STEWARD_HOME / "static"
# Bootstrap 5 comes from the django-bootstrap-static wheel (its `static/bootstrap/`), served
# by whitenoise like our own files: no CDN, no npm build.
STATICFILES_DIRS = [BASE_DIR / "static", Path(bootstrap_static.__file__).parent / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",
    "admin.logentry",
    "contenttypes",
    "ninja",
    "auditlog",
    "axes",
    "django_tasks_database",  # the app label of django_tasks_db: job results are not user data
    "core.loginattempt",
    "strategy.plansolution",
    "cockpit.findingrun",
    "cockpit.storedfinding",
    # Figures ingestion keeps per repository (recomputed from the commits, which are evidence):
    # the repository's own audited row records that an ingestion changed them.
    "engineering.authorsummary",
    "engineering.authorday",
    "engineering.authordaykey",
)
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("last_login",)
# A password change is logged as a change, never with the hashes (core.migrations scrubs old ones).
AUDITLOG_MASK_TRACKING_FIELDS = ("password",)
AUDITLOG_MASK_CALLABLE = "steward.core.auth.audit_mask"
AUDITLOG_DISABLE_REMOTE_ADDR = False

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STEWARD_LOG_LEVEL", "WARNING")},
}

# The small-group rule (METRICS.md): figures about fewer people than this are hidden from roles
# that may not see them per person; never below 3.
STEWARD_MIN_GROUP_SIZE = max(3, int(os.environ.get("STEWARD_MIN_GROUP_SIZE", "5")))

# The reporting currency and exchange rates to it (units of reporting currency per unit).
STEWARD_REPORTING_CURRENCY = os.environ.get("STEWARD_REPORTING_CURRENCY", "EUR")
