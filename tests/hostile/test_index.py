"""F11: a damaged search index must not kill a process, must not cost every query a reopen,
and must show: the search page falls back to the database, /healthz reports the lag.

The damaging searches run in a child process (``index_worker.py``): Whoosh used to memory-map
segment files, and a truncated mapped file kills the process with SIGBUS. In a child that
shows as the child dying, not as pytest dying."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from market.extensions import db
from market.models import Patent, SearchOutbox
from market.search import index as engine
from market.search import service as service_module
from market.search.service import patent_document

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
TITLES = ("一种石墨烯导热薄膜的制备方法", "一种石墨烯锂离子电池负极材料",
          "一种数控机床主轴冷却系统", "一种污水处理用生物反应器")


@pytest.fixture()
def built(app, make_listing):
    """Four published listings and this app's index built from them."""
    for title in TITLES:
        make_listing(title=title, abstract=f"本发明公开了{title[2:]}。")
    service = app.extensions["market.search"]
    service.reindex()
    assert {hit.id for hit in service.search("石墨烯").hits}  # a working index
    return service


def run_worker(app, mode: str, *queries: str) -> tuple[subprocess.CompletedProcess, list]:
    env = {**os.environ, "INDEX_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
           "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "hostile" / "index_worker.py"),
                           mode, *queries], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return done, lines


def truncate_segments(service) -> None:
    for segment in engine.current_generation(service.index_dir).glob("*.seg"):
        os.truncate(segment, segment.stat().st_size // 2)


def assert_database_fallback(answer: dict, *titles: str) -> None:
    assert answer["status"] == 200
    assert answer["degraded"], "no notice that search is degraded"
    for title in titles:
        assert title in answer["page"], f"{title} missing from the database fallback"


def test_segment_truncated_under_a_running_process(app, built):
    done, lines = run_worker(app, "live", "石墨烯", "数控机床", "污水处理", "锂离子电池")
    assert done.returncode == 0, f"the search process died (signal {-done.returncode})" \
        if done.returncode < 0 else done.stderr[-2000:]
    first, *after, last = lines
    assert first["status"] == 200 and not first["degraded"]
    assert len(after) == 3
    assert_database_fallback(after[0], TITLES[2])
    assert_database_fallback(after[1], TITLES[3])
    assert_database_fallback(after[2], TITLES[1])
    assert TITLES[0] not in after[2]["page"]  # the query still filters the listing
    assert last == {"opened": 1}


def test_restart_on_a_truncated_index_detects_it_once(app, built):
    truncate_segments(built)
    engine.close_all()
    done, lines = run_worker(app, "restart", "石墨烯", "数控机床", "污水处理", "生物反应器",
                             "冷却")
    assert done.returncode == 0, done.stderr[-2000:]
    *answers, last = lines
    assert_database_fallback(answers[0], TITLES[0], TITLES[1])
    assert_database_fallback(answers[3], TITLES[3])
    assert all(a["status"] == 200 and a["degraded"] for a in answers)
    # the damaged index is opened once, then refused without touching its files
    assert last == {"opened": 1}


def test_sync_rebuilds_a_damaged_index(app, built, runner):
    damaged = engine.current_generation(built.index_dir)
    truncate_segments(built)
    engine.close_all()
    assert built.search("石墨烯").error
    check = runner.invoke(args=["search", "check"])
    assert check.exit_code == 1 and '"broken"' in check.output
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert engine.current_generation(built.index_dir) != damaged
    result = built.search("石墨烯")
    assert result.error is None and result.hits[0].title.endswith("导热薄膜的制备方法")


def test_healthz_reports_the_index_lag(app, built, client):
    app.config["SEARCH_MAX_LAG"] = 2
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["search"]["lag"] == 0
    assert body["search"]["max_lag"] == 2
    # listing changes the index has not applied (e.g. a worker killed mid-import)
    patent_id = db.session.scalar(db.select(Patent.id).limit(1))
    db.session.add_all(SearchOutbox(patent_id=patent_id) for _ in range(3))
    db.session.commit()
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["search"]["lag"] == 3
    assert body["search"]["outbox_id"] - body["search"]["applied_outbox_id"] == 3


def test_healthz_on_a_damaged_index(app, built, client):
    truncate_segments(built)
    engine.close_all()
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded"
    assert body["search"]["ok"] is False and body["search"]["lag"] == 0


def test_a_query_of_its_own_failing_does_not_mark_the_index_broken(app, built, monkeypatch):
    """Only a damaged file marks the index broken; other failures cost that query alone."""
    opened = built.holder.opens

    def boom(*args, **kwargs):
        raise ValueError("a bug in one query")

    with monkeypatch.context() as patched:
        patched.setattr(service_module, "search", boom)
        assert built.search("石墨烯").error == "index_broken"
    assert not built.holder.is_broken()
    assert built.search("石墨烯").error is None
    assert built.holder.opens == opened  # not reopened either


def test_index_writes_are_not_mistaken_for_damage(app, built, make_listing):
    """New segments written while a searcher is open are not damage (Whoosh never changes
    a segment file in place)."""
    with built.holder.snapshot():
        pass  # a searcher is open
    patent = make_listing(title="一种石墨烯散热涂料")
    engine.add_documents(built.index_dir, [patent_document(patent)])
    assert built.holder.verify() is False
    assert built.readable()
    assert str(patent.id) in {hit.id for hit in built.search("散热涂料").hits}
