"""Settings for Kreativorte im Grünen.

One module, configured by environment variables and safe by default: DEBUG is off unless
DJANGO_DEBUG says otherwise, and outside DEBUG a missing secret key stops start-up. Every
variable read here is listed in the README.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

ADMINS = [("Redaktion", address) for address in env_list("DJANGO_ADMINS")]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails fast (503 page, /readyz) instead of holding a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5")
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers and one writer work side by side; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Kreativorte im Grünen <noreply@kreativorte.example>"
)
# Django 6.1's MAILERS; the console backend prints mails while developing.
_default_email_backend = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
MAILERS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_EMAIL_BACKEND", _default_email_backend),
        "OPTIONS": {},
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
        "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
        "timeout": int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10")),
    }
SERVER_EMAIL = DEFAULT_FROM_EMAIL

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django_filters",
    "places",
    "inquiries",
    # After places: its admin re-registers the place admin with the editorial rules.
    "editorial",
    "reversion",
    "import_export",
    "axes",
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]

MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Uploads are served by nginx (or object storage) in production; Django only while developing.
KREATIVORTE_SERVE_MEDIA = env_bool("KREATIVORTE_SERVE_MEDIA", DEBUG)

MIDDLEWARE = [
    "kreativorte.request_id.RequestIdMiddleware",
    "kreativorte.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kreativorte.security.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kreativorte.urls"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True

SITE_ID = 1

STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.csp",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

WSGI_APPLICATION = "kreativorte.wsgi.application"

# Portal settings.
KREATIVORTE_DATA_LICENSE = os.environ.get("KREATIVORTE_DATA_LICENSE", "CC BY 4.0")
KREATIVORTE_DATA_LICENSE_URL = os.environ.get(
    "KREATIVORTE_DATA_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/deed.de"
)

# Security headers: a strict Content-Security-Policy. Templates carry no inline scripts or
# styles, so 'self' is enough; the nonce only appears in the header on pages that ask for one
# (the Django admin). Map tiles are the one outside source, allowed only as images.
_map_tile_url = os.environ.get(
    "KREATIVORTE_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)


def csp_origin(url):
    """The CSP host source for a tile URL template ("https://{s}.tile.example" -> wildcard)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('{s}.', '*.')}"


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "img-src": [CSP.SELF, "data:", *filter(None, [csp_origin(_map_tile_url)])],
    "object-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
}
X_FRAME_OPTIONS = "DENY"

# Inquiries: contact form, "Ort vorschlagen", editor notification, spam defence, retention.
# Editors are notified at KREATIVORTE_EDITOR_EMAILS (falling back to DJANGO_ADMINS).
KREATIVORTE_EDITOR_EMAILS = env_list("KREATIVORTE_EDITOR_EMAILS")
KREATIVORTE_SEND_CONFIRMATION = env_bool("KREATIVORTE_SEND_CONFIRMATION", False)
KREATIVORTE_RETENTION_MONTHS = int(os.environ.get("KREATIVORTE_RETENTION_MONTHS", "12"))
# Accepted submissions per client and window, counted in the database so that all workers share
# the count (inquiries/rate_limit.py).
KREATIVORTE_RATE_LIMIT = int(os.environ.get("KREATIVORTE_RATE_LIMIT", "5"))
KREATIVORTE_RATE_LIMIT_WINDOW = int(os.environ.get("KREATIVORTE_RATE_LIMIT_WINDOW", "600"))
KREATIVORTE_FORM_MIN_SECONDS = float(os.environ.get("KREATIVORTE_FORM_MIN_SECONDS", "3"))
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
KREATIVORTE_TRUSTED_PROXIES = int(os.environ.get("KREATIVORTE_TRUSTED_PROXIES", "0"))
KREATIVORTE_UPLOAD_MAX_MB = int(os.environ.get("KREATIVORTE_UPLOAD_MAX_MB", "10"))
KREATIVORTE_UPLOAD_MAX_MEGAPIXELS = int(os.environ.get("KREATIVORTE_UPLOAD_MAX_MEGAPIXELS", "40"))
KREATIVORTE_IMAGE_MAX_EDGE = int(os.environ.get("KREATIVORTE_IMAGE_MAX_EDGE", "2400"))

# Map
# Leaflet loads tiles only after the visitor clicks "Karte anzeigen". The tile URL is the one the
# Content-Security-Policy above allows; the attribution is plain text, linked to its URL.
KREATIVORTE_MAP_TILE_URL = _map_tile_url
KREATIVORTE_MAP_ATTRIBUTION = os.environ.get(
    "KREATIVORTE_MAP_ATTRIBUTION", "© OpenStreetMap-Mitwirkende"
)
KREATIVORTE_MAP_ATTRIBUTION_URL = os.environ.get(
    "KREATIVORTE_MAP_ATTRIBUTION_URL", "https://www.openstreetmap.org/copyright"
)

# Production: HTTPS, headers, passwords, cache, health and logs (issue 10).
# TLS ends at nginx, which tells the app in X-Forwarded-Proto. A plain-HTTP run on 127.0.0.1
# (`make serve`, the CI smoke test, the audit, the benchmark) sets DJANGO_HTTPS=0: no redirect,
# no HSTS, cookies without the Secure flag.
KREATIVORTE_HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
if KREATIVORTE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", KREATIVORTE_HTTPS)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", KREATIVORTE_HTTPS)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS") or (31_536_000 if KREATIVORTE_HTTPS else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
# Features the site never uses are switched off for it and for anything it might embed.
KREATIVORTE_PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
}
# "Mein Standort" (near me) asks the browser for the position after a click, on our own pages
# only; nothing embedded may.
KREATIVORTE_PERMISSIONS_POLICY["geolocation"] = ["self"]
KREATIVORTE_CROSS_ORIGIN_RESOURCE_POLICY = os.environ.get(
    "KREATIVORTE_CROSS_ORIGIN_RESOURCE_POLICY", "same-origin"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


def cache_from_url(url):
    """Local memory when empty (one process), Redis for ``redis://`` or ``rediss://`` URLs."""
    scheme = urlsplit(url).scheme
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme in {"redis", "rediss"}:
        return {
            # Django's RedisCache; an unreachable Redis counts as a miss (kreativorte/cache.py).
            "BACKEND": "kreativorte.cache.TolerantRedisCache",
            "LOCATION": url,
            # A cache that does not answer within a second is treated as down, not waited for.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    raise ImproperlyConfigured(f"KREATIVORTE_CACHE_URL: unknown scheme {scheme!r}")


CACHES = {
    "default": cache_from_url(os.environ.get("KREATIVORTE_CACHE_URL", "")),
    # Each process's own memory, emptied by every restart: what depends on the code alone (the
    # site's header and footer, the map block) and, with Redis, copies of the pages this process
    # served, each used only while the shared generation says it is current.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}

# /readyz: name -> function that raises when its service is unreachable (kreativorte/health.py).
KREATIVORTE_READINESS_CHECKS = {
    "database": "kreativorte.health.check_database",
    "cache": "kreativorte.health.check_cache",
    "tasks": "kreativorte.health.check_task_queue",
}

# Logs: one line per event on stdout with the request id; JSON in production, text in DEBUG.
# Nothing personal is logged: the access line has method, path (no query string), status, time.
_log_level = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "kreativorte.request_id.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        # A visitor's position ("Mein Standort") travels in the URL only: no log line keeps it.
        "redact_position": {"()": "places.privacy.RedactPosition"},
    },
    "formatters": {
        "json": {"()": "kreativorte.logs.JsonFormatter"},
        "text": {
            "()": "kreativorte.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id", "redact_position"],
            "formatter": os.environ.get("KREATIVORTE_LOG_FORMAT", "text" if DEBUG else "json"),
        },
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": _log_level},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": _log_level, "propagate": False},
        "django.server": {"handlers": ["console"], "level": _log_level, "propagate": False},
    },
}

# Production chain (issue 10 §1, §7): task queue and media storage.
# Tasks: mails and other slow work run in a worker (`manage.py db_worker`), queued in the
# database by django-tasks-db. DEBUG and the test suite run each task at once, inside the
# request, so that `make run` needs no worker.
KREATIVORTE_TASK_BACKEND = os.environ.get(
    "KREATIVORTE_TASK_BACKEND", "immediate" if DEBUG else "database"
)
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if KREATIVORTE_TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"KREATIVORTE_TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, "
        f"not {KREATIVORTE_TASK_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[KREATIVORTE_TASK_BACKEND]}}
INSTALLED_APPS += ["django_tasks_db", "backups"]


# Media on S3-compatible object storage (django-storages) when a bucket is named; several app
# servers then share one media store. Without a custom domain, media URLs are signed.
def s3_media_storage(environ):
    """STORAGES["default"] for the bucket named in ``environ``, or None without one."""
    if not environ.get("KREATIVORTE_S3_BUCKET"):
        return None
    custom_domain = environ.get("KREATIVORTE_S3_CUSTOM_DOMAIN", "")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["KREATIVORTE_S3_BUCKET"],
            "endpoint_url": environ.get("KREATIVORTE_S3_ENDPOINT_URL") or None,
            # Other providers' endpoints serve https://endpoint/bucket/key.
            "addressing_style": "path" if environ.get("KREATIVORTE_S3_ENDPOINT_URL") else None,
            "region_name": environ.get("KREATIVORTE_S3_REGION") or None,
            "access_key": environ.get("KREATIVORTE_S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("KREATIVORTE_S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": custom_domain or None,
            "querystring_auth": not custom_domain,
            "default_acl": None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=2592000"},
        },
    }


def s3_media_origin(environ):
    """Where the photos come from then, for the Content-Security-Policy."""
    if environ.get("KREATIVORTE_S3_CUSTOM_DOMAIN"):
        return f"https://{environ['KREATIVORTE_S3_CUSTOM_DOMAIN']}"
    return csp_origin(environ.get("KREATIVORTE_S3_ENDPOINT_URL", "")) or (
        f"https://{environ['KREATIVORTE_S3_BUCKET']}.s3.amazonaws.com"
    )


if _s3_storage := s3_media_storage(os.environ):
    STORAGES["default"] = _s3_storage
    SECURE_CSP["img-src"].append(s3_media_origin(os.environ))
# Editorial office (editorial/): login lockout, admin path, history, import/export, reminders.
# django-axes counts failed admin logins in the database, so every gunicorn worker and machine
# shares the count; after KREATIVORTE_LOGIN_FAILURE_LIMIT failures for one user name from one
# address, that pair is locked out for KREATIVORTE_LOGIN_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("KREATIVORTE_LOGIN_LOCKOUT", True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("KREATIVORTE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("KREATIVORTE_LOGIN_COOLOFF_MINUTES", "30"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "editorial.views.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
# The client address as the rate limit sees it (KREATIVORTE_TRUSTED_PROXIES decides).
AXES_CLIENT_IP_CALLABLE = "inquiries.rate_limit.client_address"
# The admin's URL path, e.g. "redaktion/"; a less guessable path keeps password guessers away.
KREATIVORTE_ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"
# Import and export: changing entries is needed to import, viewing them to export.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# German for what Django's own catalogues leave in English in the admin ("- Select an option -",
# "Choose all …"). A locale path, not editorial/locale: makemessages would write the project's
# msgids there and drop these as obsolete.
LOCALE_PATHS = [*LOCALE_PATHS, BASE_DIR / "editorial" / "admin_locale"]
# Entries nobody has checked for this many months are "stale" (admin filter, reminder mails).
KREATIVORTE_STALE_MONTHS = int(os.environ.get("KREATIVORTE_STALE_MONTHS", "12"))

# Performance (issue 11): search document, page cache.
# django.contrib.postgres for the stored search vector's field type; harmless on SQLite.
INSTALLED_APPS += ["django.contrib.postgres"]
# Anonymous GET pages and the map data are cached for this many seconds (0: off), keyed by the
# cache generation (places/cache.py), so an editorial change shows on the next request anyway.
KREATIVORTE_PAGE_CACHE_SECONDS = int(os.environ.get("KREATIVORTE_PAGE_CACHE_SECONDS", "600"))
# Data fragments that many pages share (the home page's counts), under the same generation.
KREATIVORTE_FRAGMENT_CACHE_SECONDS = int(
    os.environ.get("KREATIVORTE_FRAGMENT_CACHE_SECONDS", "600")
)
# The page cache answers right after WhiteNoise, before sessions and routing (places/page_cache.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "places.page_cache.PageCacheMiddleware",
)
