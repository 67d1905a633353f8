"""Language choice: Chinese first, English by switch, remembered in a cookie."""
from flask import current_app, has_request_context, request
from flask_login import current_user

LANG_COOKIE = "lang"


def requested_language() -> str | None:
    lang = request.args.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    if not has_request_context():  # CLI, tests, background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = requested_language() or request.cookies.get(LANG_COOKIE)
    if lang in current_app.config["LANGUAGES"]:
        return lang
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language(response):
    """``after_request``: keep a ``?lang=`` choice for a year."""
    lang = requested_language()
    if lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
