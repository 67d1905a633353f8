"""JSON log lines carry the request id, which is taken from X-Request-ID or generated."""
import io
import json
import logging

import pytest

from market import logs


@pytest.fixture()
def json_app(make_app):
    """An app with the JSON handler on the root logger, writing to a buffer."""
    app = make_app(LOG_JSON=True)
    root = logging.getLogger()
    handler = next(h for h in root.handlers if h.name == logs.HANDLER_NAME)
    handler.setStream(buffer := io.StringIO())
    level = root.level
    yield app, buffer
    root.removeHandler(handler)
    root.setLevel(level)


def lines(buffer):
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_request_id_echoed_and_logged(json_app):
    app, buffer = json_app

    @app.get("/_log")
    @__import__("market.permissions", fromlist=["public"]).public
    def log_something():
        logging.getLogger("market.test").warning("hello %s", "世界")
        return "ok"

    with app.app_context():
        response = app.test_client().get("/_log", headers={"X-Request-ID": "abc-123.x_y"})
    assert response.headers["X-Request-ID"] == "abc-123.x_y"
    entry = next(e for e in lines(buffer) if e["message"] == "hello 世界")
    assert entry["request_id"] == "abc-123.x_y"
    assert entry["level"] == "WARNING" and entry["logger"] == "market.test"
    assert entry["method"] == "GET" and entry["path"] == "/_log"
    assert entry["remote_addr"] == "127.0.0.1"
    assert entry["time"].endswith("+00:00")


def test_errors_carry_the_request_id_and_traceback(json_app):
    app, buffer = json_app
    app.config["PROPAGATE_TEST_ERRORS"] = False

    @app.get("/_boom")
    @__import__("market.permissions", fromlist=["public"]).public
    def boom():
        raise RuntimeError("kaput")

    with app.app_context():
        response = app.test_client().get("/_boom")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    entry = next(e for e in lines(buffer) if e["level"] == "ERROR")
    assert entry["request_id"] == request_id
    assert "RuntimeError: kaput" in entry["exc"]


def test_generated_when_missing_or_unusable(app, client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32 and generated.isalnum()
    assert client.get("/healthz", headers={"X-Request-ID": "<>\"'"}).headers["X-Request-ID"] \
        != "<>\"'"


@pytest.mark.parametrize(("raw", "clean"), [
    ("abc", "abc"), ("a b\r\nc", "abc"), ("x" * 100, "x" * 64), ("", None), (None, None),
    ("ü<script>", "script"), ("%%%", None),
])
def test_sanitise(raw, clean):
    assert logs.sanitise_request_id(raw) == clean


def test_outside_a_request_no_request_fields():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    logs.RequestContextFilter().filter(record)
    entry = json.loads(logs.JsonFormatter().format(record))
    assert set(entry) == {"time", "level", "logger", "message"}
