"""Checks every request passes before anything else runs: a trusted Host, and no NUL bytes.

- Host: Flask compares the Host header (X-Forwarded-Host behind ProxyFix) with
  ``TRUSTED_HOSTS`` while it builds the request's URL adapter and stores a SecurityError as the
  routing exception. Without an adapter no page can be rendered (``url_for`` fails), so the
  refusal is a plain 400 here, before CSRF, rate limits or login look at the request.
- NUL: PostgreSQL cannot store U+0000 in text (an error, a 500, after the form has been
  checked) and no form, query or file name has a use for it. Refused on every database alike:
  path, query, form fields, uploaded file names, JSON bodies and header values.
"""
import re

from flask import Flask, Response, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import SecurityError

from .errors import render_error

NUL = "\x00"
NUL_REFUSED = _l("The request contains a NUL character (U+0000), which the platform does not "
                 "accept. Remove it and try again.")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# In JSON text: a raw NUL byte, or the escape \u0000 (after an even number of backslashes,
# else the backslash itself is escaped). Read on the raw body: no parsing (and no recursion
# limit) for a check; the body is cached for the view (the webhook verifies these bytes).
_JSON_NUL = re.compile(rb"\x00|(?<!\\)(?:\\\\)*\\u0000")


def init_app(app: Flask) -> None:
    """Register the checks; call it before the extensions (CSRF, rate limits) register
    their own before-request functions, so these run first."""
    app.before_request(refuse_untrusted_host)
    app.before_request(refuse_nul_bytes)


def refuse_untrusted_host():
    if isinstance(request.routing_exception, SecurityError):
        # no page can be rendered without a URL adapter: plain text, both languages
        return Response("400 Bad Request: this site does not answer to that host name.\n"
                        "400 请求无效：本站不接受该主机名的请求。\n",
                        status=400, mimetype="text/plain", headers={"Cache-Control": "no-store"})
    return None


def refuse_nul_bytes():
    if _carries_nul():
        return render_error(400, NUL_REFUSED)
    return None


def _carries_nul() -> bool:
    texts = [request.path, *_pairs(request.args)]
    texts += [value for _, value in request.headers.items()]
    if request.mimetype in FORM_TYPES:
        texts += _pairs(request.form)
        texts += [name for name in request.files]
        texts += [f.filename or "" for f in request.files.values()]
    if any(NUL in text for text in texts):
        return True
    return request.is_json and _JSON_NUL.search(request.get_data()) is not None


def _pairs(multidict) -> list[str]:
    return [text for key, value in multidict.items(multi=True) for text in (key, value)]

