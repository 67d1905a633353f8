"""Structured logs: one JSON object per line, each line of a request carrying its id.

The request id comes from the ``X-Request-ID`` header (a proxy or load balancer sets it;
only ``[A-Za-z0-9._-]``, at most 64 characters, are kept) or is generated, and is sent
back in the response header so a user's report can be matched with the server's lines.
"""
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
HANDLER_NAME = "market.json"
MAX_REQUEST_ID = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def sanitise_request_id(raw: str | None) -> str | None:
    """The allowed characters of ``raw``, cut to 64; None when nothing usable is left."""
    if not raw:
        return None
    return _UNSAFE.sub("", raw[:4 * MAX_REQUEST_ID])[:MAX_REQUEST_ID] or None


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestContextFilter(logging.Filter):
    """Adds the request's id, method, path and client address to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            record.method = request.method
            record.path = request.path
            record.remote_addr = request.remote_addr
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (+ request fields, exc)."""

    REQUEST_FIELDS = ("request_id", "method", "path", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in self.REQUEST_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.name = HANDLER_NAME
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    return handler


def install_root_handler(level: int = logging.INFO, stream=None) -> logging.Handler:
    """Put the JSON handler on the root logger (replacing one installed before)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.name == HANDLER_NAME]:
        root.removeHandler(old)
    handler = json_handler(stream)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def init_app(app: Flask) -> None:
    """JSON logs on the root logger (not in tests unless ``LOG_JSON``), request ids."""
    if app.config.get("LOG_JSON", not app.testing):
        install_root_handler(logging.getLevelName(app.config.get("LOG_LEVEL", "INFO")))
        app.logger.removeHandler(default_handler)  # the root handler writes its lines
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # boot chatter
    app.before_request(_take_request_id)
    app.after_request(_echo_request_id)


def _take_request_id() -> None:
    g.request_id = sanitise_request_id(request.headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex


def _echo_request_id(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response
