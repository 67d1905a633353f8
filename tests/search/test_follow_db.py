"""The index follows the database: after commit, through the outbox, on every server."""
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import Notification, OrgKind, SavedSearch, SavedSearchMatch
from market.search.service import SearchService, patent_document
from market.services import listings
from market.services.saved_searches import alert_and_commit
from market.unit_of_work import commit

from ..conftest import log_in, post_form
from ..factories import new_application_number

pytestmark = pytest.mark.db


def publish(user, title, **fields):
    values = {"application_number": new_application_number(2019), "title": title,
              "abstract": fields.pop("abstract", "本发明公开了一种新材料。"),
              "ipc_codes": fields.pop("ipc_codes", "C01B 32/184"), "legal_status": "granted",
              "filing_date": date(2019, 3, 1), "grant_date": date(2021, 6, 1), **fields}
    patent = listings.create_patent(user, values)
    listings.add_offer(user, patent, {"kind": "open_licence", "upfront_mode": "waived",
                                      "term_years": 3, "declared_on": date(2025, 1, 6),
                                      "cnipa_announcement_number": "KF-TEST-0001"})
    listings.publish(user, patent)
    commit()
    return patent


def ids(app, q, **filters):
    result = app.extensions["market.search"].search(q, filters)
    assert result.error is None, result.error
    return [int(hit.id) for hit in result.hits]


@pytest.fixture()
def uni(make_user):
    return make_user(kind=OrgKind.UNIVERSITY)


def test_publish_edit_withdraw_hide(app, uni, make_user):
    patent = publish(uni, "一种石墨烯导热薄膜的制备方法")
    assert ids(app, "石墨烯") == [patent.id]
    listings.update_patent(uni, patent, {**_fields(patent), "title": "一种碳纳米管导电浆料"})
    commit()
    assert ids(app, "石墨烯") == [] and ids(app, "碳纳米管") == [patent.id]
    listings.withdraw(uni, patent)
    commit()
    assert ids(app, "碳纳米管") == []
    listings.publish(uni, patent)
    commit()
    assert ids(app, "碳纳米管") == [patent.id]
    from market.services import moderation
    centre = make_user(kind=OrgKind.CENTRE)
    with app.test_request_context():
        moderation.hide(centre, patent, "信息不实，请核实")
        commit()
    assert ids(app, "碳纳米管") == []


def _fields(patent):
    return {"application_number": patent.application_number, "title": patent.title,
            "abstract": patent.abstract, "ipc_codes": "; ".join(patent.ipc_codes),
            "legal_status": str(patent.legal_status), "filing_date": patent.filing_date,
            "grant_date": patent.grant_date}


def test_rolled_back_change_leaves_index_untouched(app, uni):
    patent = publish(uni, "一种石墨烯导热薄膜的制备方法")
    listings.update_patent(uni, patent, {**_fields(patent), "title": "一种全新的名称"})
    db.session.rollback()
    app.extensions["market.search"].sync()
    assert ids(app, "石墨烯") == [patent.id] and ids(app, "全新") == []


def test_filters_and_facets_from_database_fields(app, uni):
    publish(uni, "一种石墨烯导热薄膜的制备方法")
    result = app.extensions["market.search"].search("石墨烯", {"open_licence": "true"})
    assert result.total == 1
    assert {f["value"] for f in result.facets["industry"]} == {"new_materials"}
    assert result.facets["owner"][0]["value"] == str(uni.org_id)
    assert app.extensions["market.search"].search("石墨烯", {"industry": "biomedicine"}).total == 0


def test_check_reports_a_planted_difference(app, uni, runner):
    patent = publish(uni, "一种石墨烯导热薄膜的制备方法")
    service = app.extensions["market.search"]
    assert service.check()["consistent"]
    from market.search import index as engine
    engine.delete_document(service.index_dir, patent.id)
    report = service.check()
    assert not report["consistent"] and report["missing"] == [str(patent.id)]
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and str(patent.id) in result.output
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_reindex_while_searching_never_errors(app, uni):
    for i in range(5):
        publish(uni, f"一种石墨烯复合材料{i}")
    service = app.extensions["market.search"]
    errors, stop = [], threading.Event()

    def searcher():
        with app.app_context():
            while not stop.is_set():
                result = service.search("石墨烯")
                if result.error or result.total != 5:
                    errors.append((result.error, result.total))

    threads = [threading.Thread(target=searcher) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for _ in range(3):
            service.reindex()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []


def test_second_server_with_its_own_index_follows_the_outbox(app, uni, tmp_path):
    other = SearchService(tmp_path / "server-2")
    publish(uni, "一种石墨烯导热薄膜的制备方法")
    other.sync()  # first run builds the index from the database
    assert other.check()["consistent"]
    patent = publish(uni, "一种碳纳米管导电浆料")
    assert other.check()["missing"] == [str(patent.id)]
    assert other.sync(alerts=False) >= 1
    assert other.check()["consistent"]


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # Whoosh leaks the file it choked on
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_missing_or_corrupted_index_is_reported_not_raised(app, uni, client):
    import shutil
    publish(uni, "一种石墨烯导热薄膜的制备方法")
    service = app.extensions["market.search"]
    from market.search import index as engine
    gen = engine.current_generation(service.index_dir)
    for f in gen.iterdir():
        if f.suffix in (".seg", ".toc") or f.name.startswith("_"):
            f.write_bytes(b"garbage")
    service.holder.invalidate()
    page = client.get("/search/?q=石墨烯")
    assert page.status_code == 200
    shutil.rmtree(service.index_dir)
    page = client.get("/search/?q=石墨烯")
    assert page.status_code == 200 and "notice-warning" in page.get_data(as_text=True)
    service.reindex()
    assert ids(app, "石墨烯")


def test_saved_search_alert_once_across_servers(app, uni, make_user, tmp_path, client):
    app.extensions["market.search"].sync()  # built before: a build alerts nobody
    sme = make_user(kind=OrgKind.SME)
    log_in(client, sme)
    response = post_form(client, "/search/saved", {"name": "石墨烯", "query_string": "q=石墨烯"},
                         token_from="/search/?q=石墨烯")
    assert response.status_code == 302
    assert db.session.scalar(select(SavedSearch.query)) == "石墨烯"
    publish(uni, "一种石墨烯导热薄膜的制备方法")
    publish(uni, "一种数控机床主轴冷却系统", abstract="对主轴进行冷却。", ipc_codes="B23Q 11/12")
    SearchService(tmp_path / "server-2", alert_and_commit).sync()  # builds: no alerts for a rebuild
    other = SearchService(tmp_path / "server-3", alert_and_commit)
    other.reindex()
    publish(uni, "石墨烯散热片")
    other.sync()
    notes = db.session.scalars(select(Notification).where(Notification.user_id == sme.id)).all()
    assert len(notes) == 2 and all("石墨烯" in n.title for n in notes)
    assert db.session.scalar(select(func.count()).select_from(SavedSearchMatch)) == 2


def test_sync_merges_segments_left_by_batched_writes(app, uni, runner):
    """Each batched write leaves a segment and every query pays for each one; `flask search
    sync` merges them into one once there are more than three, with the same results, and a
    search that holds the old segments open during the merge still completes."""
    from market.search import index as engine
    service = app.extensions["market.search"]
    patents = [publish(uni, f"一种石墨烯复合材料{i}") for i in range(5)]
    for patent in patents:  # one commit each, as a bulk import's batches do
        engine.add_documents(service.index_dir, [patent_document(patent)])
    assert engine.segment_count(service.index_dir) > engine.MAX_SEGMENTS
    before = [hit.id for hit in service.search("石墨烯").hits]
    with service.holder.snapshot() as held:  # a reader in the middle of a query
        result = runner.invoke(args=["search", "sync"])
        assert result.exit_code == 0, result.output
        assert "merged" in result.output and "into 1" in result.output
        assert held.searcher.doc_count() == 5  # the old segments are still readable
    assert engine.segment_count(service.index_dir) == 1
    assert [hit.id for hit in service.search("石墨烯").hits] == before
    assert service.check()["consistent"]
    again = runner.invoke(args=["search", "sync"])
    assert "merged" not in again.output  # nothing to merge


def test_alerts_find_the_same_listings_as_the_search_page(app, uni, make_user):
    """Alerts are decided without ranking and after a cheap word test; each saved search
    must still be told exactly what the search page would find among the new listings:
    words in the title or the abstract, an IPC prefix, a typed patent number, filters only,
    and nothing for words that occur nowhere or for an old listing's number."""
    old = publish(uni, "一种数控机床主轴冷却系统", abstract="对主轴进行冷却。",
                  ipc_codes="B23Q 11/12")
    sme = make_user(kind=OrgKind.SME)
    queries = {"title": ("石墨烯", {}), "abstract": ("导热", {}), "ipc": ("C01B", {}),
               "filters": ("", {"industry": ["new_materials"]}), "none": ("齿轮箱", {}),
               "old_number": (old.patent_number, {}), "wrong_filter": ("石墨烯",
                                                                       {"patent_type": "design"})}
    for name, (query, filters) in queries.items():
        db.session.add(SavedSearch(user_id=sme.id, name=name, query=query, filters=filters))
    commit()
    new = publish(uni, "一种石墨烯薄膜的制备方法", abstract="所得薄膜导热性能优良。",
                  ipc_codes="C01B 32/184", industry="new_materials")
    number = SavedSearch(user_id=sme.id, name="number", query=new.patent_number, filters={})
    db.session.add(number)
    commit()
    from market.services.saved_searches import alert_and_commit
    alert_and_commit(app.extensions["market.search"], [new.id])  # the number search
    told = set(db.session.scalars(select(SavedSearch.name).join(
        SavedSearchMatch, SavedSearchMatch.saved_search_id == SavedSearch.id)))
    assert told == {"title", "abstract", "ipc", "filters", "number"}
    page_ids = {name: {int(h.id) for h in app.extensions["market.search"].search(
        query, filters).hits} for name, (query, filters) in queries.items()}
    assert {name for name, found in page_ids.items() if new.id in found} == told - {"number"}


def test_a_busy_index_does_not_hold_up_the_request(app, uni):
    """While another process rebuilds or merges this index (it holds the sync lock for as
    long as that takes), a request that publishes a listing commits and answers at once;
    a background thread of the process applies the change once the index is free."""
    import fcntl
    service = app.extensions["market.search"]
    publish(uni, "一种石墨烯导热薄膜的制备方法")  # builds the index
    held, release = threading.Event(), threading.Event()

    def other_writer():
        with open(service.index_dir / "sync.lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            held.set()
            release.wait(30)  # a request that waited for the lock would get it after this
            fcntl.flock(fh, fcntl.LOCK_UN)

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        assert held.wait(10)
        patent = publish(uni, "一种碳纳米管导电浆料")
        assert ids(app, "碳纳米管") == []  # not applied: the request did not wait
    finally:
        release.set()
        thread.join()
    _wait_for_catch_up()
    db.session.rollback()
    assert service.lag()["lag"] == 0
    assert ids(app, "碳纳米管") == [patent.id]


def _wait_for_catch_up() -> None:
    for _ in range(300):
        if not any(t.name == "search-catch-up" for t in threading.enumerate()):
            return
        threading.Event().wait(0.1)


def _list_without_commit(user, n: int) -> None:
    for i in range(n):
        values = {"application_number": new_application_number(2019), "title": f"低温储能柜热管理{i}",
                  "abstract": "本发明公开了一种储能柜。", "ipc_codes": "H01M 10/60",
                  "legal_status": "granted", "filing_date": date(2019, 3, 1),
                  "grant_date": date(2021, 6, 1)}
        patent = listings.create_patent(user, values)
        listings.add_offer(user, patent, {"kind": "open_licence", "upfront_mode": "waived",
                                          "term_years": 3})
        listings.publish(user, patent)


def test_a_sync_with_a_spent_budget_applies_one_batch(app, uni, monkeypatch):
    """A request indexes for a bounded time: past its budget no further batch starts."""
    monkeypatch.setitem(app.extensions, "market.after_commit", [])  # no sync on commit
    service = app.extensions["market.search"]
    service.sync()  # builds the (empty) index
    _list_without_commit(uni, 5)
    commit()
    pending = service.lag()["lag"]  # several outbox rows per listing
    assert pending > 2
    assert service.sync(budget=0, batch=2) == 2
    assert service.lag()["lag"] == pending - 2
    assert service.sync() == pending - 2 and service.lag()["lag"] == 0


def test_a_bulk_change_is_indexed_after_the_request_by_a_background_thread(app, uni, monkeypatch):
    """The commit's own sync stops at its budget; a thread of the process applies the rest
    (the visitor does not wait, and the listings are found without the timer)."""
    monkeypatch.setattr("market.search.service.SYNC_BATCH", 2)
    monkeypatch.setattr("market.search.service.REQUEST_SYNC_BUDGET", 0)
    service = app.extensions["market.search"]
    _list_without_commit(uni, 7)
    commit()  # the after-commit sync: one batch of 2, then the thread
    _wait_for_catch_up()
    db.session.rollback()
    assert service.lag()["lag"] == 0
    assert len(ids(app, "储能柜")) == 7


def test_a_commit_without_listing_changes_leaves_the_index_alone(app, uni, make_user,
                                                                  monkeypatch):
    """A deal commits no search outbox row: no sync runs after it (nothing to apply)."""
    from market.models import Offer
    from market.services import deals

    from ..factories import details_of
    patent = publish(uni, "一种石墨烯导热薄膜的制备方法")
    sme = make_user(kind=OrgKind.SME)
    syncs = []
    monkeypatch.setattr(SearchService, "sync", lambda self, **kw: syncs.append(kw) or 0)
    offer = db.session.scalar(select(Offer).where(Offer.patent_id == patent.id))
    deals.take_open(sme, offer, details_of(sme, field_of_use="电池"))
    commit()
    assert syncs == []


def test_changes_left_by_many_commits_are_indexed_by_one_pass(app, uni, monkeypatch):
    """50 listing commits while the index is busy (their own syncs give up at once) are
    all applied by one catch-up pass: one index writer for the lot, not one per commit."""
    import fcntl

    from market.search import index as engine
    monkeypatch.setattr("market.search.service.REQUEST_SYNC_WAIT", 0)
    service = app.extensions["market.search"]
    publish(uni, "一种数控机床主轴冷却系统", abstract="对主轴进行冷却。", ipc_codes="B23Q 11/12")
    writes = []
    real_write = engine.write_ops
    monkeypatch.setattr(engine, "write_ops", lambda d, ops: writes.append(len(ops)) or
                        real_write(d, ops))
    with open(service.index_dir / "sync.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process rebuilding or merging
        try:
            patents = [publish(uni, f"一种储能柜热管理系统{i}") for i in range(50)]
            assert writes == [] and ids(app, "储能柜") == []
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    _wait_for_catch_up()
    db.session.rollback()
    assert service.lag()["lag"] == 0
    assert writes == [50]
    assert sorted(int(hit.id) for hit in service.search("储能柜", per_page=100).hits) == sorted(
        p.id for p in patents)
