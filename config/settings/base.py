"""Base settings: every value comes from the environment, with embedded (SQLite) defaults.

Environment variables:
  QUALITYGOV_SECRET_KEY   secret key (required in production)
  QUALITYGOV_DEBUG        "1" to enable debug (never in production)
  QUALITYGOV_ALLOWED_HOSTS comma-separated host names
  QUALITYGOV_VAR_DIR      where the SQLite database, uploads and logs live (default ./var)
  DATABASE_URL            e.g. postgres://user:pass@127.0.0.1:5432/qualitygov; SQLite under var/ when unset
  QUALITYGOV_EMAIL_BACKEND  e-mail backend (default console; django.core.mail.backends.smtp.EmailBackend to send)
  QUALITYGOV_EMAIL_HOST / _PORT / _USER / _PASSWORD / _USE_TLS / _USE_SSL / _TIMEOUT  the SMTP server
  QUALITYGOV_FROM_EMAIL   sender address of notices
  QUALITYGOV_AUDIT_KEY    key(s) that MAC every audit event (ADR 0010), or QUALITYGOV_AUDIT_KEY_FILE naming
                          a file holding them, one a line, the current key first; keep it out of the database
  QUALITYGOV_AUDIT_CHECKPOINT_DIR  where `qualitygov audit checkpoint` writes the chain's checkpoints
                          (default var/audit-checkpoints; in production a folder on another machine)
  QUALITYGOV_OIDC_ISSUER / _CLIENT_ID / _CLIENT_SECRET  sign-in through the government identity provider
                          (OpenID Connect, docs/oidc.md); off unless all three are set. Optional:
                          QUALITYGOV_OIDC_AUTHORIZATION_ENDPOINT / _TOKEN_ENDPOINT / _USERINFO_ENDPOINT /
                          _JWKS_ENDPOINT / _END_SESSION_ENDPOINT (instead of the discovery document),
                          QUALITYGOV_OIDC_USERNAME_CLAIM (preferred_username), QUALITYGOV_OIDC_SCOPES,
                          QUALITYGOV_OIDC_TOKEN_AUTH (basic|post), QUALITYGOV_OIDC_TIMEOUT
  QUALITYGOV_CACHE_URL    redis://127.0.0.1:6379/1 makes Redis the cache (shared by every app server); unset:
                          files under VAR_DIR/cache (shared by the worker processes of one machine)
  QUALITYGOV_PUBLIC_CACHE_SECONDS  how long a public page or open-data answer is kept (default 3600;
                          publishing or withdrawing anything makes every kept answer stale at once)
  QUALITYGOV_OPENDATA_RATE_LIMIT / _RATE_WINDOW  open-data API requests one client address may make per
                          window (default 600 per 60 seconds); 0 turns the limit off
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("QUALITYGOV_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("QUALITYGOV_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("QUALITYGOV_DEBUG", False)
ALLOWED_HOSTS = env_list("QUALITYGOV_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",  # only for migration accounts.0003, which hashes its old plaintext tokens
    "drf_spectacular",
    "django_filters",
    "qualitygov.core",
    "qualitygov.accounts",
    "qualitygov.plans",
    "qualitygov.indicators",
    "qualitygov.progress",
    "qualitygov.planimport",
    "qualitygov.assessments",
    "qualitygov.audit",
    "qualitygov.leadership",
    "qualitygov.upperreports",
    "qualitygov.summaries",
    "qualitygov.workplans",
    "qualitygov.upperassessment",
    "qualitygov.registry",
    "qualitygov.feeds",
    "qualitygov.sampling",
    "qualitygov.registers",
    "qualitygov.onestop",
    "qualitygov.regdash",
    "qualitygov.portal",
    "qualitygov.opendata",
    # After the project's apps: for a msgid both translate, the app listed first wins, and django_q's
    # catalogue would otherwise rename ours (its "Quarterly" is 每季度, ours 按季度).
    "django_q",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qualitygov.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "qualitygov.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "qualitygov.core.security.SecurityHeadersMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qualitygov.core.context_processors.navigation",
                "qualitygov.core.context_processors.help_link",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'qualitygov.sqlite3'}",
        conn_max_age=int(os.environ.get("QUALITYGOV_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database lives in VAR_DIR; create it so `qualitygov migrate` works on a fresh checkout.
    if not os.environ.get("DATABASE_URL"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and one writer work together; the busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed sign-ins (counted in the database, so they hold across several app servers; see
# docs/security.md). LOGIN_FAILURE_LIMIT failures for one account from one client address within the
# window refuse that address for that account until the window has passed (an attacker elsewhere
# cannot lock the owner out). Past LOGIN_ACCOUNT_CEILING failures for the account from all addresses
# together, attempts without a second-factor code are spaced LOGIN_SLOW_SECONDS apart (slowed, not
# locked). The owner's authenticator code lets them in despite either; LOGIN_CODE_FAILURE_LIMIT wrong
# codes for the account within the window turn that way off until the office unlocks the account.
LOGIN_FAILURE_LIMIT = int(os.environ.get("QUALITYGOV_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ACCOUNT_CEILING = int(os.environ.get("QUALITYGOV_LOGIN_ACCOUNT_CEILING", "30"))
LOGIN_SLOW_SECONDS = int(os.environ.get("QUALITYGOV_LOGIN_SLOW_SECONDS", "10"))
LOGIN_CODE_FAILURE_LIMIT = int(os.environ.get("QUALITYGOV_LOGIN_CODE_FAILURE_LIMIT", "10"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("QUALITYGOV_LOGIN_FAILURE_WINDOW", "900"))
# Proxies in front of the app servers (nginx: 1). Behind them every request comes from the proxy's
# address, so sign-in throttling reads the client's address from X-Forwarded-For instead (see
# qualitygov.accounts.forms.client_ip). Leave 0 when clients connect directly.
TRUSTED_PROXY_COUNT = int(os.environ.get("QUALITYGOV_TRUSTED_PROXIES", "0"))
# Sign-in through the government identity provider (政务统一身份认证; OpenID Connect through
# mozilla-django-oidc, ADR 0013, docs/oidc.md). Off unless issuer, client id and secret are all set
# (qualitygov.accounts.oidc.oidc_enabled). The endpoints come from the issuer's discovery document
# unless given here. Authorization code flow with state, nonce and PKCE (S256); the id_token must be
# RS256-signed by a key of the provider's JWKS, for this client, from this issuer, unexpired. The claim
# named by OIDC_USERNAME_CLAIM must equal the user name of an existing active account: nobody is
# created, and what a person may do still comes only from grants.
OIDC_ISSUER = os.environ.get("QUALITYGOV_OIDC_ISSUER", "").strip()
OIDC_RP_CLIENT_ID = os.environ.get("QUALITYGOV_OIDC_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("QUALITYGOV_OIDC_CLIENT_SECRET", "").strip()
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("QUALITYGOV_OIDC_AUTHORIZATION_ENDPOINT", "").strip()
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("QUALITYGOV_OIDC_TOKEN_ENDPOINT", "").strip()
OIDC_OP_USER_ENDPOINT = os.environ.get("QUALITYGOV_OIDC_USERINFO_ENDPOINT", "").strip()
OIDC_OP_JWKS_ENDPOINT = os.environ.get("QUALITYGOV_OIDC_JWKS_ENDPOINT", "").strip()
OIDC_OP_END_SESSION_ENDPOINT = os.environ.get("QUALITYGOV_OIDC_END_SESSION_ENDPOINT", "").strip()
OIDC_USERNAME_CLAIM = os.environ.get("QUALITYGOV_OIDC_USERNAME_CLAIM", "preferred_username").strip()
OIDC_RP_SCOPES = os.environ.get("QUALITYGOV_OIDC_SCOPES", "openid profile").strip()
OIDC_TOKEN_USE_BASIC_AUTH = os.environ.get("QUALITYGOV_OIDC_TOKEN_AUTH", "basic").strip().lower() != "post"
OIDC_TIMEOUT = int(os.environ.get("QUALITYGOV_OIDC_TIMEOUT", "10"))
OIDC_CLOCK_SKEW_SECONDS = 60
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # only as id_token_hint when signing out at the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Answers only the OIDC callback (it needs the nonce kept in the session), and only when configured.
    "qualitygov.accounts.oidc.OIDCBackend",
]

# API tokens expire this many days after they are made (the longest a user may choose, too).
API_TOKEN_DAYS = int(os.environ.get("QUALITYGOV_API_TOKEN_DAYS", "90"))

# The audit chain's anchor (ADR 0010): a key that MACs every event, read from the environment or
# a file, never from the database; and the folder of checkpoints `audit verify` compares against.
AUDIT_KEY = os.environ.get("QUALITYGOV_AUDIT_KEY", "")
if not AUDIT_KEY and os.environ.get("QUALITYGOV_AUDIT_KEY_FILE"):
    AUDIT_KEY = Path(os.environ["QUALITYGOV_AUDIT_KEY_FILE"]).read_text(encoding="utf-8")
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("QUALITYGOV_AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit-checkpoints"))

SESSION_COOKIE_AGE = int(os.environ.get("QUALITYGOV_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "qualitygov_language"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "qualitygov" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("QUALITYGOV_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("QUALITYGOV_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Uploads: plan documents and workbooks are read in memory up to this size and refused beyond.
QUALITYGOV_MAX_UPLOAD_BYTES = int(os.environ.get("QUALITYGOV_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# Zip-based uploads (.xlsx, .docx, .pptx, .zip): sum of unpacked member sizes, and one member's compression ratio.
QUALITYGOV_MAX_UNPACKED_BYTES = int(os.environ.get("QUALITYGOV_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024)))
QUALITYGOV_MAX_UNPACKED_RATIO = int(os.environ.get("QUALITYGOV_MAX_UNPACKED_RATIO", "100"))
#: Most rows one list export (`?format=xlsx`) may hold; above it the user is asked to narrow the filters.
QUALITYGOV_LIST_EXPORT_MAX_ROWS = int(os.environ.get("QUALITYGOV_LIST_EXPORT_MAX_ROWS", "10000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Plan import: when a task lists its units with no roles (（A、B、C）, 责任单位：A、B), the first listed unit
# leads and the others co-operate, as Chinese plans conventionally write them. "0" makes every listed unit lead.
QUALITYGOV_PLAN_FIRST_LISTED_LEADS = env_bool("QUALITYGOV_PLAN_FIRST_LISTED_LEADS", True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background jobs (ADR 0011): django-q2 on the database by default, so the embedded setup needs no other
# server; QUALITYGOV_JOBS_REDIS_URL (redis://127.0.0.1:6379/0) makes Redis the broker. `qualitygov worker`
# runs them. A failed job is tried again after BACKOFF, 2×BACKOFF, … seconds, at most MAX_ATTEMPTS times.
QUALITYGOV_JOBS_REDIS_URL = os.environ.get("QUALITYGOV_JOBS_REDIS_URL", "")
QUALITYGOV_JOBS_QUEUE = os.environ.get("QUALITYGOV_JOBS_QUEUE", "qualitygov")
QUALITYGOV_JOBS_MAX_ATTEMPTS = int(os.environ.get("QUALITYGOV_JOBS_MAX_ATTEMPTS", "3"))
QUALITYGOV_JOBS_BACKOFF_SECONDS = int(os.environ.get("QUALITYGOV_JOBS_BACKOFF_SECONDS", "60"))
# /healthz calls the queue degraded when a job due to run has waited longer than this.
QUALITYGOV_JOBS_MAX_LAG_SECONDS = int(os.environ.get("QUALITYGOV_JOBS_MAX_LAG_SECONDS", "600"))
# The daily jobs (core.registry.DailyJob) run on the worker's schedule at this local time.
QUALITYGOV_DAILY_JOBS_AT = os.environ.get("QUALITYGOV_DAILY_JOBS_AT", "02:00")
Q_CLUSTER = {
    "name": "qualitygov",
    "workers": int(os.environ.get("QUALITYGOV_JOBS_WORKERS", "2")),
    "timeout": int(os.environ.get("QUALITYGOV_JOBS_TIMEOUT_SECONDS", "1800")),
    # A task a dead worker never acknowledged is delivered again after `retry` seconds (> timeout).
    "retry": int(os.environ.get("QUALITYGOV_JOBS_TIMEOUT_SECONDS", "1800")) + 60,
    "max_attempts": 2,
    # Failures are handled by the job layer (qualitygov.core.worker): acknowledge them, keep a few.
    "ack_failures": True,
    "save_limit": 500,
    "catch_up": False,
    "orm": "default",
    # One factory picks the ORM or the Redis broker from the settings above, for the cluster and the web.
    "broker_class": "qualitygov.core.worker.broker",
    "label": "后台任务队列",
}

# The cache (public pages, open-data answers and their rate limit, dashboard figures). Redis when
# QUALITYGOV_CACHE_URL is set (the `redis` package is a dependency already, ADR 0011); otherwise files
# under VAR_DIR, not process memory: gunicorn's workers must share one cache, or a worker would keep
# serving an answer another worker's publication made stale, and each would count its own rate limit.
CACHE_URL = os.environ.get("QUALITYGOV_CACHE_URL", "").strip()
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "qualitygov"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache"), "OPTIONS": {"MAX_ENTRIES": 20000}}}
PUBLIC_CACHE_SECONDS = int(os.environ.get("QUALITYGOV_PUBLIC_CACHE_SECONDS", "3600"))
# Open-data API (`/api/open/v1/`): requests per client address (accounts.forms.client_ip, so behind
# TRUSTED_PROXY_COUNT proxies the real client) per window of seconds; beyond it 429 with Retry-After.
OPENDATA_RATE_LIMIT = int(os.environ.get("QUALITYGOV_OPENDATA_RATE_LIMIT", "600"))
OPENDATA_RATE_WINDOW = int(os.environ.get("QUALITYGOV_OPENDATA_RATE_WINDOW", "60"))

EMAIL_BACKEND = os.environ.get("QUALITYGOV_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("QUALITYGOV_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("QUALITYGOV_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("QUALITYGOV_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("QUALITYGOV_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("QUALITYGOV_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("QUALITYGOV_EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("QUALITYGOV_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("QUALITYGOV_FROM_EMAIL", "qualitygov@localhost")

REST_FRAMEWORK = {
    # Token first: an anonymous request then answers 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "qualitygov.accounts.api.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "qualitygov.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "qualitygov.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "qualitygov.core.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QualityGov API",
    "DESCRIPTION": "质量强区数字治理平台 REST API. Every list is scoped to the caller's units.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids from the resource ("org-units"), not the version segment.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Two choice sets share the field name "role": a user's grant and a unit's part in a task or indicator.
    "ENUM_NAME_OVERRIDES": {
        "GrantRoleEnum": "qualitygov.accounts.choices.Role",
        "ResponsibilityRoleEnum": "qualitygov.plans.choices.ResponsibilityRole",
        "ApiTokenScopeEnum": "qualitygov.accounts.models.ApiTokenScope",
        "IndicatorScopeEnum": "qualitygov.indicators.choices.IndicatorScope",
    },
}

# Logs go to stderr (the host's journald or log collector keeps them; README "Log retention").
# QUALITYGOV_LOG_FORMAT=json writes one JSON object per line; every record carries the request id
# (the same id as the audit trail's and the X-Request-ID header), the user id and the path.
LOG_FORMAT = os.environ.get("QUALITYGOV_LOG_FORMAT", "text").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "qualitygov.core.logs.RequestContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "qualitygov.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_context"],
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": os.environ.get("QUALITYGOV_LOG_LEVEL", "WARNING")},
}

SPECTACULAR_SETTINGS["SWAGGER_UI_DIST"] = "SIDECAR"
SPECTACULAR_SETTINGS["SWAGGER_UI_FAVICON_HREF"] = "SIDECAR"
SPECTACULAR_SETTINGS["REDOC_DIST"] = "SIDECAR"
INSTALLED_APPS.insert(INSTALLED_APPS.index("drf_spectacular") + 1, "drf_spectacular_sidecar")

# Static files are served by WhiteNoise straight from the apps in the embedded setup;
# production collects them (collectstatic) and serves hashed, compressed copies. Until
# collectstatic has run, STATIC_ROOT does not exist, which is expected here.
WHITENOISE_USE_FINDERS = True
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# Separation of duties (职责分离), per progress workflow: when on, the user who did the step (submitted
# the report, submitted the rectification, requested the extension) may not also approve it, whatever
# roles they hold. A workflow missing here counts as on. Indicator approval is always separated.
SEPARATION_OF_DUTIES = {
    "report_approval": True,
    "finding_verification": True,
    "extension_approval": True,
}
