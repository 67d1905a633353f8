"""Open licences taken and demand answers started from an exhibition count among its leads,
by the same rule as questions and requests (the exhibition shows the listing), once each;
the centre's pages count them by kind."""
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from market.domain.dates import clock_at
from market.extensions import db
from market.models import DemandAnswer, ExhibitionLead, LicenceKind, OfferKind, OrgKind
from market.services import demands, exhibitions
from market.unit_of_work import commit

from ..conftest import log_in, post_form

pytestmark = pytest.mark.db
RUNNING = datetime(2026, 12, 10, 2, tzinfo=UTC)


def _open(centre, *patents, query="") -> exhibitions.Exhibition:
    exhibition = exhibitions.create(centre, exhibitions.ExhibitionDraft(
        theme="新能源专利展", description="", starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31), numbers=[p.application_number for p in patents],
        org_ids=[], query=query))
    commit()
    return exhibition


def _leads() -> int:
    return db.session.scalar(select(func.count()).select_from(ExhibitionLead))


def test_an_open_licence_taken_from_an_exhibition_counts_once(app, client, make_user,
                                                              make_listing):
    centre, sme = make_user(kind=OrgKind.CENTRE), make_user(kind=OrgKind.SME)
    featured, other = make_listing(), make_listing()
    exhibition = _open(centre, featured)
    log_in(client, sme)
    page = client.get(f"/patents/{featured.id}?exhibition={exhibition.id}").get_data(
        as_text=True)
    url = f"/deals/take/{featured.offers[0].id}?exhibition={exhibition.id}"
    assert url in page
    notice = {"legal_name": sme.org.name, "credit_code": sme.org.credit_code,
              "address": sme.org.address, "field_of_use": "锂电池负极",
              "expected_start": "2027-03-01", "confirm": "y"}
    assert post_form(client, url, notice).status_code == 302
    again = post_form(client, url, notice)  # the form sent twice: refused, counted once
    assert again.status_code == 422
    # a listing the exhibition does not show: the argument attributes nothing
    other_url = f"/deals/take/{other.offers[0].id}?exhibition={exhibition.id}"
    assert post_form(client, other_url, notice).status_code == 302
    assert exhibitions.lead_counts()[exhibition.id] == {"open_licence": 1}
    assert _leads() == 1

    client.post("/account/logout")
    log_in(client, centre)
    listing_page = client.get("/centre/exhibitions").get_data(as_text=True)
    assert '<td class="num" data-count="open_licences">1</td>' in listing_page
    assert '<td class="num" data-count="requests">0</td>' in listing_page
    leads_page = client.get(f"/centre/exhibitions/{exhibition.id}").get_data(as_text=True)
    assert '<dd data-count="open_licence">1</dd>' in leads_page


@pytest.fixture()
def battery(make_listing, make_user):
    university = make_user(kind=OrgKind.UNIVERSITY)
    listing = make_listing(university.org, title="一种锂电池低温加热装置及其控制方法",
                           abstract="本发明涉及锂电池低温加热装置，提高锂电池在低温环境下的放电性能和续航。",
                           keywords="锂电池；低温；加热", ipc_codes=["H01M 10/615"],
                           offers=[{"kind": OfferKind.LICENCE,
                                    "licence_kind": LicenceKind.NON_EXCLUSIVE}])
    return university, listing


def _published_demand(app, sme, centre):
    app.extensions["market.search"].reindex()
    demand = demands.create(sme, dict(
        title="锂电池低温续航衰减", description="冬季零下二十度时锂电池容量衰减严重，希望找到锂电池低温加热的技术。",
        industry="new_materials", ipc_codes=[], budget_negotiable=True, budget_min_fen=None,
        budget_max_fen=None, wanted_kind="exclusive", deadline=None, visibility="public",
        contact_preference="platform"))
    demands.submit(demand, sme)
    commit()
    demands.approve(demand, centre)
    commit()  # the after-commit hook matches it against the listings
    return demand


def test_a_demand_answer_from_an_exhibition_counts_once(app, client, make_user, battery):
    university, listing = battery
    centre, sme = make_user(kind=OrgKind.CENTRE), make_user(kind=OrgKind.SME)
    demand = _published_demand(app, sme, centre)
    exhibition = _open(centre, query="锂电池")  # the listing is shown by the search
    log_in(client, university)
    url = f"/demands/{demand.id}/answer?exhibition={exhibition.id}"
    with clock_at(RUNNING):
        page = client.get(f"/exhibitions/{exhibition.id}").get_data(as_text=True)
    assert url.replace("&", "&amp;") in page  # its listing answers the demand: a link
    form = {"patent_ids": str(listing.id), "proposal": "可以合作。"}
    assert post_form(client, url, form).status_code == 302
    assert post_form(client, url, form).status_code == 422  # sent twice: one answer
    assert db.session.scalar(select(func.count()).select_from(DemandAnswer)) == 1
    assert exhibitions.lead_counts()[exhibition.id] == {"answer": 1}
    lead = db.session.scalars(select(ExhibitionLead)).one()
    assert lead.answer_id == db.session.scalars(select(DemandAnswer.id)).one()

    client.post("/account/logout")
    log_in(client, centre)
    assert '<td class="num" data-count="answers">1</td>' in client.get(
        "/centre/exhibitions").get_data(as_text=True)


def test_a_collaboration_answer_names_no_listing_and_is_not_attributed(app, client,
                                                                       make_user, battery):
    university, listing = battery
    centre, sme = make_user(kind=OrgKind.CENTRE), make_user(kind=OrgKind.SME)
    demand = _published_demand(app, sme, centre)
    exhibition = _open(centre, listing)
    log_in(client, university)
    url = f"/demands/{demand.id}/answer?exhibition={exhibition.id}"
    assert post_form(client, url, {"collaboration": "y", "proposal": "我们可以开发。"}
                     ).status_code == 302
    assert _leads() == 0


def test_a_question_sent_twice_from_an_exhibition_counts_once(app, client, make_user,
                                                              make_listing):
    featured = make_listing()
    exhibition = _open(make_user(kind=OrgKind.CENTRE), featured)
    log_in(client, make_user(kind=OrgKind.SME))
    for _ in range(2):  # the service hands back the same question
        assert post_form(client, f"/patents/{featured.id}/ask?exhibition={exhibition.id}",
                         {"body": "能否提供样品？"}, token_from=f"/patents/{featured.id}"
                         ).status_code == 302
    assert exhibitions.lead_counts()[exhibition.id] == {"question": 1}
