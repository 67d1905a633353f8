"""Online exhibitions: the centre opens one from listing numbers; questions and licence
requests started from it are attributed to it (only for a listing it features); roadshow
sign-ups are one per user."""
from datetime import date

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import Exhibition, ExhibitionLead, OrgKind, RoadshowSignup
from market.services import exhibitions

from ..conftest import log_in, post_form
from ..factories import EXCLUSIVE, proposal_of

pytestmark = pytest.mark.db


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _open(centre, *patents, roadshow=True) -> Exhibition:
    from datetime import UTC, datetime
    exhibition = exhibitions.create(centre, exhibitions.ExhibitionDraft(
        theme="新材料专利展", description="", starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31), numbers=[p.application_number for p in patents],
        org_ids=[patents[0].owner_org_id],
        roadshow_at=datetime(2026, 12, 20, 6, tzinfo=UTC) if roadshow else None))
    db.session.commit()
    return exhibition


def test_centre_opens_an_exhibition_by_numbers(app, client, make_user, make_listing):
    listing = make_listing()
    log_in(client, make_user(kind=OrgKind.CENTRE))
    form = {"theme": "新材料专利展", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
            "listings": f"ZL{listing.application_number}\n201799999999.1",
            "organisations": str(listing.owner_org_id)}
    response = post_form(client, "/centre/exhibitions/new", form)
    assert response.status_code == 422
    assert "201799999999.1" in response.get_data(as_text=True) and _count(Exhibition) == 0
    response = post_form(client, "/centre/exhibitions/new",
                         {**form, "listings": f"ZL{listing.application_number}"})
    assert response.status_code == 302
    exhibition = db.session.scalars(select(Exhibition)).one()
    assert [item.patent_id for item in exhibition.listings] == [listing.id]
    assert [item.org_id for item in exhibition.organisations] == [listing.owner_org_id]
    page = client.get(f"/exhibitions/{exhibition.id}").get_data(as_text=True)
    assert f"/patents/{listing.id}?exhibition={exhibition.id}" in page


def test_request_and_question_from_an_exhibition_are_counted(app, client, make_user,
                                                            make_listing):
    centre = make_user(kind=OrgKind.CENTRE)
    featured = make_listing(offers=[EXCLUSIVE])
    other = make_listing(offers=[EXCLUSIVE])
    exhibition = _open(centre, featured)
    sme = make_user(kind=OrgKind.SME)
    log_in(client, sme)
    detail = client.get(f"/patents/{featured.id}?exhibition={exhibition.id}").get_data(
        as_text=True)
    request_url = f"/deals/request/{featured.offers[0].id}?exhibition={exhibition.id}"
    assert request_url in detail
    terms = {k: ("" if v is None else str(v)) for k, v in
             proposal_of(featured.offers[0]).items()}
    terms.update(upfront_mode="waived", royalty_bp="3", message="")
    assert post_form(client, request_url, terms).status_code == 302
    post_form(client, f"/patents/{featured.id}/ask?exhibition={exhibition.id}",
              {"body": "能否提供样品？"}, token_from=f"/patents/{featured.id}")
    # not featured there: the argument attributes nothing
    other_url = f"/deals/request/{other.offers[0].id}?exhibition={exhibition.id}"
    assert post_form(client, other_url, terms).status_code == 302
    assert exhibitions.lead_counts()[exhibition.id] == {"request": 1, "question": 1}
    client.post("/account/logout")
    log_in(client, centre)
    page = client.get("/centre/exhibitions").get_data(as_text=True)
    assert '<td class="num" data-count="requests">1</td>' in page
    assert _count(ExhibitionLead) == 2


def test_roadshow_sign_up_once(app, client, make_user, make_listing):
    exhibition = _open(make_user(kind=OrgKind.CENTRE), make_listing())
    user = make_user(kind=OrgKind.SME)
    log_in(client, user)
    for _ in range(2):
        assert post_form(client, f"/exhibitions/{exhibition.id}/roadshow", {},
                         token_from=f"/exhibitions/{exhibition.id}").status_code == 302
    assert _count(RoadshowSignup) == 1
    assert exhibitions.signed_up(user, exhibition)


def test_only_the_centre_opens_exhibitions(app, make_user, make_listing):
    from market.services.errors import PermissionDenied
    with pytest.raises(PermissionDenied):
        _open(make_user(kind=OrgKind.UNIVERSITY), make_listing())


def test_an_exhibition_that_has_ended_is_listed_among_the_past(app, client, make_user,
                                                                make_listing):
    """Once over, an exhibition leaves the running list for "past exhibitions", still
    linked (its page, its listings and its leads stay readable)."""
    from datetime import UTC, datetime

    from market.domain.dates import clock_at
    exhibition = _open(make_user(kind=OrgKind.CENTRE), make_listing())
    after = date(2027, 1, 5)
    assert exhibition not in exhibitions.on_show(after)
    assert exhibitions.past(after) == [exhibition]
    assert exhibitions.past(date(2026, 12, 15)) == []  # still running then
    with clock_at(datetime(2027, 1, 5, 2, tzinfo=UTC)):
        page = client.get("/exhibitions/?lang=zh").get_data(as_text=True)
    assert "往期展览" in page and f"/exhibitions/{exhibition.id}" in page
