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


def test_search_absent_is_ok(app, client, monkeypatch):
    monkeypatch.delitem(app.extensions, "market.search", raising=False)
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "database": "ok", "search": "absent"}


def test_reports_the_demand_index_and_the_waiting_notices(app, client, monkeypatch,
                                                          sme, university, make_listing):
    from datetime import timedelta

    from market.extensions import db
    from market.models import DealEvent
    from market.services import deals
    from tests.factories import EXCLUSIVE, proposal_of
    monkeypatch.setitem(app.extensions, "market.search", FakeSearch({"ok": True}))
    monkeypatch.setitem(app.extensions, "market.demand_search", FakeSearch({"ok": True}))
    assert set(client.get("/healthz").get_json()) == {"status", "database", "search"}  # cheap
    body = client.get("/healthz?full=1").get_json()
    assert body["status"] == "ok" and body["demand_search"] == {"ok": True}
    assert body["notices"] == {"ok": True, "pending": 0, "oldest_seconds": 0}
    monkeypatch.setitem(app.extensions, "market.demand_search",
                        FakeSearch({"ok": False, "error": "not built"}))
    assert client.get("/healthz?full=1").get_json()["status"] == "degraded"
    monkeypatch.setitem(app.extensions, "market.demand_search", FakeSearch({"ok": True}))
    offer = make_listing(university.org, offers=[EXCLUSIVE]).offers[0]
    deal = deals.request_deal(sme, offer, proposal_of(offer), "请求")
    db.session.flush()
    deal.events[0].at -= timedelta(seconds=app.config["NOTICE_MAX_DELAY"] + 60)
    db.session.commit()  # not the unit of work: no worker told it (a stopped worker)
    body = client.get("/healthz?full=1").get_json()
    assert body["status"] == "degraded" and body["notices"]["pending"] == 1
    assert body["notices"]["oldest_seconds"] > app.config["NOTICE_MAX_DELAY"]
    assert db.session.get(DealEvent, deal.events[0].id).notified_at is None


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
