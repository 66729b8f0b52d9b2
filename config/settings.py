"""Settings for the one-visit screening scheduler, read from environment variables.

Every name is documented in README.md with its default. A deployment serves one YOT.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from accounts.client_address import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
# Without DEBUG the web entry points (config/wsgi.py, config/asgi.py) refuse to serve
# unless SECRET_KEY is given. Commands that sign nothing (migrate, makemigrations --check,
# the background worker) still run, with a throwaway key that `check --deploy` flags.
SECRET_KEY_GIVEN = bool(SECRET_KEY)
if not SECRET_KEY:
    SECRET_KEY = (
        "django-insecure-local-demo-key-only-for-debug-mode"
        if DEBUG
        else "django-insecure-unset-" + secrets.token_urlsafe(40)
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where the reply link in texts points (`/r/{token}`), when a shorter address than
# PUBLIC_BASE_URL serves the same site; empty: PUBLIC_BASE_URL.
REPLY_LINK_BASE_URL = env_str("REPLY_LINK_BASE_URL", "").rstrip("/")
# Requests to one reply link, and from one address to any reply link, allowed per hour.
REPLY_LINK_RATE_PER_TOKEN = env_int("REPLY_LINK_RATE_PER_TOKEN", 30)
REPLY_LINK_RATE_PER_ADDRESS = env_int("REPLY_LINK_RATE_PER_ADDRESS", 60)
CSRF_TRUSTED_ORIGINS = [PUBLIC_BASE_URL] if PUBLIC_BASE_URL.startswith("https://") else []

YOT_TIMEZONE = env_str("YOT_TIMEZONE", "Europe/London")
try:
    ZoneInfo(YOT_TIMEZONE)
except (ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"YOT_TIMEZONE {YOT_TIMEZONE!r} is not a named time zone") from exc
YOT_NAME = env_str("YOT_NAME", "Youth Justice Service")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "schedule",
    "accounts",
    "agencies",
    "screening",
    "demo",
    "api",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "frontend.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: the visitor's choice (the language cookie set by /i18n/setlang/),
    # else the browser's Accept-Language, else English (docs/decisions/0021).
    "django.middleware.locale.LocaleMiddleware",
    # Signing in sets the language cookie from the login's saved language (frontend/language.py).
    "frontend.language.SignedInLanguageMiddleware",
    "frontend.middleware.EnglishApiMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default: WAL so readers never wait for the writer, and IMMEDIATE
# transactions so two writers queue on the lock at BEGIN instead of deadlocking
# when both try to upgrade a read lock mid-transaction.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    test_db = env_str("SQLITE_TEST_NAME")
    if test_db:
        DATABASES["default"]["TEST"] = {"NAME": test_db}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, told the parameter limit of server-side binding (config/postgresql).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    # Parameters bound by the server, and statements a connection runs again and again
    # (the booking re-check, the outbox claims) prepared once: less work per query for
    # both Python and PostgreSQL (ADR 0008). Behind a transaction-mode pooler that cannot
    # keep prepared statements (PgBouncer before 1.21), set DATABASE_PREPARE_THRESHOLD=0.
    server_binding = env_bool("DATABASE_SERVER_SIDE_BINDING", True)
    prepare_after = env_int("DATABASE_PREPARE_THRESHOLD", 5)
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": server_binding,
        # Only a server-bound statement can be prepared.
        "prepare_threshold": prepare_after if server_binding and prepare_after > 0 else None,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The service in English and Welsh (Welsh Language Standards). The Welsh catalogue is
# locale/cy/LC_MESSAGES/django.po, compiled to django.mo and committed; a Welsh speaker must
# review it before the service is used in Wales (docs/decisions/0021).
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The chosen language lasts a year in its cookie, so it survives signing out and in again.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = YOT_TIMEZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "/assets/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# In production (`scripts/serve`) `collectstatic` writes the static files once, compressed
# and with a content hash in each name, and the web process serves them itself (WhiteNoise)
# with a year's caching. Elsewhere (the demo's runserver, the tests' live server) they are
# served unhashed straight from the apps and node_modules.
STATIC_FILES_HASHED = env_bool("STATIC_FILES_HASHED", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if STATIC_FILES_HASHED:
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

LOGIN_URL = "/admin/login/"

# Security: secure by default whenever DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies whose X-Forwarded-For is believed (addresses or networks), one setting for
# throttling and the sign-in lockout (accounts/client_address.py); scripts/serve passes it to
# gunicorn too. Empty: no proxy is trusted and the connecting address is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    parse_networks(TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc

# The cache every web process shares: throttle counts live here. The database by default
# (`manage.py createcachetable`, which scripts/serve and scripts/run-demo run), Redis when
# CACHE_URL is set (e.g. redis://127.0.0.1:6379/1).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a Redis address, not {CACHE_URL!r}")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }

# Email (Django's EMAIL_* names); the console backend unless configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "screening@yot.example.org")

# SMS. Only "console" and "fake" never reach a real phone.
SMS_BACKEND = env_str("SMS_BACKEND", "console")
SMS_SAFE_BACKENDS = {"console", "fake"}
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID")

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")

# Text messages (DESIGN.md rule 7 and "Messages"): wording, timing and the dispatcher.
SMS_SERVICE_NAME = env_str("SMS_SERVICE_NAME", "Youth Support")
SMS_QUIET_HOURS = env_str("SMS_QUIET_HOURS", "21:00-08:00")
SMS_DAY_BEFORE_AT = env_str("SMS_DAY_BEFORE_AT", "17:00")
SMS_MORNING_AT = env_str("SMS_MORNING_AT", "08:00")
SMS_MORNING_FROM = env_str("SMS_MORNING_FROM", "10:00")
_HHMM = r"([01]\d|2[0-3]):[0-5]\d"
for _name, _pattern in [
    ("SMS_DAY_BEFORE_AT", _HHMM),
    ("SMS_MORNING_AT", _HHMM),
    ("SMS_MORNING_FROM", _HHMM),
    ("SMS_QUIET_HOURS", f"{_HHMM}-{_HHMM}"),
]:
    if not re.fullmatch(_pattern, globals()[_name]):
        raise ImproperlyConfigured(f"{_name} must look like {_pattern!r}, not {globals()[_name]!r}")
SMS_ANSWER_HELP = env_bool("SMS_ANSWER_HELP", True)
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 6)
SMS_BATCH_SIZE = env_int("SMS_BATCH_SIZE", 50)
SMS_LEASE_SECONDS = env_int("SMS_LEASE_SECONDS", 300)
SMS_RECONCILE_AFTER_SECONDS = env_int("SMS_RECONCILE_AFTER_SECONDS", 60)
SMS_DISPATCH_INTERVAL_SECONDS = env_int("SMS_DISPATCH_INTERVAL_SECONDS", 5)
# A text's body (and a reply's) is cleared this many local days after it was sent or
# received; its status, times and purpose stay (the retention schedule).
MESSAGE_BODY_RETENTION_DAYS = env_int("MESSAGE_BODY_RETENTION_DAYS", 30)
TWILIO_TIMEOUT_SECONDS = env_int("TWILIO_TIMEOUT_SECONDS", 10)
# Sending pace per sender (a from number or Messaging Service SID), for each dispatcher
# worker: requests kept in flight at once, and texts a second (0: no pace of our own; the
# provider's 429s slow it). SMS_SENDER_LIMITS overrides both for named senders:
# "+447400999111=30/8,MG0123...=100/24" (rate/in flight).
SMS_IN_FLIGHT = env_int("SMS_IN_FLIGHT", 8)
SMS_RATE_PER_SECOND = env_int("SMS_RATE_PER_SECOND", 0)
SMS_SENDER_LIMITS: dict[str, tuple[float, int]] = {}
for _item in env_list("SMS_SENDER_LIMITS"):
    _match = re.fullmatch(r"(\S+)=(\d+(?:\.\d+)?)/([1-9]\d*)", _item)
    if not _match:
        raise ImproperlyConfigured(
            f"SMS_SENDER_LIMITS entries look like +447400999111=30/8 (sender=rate/in flight), "
            f"not {_item!r}"
        )
    SMS_SENDER_LIMITS[_match[1]] = (float(_match[2]), int(_match[3]))
if SMS_IN_FLIGHT < 1 or SMS_RATE_PER_SECOND < 0:
    raise ImproperlyConfigured("SMS_IN_FLIGHT must be at least 1 and SMS_RATE_PER_SECOND 0 or more")
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 12)

# Deadlines in working days (DESIGN.md "Deadlines").
SCREENING_DEADLINES = {
    "visit_working_days": env_int("VISIT_DUE_WORKING_DAYS", 5),
    "findings_working_days": env_int("FINDINGS_DUE_WORKING_DAYS", 2),
    "assessment_working_days_referral_order": env_int("ASSESSMENT_DUE_WORKING_DAYS_REFERRAL", 20),
    "assessment_working_days_other": env_int("ASSESSMENT_DUE_WORKING_DAYS_OTHER", 15),
    "missed_visit_rebook_working_days": env_int("MISSED_VISIT_REBOOK_WORKING_DAYS", 5),
    # Reviews: every N calendar months after the last sign-off, and within N working days of
    # significant new information.
    "review_interval_months": env_int("REVIEW_INTERVAL_MONTHS", 3),
    "review_on_new_information_working_days": env_int("REVIEW_ON_NEW_INFORMATION_WORKING_DAYS", 5),
}

# Management oversight: calendar days (in the YOT's zone) a case judged high or very high risk
# of serious harm may go without a manager's review (screening/oversight/selectors.py).
OVERSIGHT_HIGH_RISK_REVIEW_DAYS = env_int("OVERSIGHT_HIGH_RISK_REVIEW_DAYS", 28)
if OVERSIGHT_HIGH_RISK_REVIEW_DAYS < 1:
    raise ImproperlyConfigured("OVERSIGHT_HIGH_RISK_REVIEW_DAYS must be at least 1")

# Scheduling defaults (DESIGN.md "Scheduling model").
SCREENING_SCHEDULING = {
    "min_gap_minutes": env_int("MIN_GAP_MINUTES", 5),
    "max_gap_minutes": env_int("MAX_GAP_MINUTES", 60),
    "minimum_notice_minutes": env_int("MINIMUM_NOTICE_MINUTES", 120),
    "search_horizon_days": env_int("SEARCH_HORIZON_DAYS", 90),
    # The visit search reads this many days first and widens only when it must (0: all).
    "first_window_days": env_int("SEARCH_FIRST_WINDOW_DAYS", 14),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    # JSON everywhere (API.md); the Twilio webhooks opt into form parsing on their own.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.SummarisedAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "TIME_FORMAT": "%H:%M",
    "TIME_INPUT_FORMATS": ["%H:%M", "%H:%M:%S"],
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_THROTTLE_RATES": {"auth": env_str("AUTH_THROTTLE_RATE", "20/minute")},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "One-visit screening scheduler API",
    "DESCRIPTION": "Version 1 of the HTTP contract partners rely on.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "AssessmentKindEnum": "screening.models.AssessmentKind",
        "NewInformationKindEnum": "screening.models.NewInformationKind",
        "IsoLanguageEnum": "agencies.languages.LANGUAGE_CHOICES",
    },
}

# Every handler redacts secret query values (calendar feed tokens) before writing
# (config/logs.py); gunicorn's access log does the same (config/gunicorn_logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "config.logs.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        # runserver's request lines (the demo), which carry the query string.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers for these are replaced by the redacting ones above.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # The Twilio client logs every request and its headers at INFO.
        "twilio.http_client": {"level": "WARNING"},
    },
}

# Calendars (README "Configuration"): importing practitioners' own calendars. Fetching
# from loopback or private addresses is refused unless allowed (on by default only with
# DEBUG, for local testing). The background worker reads each file in a child process
# stopped after parse_seconds and limited to parse_memory_mb.
CALENDAR_IMPORT = {
    "allow_private": env_bool("CALENDAR_IMPORT_ALLOW_PRIVATE", DEBUG),
    "max_bytes": env_int("CALENDAR_IMPORT_MAX_BYTES", 2 * 1024 * 1024),
    "timeout_seconds": env_int("CALENDAR_IMPORT_TIMEOUT_SECONDS", 10),
    "refresh_minutes": env_int("CALENDAR_IMPORT_REFRESH_MINUTES", 60),
    "parse_seconds": env_int("CALENDAR_IMPORT_PARSE_SECONDS", 20),
    "parse_memory_mb": env_int("CALENDAR_IMPORT_PARSE_MEMORY_MB", 256),
}

# Calendar invite emails (docs/decisions/0005-calendars.md): the outbox the background
# worker sends from. An SMTP server that never answers must not hold a claim past its
# lease, so sends have a time limit (Django's EMAIL_TIMEOUT, far below the lease).
INVITE_MAX_ATTEMPTS = env_int("INVITE_MAX_ATTEMPTS", 6)
INVITE_BATCH_SIZE = env_int("INVITE_BATCH_SIZE", 20)
INVITE_LEASE_SECONDS = env_int("INVITE_LEASE_SECONDS", 300)
INVITE_RETRY_SECONDS = env_int("INVITE_RETRY_SECONDS", 60)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Urgent-alert emails (screening/assessment/alert_emails.py): their own outbox, planned in
# the submission's transaction and sent, retried and failed with an admin task like the
# invites.
ALERT_EMAIL_MAX_ATTEMPTS = env_int("ALERT_EMAIL_MAX_ATTEMPTS", 6)
ALERT_EMAIL_RETRY_SECONDS = env_int("ALERT_EMAIL_RETRY_SECONDS", 60)
ALERT_EMAIL_BATCH_SIZE = env_int("ALERT_EMAIL_BATCH_SIZE", 20)
ALERT_EMAIL_LEASE_SECONDS = env_int("ALERT_EMAIL_LEASE_SECONDS", 300)
# Work-list emails (screening/assessment/work_emails.py): drafts sent for sign-off, signed
# off or reopened, findings arrived; their own outbox, sent like the urgent-alert emails.
WORK_EMAIL_MAX_ATTEMPTS = env_int("WORK_EMAIL_MAX_ATTEMPTS", 6)
WORK_EMAIL_RETRY_SECONDS = env_int("WORK_EMAIL_RETRY_SECONDS", 60)
WORK_EMAIL_BATCH_SIZE = env_int("WORK_EMAIL_BATCH_SIZE", 20)
WORK_EMAIL_LEASE_SECONDS = env_int("WORK_EMAIL_LEASE_SECONDS", 300)

# Backups (`manage.py backup` / `restore`, README "Backups"): the folder they are written to.
# They hold every record, personal data included: keep the folder encrypted and private.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))

# --- Web pages and sign-in (frontend/) ----------------------------------------------------
# GOV.UK Frontend and MoJ Frontend are served prebuilt from node_modules (npm ci by
# scripts/bootstrap): their CSS refers to /assets/fonts and /assets/images, so each
# package's assets folder is a static root of its own.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
    NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets",
    NODE_MODULES / "@ministryofjustice" / "frontend" / "moj" / "assets",
]
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += [
    "frontend.middleware.TwoFactorSessionMiddleware",
    "frontend.middleware.IdleTimeoutMiddleware",
    "axes.middleware.AxesMiddleware",
]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("frontend.context.service")
LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# Two-factor is on by default in production (DEBUG off); scripts/run-demo turns it off.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", not DEBUG)
# A user's first authenticator app needs a one-time setup code from an administrator.
TWO_FACTOR_SETUP_CODE_HOURS = env_int("TWO_FACTOR_SETUP_CODE_HOURS", 72)
OTP_TOTP_ISSUER = YOT_NAME
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
SIGN_IN_LOCKOUT_MINUTES = env_int("SIGN_IN_LOCKOUT_MINUTES", 15)
AXES_COOLOFF_TIME = SIGN_IN_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.locked_out"
# The client behind the proxies in TRUSTED_PROXIES, as throttling sees it, so a lockout
# holds back the person guessing, not everyone behind the proxy.
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_ip"

# --- Organisation sign-in (OpenID Connect, accounts/oidc.py, docs/decisions/0015) ---------
# Off by default. When on, people sign in with their organisation account (Microsoft Entra ID
# or any OpenID Connect provider) and its groups or app roles give their role (OIDC_ROLE_MAP);
# passwords then work only for system administrators' break-glass logins, with two-factor,
# unless LOCAL_PASSWORDS is turned on as well.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", not OIDC_ENABLED)
if not OIDC_ENABLED and not LOCAL_PASSWORDS:
    raise ImproperlyConfigured("LOCAL_PASSWORDS can only be off while OIDC_ENABLED is on")
OIDC_ISSUER = env_str("OIDC_ISSUER")
# Each endpoint is read from the issuer's discovery document unless given here.
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_ROLES_CLAIM = env_str("OIDC_ROLES_CLAIM", "groups")
OIDC_EMAIL_CLAIM = env_str("OIDC_EMAIL_CLAIM", "email")
OIDC_ROLE_MAP = env_list("OIDC_ROLE_MAP")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 60)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_REDIRECT_REQUIRE_HTTPS = not DEBUG
if OIDC_ENABLED:
    _missing = [
        name
        for name in ["OIDC_ISSUER", "OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "OIDC_ROLE_MAP"]
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"OIDC_ENABLED needs {', '.join(_missing)}")
    if not OIDC_RP_SIGN_ALGO.startswith(("RS", "ES", "PS")):
        raise ImproperlyConfigured("OIDC_RP_SIGN_ALGO must be an asymmetric one such as RS256")
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username and address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's password check, refusing non-break-glass logins while LOCAL_PASSWORDS is off.
    "accounts.oidc.PasswordBackend",
    "accounts.oidc.OrganisationBackend",
]
OIDC_AUTHENTICATION_CALLBACK_URL = "frontend:sso_callback"
