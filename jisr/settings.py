"""Django settings for Jisr.

Everything that differs between a laptop demo, a test run and a ministry's servers is read from
the environment through the typed helpers of :mod:`jisr.env`, which stop the process with a
message naming the variable when a value is malformed. Outside demo mode there is no default
secret and DEBUG is off. Each variable is documented in ``docs/operations.md`` (a test checks).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from jisr.core.crypto import check_keys, parse_keys
from jisr.env import ImproperEnvironment, env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("JISR_DATA_DIR", str(BASE_DIR.parent / "var")))

# Demo mode: a laptop with SQLite, console email and known demo logins. Never in production.
DEMO = env_bool("JISR_DEMO", False)
DEBUG = env_bool("JISR_DEBUG", False)


def _demo_secret() -> str:
    # A demo still deserves a per-install secret: generated once, kept beside its database.
    path = DATA_DIR / "demo-secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env_str("JISR_SECRET_KEY", required=not DEMO) or _demo_secret()


def _demo_field_keys() -> str:
    # Like the demo secret: one key per install, generated once, kept beside the database.
    path = DATA_DIR / "demo-field-keys"
    if not path.exists():
        from cryptography.fernet import Fernet

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


# Keys encrypting sensitive fields at rest (jisr.core.crypto): the first encrypts, all decrypt.
# The registry holds such fields, so outside demo mode there is no start without keys.
JISR_FIELD_KEYS = check_keys(parse_keys(
    env_str("JISR_FIELD_KEYS", required=not DEMO) or _demo_field_keys()))
# How long an emergency access ("break the glass") to another centre's person lasts.
JISR_BREAK_GLASS_HOURS = env_int("JISR_BREAK_GLASS_HOURS", 24, minimum=1)
# Bulk imports (docs/imports.md): the largest file accepted through the UI or the API (the
# `jisr import` command reads files of any size), the rows committed together, and how long
# a run may go without progress before the workers consider it killed and resume it.
JISR_IMPORT_MAX_MB = env_int("JISR_IMPORT_MAX_MB", 50, minimum=1)
JISR_IMPORT_CHUNK_ROWS = env_int("JISR_IMPORT_CHUNK_ROWS", 1000, minimum=1)
JISR_IMPORT_STALL_MINUTES = env_int("JISR_IMPORT_STALL_MINUTES", 10, minimum=1)
# Work views (docs/work.md): a received case is due for its listening interview this many
# days after reception, a listened case for its orientation this many days after listening.
JISR_LISTENING_DUE_DAYS = env_int("JISR_LISTENING_DUE_DAYS", 7, minimum=1)
JISR_ORIENTATION_DUE_DAYS = env_int("JISR_ORIENTATION_DUE_DAYS", 14, minimum=1)
# Referrals (docs/referrals.md): an accepted referral is due for delivery this many days after
# its acceptance, unless its offering says otherwise or the receiver agrees another delay.
JISR_REFERRAL_DELIVERY_DAYS = env_int("JISR_REFERRAL_DELIVERY_DAYS", 30, minimum=1)
ALLOWED_HOSTS = env_list("JISR_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("JISR_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "jisr.core",  # first: its `flush` command wraps Django's (append-only audit triggers)
    "jisr.accounts",
    "jisr.territory",
    "jisr.network",
    "jisr.registry",
    "jisr.cases",
    "jisr.notifications",
    "jisr.imports",
    "jisr.reports",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Django's form templates, after jisr.core so that core's overrides of them win
    # (FORM_RENDERER below).
    "django.forms",
]
FORM_RENDERER = "jisr.core.forms_renderer.Renderer"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jisr.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jisr.core.middleware.SlidingSessionMiddleware",
    "jisr.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jisr.core.middleware.RejectNulMiddleware",
    "jisr.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jisr.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jisr.urls"
WSGI_APPLICATION = "jisr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jisr.core.context_processors.shell",
                "jisr.notifications.context_processors.inbox",
            ],
        },
    },
]

# Database: embedded SQLite by default; DATABASE_URL switches to PostgreSQL with no code change.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'jisr.sqlite3'}")
if DATABASE_URL.startswith("sqlite") and not DATABASE_URL.startswith("sqlite://:memory:"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
# A connection lives ten minutes, and its prepared statements (JISR_DB_PREPARED) with it:
# reconnecting each minute planned every query afresh (benchmarks/README.md, session 13).
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int(
    "JISR_DB_CONN_MAX_AGE", 600, minimum=0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while one of them writes; IMMEDIATE makes a
    # writer take the lock at BEGIN, so two writers queue instead of failing mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # Server settings of the application's connections (the web server's, the worker's and
    # the commands').
    server = []
    if not env_bool("JISR_DB_JIT", False):
        # PostgreSQL's JIT compiles a query whose estimated cost is high, which the case
        # tables' counts reach at national scale: 100-170 ms of compiling for a 5 ms page
        # query. Pages are short queries; JISR_DB_JIT=1 gives it back (e.g. for a reporting
        # replica).
        server.append("-c jit=off")
    # Parallel workers for a page's query: a centre's count of 501 referrals took 23 ms with
    # two (and three processes' CPU), 11 ms alone. Pages run side by side already.
    server.append("-c max_parallel_workers_per_gather="
                  f"{env_int('JISR_DB_PARALLEL_WORKERS', 0, minimum=0)}")
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join([options.get("options", ""), *server]).strip()
    # Prepared statements: the parameters travel apart from the query and a query run five
    # times on a connection is planned once, where planning was a third of the database's
    # time under load (the case page's queries: 1.2-1.6 ms to plan, 0.1 ms to run).
    # JISR_DB_PREPARED=0 behind a pooler that cannot carry them.
    if env_bool("JISR_DB_PREPARED", True):
        options["server_side_binding"] = True
        options["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the user's centre read with them (one query fewer a page)
    "jisr.accounts.backends.StaffBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after this many idle minutes (a request slides the window, saving the session
# at most once a minute: jisr.core.middleware.SlidingSessionMiddleware).
SESSION_COOKIE_AGE = env_int("JISR_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("JISR_SECURE_COOKIES", not DEMO)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if env_bool("JISR_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
REFERRER_POLICY = "same-origin"

# Two-factor login is required for these roles (see jisr.accounts.roles).
OTP_TOTP_ISSUER = env_str("JISR_OTP_ISSUER", "Jisr")
JISR_REQUIRE_TWO_FACTOR = env_bool("JISR_REQUIRE_TWO_FACTOR", True)

# Throttling of failed logins. django-axes keeps its counters in the database, which every web
# and worker process shares, so ten failures spread over several processes still lock.
AXES_ENABLED = env_bool("JISR_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("JISR_LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("JISR_LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by account, not by address: a whole centre often shares one public IP behind its
# router, and an address lock would shut every colleague out because of one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jisr.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("JISR_PROXY_COUNT", 0, minimum=0) or None

# Languages: Arabic first (right-to-left), French, English. Western digits everywhere.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Africa/Casablanca"
FORMAT_MODULE_PATH = ["jisr.formats"]
LANGUAGE_COOKIE_NAME = "jisr_language"
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DATA_DIR / "media")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The app serves its own static files (WhiteNoise); finders mean no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail: SMTP outside demo mode; the demo prints messages on the console.
EMAIL_BACKEND = env_str(
    "JISR_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("JISR_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("JISR_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("JISR_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("JISR_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("JISR_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("JISR_EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("JISR_EMAIL_FROM", "Jisr <no-reply@jisr.localhost>")

# SMS (docs/notifications.md): an HTTP gateway outside demo mode; the demo prints them.
JISR_SMS_BACKEND = env_choice("JISR_SMS_BACKEND", "console" if DEMO else "http",
                              ("console", "http"))
JISR_SMS_GATEWAY_URL = env_str("JISR_SMS_GATEWAY_URL", "")
JISR_SMS_GATEWAY_TOKEN = env_str("JISR_SMS_GATEWAY_TOKEN", "")
JISR_SMS_GATEWAY_TIMEOUT = env_int("JISR_SMS_GATEWAY_TIMEOUT", 10, minimum=1)
JISR_SMS_SENDER = env_str("JISR_SMS_SENDER", "Jisr")
# Delivery attempts of one e-mail or SMS before it is given up (backoff between them).
JISR_NOTIFICATION_MAX_ATTEMPTS = env_int("JISR_NOTIFICATION_MAX_ATTEMPTS", 5, minimum=1)

# Documents added to cases (docs/casework.md): the largest accepted file, and the accepted
# content types (checked by the file's first bytes; only PDF, JPEG and PNG are known).
JISR_DOCUMENT_MAX_BYTES = env_int("JISR_DOCUMENT_MAX_BYTES", 10_000_000, minimum=1)
JISR_DOCUMENT_TYPES = env_list("JISR_DOCUMENT_TYPES",
                               ["application/pdf", "image/jpeg", "image/png"])
if set(JISR_DOCUMENT_TYPES) - {"application/pdf", "image/jpeg", "image/png"}:
    raise ImproperEnvironment("JISR_DOCUMENT_TYPES: only application/pdf, image/jpeg and "
                              "image/png can be checked by their content")

# Background work: Django's tasks API on the database; any number of `jisr worker` processes.
TASKS = {
    "default": {
        "BACKEND": env_str("JISR_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "jisr.core.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "jisr.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jisr API",
    "DESCRIPTION": "Integrated social services: reception, listening, orientation, pathways.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" or "status": name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "CentreKindEnum": "jisr.network.models.Centre.Kind",
        "CentreStatusEnum": "jisr.network.models.Centre.Status",
        "PartnerKindEnum": "jisr.network.models.PartnerOrganisation.Kind",
        "OfferingStatusEnum": "jisr.network.models.ServiceOffering.Status",
        "ProvinceKindEnum": "jisr.territory.models.Province.Kind",
        "CommuneKindEnum": "jisr.territory.models.Commune.Kind",
        "AppointmentOutputStatusEnum": "jisr.cases.models.Appointment.Status",
        "PurposeEnum": "jisr.registry.models.Consent.Purpose",
        "AppointmentPurposeEnum": "jisr.cases.models.Appointment.Purpose",
        "CaseDocumentKindEnum": "jisr.cases.casework.CaseDocument.Kind",
    },
}

LOG_LEVEL = env_choice("JISR_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs each rendering step and font subset at INFO: only problems here.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
