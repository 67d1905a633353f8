"""Exhibitions whose listings are defined by a stored search: the page shows the current
matches (published listings only), after those chosen by hand; attribution follows them."""
from datetime import date

import pytest

from market.extensions import db
from market.models import Exhibition, ListingStatus, OrgKind
from market.services import exhibitions, listings
from market.unit_of_work import commit

from ..conftest import log_in, post_form

pytestmark = pytest.mark.db

BATTERY = "一种锂电池低温加热装置"


def _sync(app):
    app.extensions["market.search"].sync(alerts=False)


def _open(centre, *chosen, query="锂电池", filters=None) -> Exhibition:
    exhibition = exhibitions.create(centre, exhibitions.ExhibitionDraft(
        theme="新能源专利展", description="", starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31), numbers=[p.application_number for p in chosen],
        org_ids=[], query=query, filters=filters or {}))
    commit()
    return exhibition


def _shown(exhibition) -> list[int]:
    return [p.id for p in exhibitions.showcase(exhibition).listings]


def test_the_search_shows_current_matches_after_those_chosen_by_hand(app, make_user,
                                                                     make_listing):
    centre = make_user(kind=OrgKind.CENTRE)
    uni = make_user(kind=OrgKind.UNIVERSITY)
    chosen = make_listing(uni.org)  # a graphene listing the search does not find
    battery = make_listing(uni.org, title=BATTERY, abstract="提高锂电池低温放电性能。")
    biotech = make_listing(uni.org, title="一种锂电池回收菌株", industry="biomedicine")
    later = make_listing(uni.org, title="一种锂电池电解液添加剂", status=ListingStatus.DRAFT)
    _sync(app)
    exhibition = _open(centre, chosen, filters={"industry": "new_materials"})
    assert _shown(exhibition) == [chosen.id, battery.id]  # biotech: another industry

    listings.publish(uni, later)  # published after the exhibition opened: it appears
    commit()
    _sync(app)
    assert set(_shown(exhibition)) == {chosen.id, battery.id, later.id}
    assert _shown(exhibition)[0] == chosen.id

    listings.withdraw(uni, battery)  # withdrawn: it disappears
    commit()
    _sync(app)
    assert _shown(exhibition) == [chosen.id, later.id]
    assert exhibitions.showcase(exhibition).search_total == 1  # `later` only
    assert biotech.id not in _shown(exhibition)


def test_an_exhibition_needs_listings_or_a_search(app, make_user):
    from market.services.errors import FieldErrors
    with pytest.raises(FieldErrors) as refused:
        _open(make_user(kind=OrgKind.CENTRE), query="")
    assert refused.value.field == "listings"


def test_the_centre_defines_listings_by_a_search_in_the_form(app, client, make_user,
                                                             make_listing):
    battery = make_listing(title=BATTERY, ipc_codes=["H01M 10/615"])
    make_listing(title="一种锂电池外观", ipc_codes=["B62D 1/00"])
    _sync(app)
    log_in(client, make_user(kind=OrgKind.CENTRE))
    response = post_form(client, "/centre/exhibitions/new", {
        "theme": "新能源专利展", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
        "listings": "", "search_query": "锂电池", "search_industry": "new_materials",
        "search_offer_kind": "open_licence", "search_ipc": "H01M"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    exhibition = db.session.scalars(db.select(Exhibition)).one()
    assert exhibition.query == "锂电池"
    assert exhibition.filters == {"industry": "new_materials", "offer_kinds": "open_licence",
                                  "ipc": "H01M"}
    page = client.get(f"/exhibitions/{exhibition.id}").get_data(as_text=True)
    assert f"/patents/{battery.id}?exhibition={exhibition.id}" in page
    assert "B62D" not in page and page.count("?exhibition=") == 1
    assert "/search/?q=" in page  # the link to all the search finds
    assert "按检索条件展示的挂牌" in client.get("/exhibitions/?lang=zh").get_data(as_text=True)
    centre_page = client.get(f"/centre/exhibitions/{exhibition.id}").get_data(as_text=True)
    assert "展品还按检索条件确定" in centre_page and "锂电池 · 新材料" in centre_page


def test_the_search_decides_which_listings_attribute(app, make_user, make_listing):
    battery = make_listing(title=BATTERY)
    elsewhere = make_listing(title="一种玉米种植方法")
    _sync(app)
    exhibition = _open(make_user(kind=OrgKind.CENTRE))
    assert exhibitions.featuring(exhibition.id, battery.id) == exhibition
    assert exhibitions.featuring(exhibition.id, elsewhere.id) is None
    assert exhibitions.featuring(None, battery.id) is None
