"""The demand board searched through the demand index: what it holds after each step of a
demand's life, who sees what, its facets, the database fallback and `flask search sync`."""
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from market.domain.dates import local_today
from market.extensions import db
from market.models import Demand, Membership, OrgKind
from market.search import index as engine
from market.search.demand_search import Viewer
from market.services import demand_queries, demands
from market.unit_of_work import commit

from ..conftest import log_in
from .test_demands import _fields, _published

pytestmark = pytest.mark.db


def _service(app):
    return app.extensions["market.demand_search"]


def _indexed(app) -> set[int]:
    return {int(i) for i in _service(app).indexed_ids()}


def _found(app, q="", viewer=Viewer(False), **filters) -> list[int]:
    result = _service(app).search(q, filters, viewer=viewer)
    assert result.error is None
    return [int(hit.id) for hit in result.hits]


def test_published_demand_is_indexed_after_commit_and_leaves_on_close(app, sme, centre):
    demand = demands.create(sme, _fields())
    demands.submit(demand, sme)
    commit()
    assert demand.id not in _indexed(app)  # pending moderation: not on the board
    demands.approve(demand, centre)
    commit()
    assert _indexed(app) == {demand.id}
    assert _found(app, "锂电池") == [demand.id]
    demands.close(demand, sme)
    commit()
    assert _indexed(app) == set()
    assert _found(app, "锂电池") == []


def test_expired_demand_leaves_the_board(app, sme, centre):
    late = _published(sme, centre, deadline=local_today() + timedelta(days=1))
    kept = _published(sme, centre, title="玉米秸秆还田机械", description="玉米秸秆粉碎还田。")
    late.deadline = local_today() - timedelta(days=1)  # as if the days had passed
    assert demands.expire_due(local_today()) == 1
    commit()
    assert _indexed(app) == {kept.id}


def test_answered_demand_stays_on_the_board(app, sme, centre, university, make_listing):
    listing = make_listing(university.org, title="锂电池低温加热装置")
    demand = _published(sme, centre)
    demands.answer(demand, university, patent_ids=[listing.id], proposal="可以",
                   collaboration=False)
    commit()
    assert _found(app, "锂电池") == [demand.id]


def test_restricted_demands_show_only_to_licensors_and_their_owner(app, sme, centre,
                                                                   university, make_user):
    public = _published(sme, centre)
    restricted = _published(sme, centre, title="锂电池隔膜涂层", visibility="licensors",
                            description="寻找锂电池隔膜陶瓷涂层技术。")
    other_sme = make_user(kind=OrgKind.SME, name="另一家企业")
    assert set(_found(app, "锂电池")) == {public.id}
    for user in (other_sme, university, sme, centre):
        board = demand_queries.board(user, "锂电池")
        seen = {d.id for d in board.demands}
        wanted = {public.id} if user is other_sme else {public.id, restricted.id}
        assert seen == wanted, user
    # a request to join the SME is not membership: the applicant sees what a stranger sees,
    # from the index and from the database alike
    applicant = make_user(sme.org, membership=Membership.REQUESTED, admin=False)
    assert {d.id for d in demand_queries.board(applicant, "锂电池").demands} == {public.id}
    assert {d.id for d in demand_queries.database_board(applicant, "锂电池").demands} == \
        {public.id}
    anonymous = app.test_client().get("/demands/?q=锂电池").get_data(as_text=True)
    assert "隔膜" not in anonymous and f'href="/demands/{public.id}"' in anonymous
    client = app.test_client()
    log_in(client, university)
    assert "隔膜" in client.get("/demands/?q=锂电池").get_data(as_text=True)


def test_facets_count_each_under_the_other_filters(app, sme, centre):
    _published(sme, centre)  # new materials, negotiable, exclusive
    _published(sme, centre, title="锂电池回收", industry="new_materials",
               budget_negotiable=False, budget_min_fen=5_000_000, budget_max_fen=50_000_000,
               wanted_kind="assignment", description="锂电池回收拆解技术。")
    _published(sme, centre, title="锂电池农机", industry="modern_agriculture",
               budget_negotiable=False, budget_min_fen=None, budget_max_fen=5_000_000,
               wanted_kind="exclusive", description="农机用锂电池。")
    result = _service(app).search("锂电池", {"wanted_kind": "exclusive"},
                                  viewer=Viewer(False))
    counts = {name: {f["value"]: f["count"] for f in items}
              for name, items in result.facets.items()}
    assert result.total == 2
    assert counts["industry"] == {"new_materials": 1, "modern_agriculture": 1}
    assert counts["budget"] == {"negotiable": 1, "0-100k": 1}
    # the chosen facet counts without its own filter: what choosing another kind gives
    assert counts["wanted_kind"] == {"exclusive": 2, "assignment": 1}
    result = _service(app).search("", {"budget": "100k-1m"}, viewer=Viewer(False))
    assert [h.title for h in result.hits] == ["锂电池回收"]
    page = app.test_client().get("/demands/?q=锂电池&budget=0-100k").get_data(as_text=True)
    assert "<mark>锂电池</mark>农机" in page and "<mark>锂电池</mark>回收" not in page
    assert "¥100,000 以下" in page  # the budget facet, labelled


def test_newest_first_without_words_and_by_choice(app, sme, centre):
    first = _published(sme, centre)
    second = _published(sme, centre, title="锂电池低温续航衰减问题", description="锂电池低温。")
    assert _found(app) == [second.id, first.id]
    result = _service(app).search("锂电池", sort="newest", viewer=Viewer(False))
    assert [int(h.id) for h in result.hits] == [second.id, first.id]


def test_word_boundaries_of_the_listing_analyser(app, sme, centre):
    """无人机 (drone) must not find 人机协作 (human-robot collaboration)."""
    robot = _published(sme, centre, title="人机协作机器人安全控制",
                       description="需要人机协作机器人的碰撞检测与安全控制技术。")
    drone = _published(sme, centre, title="无人机巡检", description="电力线路无人机巡检图像识别。")
    assert _found(app, "无人机") == [drone.id]
    # the other way round, 人机 inside 无人机 is a piece of a word: it may match, ranked below
    assert _found(app, "人机协作")[0] == robot.id


def test_a_missing_or_damaged_index_falls_back_to_the_database(app, sme, centre):
    demand = _published(sme, centre)
    service = _service(app)
    gen = engine.current_generation(service.index_dir)
    for path in Path(gen).iterdir():
        if path.suffix in (".seg", ".toc"):
            path.write_bytes(b"\0" * 16)  # damaged in place
    engine.close_all()
    page = app.test_client().get("/demands/?q=锂电池").get_data(as_text=True)
    assert "search-degraded" in page and f'href="/demands/{demand.id}"' in page
    shutil.rmtree(service.index_dir)
    engine.close_all()
    board = demand_queries.board(sme, "锂电池")
    assert board.error and [d.id for d in board.demands] == [demand.id]


def test_flask_search_sync_applies_demands_and_rebuilds(app, runner, sme, centre,
                                                        monkeypatch):
    monkeypatch.setitem(app.extensions, "market.after_commit", [])  # no sync on commit
    demand = _published(sme, centre)
    service = _service(app)
    assert engine.current_generation(service.index_dir) is None  # nothing applied yet
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert _indexed(app) == {demand.id}
    demands.close(db.session.get(Demand, demand.id), sme)
    commit()
    assert _indexed(app) == {demand.id}  # until the sync
    result = runner.invoke(args=["search", "sync"])
    assert "1 demand events" in result.output
    assert _indexed(app) == set()
    check = runner.invoke(args=["search", "check"])
    assert check.exit_code == 0, check.output
    shutil.rmtree(service.index_dir)  # lost: the next sync rebuilds it
    engine.close_all()
    reopened = _published(sme, centre, title="无人机巡检", description="无人机。")
    runner.invoke(args=["search", "sync"])
    assert _indexed(app) == {reopened.id}
    result = runner.invoke(args=["search", "reindex"])
    assert "1 demands" in result.output


def test_an_index_of_another_schema_version_is_rebuilt_by_sync(app, sme, centre, monkeypatch):
    from dataclasses import replace

    from market.search.demand_index import DEMAND
    from market.search.index import kinds
    demand = _published(sme, centre)
    service = _service(app)
    before = engine.current_generation(service.index_dir)
    bumped = replace(DEMAND, schema_version=DEMAND.schema_version + 1)
    monkeypatch.setattr(type(service), "kind", bumped)
    monkeypatch.setitem(kinds._KINDS, "demand", bumped)
    assert service.outdated()
    service.sync()
    assert engine.current_generation(service.index_dir) != before
    assert not service.outdated() and _indexed(app) == {demand.id}
