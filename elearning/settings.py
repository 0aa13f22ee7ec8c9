"""Django settings, read from the environment (see the configuration table in README.md)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from elearning.config import (
    SQLITE_OPTIONS,
    cache_config,
    check_broker_url,
    default_site_url,
    env_bool,
    env_int,
    env_list,
    local_secret_key,
    parse_admins,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

DJANGO_ENV = os.environ.get("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r}: use development, test or production.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = local_secret_key(VAR_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
SITE_URL = default_site_url()
SITE_NAME = "CSE awareness training"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL] if SITE_URL.startswith("https://") else [])

INSTALLED_APPS = [
    "modeltranslation",  # before admin, as it asks: translated course fields (courses/translation.py)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "polymorphic",
    "axes",
    "django_otp",  # second factors (issue 27): TOTP devices, passkeys; see accounts/two_factor.py
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "accounts",
    "courses",
    "quizzes",
    "certificates",
    "certificates.credentials",
    "organisations",
    "lti_tool",
    "integrations",
    "sso",  # organisations' own OpenID Connect sign-in (issue 27)
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Framing and CSP headers next, outside everything that can answer early (a disallowed Host is a 400
    # from CommonMiddleware), so every response carries them, error pages included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sessions that began with an LMS launch may be framed by that LMS (integrations/framing.py); it sits
    # outside SessionMiddleware so it sees the cookies set inside.
    "integrations.framing.FramedSessionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Welsh or English: the cookie, then Accept-Language; a signed-in learner's own choice wins (below).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "elearning.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Two-step verification for the admin; the idle time-out of staff and managers (accounts/middleware.py)
    "accounts.middleware.TwoFactorMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into a clear page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "elearning.urls"
CSRF_FAILURE_VIEW = "elearning.views.csrf_failure"
WSGI_APPLICATION = "elearning.wsgi.application"
ASGI_APPLICATION = "elearning.asgi.application"

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
                "elearning.context_processors.site",
                "organisations.context_processors.organisations",
            ],
        },
    }
]
FORM_RENDERER = "elearning.forms.GovFormRenderer"

# Database -------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": parse_database_url(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
            # A file, not memory, so a Celery worker thread in the tests sees the same data.
            "TEST": {"NAME": VAR_DIR / f"test-{os.getpid()}.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "courses:dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed log-ins (django-axes): an account is locked for a while from the address that got its password
# wrong too often (account and address together, so one person cannot lock out a shared connection or a
# named account from elsewhere); any address is paused after LOGIN_FAILURES_PER_IP failures on any accounts
# (accounts/login.py). A password reset lifts the account's locks.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_FAILURES_PER_IP = os.environ.get("LOGIN_FAILURES_PER_IP", "50/15m")
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "elearning.throttling.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "errors/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Staff and managers: a session with no request for this long ends (learners are never timed out).
MANAGER_IDLE_MINUTES = env_int("MANAGER_IDLE_MINUTES", 30)
OTP_TOTP_ISSUER = "CSE awareness training"
# Passkeys are a second factor here (after the password, or on a manager page), never a log-in on their own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Fernet key for organisations' OIDC client secrets (sso/crypto.py); unset: derived from SECRET_KEY.
SSO_SECRET_KEY = os.environ.get("SSO_SECRET_KEY", "")
OTP_WEBAUTHN_RP_NAME = "CSE awareness training"
# Browsers allow passkeys only on https, or on http://localhost (so in development open the site there).
_site = urlsplit(SITE_URL)
_webauthn_origin = (
    f"https://{_site.netloc}" if _site.scheme == "https" else f"http://localhost:{_site.port or 80}"
)
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID") or (
    _site.hostname if _site.scheme == "https" else "localhost"
)
OTP_WEBAUTHN_ALLOWED_ORIGINS = [os.environ.get("WEBAUTHN_ORIGIN") or _webauthn_origin]

# Email ----------------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CSE awareness training <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Staff told about certificates that cannot be issued (and Django's errors): "Name <email>, b@example.org".
ADMINS = parse_admins(os.environ.get("ADMINS", ""))
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Static and media -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production, serve static files straight from static/ (no collectstatic step for `make run`).
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_URL = "/media/"  # never served directly: downloads go through views that check who is asking
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Celery ---------------------------------------------------------------------------------------------
BROKER_DIR = Path(os.environ.get("CELERY_BROKER_FOLDER", VAR_DIR / "broker"))
CELERY_BROKER_URL = check_broker_url(
    os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "filesystem://"
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # Redelivery after a lost worker: must exceed the longest task so a healthy task is not run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Caches and sessions --------------------------------------------------------------------------------
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
# Redis degrades during an outage (misses, dropped writes, a warning a minute) instead of failing:
# see elearning/cache.py. Without a Redis URL, an in-process memory cache.
CACHES = {"default": cache_config(CACHE_URL)}

# Sessions are read from the cache (Redis in production) and written through to the database; while the
# cache is down they are read from the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Rate limits cannot count while the cache is down: they let requests through (fail open) rather than refuse
# every verification and password reset. Log-in lock-outs (django-axes) count in the database and still hold.
RATELIMIT_FAIL_OPEN = True
# django-ratelimit warns about any backend it does not list; ours is Django's RedisCache with outage handling.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Internationalisation -------------------------------------------------------------------------------
# English and Welsh (issue 21): the Welsh Language Standards ask for the whole service in both. English is
# "en" with British formats (elearning/formats/en); Welsh UI text is in locale/cy (compiled by
# `make install`), Welsh course text beside the English in the same rows (django-modeltranslation,
# courses/translation.py).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["elearning.formats"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "cy")
# A Welsh field left empty shows the English one (only while authors add Welsh; the loader refuses a course
# that declares Welsh and misses a field).
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",)}
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Security -------------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): only this site's own files; no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The visitor's address (elearning/client_ip.py), for log-in lock-outs and rate limits alike. With no proxy
# (TRUSTED_PROXY_HOPS=0) it is REMOTE_ADDR. Behind N proxies that each append to X-Forwarded-For (or the
# header named by CLIENT_IP_HEADER), it is the N-th entry from the right; what the visitor wrote is ignored.
_client_ip_header = os.environ.get("CLIENT_IP_HEADER", "").strip()
if _client_ip_header == "REMOTE_ADDR":
    _client_ip_header = ""
CLIENT_IP_HEADER = _client_ip_header or "HTTP_X_FORWARDED_FOR"
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 1 if _client_ip_header else 0)
if TRUSTED_PROXY_HOPS < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_HOPS must be 0 (no proxy) or the number of proxies in front.")
RATELIMIT_IP_META_KEY = "elearning.client_ip.client_ip"
AXES_CLIENT_IP_CALLABLE = "elearning.client_ip.axes_client_ip"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Product settings -----------------------------------------------------------------------------------
# Honest time: a certificate states the course's declared CPD time only when the learner's recorded time on
# units and quizzes is at least this share of it (per cent); otherwise it states the time actually spent.
CPD_MIN_TIME_SHARE_PERCENT = env_int("CPD_MIN_TIME_SHARE_PERCENT", 50)
CERTIFICATE_SWEEP_AFTER_MINUTES = env_int("CERTIFICATE_SWEEP_AFTER_MINUTES", 5)
# A certificate that failed on a passing error is queued again by the sweeper at most this many times.
CERTIFICATE_FAILED_REQUEUES = env_int("CERTIFICATE_FAILED_REQUEUES", 3)
# Public verification look-ups allowed per IP address (django-ratelimit syntax).
VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30/m")
# Sign-ups (new and existing addresses alike) per client address and per email address typed.
SIGN_UP_RATE_PER_IP = os.environ.get("SIGN_UP_RATE_PER_IP", "20/h")
SIGN_UP_RATE_PER_EMAIL = os.environ.get("SIGN_UP_RATE_PER_EMAIL", "3/h")
# Invitation links that do not work (unknown, forged or malformed tokens), per client address.
INVITATION_LOOKUP_RATE = os.environ.get("INVITATION_LOOKUP_RATE", "30/10m")
# How long an email verification link works.
EMAIL_VERIFICATION_DAYS = env_int("EMAIL_VERIFICATION_DAYS", 7)
# `make bench` only: a hello-world view on the same server, the ceiling the pages are compared with.
BENCH_HELLO_WORLD = env_bool("BENCH_HELLO_WORLD", False)
CERTIFICATE_SWEEP_EVERY_SECONDS = env_int("CERTIFICATE_SWEEP_EVERY_SECONDS", 60)
CERTIFICATE_RENDER_DELAY_SECONDS = float(os.environ.get("CERTIFICATE_RENDER_DELAY_SECONDS", "0") or 0)
# Open Badges 3.0 credentials (certificates/credentials): signing keys (generated once into this folder,
# rotated with `manage.py rotate_credential_key`), the issuer's name, and how long verifiers may cache the
# revocation status list (seconds): a revocation is visible to every verifier within this time.
CREDENTIAL_KEYS_DIR = Path(os.environ.get("CREDENTIAL_KEYS_DIR", VAR_DIR / "credential_keys"))
CREDENTIAL_ISSUER_NAME = os.environ.get("CREDENTIAL_ISSUER_NAME", SITE_NAME)
CREDENTIAL_STATUS_MAX_AGE = env_int("CREDENTIAL_STATUS_MAX_AGE", 300)
# LMS integrations (integrations/): grade posts to LTI platforms go through an outbox like certificates.
GRADE_POST_SWEEP_AFTER_MINUTES = env_int("GRADE_POST_SWEEP_AFTER_MINUTES", 5)
GRADE_POST_SWEEP_EVERY_SECONDS = env_int("GRADE_POST_SWEEP_EVERY_SECONDS", 60)
# A grade post that failed on a passing error (platform down) is queued again at most this many times.
GRADE_POST_FAILED_REQUEUES = env_int("GRADE_POST_FAILED_REQUEUES", 5)
# SCORM launch tokens: how long the link the package opens works (seconds), and the status token.
SCORM_LAUNCH_TOKEN_SECONDS = env_int("SCORM_LAUNCH_TOKEN_SECONDS", 120)
SCORM_STATUS_TOKEN_HOURS = env_int("SCORM_STATUS_TOKEN_HOURS", 12)
# SCORM package sessions (launch links asked for) per client address.
SCORM_SESSION_RATE = os.environ.get("SCORM_SESSION_RATE", "60/m")
