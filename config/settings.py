"""Rolo settings: every value comes from the environment (see README, "Configuration")."""

from pathlib import Path

import environ
from django.contrib.messages import constants as message_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; production must set its own.
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "django-insecure-rolo-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_tasks_db",
    # The translated country names of the country pickers.
    "django_countries",
    # The floors of the house, ground first (see docs/architecture.md).
    "organizations",
    "directory",
    "events",
    "contacts",
    "companies",
    "attachments",
    "connections",
    "transfers",
    # Field history (issue 14): database triggers on the directory and projects.
    "history",
    # The relationship (issue 13): notes, activities, the timeline and the bell.
    "notes",
    "activity",
    "timeline",
    # The sales pipeline (issue 19).
    "opportunities",
    # Sales and purchase documents (issue 15).
    "sales",
    # The trash (issue 14): deletes that can be undone, above every floor it restores.
    "trash",
    # Duplicates and merges (issue 17): a merge's losers go to the trash, so above it.
    "merging",
    # Rolo's own operations commands (run_worker); no models.
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so static files carry the same headers as pages.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.middleware.DebugErrorPagesWithoutCSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organizations.middleware.PreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "organizations.middleware.TenantMiddleware",
    "history.middleware.HistoryMiddleware",
    "attachments.middleware.UploadLimitsMiddleware",
]

FORM_RENDERER = "config.forms.RoloFormRenderer"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.tenancy",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests on the development server should wait, not fail, on a locked file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT: it compiles a page's many-subquery plans (search's id lists) for longer
    # than they take to run — 250 ms of a 500 ms search at 600,000 contacts.
    # No parallel query: a page's queries are short, and a search takes the first rows
    # an index finds as its candidates, which must be the same rows on every load
    # (directory.search.FIRST_FOUND), not whichever worker answers first.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (
        f"{options.get('options', '')} -c jit=off -c max_parallel_workers_per_gather=0"
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default cache is a table in the database (created by a migration), so every worker
# and server shares the login and sign-up counters without another service; CACHE_URL
# moves it, e.g. to Redis. A per-process cache (locmem) is flagged by `check --deploy`.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://rolo_cache")}

AUTH_USER_MODEL = "organizations.User"
# The user and their memberships in one query per request (organizations/backends.py).
# A session logged in before it was set (through Django's ModelBackend) asks to log in once.
AUTHENTICATION_BACKENDS = ["organizations.backends.MembershipBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "organization_list"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling (organizations/throttle.py, README "Configuration"). Failures are
# counted per (email, client address), per client address and per email; past a limit,
# each further failure doubles the wait, from LOGIN_BACKOFF_BASE up to LOGIN_BACKOFF_MAX
# seconds. Counts are forgotten LOGIN_FAILURE_WINDOW seconds after the last failure.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=30)
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = env.int("LOGIN_FAILURE_LIMIT_PER_ACCOUNT", default=100)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=24 * 60 * 60)
LOGIN_BACKOFF_BASE = env.int("LOGIN_BACKOFF_BASE", default=30)
LOGIN_BACKOFF_MAX = env.int("LOGIN_BACKOFF_MAX", default=15 * 60)
# Sign-up and password-reset requests (each sends an email) per client address and per
# email address within RATE_LIMIT_WINDOW seconds.
SIGNUP_LIMIT_PER_IP = env.int("SIGNUP_LIMIT_PER_IP", default=10)
SIGNUP_LIMIT_PER_EMAIL = env.int("SIGNUP_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=10)
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
RATE_LIMIT_WINDOW = env.int("RATE_LIMIT_WINDOW", default=60 * 60)
# A sign-up link (mailed to prove the address) works for this many seconds.
SIGNUP_LINK_MAX_AGE = env.int("SIGNUP_LINK_MAX_AGE", default=24 * 60 * 60)

INVITATION_MAX_AGE = env.int("INVITATION_MAX_AGE", default=7 * 24 * 60 * 60)
# A search ranks at most this many candidates per way of matching (name prefix, name
# anywhere, email, phone, company name): its cost stays constant however many match.
SEARCH_CANDIDATES = env.int("SEARCH_CANDIDATES", default=1000)
# The longest description (contacts, companies) a form or service accepts, in characters.
DESCRIPTION_MAX_LENGTH = env.int("DESCRIPTION_MAX_LENGTH", default=20_000)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("it", _("Italian")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
# Rolo's English date formats (day before month); the other languages keep Django's.
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

# Files: the local file system by default; any S3-compatible service with STORAGE=s3.
STORAGE = env("STORAGE", default="local")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
if STORAGE == "s3":
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": env.int("S3_URL_EXPIRE", default=300),
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
            "signature_version": "s3v4",
        },
    }
elif STORAGE == "local":
    default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Private: MEDIA_URL is never served; files leave only through the download view.
        "OPTIONS": {
            "location": str(MEDIA_ROOT),
            "base_url": None,
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    }
else:
    raise ImproperlyConfigured("STORAGE must be 'local' or 's3'.")

STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and development serve static files from the app directories directly.
WHITENOISE_USE_FINDERS = DEBUG or env.bool("WHITENOISE_USE_FINDERS", default=False)

# EMAIL_URL (smtp://user:pass@host:587/?tls=True, consolemail://, filemail:///path) is read
# by django-environ and turned into Django 6.1's MAILERS.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_email_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "file_path": _email.get("EMAIL_FILE_PATH"),
}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _email_options.pop("file_path")
    _email_options["timeout"] = env.int("EMAIL_TIMEOUT", default=10)
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    _email_options = {"file_path": _email_options["file_path"]}
else:
    _email_options = {}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {k: v for k, v in _email_options.items() if v not in (None, "")},
    }
}
# Where emails sent outside a request (reminders, mentions) point their links.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Rolo <rolo@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

MESSAGE_TAGS = {message_constants.ERROR: "error"}

# Security: strict by default, relaxed only for local development.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django.middleware.csp): scripts and styles only from Rolo's own
# files, or inline with this response's nonce ({% csp_nonce_attr %}; the admin uses it for
# a few inline styles). No plugins, no <base>, no framing, forms post only to Rolo.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Browser features no Rolo page uses, denied to the pages and anything they embed
# (config.middleware.PermissionsPolicyMiddleware). Payment and passkeys too, until a page
# needs them: then allow that one feature for "self" only.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
# How many proxies of yours append to X-Forwarded-For: the client address used for
# throttling is the entry that many places from the right (README "Configuration").
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Request sizes (decimal bytes). Uploaded files stream to a temporary file above
# FILE_UPLOAD_MAX_MEMORY_SIZE; DATA_UPLOAD_MAX_MEMORY_SIZE caps only the non-file fields.
# A single file may take ATTACHMENT_MAX_FILE_SIZE, one request ATTACHMENT_MAX_FILES files
# and ATTACHMENT_MAX_REQUEST_SIZE in all (attachments.middleware answers 413 above it,
# before reading the body). A proxy in front should allow the same body size.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
ATTACHMENT_MAX_FILE_SIZE = env.int("ATTACHMENT_MAX_FILE_SIZE", default=25_000_000)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("ATTACHMENT_MAX_FILES", default=20)
ATTACHMENT_MAX_REQUEST_SIZE = env.int("ATTACHMENT_MAX_REQUEST_SIZE", default=100_000_000)
if ATTACHMENT_MAX_REQUEST_SIZE < ATTACHMENT_MAX_FILE_SIZE + DATA_UPLOAD_MAX_MEMORY_SIZE:
    raise ImproperlyConfigured(
        "ATTACHMENT_MAX_REQUEST_SIZE must leave room for one file of ATTACHMENT_MAX_FILE_SIZE "
        "plus the form fields (DATA_UPLOAD_MAX_MEMORY_SIZE)."
    )

# Background work (copies between organizations) runs as django.tasks tasks, queued in
# the database and run by `manage.py run_worker` (README, "Running in production").
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# Copies are written in batches of this many records (bounded memory, few statements);
# a copy of more than COPY_INLINE_LIMIT records runs in the worker, not in the request.
COPY_BATCH_SIZE = env.int("COPY_BATCH_SIZE", default=2000)
COPY_INLINE_LIMIT = env.int("COPY_INLINE_LIMIT", default=1000)
# The worker looks for activity reminders to send every this many seconds (activity/tasks.py).
REMINDER_INTERVAL = env.int("REMINDER_INTERVAL", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint (the documents' PDFs) narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
