"""The results page renders its cards from the index's stored fields, not the database."""
import re

import pytest
from sqlalchemy import event

from market.extensions import db
from market.search.index import current_generation
from market.search.index.generations import read_meta, write_meta
from market.search.schema import SCHEMA_VERSION
from market.services import listings, search_queries
from market.unit_of_work import commit

from .test_follow_db import publish

pytestmark = pytest.mark.db


@pytest.fixture()
def catalogue(make_user):
    from market.models import OrgKind
    uni = make_user(kind=OrgKind.UNIVERSITY)
    graphene = publish(uni, "一种石墨烯导热薄膜的制备方法", abstract="石墨烯薄膜导热性能好。",
                       ipc_codes="C01B 32/184; B82Y 30/00; H01L 23/373; C09K 5/14")
    listings.add_offer(uni, graphene, {"kind": "licence", "licence_kind": "non_exclusive",
                                       "upfront_fee_fen": 5_000_000, "upfront_mode": "reduced",
                                       "term_years": 5})
    listings.add_offer(uni, graphene, {"kind": "assignment", "asking_price_fen": 90_000_000})
    battery = publish(uni, "<script>x</script>石墨烯电池", abstract="含有<b>石墨烯</b>的电极")
    listings.add_offer(uni, battery, {"kind": "licence", "licence_kind": "non_exclusive",
                                      "upfront_fee_fen": 1_000_000, "term_years": 2})
    commit()
    return [graphene, battery]


def result_list(page: str) -> str:
    assert '<ul class="cards result-list">' in page
    return page.split('<ul class="cards result-list">')[1].split('<section class="demand')[0]


@pytest.fixture()
def uncached(app):
    app.config["SEARCH_PAGE_CACHE"] = False
    yield
    app.config["SEARCH_PAGE_CACHE"] = True


def test_cards_from_the_index_equal_cards_from_the_database(app, client, catalogue, uncached,
                                                            monkeypatch):
    original = search_queries.run

    def from_database(request, stored=False):
        return original(request, stored=False)

    for q in ("石墨烯", ""):
        stored = client.get("/search/", query_string={"q": q}).get_data(as_text=True)
        monkeypatch.setattr(search_queries, "run", from_database)
        loaded = client.get("/search/", query_string={"q": q}).get_data(as_text=True)
        monkeypatch.setattr(search_queries, "run", original)
        assert result_list(stored) == result_list(loaded)
        assert "tag-assignment" in stored and "tag-licence" in stored
    assert "&lt;script&gt;" in stored and "B82Y 30/00 · H01L 23/373" in stored


def test_a_fresh_results_page_reads_no_listing_from_the_database(client, catalogue, uncached):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get("/search/?q=石墨烯").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert f'/patents/{catalogue[0].id}"' in page and f'/patents/{catalogue[1].id}"' in page
    assert not [s for s in statements if re.search(r"\bFROM (patent|offer)\b", s)], statements


def test_an_index_without_cards_still_renders_from_the_database(client, catalogue, uncached,
                                                                 monkeypatch):
    monkeypatch.setattr("market.search.highlight._card", lambda stored: None)
    page = client.get("/search/?q=石墨烯").get_data(as_text=True)
    assert f'/patents/{catalogue[0].id}"' in page and "tag-assignment" in page


def test_sync_rebuilds_an_index_of_another_schema_version(app, catalogue):
    service = app.extensions["market.search"]
    gen = current_generation(service.index_dir)
    write_meta(gen, **{**read_meta(gen), "schema_version": SCHEMA_VERSION - 1})
    assert service.outdated()
    service.sync()
    assert current_generation(service.index_dir) != gen
    assert not service.outdated()
    assert service.search("石墨烯").total == 2
