"""Settings for the cadre secondment system (干部挂职锻炼管理系统).

This is the only module that reads the environment. Every variable is listed in
``.env.example``. Production defaults are the safe ones: ``DEBUG`` is off and a
secret key must be given. ``DJANGO_DEMO`` is `make run`'s demo mode: ``DEBUG`` off too,
plain HTTP for this machine only, and a secret generated once into a local file.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def demo_secret_key(path: Path) -> str:
    """Demo mode's secret: generated once into ``path``, readable by its owner only, and reused.
    Created by a hard link from a file of this process's own, so processes starting together
    (web, worker, beat) all read the one that won."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(64) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    key = path.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable secret key: delete it and a new one is generated.")
    return key


DEBUG = env_bool("DJANGO_DEBUG", default=False)
# Demo mode (`make run`): DEBUG stays off, so no debug page is ever shown; plain HTTP, and only
# for this machine (the demo's accounts share a published password). It refuses whatever says
# it is a server: DEBUG, or a host name or origin that is not the loopback address.
DEMO_MODE = env_bool("DJANGO_DEMO", default=False)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEMO_MODE:
        SECRET_KEY = demo_secret_key(Path(os.environ.get("DJANGO_DEMO_SECRET_FILE", BASE_DIR / "var" / "demo-secret-key")))
    elif not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    else:
        SECRET_KEY = "insecure-development-key-only-for-debug-mode-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or DEMO_MODE else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
if DEMO_MODE:
    if DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_DEMO runs with DEBUG off, so that no debug page is shown: unset DJANGO_DEBUG."
        )
    if set(ALLOWED_HOSTS) - set(LOOPBACK_HOSTS):
        raise ImproperlyConfigured(
            f"DJANGO_DEMO serves this machine only, but DJANGO_ALLOWED_HOSTS names {', '.join(ALLOWED_HOSTS)}. "
            "The demo's accounts share a published password: never set DJANGO_DEMO on a server."
        )
    if any(urlsplit(origin).hostname not in LOOPBACK_HOSTS for origin in CSRF_TRUSTED_ORIGINS):
        raise ImproperlyConfigured(
            f"DJANGO_DEMO serves this machine only, but DJANGO_CSRF_TRUSTED_ORIGINS names "
            f"{', '.join(CSRF_TRUSTED_ORIGINS)}. Never set DJANGO_DEMO on a server."
        )
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "import_export",
    "core",
    "programs",
    "selection",
    "daily",
    "duties",
    "reports",
    "assessments",
    "archives",
    "portal",
    # Last, as it asks: a replaced or deleted upload's file is removed once the change commits.
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    *(["core.middleware.LoopbackOnlyMiddleware"] if DEMO_MODE else []),
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.NulRefusalMiddleware",
    "core.middleware.UnheldUploadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "secondment.urls"

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
                "portal.context_processors.waiting",
            ],
        },
    },
]

WSGI_APPLICATION = "secondment.wsgi.application"

# Database: DATABASE_URL (PostgreSQL in production); SQLite in the project folder by default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is used by the web process and a worker process at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"

# Chinese throughout; dates as Chinese users type them (see secondment/formats).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["secondment.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Documents users upload (applications, reports): PDF, Word or images up to this size.
UPLOAD_DOCUMENT_MAX_BYTES = int(os.environ.get("UPLOAD_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# Behind nginx: the internal location that serves MEDIA_ROOT after the access check (core.files).
MEDIA_X_ACCEL_PREFIX = os.environ.get("DJANGO_MEDIA_X_ACCEL_PREFIX", "")
STORAGES = {
    "default": {"BACKEND": "core.files.ProtectedFileStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or DEMO_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The demo serves static files straight from the apps (WhiteNoise's finders): nothing to collect
# before `make run`, and what it shows is always the checkout's.
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE

# Security: production defaults, relaxed only in DEBUG and in demo mode (plain HTTP on this machine).
PLAIN_HTTP = DEBUG or DEMO_MODE
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not PLAIN_HTTP)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(8 * 3600)))
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=not PLAIN_HTTP)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if PLAIN_HTTP else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not PLAIN_HTTP
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers and monitoring poll the health check over plain HTTP on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a per-site decision for the intranet's operators (DJANGO_HSTS_PRELOAD).
    "security.W021",
]

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@secondment.local")
# The address users reach the site at, for links in e-mails (e.g. http://guazhi.zzb.gov.cn).
SITE_URL = os.environ.get("SITE_URL", "")


def filesystem_broker_options(folder: Path) -> dict:
    """Where kombu's filesystem transport keeps messages; secondment.celery creates the folders."""
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        # Without it kombu writes its exchange tables to ./control in the working directory.
        "control_folder": str(folder / "control"),
        "store_processed": False,
        # kombu polls the folder once a second by default, so a worker took only one job per
        # second per process; a tenth of a second keeps a backlog moving at little cost.
        "polling_interval": 0.1,
    }


def redis_broker_options() -> dict:
    """Redis transport options: fail fast when Redis is down.

    kombu's default keeps retrying for several seconds before a send fails; the outbox would
    hold a web request that long. The job stays pending and the dispatcher sends it later.
    """
    return {
        "visibility_timeout": 3600,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "socket_connect_timeout": 2,
    }


# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport, so the embedded
# default still runs jobs in a separate worker process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_DATA_DIR = Path(os.environ.get("CELERY_DATA_DIR", BASE_DIR / "var" / "celery"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = redis_broker_options()
else:
    # The filesystem transport ignores the host; naming one keeps kombu from warning on each send.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_DATA_DIR)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "600"))
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "540"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
from celery.schedules import crontab  # noqa: E402 (only the beat schedule needs it)

# Daily jobs run at CELERY_TIMEZONE (Asia/Shanghai) wall-clock times.
CELERY_BEAT_SCHEDULE = {
    "jobs-dispatch-pending": {"task": "core.jobs_dispatch_pending", "schedule": 60.0},
    # R12: make sure every active placement's reports are scheduled, before the reminders go out.
    "reports-schedule-all": {"task": "reports.schedule_all", "schedule": crontab(hour=7, minute=0)},
    # R12: report reminders 7 days and 1 day before the due date and the day after it was missed.
    "reports-send-reminders": {"task": "reports.send_reminders", "schedule": crontab(hour=7, minute=30)},
}
# Jobs the broker has not taken after this many seconds are sent again by the dispatcher.
JOBS_RESEND_AFTER_SECONDS = int(os.environ.get("JOBS_RESEND_AFTER_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own console handler (DEBUG only) would print each of its records a second time: they
    # reach the root's handler. An expected 403 is one line (core.views.permission_denied).
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# The demo accounts' published password (seed_demo refuses a database holding accounts it did not
# create, unless forced).
DEMO_PASSWORD = "demo-pass-2026"

# Spreadsheet import and export (core.spreadsheets, core.import_admin). Import/export rights
# are the permissions <app>.import_<model> / <app>.export_<model> (programs.roles).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True  # one summary audit row per import, not a log entry per row
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# The preview's uploaded file waits for the confirm step in the system temp folder, never
# under MEDIA_ROOT (not served by anything).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.TempFolderStorage"
SPREADSHEET_MAX_UPLOAD_BYTES = int(os.environ.get("SPREADSHEET_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
SPREADSHEET_IMPORT_MAX_ROWS = int(os.environ.get("SPREADSHEET_IMPORT_MAX_ROWS", "20000"))
SPREADSHEET_IMPORT_JOB_MAX_ROWS = int(os.environ.get("SPREADSHEET_IMPORT_JOB_MAX_ROWS", "200000"))
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("SPREADSHEET_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024)))
SPREADSHEET_MAX_COMPRESSION_RATIO = int(os.environ.get("SPREADSHEET_MAX_COMPRESSION_RATIO", "200"))
SPREADSHEET_MAX_ZIP_MEMBERS = 1000
