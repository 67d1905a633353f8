"""/healthz: 200 while the database answers, 503 when it does not; search is reported."""
import pytest

pytestmark = pytest.mark.db


def test_healthy(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] in ("ok", "degraded")  # the test index may not be built
    assert body["database"] == "ok"
    assert "search" in body
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session, no language cookie


def test_search_absent_is_ok(app, client):
    service = app.extensions.pop("market.search", None)
    try:
        body = client.get("/healthz").get_json()
    finally:
        if service is not None:
            app.extensions["market.search"] = service
    assert body == {"status": "ok", "database": "ok", "search": "absent"}


class FakeSearch:
    def __init__(self, health):
        self._health = health

    def health(self, max_lag=None):
        if isinstance(self._health, Exception):
            raise self._health
        return self._health


@pytest.mark.parametrize(("health", "status"), [
    ({"ok": True, "documents": 3}, "ok"),
    ({"ok": False, "error": "not built"}, "degraded"),
    (RuntimeError("boom"), "degraded"),
])
def test_search_health_sets_status(app, client, monkeypatch, health, status):
    monkeypatch.setitem(app.extensions, "market.search", FakeSearch(health))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == status


def test_database_unreachable_is_503(make_app, tmp_path):
    down = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing-dir' / 'x.sqlite'}")
    with down.app_context():
        response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "fail"
    assert response.get_json()["database"] == "fail"


def test_postgresql_unreachable_is_503(make_app):
    pytest.importorskip("psycopg")
    # port 1 on loopback: nothing listens there, the connection is refused at once
    down = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    with down.app_context():
        response = down.test_client().get("/healthz")
    assert response.status_code == 503


def test_exempt_from_rate_limits(app):
    # checked on the limiter rather than by exhausting a default limit: Flask-Limiter keeps
    # default limits on its (shared) extension object, which would leak into later tests
    from flask_limiter import ExemptionScope

    from market.extensions import limiter
    scope = limiter.limit_manager.exemption_scope(app, "ops.healthz", "ops")
    assert ExemptionScope.DEFAULT in scope and ExemptionScope.APPLICATION in scope
