"""Django settings, read from the environment (FAZHI_*). Defaults give the embedded setup:
SQLite in WAL mode and files under one data folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("FAZHI_DATA_DIR", "./var")).resolve()
# Only the service user may enter the data folder: it holds the database, keys and evidence.
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    """From the environment, else generated once and kept in the data folder (mode 0600)."""
    if os.environ.get("FAZHI_SECRET_KEY"):
        return os.environ["FAZHI_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _bool("FAZHI_DEBUG")
ALLOWED_HOSTS = [
    h for h in os.environ.get("FAZHI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "fazhi.orgs",
    "fazhi.frameworks",
    "fazhi.assessments",
    "fazhi.audit",
    "fazhi.workplan",
    "fazhi.workdays",
    "fazhi.security",
    "fazhi.web",
    "fazhi.ops",
    "fazhi.registers",
    "fazhi.review",
    "fazhi.ledgers",
    "fazhi.decisions",
    "fazhi.enforcement",
]

MIDDLEWARE = [
    "fazhi.ops.middleware.DatabaseUnavailableMiddleware",
    "fazhi.audit.middleware.ClientAddressMiddleware",
    "fazhi.web.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "fazhi.web.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fazhi.orgs.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fazhi.urls"
WSGI_APPLICATION = "fazhi.wsgi.application"

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
                "fazhi.workplan.context.reminders",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("FAZHI_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'fazhi.sqlite3'}",
        conn_max_age=int(os.environ.get("FAZHI_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,  # a connection dropped while idle is replaced, not served a 503
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DATABASES["default"]["NAME"] == ":memory:" else 60

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "fazhi.orgs.passwords.PolicyValidator",
        "OPTIONS": {"min_length": 8, "min_classes": 3},
    },
    {"NAME": "fazhi.orgs.passwords.CommonValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only for a deployment that runs collectstatic; the app serves its own assets anyway.
STATIC_ROOT = os.environ.get("FAZHI_STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "evidence"), "file_permissions_mode": 0o640},
    },
}
# Serve static files straight from the app folders (no collectstatic step for the
# embedded setup); WhiteNoise still adds caching headers.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Sign-in security (等保 2.0): lockout, timeouts, password age.
FAZHI_LOCKOUT_THRESHOLD = int(os.environ.get("FAZHI_LOCKOUT_THRESHOLD", "5"))
FAZHI_LOCKOUT_WINDOW_MINUTES = int(os.environ.get("FAZHI_LOCKOUT_WINDOW_MINUTES", "15"))
FAZHI_LOCKOUT_MINUTES = int(os.environ.get("FAZHI_LOCKOUT_MINUTES", "15"))
# Failed sign-ins from one address within the lockout window before it is refused outright.
FAZHI_LOGIN_ADDRESS_LIMIT = int(os.environ.get("FAZHI_LOGIN_ADDRESS_LIMIT", "20"))
FAZHI_SESSION_IDLE_MINUTES = int(os.environ.get("FAZHI_SESSION_IDLE_MINUTES", "30"))
FAZHI_SESSION_MAX_HOURS = int(os.environ.get("FAZHI_SESSION_MAX_HOURS", "8"))
FAZHI_PASSWORD_MAX_AGE_DAYS = int(
    os.environ.get("FAZHI_PASSWORD_MAX_AGE_DAYS", "90")
)  # 0: no maximum age

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = FAZHI_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_SECURE = _bool("FAZHI_HTTPS")
CSRF_COOKIE_SECURE = _bool("FAZHI_HTTPS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Upload limits: evidence files up to FAZHI_MAX_UPLOAD_MB; bigger requests are refused.
FAZHI_MAX_UPLOAD_BYTES = int(float(os.environ.get("FAZHI_MAX_UPLOAD_MB", "50")) * 1024 * 1024)
FAZHI_MAX_REQUEST_BYTES = FAZHI_MAX_UPLOAD_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
(DATA_DIR / "tmp").mkdir(exist_ok=True)

FAZHI_FRAMEWORKS_DIR = Path(
    os.environ.get("FAZHI_FRAMEWORKS_DIR", BASE_DIR.parent.parent / "frameworks")
)
FAZHI_PLANS_DIR = Path(os.environ.get("FAZHI_PLANS_DIR", BASE_DIR.parent.parent / "plans"))
# The audit chain's head is anchored here, outside the database (keep it on other storage).
FAZHI_AUDIT_CHECKPOINT = os.environ.get("FAZHI_AUDIT_CHECKPOINT", "")
FAZHI_TOKEN_TTL_HOURS = int(os.environ.get("FAZHI_TOKEN_TTL_HOURS", "12"))
FAZHI_KEY_FILE = Path(
    os.environ.get("FAZHI_KEY_FILE") or DATA_DIR / "keys.json"
)  # SM4/SM3 keys; FAZHI_KEYS (JSON) overrides

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FAZHI_LOG_LEVEL", "WARNING")},
}

AUTHENTICATION_BACKENDS = ["fazhi.orgs.backends.OrgModelBackend"]

# E-mail reminders go out only when an SMTP server is configured; in-app ones always.
EMAIL_HOST = os.environ.get("FAZHI_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("FAZHI_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("FAZHI_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("FAZHI_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _bool("FAZHI_SMTP_TLS")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("FAZHI_MAIL_FROM", "fazhi@localhost")
# The platform's address as users reach it, for the links in reminder e-mails.
FAZHI_SITE_URL = os.environ.get("FAZHI_SITE_URL", "").rstrip("/")
