"""Django settings for SafeCity, read from the environment (see .env.example).

Defaults are the embedded set-up (SQLite under var/, a generated secret key under var/, plain
HTTP), so the demo and the console command work from a plain shell. A production start says so
explicitly with PRODUCTION=1: then SECRET_KEY must be set, DEBUG must be off and HTTPS is on unless
turned off; production also sets DATABASE_URL to PostgreSQL and ALLOWED_HOSTS.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from safecity.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SAFECITY_VAR_DIR", str(BASE_DIR / "var")))

# Production is told apart by an explicit switch, not guessed from DEBUG/HTTPS: a shell that sets
# nothing (the demo, `safecity figures`, `safecity ledger verify`) is not production, and a
# production start that forgets SECRET_KEY is refused. `check --deploy` warns when it is unset.
PRODUCTION = env_bool("PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (PRODUCTION=1)")
# HTTPS-only cookies, redirects and HSTS; on by default in production, off elsewhere (the local
# demo serves http://127.0.0.1).
HTTPS = env_bool("HTTPS", PRODUCTION)


def _secret_key() -> str:
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (PRODUCTION=1)")
    # Development and the local demo: a random key kept outside the repository.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "safecity.core",
    # The library is a lower floor: before every app that cites it (hazards, key projects, ...).
    "safecity.library",
    "safecity.riskdict",
    "safecity.hazards",
    "safecity.deepchecks",
    "safecity.portraits",
    "safecity.firecases",
    "safecity.keyprojects",
    "safecity.innovation",
    "safecity.ledger",
    "safecity.cylinders",
    "safecity.forklifts",
    "safecity.telemetry",
    "safecity.restaurants",
    "safecity.smallbiz",
    "safecity.invitations",
    "safecity.hall",
    "safecity.citizenreports",
    "safecity.parks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safecity.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safecity.urls"
WSGI_APPLICATION = "safecity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "safecity" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safecity.core.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'safecity.sqlite3'}")
_db = parse_database_url(DATABASE_URL)
_db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
_db["CONN_HEALTH_CHECKS"] = True
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while one writes; IMMEDIATE transactions take
    # the write lock up front so two writers queue instead of failing with "database is locked".
    _options = dict(_db.get("OPTIONS") or {})  # type: ignore[call-overload]
    _options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    _options.setdefault("transaction_mode", "IMMEDIATE")
    _options.setdefault("timeout", 30)
    _db["OPTIONS"] = _options
    if _db["NAME"] not in (":memory:", ""):
        Path(str(_db["NAME"])).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth and security ----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in user with one statement (core/auth_backend.py).
    # Only one password backend: with Django's own after it, a wrong password would be hashed
    # twice. A session signed in before it came (naming Django's backend) is signed out once.
    "safecity.core.auth_backend.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule on the password: Django tells every validator when a password changed (any path:
    # the password page, the admin, `changepassword`), and this one revokes the user's API tokens.
    {"NAME": "safecity.core.api_tokens.RevokeTokensOnPasswordChange"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cockpit"
LOGOUT_REDIRECT_URL = "login"

# Login lock-out (django-axes, safecity/core/lockout.py). A user name is locked only together with
# the address that failed: a stranger elsewhere cannot lock anybody out. An address that fails
# with many user names is locked on its own, for longer. The HTML login and the API token login
# both answer a locked login with 429 and a message.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
SAFECITY_LOGIN_ADDRESS_USERNAME_LIMIT = env_int("SAFECITY_LOGIN_ADDRESS_USERNAME_LIMIT", 10)
SAFECITY_LOGIN_ADDRESS_COOLOFF = timedelta(minutes=env_int("SAFECITY_LOGIN_ADDRESS_COOLOFF_MINUTES", 120))
AXES_HANDLER = "safecity.core.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "safecity.core.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; see base.html
SESSION_ENGINE = "safecity.core.sessions"  # database sessions, read with one statement
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (django-csp; Django 6's own CSP is not in 5.2). No
# inline script anywhere: pages load their code from /static/, and the few third-party pages that
# need an inline script (ReDoc) carry the request's nonce. Inline styles stay allowed: ECharts and
# Leaflet set style attributes from script, htmx adds its indicator rules, and templates size bars
# and colour badges with style="...". See docs/adr/0008-tokens-lockout-csp.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "safecity" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
# Collected (and compressed) static files. Tests that start the real server share one collection
# (SAFECITY_STATIC_ROOT) instead of compressing the same 1,100 files for each of their sites.
STATIC_ROOT = Path(env_str("SAFECITY_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "safecity" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header turns "not signed in" into a 401, not a 403.
        # django-rest-knox: tokens stored hashed, expiring, revocable (safecity/core/api_tokens.py).
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "safecity.core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "safecity.core.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SafeCity API",
    "DESCRIPTION": "The API of the municipal public-safety platform (市域公共安全体系).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # <id:...> in API URLs: a 64-bit id, range-checked (safecity/core/ids.py).
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}},
    "ENUM_NAME_OVERRIDES": {
        "AuditSourceEnum": "safecity.core.choices.AuditSource",
        "HazardSourceEnum": "safecity.hazards.choices.HazardSource",
        "RegionLevelEnum": "safecity.core.choices.RegionLevel",
        "HazardLevelEnum": "safecity.hazards.choices.HazardLevel",
        "RiskLevelEnum": "safecity.hazards.choices.RiskLevel",
        "HazardStateEnum": "safecity.hazards.choices.HazardState",
        "OrganisationKindEnum": "safecity.core.choices.OrganisationKind",
        "RiskObjectKindEnum": "safecity.hazards.choices.RiskObjectKind",
        "AssessmentMethodEnum": "safecity.hazards.choices.AssessmentMethod",
        "DeterminationMethodEnum": "safecity.firecases.choices.DeterminationMethod",
        "CaseStateEnum": "safecity.firecases.choices.CaseState",
        "DocumentKindEnum": "safecity.deepchecks.choices.DocumentKind",
        "ForkliftStatusEnum": "safecity.forklifts.choices.ForkliftStatus",
        "ForkliftActionEnum": "safecity.forklifts.choices.ForkliftAction",
        "ForkliftCheckKindEnum": "safecity.forklifts.choices.CheckKind",
        "ForkliftEventKindEnum": "safecity.forklifts.choices.EventKind",
        "SafetyRoleEnum": "safecity.forklifts.choices.SafetyRole",
        "ZoneKindEnum": "safecity.forklifts.choices.ZoneKind",
        "VehicleTypeEnum": "safecity.forklifts.choices.VehicleType",
        "PassFailEnum": "safecity.forklifts.choices.InspectionResult",
        "ConversionStepEnum": "safecity.restaurants.choices.ConversionStep",
        "ConversionActionEnum": "safecity.restaurants.choices.ConversionAction",
        "ConversionTargetEnum": "safecity.restaurants.choices.ConversionTarget",
        "KitchenFuelEnum": "safecity.restaurants.choices.KitchenFuel",
        "AcceptorEnum": "safecity.restaurants.choices.Acceptor",
        "LeakOutcomeEnum": "safecity.restaurants.choices.LeakOutcome",
        # smallbiz (issue 16): this block is the smallbiz app's
        # end smallbiz
        # invitations (issue 16): this block is the invitations app's
        "InvitationStateEnum": "safecity.invitations.choices.InvitationState",
        "InvitationActionEnum": "safecity.invitations.choices.InvitationAction",
        "InvitationItemResultEnum": "safecity.invitations.choices.ItemResult",
        "NoPenaltyConditionStatusEnum": "safecity.invitations.choices.ConditionStatus",
        # end invitations
        # citizenreports (issue 17 part 3): this block is the citizenreports app's
        "CitizenReportStateEnum": "safecity.citizenreports.choices.ReportState",
        "CitizenReportActionEnum": "safecity.citizenreports.choices.ReportAction",
        # end citizenreports
        "HallPeriodEnum": "safecity.hall.choices.Period",
        # parks (issue 17 part 1): this block is the parks app's
        "ParkShapeKindEnum": "safecity.parks.choices.ShapeKind",
        "ParkTrainingKindEnum": "safecity.parks.choices.TrainingKind",
        "ParkFindingKindEnum": "safecity.parks.choices.ParkFindingKind",
        "ParkAgreementStateEnum": "safecity.parks.choices.AgreementState",
        # end parks
    },
}

# API tokens (django-rest-knox): `Authorization: Token <key>`, valid this many hours, revoked by
# DELETE /api/auth/token/, from /accounts/tokens/, by the admin, and when the password changes.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("SAFECITY_API_TOKEN_TTL_HOURS", 24 * 30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# --- background and scheduled jobs ----------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # "urgent": the second channel of alarms (core.delivery), which must reach people within
        # 15 s; `safecity worker` takes both queues, urgent first.
        "QUEUES": ["default", "urgent"],
    }
}

# --- logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "safecity.core.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- SafeCity -------------------------------------------------------------------------------
SAFECITY_DEMO_SEED = env_int("SAFECITY_DEMO_SEED", 2023)
# The demo's week of simulated forklift driving: one reading per truck every this many seconds of
# working hours (smaller is a denser history and a longer load).
SAFECITY_DEMO_TELEMETRY_INTERVAL_S = env_int("SAFECITY_DEMO_TELEMETRY_INTERVAL_S", 600)
SAFECITY_CITY_REGION_CODE = env_str("SAFECITY_CITY_REGION_CODE", "320400")

# Dual prevention (domain-rules §1): thresholds differ between provinces, so they are settings.
SAFECITY_LEC_THRESHOLDS = tuple(int(v) for v in env_list("SAFECITY_LEC_THRESHOLDS", ["320", "160", "70"]))
SAFECITY_LS_THRESHOLDS = tuple(int(v) for v in env_list("SAFECITY_LS_THRESHOLDS", ["20", "9", "4"]))
# The authority accepts a major hidden hazard within this many days of the request (order No. 16).
SAFECITY_MAJOR_ACCEPTANCE_DAYS = env_int("SAFECITY_MAJOR_ACCEPTANCE_DAYS", 10)
# An overdue hazard goes to the liable person first, then after this many days to the supervisor.
SAFECITY_ESCALATE_AFTER_DAYS = env_int("SAFECITY_ESCALATE_AFTER_DAYS", 3)
# The verifiable ledger's origin line in its signed checkpoints (C2SP tlog-checkpoint): a schema-less
# URL naming this log; witnesses pin it together with the log's public key.
SAFECITY_LEDGER_ORIGIN = env_str("SAFECITY_LEDGER_ORIGIN", "changzhou.safecity.example/cylinders")
# A statement must be signed within this many seconds of its append (no back-dating past the
# filling gate or a key's retirement); only the platform's own historic imports are exempt.
SAFECITY_LEDGER_MAX_SKEW_SECONDS = env_int("SAFECITY_LEDGER_MAX_SKEW_SECONDS", 300)
# Health portraits (ADR 0011, 0012): a change is rescored this long after the last one, at most this
# long after the first; peers are compared over an area of at least this many portraits.
SAFECITY_PORTRAITS_RESCORE_DEBOUNCE_SECONDS = env_int("SAFECITY_PORTRAITS_RESCORE_DEBOUNCE_SECONDS", 120)
SAFECITY_PORTRAITS_RESCORE_MAX_WAIT_SECONDS = env_int("SAFECITY_PORTRAITS_RESCORE_MAX_WAIT_SECONDS", 900)
SAFECITY_PORTRAITS_MIN_PEERS = env_int("SAFECITY_PORTRAITS_MIN_PEERS", 5)
# The audit trail's hash chain (ADR 0006): the organisation whose key signs the anchors (its credit
# code; empty: the city's first government department), how long the seal job waits for open
# transactions, how late a long transaction's entries may still be sealed, and the retention of
# `safecity audit prune` (whole sealed segments only).
SAFECITY_PLATFORM_ORGANISATION = env_str("SAFECITY_PLATFORM_ORGANISATION", "")
SAFECITY_AUDIT_SEAL_LAG_SECONDS = env_int("SAFECITY_AUDIT_SEAL_LAG_SECONDS", 60)
SAFECITY_AUDIT_STRAGGLER_SECONDS = env_int("SAFECITY_AUDIT_STRAGGLER_SECONDS", 3600)
SAFECITY_AUDIT_RETENTION_DAYS = env_int("SAFECITY_AUDIT_RETENTION_DAYS", 3650)
# The public address printed in QR labels (e.g. https://safecity.changzhou.gov.cn); empty: the
# address of the request that printed them.
SAFECITY_PUBLIC_BASE_URL = env_str("SAFECITY_PUBLIC_BASE_URL", "").rstrip("/")
SAFECITY_EVIDENCE_MAX_BYTES = env_int("SAFECITY_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SAFECITY_EVIDENCE_MAX_BYTES + 1024 * 1024
# Telemetry (issue 14, docs/telemetry.md). The MQTT broker the ingest workers subscribe to; empty
# host: `make demo`, `.ci/run` and the tests start a private Mosquitto with generated password/ACL
# files (safecity.telemetry.broker). The workers log in as TELEMETRY_MQTT_USERNAME; devices log
# in with their serial and the password issued to them.
TELEMETRY_MQTT_HOST = env_str("TELEMETRY_MQTT_HOST", "")
TELEMETRY_MQTT_PORT = env_int("TELEMETRY_MQTT_PORT", 1883)
TELEMETRY_MQTT_USERNAME = env_str("TELEMETRY_MQTT_USERNAME", "safecity-ingest")
TELEMETRY_MQTT_PASSWORD = env_str("TELEMETRY_MQTT_PASSWORD", "")
# The port of the broker the platform runs itself when TELEMETRY_MQTT_HOST is empty (`safecity
# telemetry broker`, on 127.0.0.1): not 1883, where a system Mosquitto may already listen.
TELEMETRY_BROKER_PORT = env_int("TELEMETRY_BROKER_PORT", 18830)
# Where the generated mosquitto password and ACL files are written (the broker reads them; the
# platform rewrites them and signals the broker when a device's credentials change).
TELEMETRY_BROKER_DIR = Path(env_str("TELEMETRY_BROKER_DIR", str(VAR_DIR / "mosquitto")))
# A reading stamped more than this far ahead of its receipt is refused (a wrong device clock).
TELEMETRY_MAX_FUTURE_SECONDS = env_int("TELEMETRY_MAX_FUTURE_SECONDS", 300)
# Raw readings are kept this many days, then only their per-minute aggregates.
TELEMETRY_RAW_RETENTION_DAYS = env_int("TELEMETRY_RAW_RETENTION_DAYS", 31)
# The ingest worker writes a batch when it holds this many readings or after this many ms.
TELEMETRY_BATCH_SIZE = env_int("TELEMETRY_BATCH_SIZE", 500)
TELEMETRY_BATCH_MS = env_int("TELEMETRY_BATCH_MS", 200)
# An alarm nobody acknowledged is escalated after this many minutes (then again, up the chain).
TELEMETRY_ESCALATE_AFTER_MINUTES = env_int("TELEMETRY_ESCALATE_AFTER_MINUTES", 15)
# The second channel of urgent notifications (a gas leak must reach people over two channels within
# 15 s, GB/T 45839-2025): e-mail through Django's mail backend (SMTP: EMAIL_HOST, EMAIL_PORT, ...;
# in DEBUG, files under var/mail), and text messages through an SMS gateway that takes
# `POST {"to": ..., "text": ...}` (empty URL: no SMS channel; the operator's contract supplies one).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "safecity@localhost")
SAFECITY_SMS_GATEWAY_URL = env_str("SAFECITY_SMS_GATEWAY_URL", "")
SAFECITY_SMS_GATEWAY_TOKEN = env_str("SAFECITY_SMS_GATEWAY_TOKEN", "")
# Gas-leak alarms of restaurants (issue 15 §4): a leak alarm must be dispositioned (false alarm /
# leak found and fixed) within this many minutes of firing, or it is escalated; a detector that
# stays silent this many seconds while its leak alarm is open is escalated too.
SAFECITY_GAS_LEAK_DISPOSE_MINUTES = env_int("SAFECITY_GAS_LEAK_DISPOSE_MINUTES", 120)
SAFECITY_GAS_ALARM_SILENT_S = env_int("SAFECITY_GAS_ALARM_SILENT_S", 300)
# Invitation-style inspections (issue 16)
# The authority accepts and schedules an invited inspection within this many working days
# (Mon-Fri) of the invitation (the local service commitment, domain-rules §7b); a schedule past it
# needs a recorded reason.
SAFECITY_INVITATION_SLA_WORKING_DAYS = env_int("SAFECITY_INVITATION_SLA_WORKING_DAYS", 5)
# Small and micro enterprise safety services (issue 16)
# A safety service provider has at least this many full-time registered safety engineers
# (domain-rules §7c, Zhejiang guidance on socialised safety services).
SAFECITY_SMALLBIZ_MIN_ENGINEERS = env_int("SAFECITY_SMALLBIZ_MIN_ENGINEERS", 5)
# A qualification ending within this many days is shown as expiring soon.
SAFECITY_SMALLBIZ_QUALIFICATION_WARN_DAYS = env_int("SAFECITY_SMALLBIZ_QUALIFICATION_WARN_DAYS", 60)
# The risk-control dictionary's general items: the management categories whose check items a visit
# uses when the enterprise's trade has none (the starter dictionary has no "general" category;
# 04 特殊作业 and 07 燃气使用 are what small workshops and shops meet most).
SAFECITY_SMALLBIZ_GENERAL_CATEGORIES = env_str("SAFECITY_SMALLBIZ_GENERAL_CATEGORIES", "04,07")
# The contract's visit plan (services/planning.py): visits an engineer makes a day at most; the
# speed on village roads used to estimate travel between villages (km/h); the solver's time budget
# for one contract's plan (seconds, all its years together).
SAFECITY_SMALLBIZ_VISITS_PER_DAY = env_int("SAFECITY_SMALLBIZ_VISITS_PER_DAY", 6)
SAFECITY_SMALLBIZ_TRAVEL_KMH = env_int("SAFECITY_SMALLBIZ_TRAVEL_KMH", 30)
SAFECITY_SMALLBIZ_PLAN_SECONDS = env_int("SAFECITY_SMALLBIZ_PLAN_SECONDS", 20)
# Factory within a factory (issue 17 part 1): a tenant's safety-management agreement ending within
# this many days is shown as expiring soon (Safety Production Law art. 49 asks for one in force).
SAFECITY_PARKS_AGREEMENT_WARN_DAYS = env_int("SAFECITY_PARKS_AGREEMENT_WARN_DAYS", 30)
