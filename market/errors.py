"""Error pages: an HTML page in the site's layout, or JSON for the API, for every error code."""
from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db

ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("File too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("The platform is busy"),
}
ERROR_TEXTS = {
    400: _l("The request could not be understood. If you submitted a form, reload the page "
            "and try again."),
    403: _l("You do not have permission to see this page."),
    404: _l("We could not find that page. It may have been moved or withdrawn."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The file is larger than the platform accepts."),
    429: _l("You have made too many attempts. Please wait a minute and try again."),
    500: _l("The error has been logged. Please try again in a moment."),
    503: _l("Nothing was saved. Please send it again in a moment."),
}
BUSY_RETRY_AFTER = 5  # seconds, in the Retry-After of a 503


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(Exception, _server_error)


def render_error(code: int, description=None):
    if request.path.startswith("/api/") or request.is_json:
        return {"error": str(ERROR_TITLES.get(code, code)),
                "detail": str(description or ERROR_TEXTS.get(code, ""))}, code
    return render_template("errors/error.html", code=code,
                           title=ERROR_TITLES.get(code, str(code)),
                           text=description or ERROR_TEXTS.get(code, "")), code


def _http_error(exc: HTTPException):
    if exc.code is None or exc.code < 400:
        return exc
    body, code = render_error(exc.code)
    # keep the exception's own headers (Allow on 405, Retry-After on 429, WWW-Authenticate)
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return body, code, headers


def _csrf_error(exc: CSRFError):
    return render_error(400, _l("The form expired or was sent from elsewhere. Reload the "
                                 "page and try again."))


def _server_error(exc: Exception):
    db.session.rollback()
    if _database_busy(exc):
        # SQLite's one write lock stayed taken for the whole busy timeout: not a fault of
        # the request, and the rollback lost nothing it had not been told
        current_app.logger.warning("database busy on %s: answered 503", request.path)
        # a page without the layout's own queries (inbox count, centre bar): the database
        # is what is busy
        body = render_template("errors/busy.html", title=ERROR_TITLES[503],
                               text=ERROR_TEXTS[503])
        if request.path.startswith("/api/") or request.is_json:
            body = {"error": str(ERROR_TITLES[503]), "detail": str(ERROR_TEXTS[503])}
        return body, 503, {"Retry-After": str(BUSY_RETRY_AFTER)}
    current_app.logger.exception("unhandled error on %s", request.path)
    if current_app.config.get("TESTING") and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise exc
    return render_error(500)


def _database_busy(exc: Exception) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)
