"""Language choice: Chinese first, English by switch, remembered in a cookie; and texts kept
as data (an inbox message) to be rendered later in each reader's language."""
from flask import current_app, has_request_context, request
from flask_babel import gettext, ngettext, pgettext
from flask_babel.speaklater import LazyString
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


# --- texts kept as data, rendered later in each reader's language ---------------------------

_RENDERERS = {"gettext": gettext, "pgettext": pgettext, "ngettext": ngettext}


def freeze(text):
    """``text`` as JSON data that :func:`thaw` renders in whatever language is current then:
    a lazy translatable string becomes its message id, context and arguments (arguments that
    are lazy strings themselves frozen in turn); anything else is kept as its value (a
    number) or its text (a name, a title, an already rendered string)."""
    func = getattr(text, "_func", None)
    if isinstance(text, LazyString) and getattr(func, "__name__", None) in _RENDERERS:
        return {"f": func.__name__, "a": list(text._args),
                "k": {key: freeze(value) for key, value in text._kwargs.items()}}
    if text is None or isinstance(text, bool | int | float):
        return text
    return str(text)


def thaw(frozen) -> str:
    """The text :func:`freeze` kept, in the current language."""
    return str(_thawed(frozen)) if frozen is not None else ""


def _thawed(frozen):
    if isinstance(frozen, dict):
        render = _RENDERERS[frozen["f"]]
        return render(*frozen["a"], **{key: _thawed(value) for key, value in frozen["k"].items()})
    return frozen
