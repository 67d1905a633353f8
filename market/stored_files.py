"""Serving a file kept in the database (a voucher, a consent, a proof, a scan): one response
shape for all of them."""
from urllib.parse import quote

from flask import Response

from .models.base import StoredFileColumns


def stored_file_response(item: StoredFileColumns, *, public: bool = False,
                         download: bool = False) -> Response:
    """``item`` as a response: images shown in the browser, anything else downloaded (or
    everything, ``download``), under its own name; the type is the one checked from the
    content at upload, and the browser may not guess another. ``public`` files (a listing's
    attachments) may be cached for an hour; the rest are private to their readers."""
    inline = item.content_type.startswith("image/") and not download
    name = quote(item.filename, safe="")
    return Response(item.data, mimetype=item.content_type, headers={
        "Content-Disposition": f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{name}",
        "Cache-Control": "private, max-age=3600" if public else "private, no-store",
        "X-Content-Type-Options": "nosniff"})
