"""Settings for the theory-page archive: one file, every deployment value from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# The test suite keeps the search index and the cache out of the developer's var/.
UNDER_PYTEST = bool(os.environ.get("PYTEST_VERSION"))


def scratch_dir(prefix: str) -> Path:
    """A directory of this process alone, removed when it exits."""
    import atexit
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


# GENERAL
DEBUG = env_flag("DEBUG")
# The key comes from the environment, or from the file `make install` writes for a
# local checkout (var/secret_key); with neither, only DEBUG may run.
SECRET_KEY_FILE = VAR_DIR / "secret_key"
SECRET_KEY = os.environ.get("SECRET_KEY", "") or (
    SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
    if SECRET_KEY_FILE.exists()
    else ""
)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set it in the environment; "
            "`make install` writes one to var/secret_key for a local checkout)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"  # noqa: S105
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip()
    for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if o.strip()
]

INSTALLED_APPS = [
    "archive.apps.ArchiveAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "haystack",
    "axes",
    "archive",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes requires: it turns repeated failed admin logins into a lockout.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
                "archive.context_processors.site",
            ],
        },
    },
]

# The newspaper's name appears in citations and page titles; it is a setting, never
# hard-coded, so another paper's archive needs no code change.
NEWSPAPER_NAME = os.environ.get("NEWSPAPER_NAME", "工人日报")
SITE_TITLE = os.environ.get("SITE_TITLE", f"{NEWSPAPER_NAME}理论版档案")
# The public address of the site (https://archive.example.org), for every absolute link
# written where no request says where we are: exports, the bundle, feeds, OAI-PMH.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# DATABASES
# SQLite is the embedded default. WAL lets readers and one writer work at once,
# IMMEDIATE takes the write lock at BEGIN so two writers queue instead of failing
# mid-transaction, and the timeout makes them wait rather than raise "locked".
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'archive.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=30000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# SEARCH
SEARCH_INDEX_PATH = Path(os.environ.get("SEARCH_INDEX_PATH", VAR_DIR / "whoosh_index"))
if UNDER_PYTEST and "SEARCH_INDEX_PATH" not in os.environ:
    # Under pytest every saved article is indexed through the signal processor: never
    # into the developer's var/whoosh_index, always into a throwaway directory.
    SEARCH_INDEX_PATH = scratch_dir("archive-test-index-")
# Whoosh with jieba (articles/search/whoosh/) is the embedded default; tantivy
# (articles.search.tantivy.backend.TantivyEngine) is for large archives on one machine,
# Elasticsearch (articles.search.elasticsearch.ChineseElasticsearchEngine + SEARCH_URL)
# beyond one machine (docs/search.md). All search goes through haystack.
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": os.environ.get(
            "SEARCH_ENGINE", "articles.search.whoosh.backend.ChineseWhooshEngine"
        ),
        "PATH": str(SEARCH_INDEX_PATH),
        "URL": os.environ.get("SEARCH_URL", ""),
        "INDEX_NAME": os.environ.get("SEARCH_INDEX_NAME", "archive"),
        # update_index/rebuild_index hand the backend this many articles at a time; the
        # embedded engines segment a batch in parallel processes.
        "BATCH_SIZE": int(os.environ.get("SEARCH_BATCH_SIZE", "10000")),
        # Processes segmenting text during a (re)build; default: one per CPU.
        "SEGMENT_WORKERS": int(os.environ.get("SEARCH_SEGMENT_WORKERS", "0")),
        # Seconds a writer waits for another process's write lock.
        "LOCK_TIMEOUT": float(os.environ.get("SEARCH_LOCK_TIMEOUT", "60")),
        # Seconds an engine answer stays in the default cache, shared by all workers
        # and replaced by any index write (articles/search/results_cache.py); 0: off.
        "CACHE_SECONDS": int(os.environ.get("SEARCH_CACHE_SECONDS", "300")),
    },
}
# One path keeps the index fresh: saves of articles, authorships, authors, affiliations,
# issues, columns and provinces queue the affected articles and reindex them when the
# transaction commits (articles/search/signals.py).
HAYSTACK_SIGNAL_PROCESSOR = "articles.search.signals.SearchSignalProcessor"
# One model is indexed; no per-query model filter is needed.
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False

# CACHE
# The API throttle counts each client's requests here and search keeps results here, so
# the default cache is one every web worker shares. CACHE_URL=redis://host:6379/0 uses
# Redis (Django's RedisCache). Otherwise files under var/cache: Django's file cache
# writes each entry to a temporary file and renames it into place, so every process
# reads a whole entry, old or new, and no worker counts alone. (The database cache is
# shared too, but on SQLite each API request would then queue for the one write lock
# that editors' saves take.)
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHE_DIR = Path(os.environ.get("CACHE_DIR", VAR_DIR / "cache"))
if UNDER_PYTEST and "CACHE_DIR" not in os.environ:
    CACHE_DIR = scratch_dir("archive-test-cache-")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
    }
    if CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR),
        # Past this many entries a third are dropped at random; keep it above the
        # number of clients counted at once.
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "10000"))},
    }
}

# I18N
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# STATIC
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Hashed file names need `collectstatic` first (make setup and the Dockerfile run it);
# the test suite serves straight from the finders instead.
STATIC_MANIFEST = env_flag("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

# IMPORT
# Raw pages larger than this are refused: a theory page is ~30 KB of text.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 2 * 1024 * 1024))

# PAGE SCANS (archive/scans/; figures in docs/reliability.md)
SCAN_MAX_BYTES = int(os.environ.get("SCAN_MAX_BYTES", 100 * 1024 * 1024))
SCAN_PDF_MAX_BYTES = int(os.environ.get("SCAN_PDF_MAX_BYTES", 50 * 1024 * 1024))
# PDF pages / TIFF frames per file
SCAN_MAX_PAGES = int(os.environ.get("SCAN_MAX_PAGES", "4"))
# A 300-dpi broadsheet page is about 50 megapixels.
SCAN_MAX_PIXELS = int(os.environ.get("SCAN_MAX_PIXELS", "60000000"))
# What a progressive JPEG or interlaced PNG may need decoded at once (other layouts
# stream); above it such a file is refused with what to save it as instead.
SCAN_MAX_DECODE_MB = int(os.environ.get("SCAN_MAX_DECODE_MB", "256"))
SCAN_PDF_DPI = int(os.environ.get("SCAN_PDF_DPI", "300"))
SCAN_CACHE_SECONDS = int(os.environ.get("SCAN_CACHE_SECONDS", "86400"))

# SECURITY
# Admin logins are rate-limited per user name and client address (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# Behind the compose reverse proxy the client address is in X-Forwarded-For; trust
# exactly as many proxies as are really in front (PROXY_COUNT), never more. The login
# lockout, the API throttle and reader reports all ask archive.clients for it.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "archive.clients.client_address"
# HTTPS is on in production (DEBUG off); `make run` and the tests serve plain HTTP on
# 127.0.0.1 and turn it off. Behind the compose proxy, X-Forwarded-Proto says https.
HTTPS = env_flag("HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# ---------------------------------------------------------------------------------------
# PUBLIC PORTAL: Content-Security-Policy and reader error reports (owned by the portal).
# Scripts and styles come from this site only: no inline <script>, no style attributes,
# nothing from a CDN. Inline SVG charts are markup, not scripts, so they need nothing more.
MIDDLEWARE += ["archive.middleware.ContentSecurityPolicyMiddleware"]
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
# A reader (one hashed client address) may send this many error reports an hour.
READER_REPORTS_PER_HOUR = int(os.environ.get("READER_REPORTS_PER_HOUR", "10"))

# ---------------------------------------------------------------------------------------
# RESEARCH AND API: filtered lists, exports, charts, JSON API, OAI-PMH, feeds, bulk download.
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]
# Read-only and JSON only: the browsable API needs inline scripts the CSP forbids.
# Throttling and pagination are set on the API's views (articles/research/api.py).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Public data only: every client is anonymous (and throttled as such); no cookies read.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per client address for anonymous API clients ("120/minute", "5000/day").
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/minute")
API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "20"))
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "100"))
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_TITLE} API",
    "DESCRIPTION": "只读接口：文章（校对后正文，可选原始 OCR）、作者、单位、省份、栏目、版面。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # 3.1 states "a person or null" plainly; 3.0's nullable beside a $ref is ambiguous
    # and strict validators reject null there.
    "OAS_VERSION": "3.1.0",
    # Swagger UI's files come from the drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents its 400, 404 and 429 answers (articles/research/api.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.research.api_schema.document_errors",
    ],
}
# OAI-PMH: records per ListRecords/ListIdentifiers response and the repository's
# identifier in oai:<identifier>:<article id> (a domain name the archive controls).
OAI_PAGE_SIZE = int(os.environ.get("OAI_PAGE_SIZE", "100"))
OAI_REPOSITORY_IDENTIFIER = os.environ.get(
    "OAI_REPOSITORY_IDENTIFIER", "theory-archive.local"
)
OAI_ADMIN_EMAIL = os.environ.get("OAI_ADMIN_EMAIL", "archive@theory-archive.local")
FEED_ITEMS = int(os.environ.get("FEED_ITEMS", "50"))
# Keyword filtering takes at most this many search hits (by relevance) into the lists.
RESEARCH_MAX_KEYWORD_HITS = int(os.environ.get("RESEARCH_MAX_KEYWORD_HITS", "5000"))
# export_corpus writes zips here and /downloads/ serves them; older ones are pruned.
CORPUS_EXPORT_DIR = Path(os.environ.get("CORPUS_EXPORT_DIR", MEDIA_ROOT / "exports"))
CORPUS_EXPORTS_KEPT = int(os.environ.get("CORPUS_EXPORTS_KEPT", "3"))
