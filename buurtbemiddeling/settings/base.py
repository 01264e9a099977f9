"""Settings shared by every environment. Values come from the environment (see README)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.get_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env.get_str("SECRET_KEY", "local-development-only-not-secret")
DEBUG = env.get_bool("DEBUG", False)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS")
# Used to build absolute links in emails (emails carry a link, never personal data).
SITE_URL = env.get_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_ratelimit",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "buurtbemiddeling",
    "partners",
    "cases",
    "mediators",
    "audit",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Reference data looked up twice in one request is asked once (buurtbemiddeling.request_memo).
    "buurtbemiddeling.request_memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "buurtbemiddeling.middleware.DutchUnlessChosenLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # No django_otp.middleware.OTPMiddleware: whether a session passed its second step is kept in the
    # session (accounts.services.SESSION_STATE, checked by TwoStepVerificationMiddleware below). That
    # middleware only added user.is_verified(), which nothing here reads, for a device query per request.
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle and too-old sessions, and those of deactivated users (needs auth and messages).
    "buurtbemiddeling.middleware.SessionLifetimeMiddleware",
    # Pages for a logged-in user carry personal data: never kept by the browser or a proxy.
    # Static files never get here: WhiteNoise answers them above, with their own caching.
    "buurtbemiddeling.middleware.NoStoreForPersonalPagesMiddleware",
    # A session that still owes its second step reaches only the verification and enrolment pages
    # (coordinators and admin users always; others once they enrolled). Covers /admin/ too.
    "accounts.middleware.TwoStepVerificationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns axes' lockout flag into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "buurtbemiddeling.urls"
WSGI_APPLICATION = "buurtbemiddeling.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # What APP_DIRS would give, behind a cached loader that compiles each template once per
            # language, with its constant {% translate %} texts filled in (buurtbemiddeling.template_loaders).
            "loaders": [
                (
                    "buurtbemiddeling.template_loaders.Loader",
                    ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "buurtbemiddeling.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.get_database("DATABASE_URL", VAR_DIR / "buurtbemiddeling.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.get_url("REDIS_URL", schemes={"redis", "rediss"})
if REDIS_URL:
    # Django's Redis backend, reusing its redis client (buurtbemiddeling.cache).
    CACHES = {"default": {"BACKEND": "buurtbemiddeling.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by web, worker and beat processes on one machine, unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }


# Rate limits on the public forms (buurtbemiddeling.ratelimit, on top of django-ratelimit).
# Successful submissions per client address, "<count>/<period>" with period s, m, h or d.
PUBLIC_FORM_RATE_LIMIT = env.get_rate("PUBLIC_FORM_RATE_LIMIT", "5/h")
# Behind a reverse proxy REMOTE_ADDR is the proxy's address. Set this to the number of proxies
# in front of the app that append to X-Forwarded-For (usually 1); the client address is then
# taken that many entries from the right, which a client cannot forge. 0: use REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT", 0)
RATELIMIT_USE_CACHE = "default"
# A cache that answers nothing lets the resident through: losing a report is worse than a burst.
RATELIMIT_FAIL_OPEN = True
# django-ratelimit's checks accept only memcached and django-redis. Django's own RedisCache
# increments atomically (INCR) but is not on their list (W001). The file-based cache of the
# embedded default is shared by all processes on the machine but increments by read-then-write
# (E003): two simultaneous submissions from one address may be counted once, so the limit is
# approximate there. That is acceptable for a single-machine install; production uses Redis.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 first: new and changed passwords are stored with it; older hashes are upgraded at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Axes first: it refuses a locked-out username + address before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that loads the user's roles with the user: one query per request instead of two.
    "accounts.backends.ModelBackendWithRoles",
]
# django-axes: after AXES_FAILURE_LIMIT failed logins for one username from one client address,
# that combination is locked for AXES_COOLOFF_TIME. Per combination, so nobody can lock a
# coordinator out from elsewhere; guessing many usernames from one address is caught by
# LOGIN_RATE_LIMIT below.
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.get_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No log of every successful login (username, address, browser) kept forever: there is no
# retention for it. Failed attempts are kept only until their cool-off has passed.
AXES_DISABLE_ACCESS_LOG = True
# Renders templates/registration/locked_out.html with status 429.
AXES_LOCKOUT_CALLABLE = "buurtbemiddeling.views.locked_out"
# The same client address as the rate limits (TRUSTED_PROXY_COUNT), not django-ipware's guess.
AXES_CLIENT_IP_CALLABLE = "buurtbemiddeling.ratelimit.axes_client_address"
# Failed login attempts per client address, whatever the username (buurtbemiddeling.views.LoginView).
# Only failures count: a team behind one office address logging in each morning is not limited.
LOGIN_RATE_LIMIT = env.get_rate("LOGIN_RATE_LIMIT", "20/10m")

# Sessions end 12 hours after login whatever happens, and after 30 minutes without a request
# (buurtbemiddeling.middleware.SessionLifetimeMiddleware).
SESSION_MAX_AGE_HOURS = env.get_int("SESSION_MAX_AGE_HOURS", 12)
SESSION_IDLE_MINUTES = env.get_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_MAX_AGE_HOURS * 60 * 60
# Sessions live in the database (clearsessions, ending a user's sessions) and are read through the
# cache (Redis, or the file cache of the embedded default): one cache read instead of a query on
# every request. Writes go to both; a cache that lost a session falls back to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Two-step verification (accounts app, django-otp): TOTP from an authenticator app, backup codes.
# After a wrong code the next attempt waits OTP_THROTTLE_FACTOR seconds, doubling with every further
# wrong code (1, 2, 4, ... s at the default), per device, whatever the session or address. Wrong codes
# also count as failed logins for django-axes and LOGIN_RATE_LIMIT.
OTP_THROTTLE_FACTOR = env.get_int("OTP_THROTTLE_FACTOR", 1)
if OTP_THROTTLE_FACTOR < 1:
    # django-otp takes 0 as "no throttling": that would open the six digits to brute force.
    raise ImproperlyConfigured("OTP_THROTTLE_FACTOR must be 1 or more (seconds).")
OTP_TOTP_THROTTLE_FACTOR = OTP_THROTTLE_FACTOR
OTP_STATIC_THROTTLE_FACTOR = OTP_THROTTLE_FACTOR
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = env.get_str("OTP_TOTP_ISSUER", "Buurtbemiddeling Enschede")
# How many backup codes an enrolment (or a renewal) hands out.
OTP_BACKUP_CODE_COUNT = 10

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "buurtbemiddeling" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# Short dates per language (lower-case Dutch month abbreviations): buurtbemiddeling/formats/<lang>/formats.py.
FORMAT_MODULE_PATH = ["buurtbemiddeling.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Vendor files come from the pinned npm packages (package-lock.json), never copied by hand.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: written to files under var/mail unless EMAIL_URL points at an SMTP server.
EMAIL_URL = env.get_url("EMAIL_URL", schemes={"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail"})
if EMAIL_URL:
    try:
        vars().update(environ.Env.email_url_config(EMAIL_URL))
    except Exception as exc:  # noqa: BLE001
        raise ImproperlyConfigured(f"EMAIL_URL could not be parsed: {exc}") from None
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Never let a slow SMTP server hold a worker forever.
EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "Buurtbemiddeling Enschede <noreply@buurtbemiddeling.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport (no server needed).
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        # Broadcast (remote control) exchanges; kombu's default is ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The schedule lives here, in code. django-celery-beat's DatabaseScheduler copies these entries
# into its tables when beat starts (an edit in the admin lasts until the next start). Run exactly
# one beat: two would send every periodic task twice (see README, "Notifications").
CELERY_BEAT_SCHEDULE = {
    # Release stale claims, schedule overdue-intake alerts, hand due notifications to workers.
    "notifications-sweep": {
        "task": "buurtbemiddeling.tasks.sweep_notifications",
        "schedule": 60.0,
        # A sweep that waited longer than its interval is useless: the next one is on its way.
        "options": {"expires": 55},
    },
    # 08:00 in CELERY_TIMEZONE (Europe/Amsterdam), summer and winter.
    "notifications-daily-digest": {
        "task": "buurtbemiddeling.tasks.schedule_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    # 03:15: delete expired sessions (a session holds who is logged in; no reason to keep it).
    "sessions-clear-expired": {
        "task": "buurtbemiddeling.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    # 03:30: anonymise cases closed more than RETENTION_MONTHS ago (cases.services.retention).
    "retention-anonymise-expired-cases": {
        "task": "cases.tasks.anonymise_expired_cases",
        "schedule": crontab(hour=3, minute=30),
    },
}

# Notifications (buurtbemiddeling.notifications): retries with exponential backoff and jitter.
NOTIFICATION_MAX_ATTEMPTS = env.get_int("NOTIFICATION_MAX_ATTEMPTS", 6)
NOTIFICATION_RETRY_BASE_SECONDS = env.get_int("NOTIFICATION_RETRY_BASE_SECONDS", 60)
NOTIFICATION_RETRY_MAX_SECONDS = env.get_int("NOTIFICATION_RETRY_MAX_SECONDS", 3600)
# A row claimed longer ago than this was cut off mid-send (worker killed); the sweep releases it.
# Must be well above the send task's time limit (NOTIFICATION_SEND_TIME_LIMIT_SECONDS).
NOTIFICATION_STALE_CLAIM_MINUTES = env.get_int("NOTIFICATION_STALE_CLAIM_MINUTES", 10)
NOTIFICATION_SEND_TIME_LIMIT_SECONDS = 120
# A send message not started within this time is dropped by the worker; the sweep sends a fresh one.
NOTIFICATION_SEND_EXPIRES_SECONDS = 120
NOTIFICATION_SWEEP_BATCH = env.get_int("NOTIFICATION_SWEEP_BATCH", 500)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every response (django-csp): only our own scripts, styles and
# images; no inline script or style anywhere (tests/test_ui_shell.py checks the templates).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

LOG_LEVEL = env.get_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Domain settings.
INTAKE_DEADLINE_WORKING_DAYS = 5
REOPEN_WINDOW_DAYS = 183  # about six months
# Months after closure before a case is anonymised (the nightly retention task).
RETENTION_MONTHS = env.get_int("RETENTION_MONTHS", 24)
if RETENTION_MONTHS < 1:
    raise ImproperlyConfigured(f"RETENTION_MONTHS={RETENTION_MONTHS} must be at least 1.")
