"""Samskab's one settings module. Every knob comes from the environment (see README)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from samskab.accounts import oidc as _oidc
from samskab.conf import Env, secret_key

env = Env()
PACKAGE_DIR = Path(__file__).resolve().parent

DATA_DIR = Path(env.str("SAMSKAB_DATA_DIR", "var")).expanduser().resolve()
try:
    (DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ImproperlyConfigured(
        f"SAMSKAB_DATA_DIR={str(DATA_DIR)!r} kan ikke oprettes: {exc.strerror}"
    ) from exc

SECRET_KEY = secret_key(env, DATA_DIR)
DEBUG = env.bool("DEBUG", False)
TESTING = "pytest" in sys.modules
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ninja",
    # Before django_tasks_db, so that `samskab db_worker` is ours (samskab.core.task_reaper:
    # a task whose worker died is run again).
    "samskab.core",
    "django_tasks",
    "django_tasks_db",
    "samskab.municipalities",
    "samskab.accounts",
    "samskab.notifications",
    "samskab.challenges",
    "samskab.opinions",
    "samskab.complexity",
    "samskab.reflection",
    "samskab.workshops",
    "samskab.initiatives",
    "samskab.experiments",
    "samskab.landscape",
    "samskab.search",
    "samskab.home",
    "samskab.reports",
    "samskab.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "samskab.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samskab.core.middleware.LanguageMiddleware",
    "samskab.core.security.ApiBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samskab.accounts.middleware.LoginAssuranceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "samskab.core.middleware.AdminScopesMiddleware",
]

ROOT_URLCONF = "samskab.urls"
WSGI_APPLICATION = "samskab.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samskab.core.context_processors.site",
                "samskab.home.navigation.context",
            ],
        },
    }
]
FORM_RENDERER = "samskab.core.forms.DkfdsFormRenderer"

_default_db = f"sqlite:///{DATA_DIR / 'samskab.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(env.str("DATABASE_URL", _default_db))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL kan ikke læses: {exc}") from exc
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the waitress threads and a worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Connections are kept (CONN_MAX_AGE) as on PostgreSQL: opening one costs Django about
    # 2 ms (functions registered, pragmas run), a fifth of a light page.
    # Tests use a file, not shared-cache memory, so concurrent tests meet SQLite's real
    # locking (busy timeout) as users do.
    # One file per test process, so parallel runs do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # A test database per process, so two test runs against one server do not collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_samskab_{os.getpid()}"}
    # The vote's few statements are prepared on each connection (samskab.core.rows asks for it
    # per statement); Django's own queries bind on the client and are never prepared, whatever
    # this says. Off (DATABASE_PREPARED_STATEMENTS=false) for a pooler that cannot keep
    # prepared statements, such as PgBouncer before 1.21 in transaction mode.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        2**31 - 1 if env.bool("DATABASE_PREPARED_STATEMENTS", True) else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "samskab.accounts.backends.ModelBackend",
    "samskab.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing is deliberately slow; tests create many people.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
# After logging in, a person lands on their own start page (samskab.home).
LOGIN_REDIRECT_URL = "home:me"

# django-allauth: email is the login, no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory: sign-up then answers the same whether or not the address is registered (the owner
# of a registered address gets a mail saying so), so addresses cannot be probed.
ACCOUNT_EMAIL_VERIFICATION = env.choice(
    "ACCOUNT_EMAIL_VERIFICATION", "mandatory", ("none", "optional", "mandatory")
)
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SIGNUP_FORM_CLASS = "samskab.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "samskab.accounts.adapter.AccountAdapter"
# "key" is the address and account pair (see the adapter): a guesser is slowed, the owner
# logging in from their own address is not locked out.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

# Login through the municipalities' identity providers (OpenID Connect): employees through the
# municipality's own (Entra ID, Keycloak, OS2faktor …), citizens and businesses through a MitID
# broker. Configured by SAMSKAB_OIDC_PROVIDERS_FILE (JSON or TOML) or SAMSKAB_OIDC_PROVIDERS
# (JSON); see the README and samskab.accounts.oidc, which checks every key at startup.
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"APPS": _oidc.load_providers(os.environ), "OAUTH_PKCE_ENABLED": True}
}
SOCIALACCOUNT_ADAPTER = "samskab.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
# Never log a person into an existing profile because a provider sent its address: linking is
# done by the profile's owner, logged in, under "Kontoforbindelser" (/konto/3rdparty/).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "samskab_language"
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# No collectstatic step for a laptop: WhiteNoise serves straight from the package.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

EMAIL_HOST = env.str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", True)
else:
    # Without a mail server, mails are kept as files so none is lost on a laptop.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Samskab <noreply@samskab.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

_tasks_backend = env.choice("TASKS_BACKEND", "immediate", ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[_tasks_backend]
    }
}

# Seconds a background task may stay "running" before it is taken as its worker's death and
# queued again (samskab.core.task_reaper). Far above the longest task: a task only slow is not
# stopped, so it would run twice at once (which our tasks allow, but it is wasted work).
SAMSKAB_TASK_STALE_AFTER = env.int("TASK_STALE_AFTER", 600, minimum=1)

_redis_url = env.str("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "samskab.core.cache.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# A cache every web process shares (Redis): then `samskab serve --workers N` may run, and
# sessions are read from the cache (a database query less on every request) and written to the
# database as well, so none is lost when Redis restarts. Without one, sessions stay in the
# database alone: a per-process cache would keep a session another process had logged out.
SAMSKAB_SHARED_CACHE = bool(_redis_url)
if SAMSKAB_SHARED_CACHE:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF token from its cookie (forms carry it; the API docs get it from the
# page), nor the language cookie: neither is readable from a page.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    # The header covers this host's own subdomains (not its parent domain's).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # A request the proxy says came over plain http is sent to https. /healthz is exempt: a
    # load balancer asks the web process directly, without X-Forwarded-Proto.
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # Preloading commits the whole registered domain and all its subdomains to HTTPS in every
    # browser; that is the domain owner's decision (hstspreload.org), not one application's.
    # HSTS_PRELOAD=true sends the directive once the domain is submitted; until then Django's
    # reminder (security.W021) is silenced so `samskab check --deploy` is clean.
    SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# How many proxies in front of the web server add the client's address to X-Forwarded-For. 0
# trusts no header (the address is the connection's); behind one reverse proxy, set it to 1.
# Behind an HTTPS proxy there is at least one: without it `samskab serve` would drop the
# proxy's X-Forwarded-Proto, and every form would fail CSRF's origin check.
TRUSTED_PROXIES = env.int(
    "TRUSTED_PROXIES", 1 if BEHIND_HTTPS_PROXY else 0, minimum=1 if BEHIND_HTTPS_PROXY else 0
)
# The address the nearest proxy connects from; `samskab serve` takes X-Forwarded-* headers from
# it alone ("*": from any, when only the proxy can reach the port).
TRUSTED_PROXY_ADDRESS = env.str("TRUSTED_PROXY_ADDRESS", "127.0.0.1").strip()

# The most requests one web process holds at once, running or waiting for a thread; the next
# is answered 503 with Retry-After instead of queueing without bound. 0: 32 per thread of
# `samskab serve` (256 on the default 8), see samskab.core.server.max_in_flight.
SAMSKAB_MAX_IN_FLIGHT = env.int("MAX_IN_FLIGHT", 0, minimum=0)

# The smallest group (role, department, …) whose figures are shown on their own. A smaller one is
# merged into "andre" or left out, so that no one's answers can be read off a group of one.
SAMSKAB_MIN_GROUP_SIZE = env.int("MIN_GROUP_SIZE", 5, minimum=2)

# Days after a workshop ends before the guest accounts made for it are anonymised.
SAMSKAB_WORKSHOP_GUEST_DAYS = env.int("WORKSHOP_GUEST_DAYS", 30, minimum=1)

# Days before an experiment's review date that its designer and reviewers are reminded.
SAMSKAB_EXPERIMENT_REMINDER_DAYS = env.int("EXPERIMENT_REMINDER_DAYS", 3, minimum=1)

SAMSKAB_DEFAULT_ACCESSIBILITY_URL = "/tilgaengelighed/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"forbidden": {"()": "samskab.core.middleware.ForbiddenWithoutTraceback"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        "django.request": {"filters": ["forbidden"]},
        "django.db.backends": {"level": "INFO"},
        # Tasks run inline with the immediate backend: their start/finish lines are noise in a
        # request's or a command's output (`samskab demo`). A worker keeps them at LOG_LEVEL.
        **({"django_tasks": {"level": "WARNING"}} if _tasks_backend == "immediate" else {}),
    },
}
