"""Addresses the app hands out: absolute links, and redirects to a target the user sent.

Absolute links (emails, Stripe's return addresses, the API) are built on ``PUBLIC_URL``, or in
development on the request's host when it is one of ``TRUSTED_HOSTS`` (Flask answers 400 to
any other Host before a view runs; the check here is the second lock). Never
``url_for(..., _external=True)``: that trusts whatever Host header the request carried, and a
password-reset link on ``Host: evil.example`` hands its token to a stranger.

Redirect targets from ``next`` parameters go through :func:`safe_next`.
"""
import re
from urllib.parse import urljoin, urlsplit

from flask import current_app, has_request_context, request, url_for
from werkzeug.sansio.utils import host_is_trusted

FALLBACK_BASE = "http://127.0.0.1:5000"  # a command in development, PUBLIC_URL unset


def public_base_url() -> str:
    """``PUBLIC_URL``, else the current request's own address if its host is trusted, else
    the development server's address. No trailing slash."""
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/")
    trusted = current_app.config.get("TRUSTED_HOSTS")
    if has_request_context() and trusted and host_is_trusted(request.host, trusted):
        return request.host_url.rstrip("/")
    return FALLBACK_BASE


def absolute_url(path: str) -> str:
    """``path`` (e.g. ``/deals/7``) as a full address on :func:`public_base_url`."""
    return urljoin(public_base_url() + "/", path.lstrip("/"))


def external_url_for(endpoint: str, **values) -> str:
    """``url_for`` as a full address a mail reader, Stripe or an API client can open."""
    return absolute_url(url_for(endpoint, **values))


# Browsers drop tab, CR and LF anywhere in a URL, strip leading and trailing C0 controls and
# spaces, and read "\" in the path as "/": "/\t/evil.example" and "/\evil.example" are both
# "//evil.example", another site.
_DROPPED = re.compile(r"[\t\r\n]")
_PATH_AND_REST = re.compile(r"([^?#]*)(.*)", re.DOTALL)
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``.

    The target is first read as a browser would read it; a scheme, a host, a path starting
    with ``//`` or anything that is not an absolute path is refused, as is anything with a
    control character left in it. The cleaned path is returned (what was checked is what is
    sent)."""
    if not target:
        return fallback
    path, rest = _PATH_AND_REST.fullmatch(_DROPPED.sub("", target).strip(_C0_AND_SPACE)).groups()
    cleaned = path.replace("\\", "/") + rest
    parts = urlsplit(cleaned)
    if (parts.scheme or parts.netloc or not cleaned.startswith("/")
            or cleaned.startswith("//") or _CONTROLS.search(cleaned)):
        return fallback
    return cleaned
