"""Configuration read from the environment, with embedded defaults for development.

``Config`` runs the app with no keys at all (SQLite under ``instance/``, offline payments).
``ProdConfig`` refuses to start without ``SECRET_KEY``.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("MARKET_INSTANCE", ROOT / "instance"))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE / 'market.sqlite'}"
    # Accept the common postgres:// spellings and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _dev_secret_key() -> str:
    """A random key kept under instance/ so development sessions survive restarts."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE / "search-index"))
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "market" / "translations")
    LANGUAGES = ("zh", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # The per-IP limits (Flask-Limiter). memory:// is one count per process: with several
    # gunicorn workers or servers set a shared store, e.g. redis://127.0.0.1:6379/0
    # (gunicorn.conf.py refuses memory:// with several production workers). RATELIMIT_ENABLED=0
    # turns them off (when the reverse proxy limits per IP); the per-account count stays.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1").strip().lower() not in (
        "0", "false", "no", "off")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    RESET_RATE_LIMIT = "5 per minute;20 per hour"
    # Per account, in the database (every worker and server shares it): after this many
    # log-in attempts in the window the account is refused, right password or not, until the
    # window ends (a password reset lifts it).
    LOGIN_ACCOUNT_MAX_ATTEMPTS = int(os.environ.get("LOGIN_ACCOUNT_MAX_ATTEMPTS", "10"))
    LOGIN_ACCOUNT_WINDOW = int(os.environ.get("LOGIN_ACCOUNT_WINDOW", "900"))  # seconds
    PASSWORD_RESET_MAX_AGE = 3600  # seconds
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name; werkzeug default cost n=2**15)
    PLAN_START_YEAR = int(os.environ.get("PLAN_START_YEAR", "2020"))
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    # Payments: Stripe when both keys are set, else offline bank transfer (market/payments).
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE") or None  # None: Stripe's own
    STRIPE_WEBHOOK_TOLERANCE = int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE", "300"))  # seconds
    STRIPE_MAX_NETWORK_RETRIES = int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2"))
    PAYMENT_BANK_ACCOUNT_NAME = os.environ.get("PAYMENT_BANK_ACCOUNT_NAME",
                                               "沈阳市知识产权运营服务中心（演示账户）")
    PAYMENT_BANK_NAME = os.environ.get("PAYMENT_BANK_NAME", "中国工商银行沈阳浑南支行（演示）")
    PAYMENT_BANK_ACCOUNT = os.environ.get("PAYMENT_BANK_ACCOUNT", "6222 0000 0000 0000 000")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "noreply@ipmarket.shenyang.example")
    # The address users reach the site at; links in emails are built on it (unset: the
    # request's own host, or http://127.0.0.1:5000 from a command such as `flask search sync`).
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or None

    # The home page's headline figures are kept this long per process (seconds).
    HEADLINE_CACHE_SECONDS = int(os.environ.get("HEADLINE_CACHE_SECONDS", "60"))
    # Listing views are written in batches: after this many views or seconds, per process.
    VIEW_COUNT_BATCH = int(os.environ.get("VIEW_COUNT_BATCH", "50"))
    VIEW_COUNT_MAX_DELAY = float(os.environ.get("VIEW_COUNT_MAX_DELAY", "10"))

    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))  # reverse proxies in front (ProxyFix)

    @classmethod
    def finalise(cls, config: dict) -> None:
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _dev_secret_key()
        _engine_options(config)


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    VIEW_COUNT_BATCH = 1  # write every listing view at once (tests read the count back)
    HEADLINE_CACHE_SECONDS = 0  # the home page's figures fresh on every request
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 (cheap hashes keep the suite fast)
    WTF_CSRF_ENABLED = True


class ProdConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def finalise(cls, config: dict) -> None:
        if not config.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production (environment variable).")
        _engine_options(config)


def _engine_options(config: dict) -> None:
    """PostgreSQL: give up connecting after 5 s (a dead database must not hang /healthz)."""
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"connect_timeout": 5, **options.get("connect_args", {})}
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def config_from_env() -> type[Config]:
    return ProdConfig if os.environ.get("MARKET_ENV") == "production" else Config
