"""Scans and PDFs people upload (a business licence, a voucher, a report): their type read
from the first bytes, never from the name, and their size checked against a limit."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import ServiceError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# content types recognised by the file's first bytes
SCAN_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                   (b"%PDF-", "application/pdf"))


def scan_type(data: bytes) -> str | None:
    return next((kind for magic, kind in SCAN_SIGNATURES if data.startswith(magic)), None)


def scan_max_bytes() -> int:
    """One limit for every scan (``VOUCHER_MAX_BYTES``, the setting that came first)."""
    return int(current_app.config.get("VOUCHER_MAX_BYTES", DEFAULT_MAX_BYTES))


def check_scan(data: bytes, *, field: str, what) -> str:
    """The content type of an uploaded scan or PDF. Raises ServiceError on ``field`` for a
    missing, oversized or other file; ``what`` names the document in the message."""
    limit = scan_max_bytes()
    if not data:
        raise ServiceError(_l("Choose %(what)s (an image or a PDF).", what=what), field=field)
    if len(data) > limit:
        raise ServiceError(_l("%(what)s is larger than %(mb)s MB: scan it at a lower "
                              "resolution or save it as a PDF.", what=what,
                              mb=f"{limit / 1024 / 1024:g}"), field=field)
    kind = scan_type(data)
    if kind is None:
        raise ServiceError(_l("%(what)s must be a JPEG or PNG image or a PDF; this file is none "
                              "of them, whatever its name says.", what=what), field=field)
    return kind
