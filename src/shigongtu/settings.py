"""One settings module, driven by the environment.

Demo and development defaults are safe on a laptop (SQLite file, loopback only);
``SHIGONGTU_ENV=production`` fails closed: no DEBUG, a real SECRET_KEY and
ALLOWED_HOSTS are required, cookies are secure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import dj_database_url

from shigongtu.env import ConfigError, env_bool, env_int, env_json_map, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = env_str("SHIGONGTU_ENV", "development")
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ConfigError(f"SHIGONGTU_ENV must be development, production or test, got {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("SHIGONGTU_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigError("SHIGONGTU_DEBUG cannot be on when SHIGONGTU_ENV=production")

SECRET_KEY = env_str("SHIGONGTU_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigError("SHIGONGTU_SECRET_KEY must be set when SHIGONGTU_ENV=production")
    # Outside production a per-process random key keeps sessions working without
    # ever shipping a fixed secret in the code.
    SECRET_KEY = os.environ.setdefault("SHIGONGTU_SECRET_KEY", os.urandom(32).hex())

ALLOWED_HOSTS = env_list("SHIGONGTU_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("SHIGONGTU_ALLOWED_HOSTS must list the host names when SHIGONGTU_ENV=production")

# The key of the change history's fingerprints (HMAC-SHA-256). It lives outside the database, so
# someone who can write to the database cannot rewrite the history and rehash it. Outside
# production a fixed derived key keeps demo and test histories verifiable across processes.
# Timeouts in order: a worker is killed after WORKER_TIMEOUT_S, so everything a request starts is
# bounded below it — the PDF print (bulletins.render_pdf.TIMEOUT_S, 180 s) and imports (bounded by
# LEDGER_MAX_BYTES). A test keeps the order.
WORKER_TIMEOUT_S = env_int("SHIGONGTU_WORKER_TIMEOUT", 240)
# API tokens (接口令牌) expire this many days after issue; revoked or expired ones answer 401.
API_TOKEN_DAYS = env_int("SHIGONGTU_TOKEN_DAYS", 90)
AUDIT_KEY = env_str("SHIGONGTU_AUDIT_KEY")
if not AUDIT_KEY:
    if PRODUCTION:
        raise ConfigError("SHIGONGTU_AUDIT_KEY must be set when SHIGONGTU_ENV=production "
                          "(a long random secret, e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)")
    AUDIT_KEY = hashlib.sha256(b"shigongtu development audit key (not a secret)").hexdigest()
elif PRODUCTION and len(AUDIT_KEY) < 32:
    raise ConfigError("SHIGONGTU_AUDIT_KEY must be at least 32 characters")

# `audit anchor` also sends the history's head away from this machine: POSTed as JSON to
# SHIGONGTU_ANCHOR_URL (signed with HMAC-SHA-256 under SHIGONGTU_ANCHOR_HMAC_KEY in the
# X-Shigongtu-Signature header when set) and/or mailed to SHIGONGTU_ANCHOR_EMAIL (comma-separated).
ANCHOR_URL = env_str("SHIGONGTU_ANCHOR_URL")
ANCHOR_HMAC_KEY = env_str("SHIGONGTU_ANCHOR_HMAC_KEY")
ANCHOR_EMAIL = env_list("SHIGONGTU_ANCHOR_EMAIL")
ANCHOR_TIMEOUT_S = env_int("SHIGONGTU_ANCHOR_TIMEOUT", 10)
# Outgoing mail (anchors and notices): an SMTP relay, Django's standard settings.
EMAIL_HOST = env_str("SHIGONGTU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SHIGONGTU_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("SHIGONGTU_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("SHIGONGTU_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("SHIGONGTU_EMAIL_TLS", False)
EMAIL_TIMEOUT = env_int("SHIGONGTU_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("SHIGONGTU_EMAIL_FROM", "shigongtu@localhost")
CSRF_TRUSTED_ORIGINS = env_list("SHIGONGTU_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",  # sign-in throttling (utilities/signin.py)
    "django_tasks",  # background work: imports, bulletins, notification runs, thumbnails
    "django_tasks_db",  # … queued in the database; `shigongtu db_worker` runs them
    "shigongtu.utilities",
    "shigongtu.orgs",
    "shigongtu.audit",
    "shigongtu.plans",
    "shigongtu.projects",
    "shigongtu.enterprises",
    "shigongtu.attraction",
    "shigongtu.supervision",
    "shigongtu.notifications",
    "shigongtu.evidence",  # attachments and photo evidence (佐证材料)
    "shigongtu.ledgers",
    "shigongtu.bulletins",
    "shigongtu.web",
    "shigongtu.api",
    "shigongtu.cli",  # the console script's management commands
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shigongtu.utilities.middleware.ChineseFirstLocaleMiddleware",
    "shigongtu.web.guards.RefuseControlCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shigongtu.web.replicas.ReplicaReadsMiddleware",  # read-only faces read from a replica (no-op without)
    "django.contrib.messages.middleware.MessageMiddleware",
    "shigongtu.web.errors.NotAllowedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shigongtu.utilities.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in with the lock-out page
]

ROOT_URLCONF = "shigongtu.urls"
WSGI_APPLICATION = "shigongtu.wsgi.application"

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
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{Path.cwd() / 'shigongtu.sqlite3'}"
if DATABASE_URL.startswith("postgresql://"):
    DATABASE_URL = "postgres://" + DATABASE_URL[len("postgresql://"):]
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("SHIGONGTU_CONN_MAX_AGE", 60))}
except Exception as exc:  # dj_database_url raises several kinds; all mean the same to the user
    raise ConfigError(f"DATABASE_URL is not a database address: {exc}") from exc
# A dropped connection (database restart, failover) is noticed before a request uses it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets pages read while an import writes; a busy timeout instead of "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                        "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory for the suite

# Read replicas (PostgreSQL streaming replicas of the primary): the read-only faces read from a
# healthy one (utilities/replicas.py, web/replicas.py); writes and a user's own fresh writes stay on
# the primary. A replica lagging more than REPLICA_MAX_LAG_S, or down, is skipped; the answer is
# kept REPLICA_CHECK_S per process; after a write the user reads from the primary PRIMARY_PIN_S.
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    if not _url.startswith(("postgres://", "postgresql://")):
        raise ConfigError(f"DATABASE_REPLICA_URLS: replica {_number} must be a postgres:// address")
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ConfigError("DATABASE_REPLICA_URLS needs a PostgreSQL primary (DATABASE_URL=postgres://…)")
    try:
        _replica = dj_database_url.parse(_url.replace("postgresql://", "postgres://", 1),
                                         conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    except Exception as exc:
        raise ConfigError(f"DATABASE_REPLICA_URLS: replica {_number} is not a database address: {exc}") from exc
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica["OPTIONS"] = {"connect_timeout": env_int("SHIGONGTU_REPLICA_CONNECT_TIMEOUT", 2)}
    _replica["TEST"] = {"MIRROR": "default"}  # the suite reads its own test database through the alias
    DATABASES[f"replica_{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica_{_number}")
DATABASE_ROUTERS = ["shigongtu.utilities.replicas.ReplicaRouter"]
REPLICA_MAX_LAG_S = float(env_int("SHIGONGTU_REPLICA_MAX_LAG", 5))
REPLICA_CHECK_S = float(env_int("SHIGONGTU_REPLICA_CHECK_SECONDS", 1))
PRIMARY_PIN_S = env_int("SHIGONGTU_PRIMARY_PIN_SECONDS", 10)
if DATABASE_REPLICAS and PRIMARY_PIN_S < REPLICA_MAX_LAG_S + REPLICA_CHECK_S:
    raise ConfigError("SHIGONGTU_PRIMARY_PIN_SECONDS must be at least SHIGONGTU_REPLICA_MAX_LAG + "
                      "SHIGONGTU_REPLICA_CHECK_SECONDS, or a user could read a copy older than their own write")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("SHIGONGTU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("SHIGONGTU_STATIC_ROOT") or (Path.cwd() / ".shigongtu-static"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = Path(env_str("SHIGONGTU_MEDIA_ROOT") or (Path.cwd() / "shigongtu-files"))

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures an account, and separately an
# address, is locked out for SHIGONGTU_LOCKOUT_MINUTES; a successful sign-in clears the account's count.
AUTHENTICATION_BACKENDS = [
    "shigongtu.utilities.signin.ThrottledSignIn",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("SHIGONGTU_THROTTLE_SIGNIN", True)
AXES_FAILURE_LIMIT = env_int("SHIGONGTU_SIGNIN_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("SHIGONGTU_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own: per account, per address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shigongtu.web.views.auth.locked_out"
AXES_VERBOSE = False

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Browser-facing security. In production behind HTTPS (the default; SHIGONGTU_HTTPS=false for a
# plain-HTTP intranet, which `check --deploy` then warns about): secure cookies, HSTS, redirect
# to HTTPS. Everywhere: no MIME sniffing, same-origin referrers, no framing, and a
# Content-Security-Policy (utilities/csp.py).
HTTPS = PRODUCTION and env_bool("SHIGONGTU_HTTPS", True)
SESSION_COOKIE_HTTPONLY = True
# With Redis (shared by every app server) a request reads its session from the cache, not the
# database (written through to both; a sign-out deletes both). Without it the database alone: a
# per-process memory cache would keep a signed-out session alive in the other processes.
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if env_str("SHIGONGTU_REDIS_URL")
                  else "django.contrib.sessions.backends.db")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SHIGONGTU_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SHIGONGTU_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SHIGONGTU_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SHIGONGTU_HSTS_PRELOAD", True)

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SHIGONGTU_UPLOAD_MAX_MB", 20) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
LEDGER_MAX_BYTES = env_int("SHIGONGTU_UPLOAD_MAX_MB", 20) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [  # the size limit is checked while the file streams in (ledgers.uploads)
    "shigongtu.ledgers.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Evidence files (佐证材料): limits, the photo site check, and where the bytes are kept. The storage is
# never served by URL: every download goes through a scoped view. Local disk under MEDIA_ROOT by
# default; any S3-compatible store by naming its backend (e.g. storages.backends.s3.S3Storage with
# SHIGONGTU_EVIDENCE_STORAGE_OPTIONS as JSON), once django-storages is installed.
EVIDENCE_MAX_BYTES = min(env_int("SHIGONGTU_EVIDENCE_MAX_MB", 20) * 1024 * 1024, LEDGER_MAX_BYTES)
EVIDENCE_EXTENSIONS = env_list(
    "SHIGONGTU_EVIDENCE_EXTENSIONS", ["jpg", "jpeg", "png", "webp", "pdf", "docx", "xlsx", "doc", "xls"])
EVIDENCE_RADIUS_M = env_int("SHIGONGTU_EVIDENCE_RADIUS_M", 500)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": {
        "BACKEND": env_str("SHIGONGTU_EVIDENCE_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": (json.loads(env_str("SHIGONGTU_EVIDENCE_STORAGE_OPTIONS") or "{}")
                    or {"location": str(MEDIA_ROOT / "evidence"), "base_url": "/no-public-url/"}),
    },
}

REDIS_URL = env_str("SHIGONGTU_REDIS_URL")
# Ledgers larger than this are checked and imported from the page on the background queue, the
# page showing their progress; smaller ones answer at once as before.
LEDGER_BACKGROUND_BYTES = env_int("SHIGONGTU_BACKGROUND_IMPORT_KB", 512) * 1024
# A running job whose worker has not reported for this long (its worker died or was stopped) is
# marked failed wherever jobs are read, so that its page does not say 进行中 forever.
JOBS_STALE_SECONDS = env_int("SHIGONGTU_JOBS_STALE_SECONDS", 900)
# A job still queued after this long: its page says the background worker may not be running
# (`shigongtu db_worker`, or `shigongtu serve` which starts one).
JOBS_QUEUED_WARN_SECONDS = env_int("SHIGONGTU_JOBS_QUEUED_WARN_SECONDS", 300)
JOBS_PROGRESS_DIR = env_str("SHIGONGTU_JOBS_DIR") or str(
    Path(tempfile.gettempdir()) / ("shigongtu-jobs-" + hashlib.sha256(DATABASE_URL.encode()).hexdigest()[:12]))
# Background tasks: queued in the database and run by `shigongtu db_worker` (one more process,
# no extra service); the test suite runs them at once, in the request that enqueued them.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if ENVIRONMENT == "test"
            else env_str("SHIGONGTU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
        ),
    }
}

# Notifications (shigongtu.notifications): the outside channels' addresses and secrets come from the
# environment only. Robots are JSON maps by unit name ("*" for every other unit):
# SHIGONGTU_WECOM_ROBOTS='{"*": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}',
# SHIGONGTU_DINGTALK_ROBOTS='{"*": {"url": "https://oapi.dingtalk.com/robot/send?access_token=…", "secret": "SEC…"}}'.
NOTIFY_WECOM_ROBOTS = env_json_map("SHIGONGTU_WECOM_ROBOTS")
NOTIFY_DINGTALK_ROBOTS = env_json_map("SHIGONGTU_DINGTALK_ROBOTS")
NOTIFY_SMS_URL = env_str("SHIGONGTU_SMS_URL")
NOTIFY_SMS_TEMPLATE = env_str("SHIGONGTU_SMS_TEMPLATE")
NOTIFY_SMS_TOKEN = env_str("SHIGONGTU_SMS_TOKEN")
NOTIFY_TIMEOUT = env_int("SHIGONGTU_NOTIFY_TIMEOUT", 5)  # seconds per webhook call
NOTIFY_QUIET_HOURS = env_str("SHIGONGTU_NOTIFY_QUIET_HOURS", "22:00-07:00")  # no outside message then
if NOTIFY_QUIET_HOURS and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", NOTIFY_QUIET_HOURS):
    raise ConfigError(f"SHIGONGTU_NOTIFY_QUIET_HOURS must read HH:MM-HH:MM (or be empty), got {NOTIFY_QUIET_HOURS!r}")
NOTIFY_DAILY_CAP = env_int("SHIGONGTU_NOTIFY_DAILY_CAP", 20)  # outside messages per person (or group) a day
NOTIFY_MAX_ATTEMPTS = env_int("SHIGONGTU_NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_SITE_URL = env_str("SHIGONGTU_SITE_URL")  # makes the links in outside messages absolute
# Outside production mail is written to files (never to stdout: `notify --json` prints one document).
EMAIL_BACKEND = env_str("SHIGONGTU_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
                        else "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_str("SHIGONGTU_EMAIL_FILE_PATH", str(Path(tempfile.gettempdir()) / "shigongtu-mail"))
# (EMAIL_HOST, port, user, password, TLS, timeout, sender: set once above, with the anchors.)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}
    ),
    # A background job's live progress (utilities.jobs): shared by the web server and the task
    # worker — Redis when configured, else a directory on the one machine (per database).
    "jobs": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "jobs"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jobs"}
        if ENVIRONMENT == "test"
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": JOBS_PROGRESS_DIR}
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": env_str("SHIGONGTU_LOG_LEVEL", "WARNING")},
}

# Map tiles for the dashboard (a 天地图 or OSM-compatible URL template); empty = points only.
MAP_TILE_URL = env_str("SHIGONGTU_MAP_TILE_URL")
