"""Wiring shared by every page: extensions, login, locale, template helpers, errors."""
from datetime import date, datetime
from urllib.parse import urlencode

from flask import Flask, current_app, has_app_context, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from . import edge, errors, i18n, mail_worker, permissions, sqlite_transactions
from .config import SQLITE_SYNCHRONOUS_LEVELS
from .demo import holds_demo_data
from .domain.money import format_fen
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .labels import label, number_label
from .models import User
from .nav import centre_nav_items, nav_items
from .params import MAX_ID


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # WAL: readers never block the writer (and the writer never blocks readers).
        cursor.execute("PRAGMA journal_mode=WAL")
        # When a commit reaches the disk: see Config.SQLITE_SYNCHRONOUS (FULL, the safest,
        # for a connection opened outside an app).
        cursor.execute(f"PRAGMA synchronous={_sqlite_synchronous()}")
        cursor.close()


def _sqlite_synchronous() -> str:
    level = current_app.config.get("SQLITE_SYNCHRONOUS") if has_app_context() else None
    return level if level in SQLITE_SYNCHRONOUS_LEVELS else "FULL"


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that 404s on ids a database integer cannot hold (no overflow 500)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    edge.init_app(app)  # first: a forged Host or a NUL byte goes no further
    db.init_app(app)
    sqlite_transactions.install()  # BEGIN IMMEDIATE for writers (see market/sqlite_transactions.py)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    mail_worker.init_app(app)  # emails queued by a commit are delivered off the request

    app.before_request(permissions.enforce_declared_access)
    app.after_request(i18n.remember_language)
    app.after_request(_security_headers)
    app.teardown_request(_rollback_on_error)
    errors.init_app(app)
    app.jinja_env.filters.update(money=_money, date=_date, datetime=_datetime)
    app.jinja_env.globals.update(current_locale=lambda: str(get_locale()),
                                 url_with_lang=_url_with_lang, permissions=permissions,
                                 label=label, number_label=number_label, nav_items=nav_items,
                                 centre_nav_items=centre_nav_items,
                                 demo_market=holds_demo_data,
                                 has_endpoint=lambda name: name in app.view_functions)


def _load_user(user_id: str) -> User | None:
    uid, _, version = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    if user is None or str(user.session_version) != version:
        return None
    return user


def _rollback_on_error(exc) -> None:
    if exc is not None:
        db.session.rollback()


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _url_with_lang(lang: str) -> str:
    """The current page's address with ``lang`` set (the language switch links)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return request.path + "?" + urlencode(args, doseq=True)


def _money(amount_fen, currency: str = "CNY") -> str:
    if amount_fen is None:
        return ""
    # CNY reads ¥1,234.00 in both languages (Babel's English form would be CN¥).
    locale = "zh_CN" if currency == "CNY" else str(get_locale())
    return format_fen(int(amount_fen), currency, locale=locale)


def _date(value: date | datetime | None, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def _datetime(value: datetime | None, fmt: str = "medium") -> str:
    return format_datetime(value, fmt) if value else ""


__all__ = ["init_app", "current_user"]
