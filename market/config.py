"""Configuration read from the environment, with embedded defaults for development.

``Config`` runs the app with no keys at all (SQLite under ``instance/``, offline payments).
``ProdConfig`` refuses to start without ``SECRET_KEY`` and ``PUBLIC_URL``.
"""
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

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
    # SQLite only (it runs in WAL mode): when a commit reaches the disk. NORMAL syncs the
    # write-ahead log at each checkpoint instead of at each commit: a commit survives the
    # process being killed (the operating system holds it) and the database is never left
    # damaged, but a power cut or an operating-system crash may lose the commits made since
    # the last checkpoint (at most ~1,000 pages of log). FULL (or EXTRA) syncs every commit:
    # nothing committed is lost even then, at the price of a disk sync per commit (~4 ms
    # here, the largest single cost of concluding a deal). OFF is refused.
    SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "NORMAL")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", str(INSTANCE / "search-index"))
    # The demand board's index; unset: ``demands/`` inside SEARCH_INDEX_DIR (one directory
    # to back up, delete or rebuild with `flask search reindex`)
    DEMAND_SEARCH_INDEX_DIR = os.environ.get("DEMAND_SEARCH_INDEX_DIR") or None
    # /healthz says "degraded" when this server's index is more listing changes (search
    # outbox rows) behind the database than this: the sync timer has stopped or fails.
    SEARCH_MAX_LAG = int(os.environ.get("SEARCH_MAX_LAG", "500"))
    # ... and when a deal event has waited longer than this (seconds) for its notices: no
    # outbox worker or `flask mail deliver` timer is telling them.
    NOTICE_MAX_DELAY = int(os.environ.get("NOTICE_MAX_DELAY", "300"))
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
    # Portfolio uploads per user (each is read, checked and kept until confirmed).
    IMPORT_RATE_LIMIT = os.environ.get("IMPORT_RATE_LIMIT", "10 per minute;60 per hour")
    # Questions about listings per user (and the daily count per account in the service).
    QUESTION_RATE_LIMIT = os.environ.get("QUESTION_RATE_LIMIT", "5 per minute;30 per hour")
    # An upload's preview can be confirmed this long (seconds); `flask imports clean` then
    # deletes it.
    IMPORT_PREVIEW_MAX_AGE = int(os.environ.get("IMPORT_PREVIEW_MAX_AGE", "86400"))
    # Per account, in the database (every worker and server shares it): after this many
    # log-in attempts in the window the account is refused, right password or not, until the
    # window ends (a password reset lifts it).
    LOGIN_ACCOUNT_MAX_ATTEMPTS = int(os.environ.get("LOGIN_ACCOUNT_MAX_ATTEMPTS", "10"))
    LOGIN_ACCOUNT_WINDOW = int(os.environ.get("LOGIN_ACCOUNT_WINDOW", "900"))  # seconds
    PASSWORD_RESET_MAX_AGE = 3600  # seconds
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name; werkzeug default cost n=2**15)
    PLAN_START_YEAR = int(os.environ.get("PLAN_START_YEAR", "2020"))
    # Base years of the plan's average annual growth, per indicator, over the defaults of
    # market/services/stats.py (2018, the plan's base): "deals=2019,contract_value=2019".
    GROWTH_BASE_YEARS = os.environ.get("GROWTH_BASE_YEARS", "")
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
    # Who receives bank transfers: "licensor" (into the licensor's own account, entered on
    # its organisation profile; the licensor confirms) or "centre" (the account above holds
    # the money as escrow; the centre confirms and records the pay-out). Card payments
    # (Stripe) always go to the centre. A broker's fee follows the same rule with the
    # broker agency in the licensor's place. See market/services/payees.py.
    PAYMENT_RECEIVER = os.environ.get("PAYMENT_RECEIVER", "licensor").strip().lower()
    # The largest bank voucher (image or PDF) a payer may upload with a reported transfer.
    VOUCHER_MAX_BYTES = int(os.environ.get("VOUCHER_MAX_BYTES", str(5 * 1024 * 1024)))
    # The mail server: smtp://host:25, smtp+starttls://user:pw@host:587 or
    # smtps://user:pw@host:465 (user and password percent-encoded). Unset: messages go to the
    # log (development; production warns at every start). See market/mail_transport.py.
    MAIL_URL = os.environ.get("MAIL_URL") or None
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "沈阳知识产权交易平台 <noreply@ipmarket.shenyang.example>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "30"))  # seconds per SMTP answer
    # SQLite: how long a writer waits in line for the one write lock before giving up (the
    # request then answers 503 "busy, send it again"); pysqlite's own default is 5 s
    SQLITE_BUSY_SECONDS = float(os.environ.get("SQLITE_BUSY_SECONDS", "30"))
    # Emails queued by a commit are delivered by a thread of the process ("background"), in
    # batches, or at once after the commit in the request ("inline"); see market/mail_worker.
    MAIL_DELIVERY = os.environ.get("MAIL_DELIVERY", "background")
    MAIL_LINGER = 0.2  # seconds the worker waits for further commits' emails before a batch
    MAIL_RETRY_SECONDS = 30  # after a failed delivery
    MAIL_POLL_SECONDS = 60  # the worker also looks for messages other processes left unsent
    # The address users reach the site at; every absolute link (emails, Stripe's return
    # addresses, the API) is built on it. Required in production. Unset in development: the
    # request's host (one of TRUSTED_HOSTS), or http://127.0.0.1:5000 from a command.
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or None
    # Host names a request may name (Host / X-Forwarded-Host); any other answers 400 (Flask's
    # TRUSTED_HOSTS). None: from the TRUSTED_HOSTS environment variable (comma-separated),
    # else DEV_HOSTS; PUBLIC_URL's host is always added (see finalise).
    TRUSTED_HOSTS = None
    DEV_HOSTS = ("127.0.0.1", "localhost", "[::1]")

    # The home page's headline figures are kept this long per process (seconds).
    HEADLINE_CACHE_SECONDS = int(os.environ.get("HEADLINE_CACHE_SECONDS", "60"))
    # Listing views are written in batches: after this many views or seconds, per process.
    VIEW_COUNT_BATCH = int(os.environ.get("VIEW_COUNT_BATCH", "50"))
    VIEW_COUNT_MAX_DELAY = float(os.environ.get("VIEW_COUNT_MAX_DELAY", "10"))

    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))  # reverse proxies in front (ProxyFix)
    # The TrueType font every PDF embeds (a subset); the default is vendored with its licence.
    PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH") or str(ROOT / "market" / "fonts" / "wqy-microhei.ttc")

    @classmethod
    def finalise(cls, config: dict) -> None:
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _dev_secret_key()
        public_host = _public_host(config) if config.get("PUBLIC_URL") else None
        hosts = _configured_hosts(config) or list(cls.DEV_HOSTS)
        config["TRUSTED_HOSTS"] = _with(hosts, public_host)
        _engine_options(config)
        _check_sqlite_synchronous(config)
        _check_payment_receiver(config)
        _check_mail_url(config)


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    VIEW_COUNT_BATCH = 1  # write every listing view at once (tests read the count back)
    HEADLINE_CACHE_SECONDS = 0  # the home page's figures fresh on every request
    MAIL_DELIVERY = "inline"  # no delivery thread outlives a test
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
        if not config.get("PUBLIC_URL"):
            raise RuntimeError(
                "PUBLIC_URL must be set in production (environment variable), e.g. "
                "PUBLIC_URL=https://ipmarket.example.cn: links in emails are built on it, and "
                "requests for any other host (see TRUSTED_HOSTS) are refused.")
        config["TRUSTED_HOSTS"] = _with(_configured_hosts(config), _public_host(config))
        _engine_options(config)
        _check_sqlite_synchronous(config)
        _check_payment_receiver(config)
        _check_mail_url(config)
        if not config.get("MAIL_URL"):
            # Every process start says it (gunicorn's workers, timers, commands): the site
            # runs, but no password-reset link or deal notice reaches anyone.
            logging.getLogger("market.mail").warning(
                "MAIL_URL is not set: emails are only written to the log and NOT delivered. "
                "Set MAIL_URL=smtp+starttls://user:password@host:587 (or smtps://…:465) and "
                "MAIL_SENDER.")


def _public_host(config: dict) -> str:
    """Check PUBLIC_URL (an http(s) address, no query) and return its host as Werkzeug
    compares it (IPv6 in brackets). Raises RuntimeError."""
    url = str(config["PUBLIC_URL"]).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username \
            or parts.query or parts.fragment:
        raise RuntimeError(f"PUBLIC_URL must be an address like https://ipmarket.example.cn "
                           f"(got {url!r}).")
    config["PUBLIC_URL"] = url.rstrip("/")
    return f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname


def _configured_hosts(config: dict) -> list[str]:
    """TRUSTED_HOSTS as set in the config (a list, or a comma-separated string), else from
    the environment; [] when neither names one."""
    hosts = config.get("TRUSTED_HOSTS")
    if hosts is None:
        hosts = os.environ.get("TRUSTED_HOSTS", "")
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    return [h.strip().lower() for h in hosts if h and h.strip()]


def _with(hosts: list[str], host: str | None) -> list[str]:
    """``hosts`` with ``host`` first; never empty (Werkzeug reads an empty list as "trust
    every host")."""
    out = [host] if host else []
    out += [h for h in hosts if h != host]
    if not out:
        raise RuntimeError("TRUSTED_HOSTS names no host.")
    return out


def _engine_options(config: dict) -> None:
    """PostgreSQL: give up connecting after 5 s (a dead database must not hang /healthz).
    SQLite: writers queue for the write lock up to ``SQLITE_BUSY_SECONDS``."""
    url = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    if url.startswith("postgresql"):
        extra = {"connect_timeout": 5}
    elif url.startswith("sqlite"):
        extra = {"timeout": float(config.get("SQLITE_BUSY_SECONDS", 30))}
    else:
        return
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options["connect_args"] = {**extra, **options.get("connect_args", {})}
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


SQLITE_SYNCHRONOUS_LEVELS = ("NORMAL", "FULL", "EXTRA")


def _check_sqlite_synchronous(config: dict) -> None:
    """Refuse a SQLITE_SYNCHRONOUS that could lose or damage committed data (OFF) or that
    SQLite does not know."""
    value = str(config.get("SQLITE_SYNCHRONOUS") or "NORMAL").strip().upper()
    if value not in SQLITE_SYNCHRONOUS_LEVELS:
        raise RuntimeError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS_LEVELS)}"
                           f" (got {config.get('SQLITE_SYNCHRONOUS')!r}).")
    config["SQLITE_SYNCHRONOUS"] = value


def _check_payment_receiver(config: dict) -> None:
    """Refuse to start with a PAYMENT_RECEIVER nobody would know how to pay."""
    value = str(config.get("PAYMENT_RECEIVER") or "").strip().lower()
    if value not in ("licensor", "centre"):
        raise RuntimeError(f"PAYMENT_RECEIVER must be licensor or centre (got {value!r}).")
    config["PAYMENT_RECEIVER"] = value


def _check_mail_url(config: dict) -> None:
    """Refuse to start with a MAIL_URL the transport could not use (a typo would otherwise
    only show when the first message fails)."""
    if config.get("MAIL_URL"):
        from .mail_transport import parse_mail_url
        try:
            parse_mail_url(str(config["MAIL_URL"]))
        except ValueError as exc:
            raise RuntimeError(str(exc)) from exc


def config_from_env() -> type[Config]:
    return ProdConfig if os.environ.get("MARKET_ENV") == "production" else Config
