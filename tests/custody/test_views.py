"""Custody through the pages: propose, accept, renew, end; who sees the agreement and the
SME's portfolio; annual-fee reminders for the custodian; the indicators; the centre's
register and the public disclosure page."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import CustodyEvent, Notification, OrgKind, OrgStatus
from market.services import agency_register, annual_fees, custody
from market.unit_of_work import commit

from ..conftest import log_in, post_form
from .conftest import agree

pytestmark = pytest.mark.db
TODAY = local_today()


def _client(app, user):
    client = app.test_client()
    log_in(client, user)
    return client


def _events(agreement_id):
    return [e.kind for e in db.session.scalars(select(CustodyEvent).where(
        CustodyEvent.agreement_id == agreement_id).order_by(CustodyEvent.id))]


def test_propose_accept_renew_and_end(app, sme, agency_user):
    sme_client, agency_client = _client(app, sme), _client(app, agency_user)
    end = TODAY + timedelta(days=364)
    response = post_form(sme_client, "/custody/new", {
        "agency": str(agency_user.org_id), "scope_patents": "y", "scope_fee_reminders": "y",
        "starts_on": TODAY.isoformat(), "ends_on": end.isoformat(), "fee": "3000"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    agreement_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = f"/custody/{agreement_id}"
    # the SME cannot accept its own proposal
    post_form(sme_client, f"{page}/accept", {}, token_from=page)
    assert _events(agreement_id) == ["proposed"]
    assert post_form(agency_client, f"{page}/accept", {}, token_from=page).status_code == 302
    assert _events(agreement_id) == ["proposed", "accepted"]
    renewed_end = end + timedelta(days=365)
    assert post_form(agency_client, f"{page}/renew", {
        "ends_on": renewed_end.isoformat(), "fee": "3500"}, token_from=page).status_code == 302
    assert post_form(sme_client, f"{page}/accept", {}, token_from=page).status_code == 302
    agreement = custody.get_for(sme, agreement_id)
    now = custody.standing(agreement)
    assert (now.state, now.ends_on, now.fee_fen) == (custody.ACTIVE, renewed_end, 350_000)
    assert post_form(sme_client, f"{page}/terminate", {
        "last_day": TODAY.isoformat(), "reason": "公司自行管理"},
        token_from=page).status_code == 302
    assert _events(agreement_id) == ["proposed", "accepted", "renewal_proposed", "renewed",
                                     "terminated"]
    db.session.expire_all()
    assert custody.standing(custody.get_for(sme, agreement_id)).ends_on == TODAY
    # one day later it is over and the agency no longer sees the portfolio
    later = custody.standing(custody.get_for(sme, agreement_id), TODAY + timedelta(days=1))
    assert later.state == custody.ENDED


def test_proposal_errors_show_on_their_fields(app, sme, agency_user):
    client = _client(app, sme)
    response = post_form(client, "/custody/new", {
        "agency": "0", "scope_patents": "y", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY - timedelta(days=1)).isoformat(), "fee": "0"})
    assert response.status_code == 422
    assert "请选择在册的服务机构" in response.get_data(as_text=True)


def test_an_agency_names_the_sme_by_credit_code(app, sme, agency_user):
    client = _client(app, agency_user)
    response = post_form(client, "/custody/new", {
        "sme_credit_code": sme.org.credit_code, "scope_portfolio_review": "y",
        "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=30)).isoformat(),
        "fee": "0"})
    assert response.status_code == 302
    [agreement] = custody.agreements_of(sme.org_id)
    assert agreement.proposed_by_org_id == agency_user.org_id
    assert agreement.scope == ["portfolio_review"]


def test_a_suspended_agency_cannot_take_new_clients(sme, agency_user, centre_user):
    agency_register.record_status(centre_user, agency_user.org, kind="suspension",
                                  effective_on=TODAY, reason="投诉查实")
    commit()
    with pytest.raises(custody.ServiceError):
        custody.counterpart_for(sme, agency_id=agency_user.org_id)
    with pytest.raises(custody.PermissionDenied):
        custody.propose(agency_user, sme.org, starts_on=TODAY, ends_on=TODAY, fee_fen=0,
                        scope={"patents": True})


# --- who sees what ----------------------------------------------------------------------

@pytest.fixture()
def agreements(sme, agency_user, other_agency_user, make_org, make_listing):
    make_listing(sme.org, title="一种SME的专利")
    return {
        "active": agree(sme.org, agency_user.org, TODAY - timedelta(days=10),
                        TODAY + timedelta(days=100)),
        "ended": agree(sme.org, other_agency_user.org, TODAY - timedelta(days=100),
                       TODAY + timedelta(days=100), terminated=TODAY - timedelta(days=1)),
        "pending": agree(make_org(kind=OrgKind.SME), agency_user.org, TODAY,
                         TODAY + timedelta(days=100), accepted=False),
    }


PORTFOLIO_ACCESS = [
    # (role, agreement, detail status, portfolio status)
    ("sme", "active", 200, 200),
    ("agency", "active", 200, 200),
    ("other_agency", "active", 404, 404),
    ("other_agency", "ended", 200, 403),   # a party, but custody ended
    ("agency", "pending", 200, 403),       # not accepted yet
    ("sme", "pending", 404, 404),          # another SME's agreement
    ("centre", "active", 200, 200),
    ("stranger_sme", "active", 404, 404),
    ("anonymous", "active", 302, 302),
]


@pytest.mark.parametrize(("role", "which", "detail", "portfolio"), PORTFOLIO_ACCESS)
def test_who_sees_the_agreement_and_the_portfolio(app, agreements, role, which, detail,
                                                  portfolio, sme, agency_user,
                                                  other_agency_user, centre_user, make_user):
    users = {"sme": sme, "agency": agency_user, "other_agency": other_agency_user,
             "centre": centre_user, "stranger_sme": make_user(kind=OrgKind.SME)}
    client = app.test_client() if role == "anonymous" else _client(app, users[role])
    agreement_id = agreements[which].id
    assert client.get(f"/custody/{agreement_id}").status_code == detail
    response = client.get(f"/custody/{agreement_id}/portfolio")
    assert response.status_code == portfolio
    if portfolio == 200:
        assert "一种SME的专利" in response.get_data(as_text=True)


def test_the_centre_cannot_act_for_a_party(app, agreements, centre_user):
    client = _client(app, centre_user)
    page = f"/custody/{agreements['pending'].id}"
    assert post_form(client, f"{page}/accept", {}, token_from=page).status_code == 403
    assert _events(agreements["pending"].id) == ["proposed"]


def test_the_custodian_gets_the_annual_fee_reminders(sme, agency_user, other_agency_user,
                                                      make_listing):
    patent = make_listing(sme.org)
    annual_fees.set_paid_through(sme, patent, date(2026, 2, 28))
    agree(sme.org, agency_user.org, date(2025, 6, 1), date(2026, 5, 31))
    # custody without reminders in its scope: no reminder
    agree(sme.org, other_agency_user.org, date(2025, 6, 1), date(2026, 5, 31),
          scope_fee_reminders=False)
    assert annual_fees.remind(date(2026, 1, 30))["reminded"] == 1
    commit()

    def notes(user):
        return list(db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.kind == "annual_fee_due")))
    assert len(notes(sme)) == 1
    [note] = notes(agency_user)
    assert sme.org.name in note.title
    assert notes(other_agency_user) == []


# --- the indicators ------------------------------------------------------------------------

def test_indicators_json_carries_custody_and_agencies(app, make_org, centre_user):
    smes = [make_org(kind=OrgKind.SME) for _ in range(3)]
    agency = make_org(kind=OrgKind.AGENCY, verified_at=datetime(2024, 6, 1, 2, tzinfo=UTC))
    make_org(kind=OrgKind.AGENCY, status=OrgStatus.PENDING)
    make_org(kind=OrgKind.AGENCY)  # verified today: after the year asked about
    agree(smes[0], agency, date(2025, 1, 1), date(2025, 6, 30))
    agree(smes[1], agency, date(2025, 3, 1), date(2026, 12, 31), renewals=[date(2027, 6, 30)])
    agree(smes[2], agency, date(2025, 3, 1), date(2025, 12, 31), accepted=False)
    client = _client(app, centre_user)
    body = client.get("/api/v1/stats/indicators?year=2025").get_json()
    assert body["custody_smes"]["cumulative"] == 2
    assert body["custody_smes"]["current"] == 1  # on 2025-12-31
    assert body["custody_smes"]["target"] == 1000 and body["custody_smes"]["met"] is False
    assert body["agencies"]["current"] == 1 and body["agencies"]["target"] == 30
    page = client.get("/centre/indicators?year=2025").get_data(as_text=True)
    assert 'id="kpi-custody"' in page and 'id="kpi-agencies"' in page
    csv = client.get("/centre/indicators/export/summary.csv?year=2025").get_data(as_text=True)
    assert "托管" in csv or "custody" in csv
    assert client.get("/centre/indicators/report.pdf?year=2025").status_code == 200


# --- the register and the disclosure page ------------------------------------------------

def test_register_records_and_disclosure(app, centre_user, agency_user, sme):
    agree(sme.org, agency_user.org, TODAY - timedelta(days=10), TODAY + timedelta(days=10))
    client = _client(app, centre_user)
    base = f"/centre/agencies/{agency_user.org_id}"
    assert post_form(client, "/centre/agencies/criteria", {"name": "服务质量", "max_score": "60"},
                     token_from="/centre/agencies").status_code == 302
    assert post_form(client, "/centre/agencies/criteria", {"name": "响应速度", "max_score": "40"},
                     token_from="/centre/agencies").status_code == 302
    criteria = agency_register.active_criteria()
    year = TODAY.year
    response = post_form(client, f"{base}/evaluations", {
        "year": str(year), "grade": "grade_good", f"score_{criteria[0].id}": "50",
        f"score_{criteria[1].id}": "30"}, token_from=base)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # a score above the criterion's maximum is refused on its field
    again = post_form(client, f"{base}/evaluations", {
        "year": str(year - 1), "grade": "grade_good", f"score_{criteria[0].id}": "61",
        f"score_{criteria[1].id}": "30"}, token_from=base)
    assert again.status_code == 422
    assert post_form(client, f"{base}/complaints", {
        "received_on": TODAY.isoformat(), "complainant": "沈阳某科技有限公司",
        "summary": "年费提醒未送达"}, token_from=base).status_code == 302
    [complaint] = agency_register.record_of(agency_user.org)["complaints"]
    assert post_form(client, f"/centre/agencies/complaints/{complaint.id}/close", {
        "outcome": "outcome_upheld", "closed_on": TODAY.isoformat(), "note": "查实",
        "sanction": "通报批评"}, token_from=base).status_code == 302
    assert post_form(client, f"{base}/credit-notes", {
        "kind": "note_warning", "text": "整改期三个月"}, token_from=base).status_code == 302
    register = client.get("/centre/agencies").get_data(as_text=True)
    assert agency_user.org.name in register and "1 (0 / 1)" in register
    public = app.test_client().get(f"/disclosure/agencies/{agency_user.org_id}")
    text = public.get_data(as_text=True)
    assert public.status_code == 200
    assert "通报批评" in text and "整改期三个月" in text and agency_user.org.credit_code in text
    # an exit is recorded and published; the agency leaves the count
    assert post_form(client, f"{base}/status", {
        "kind": "agency_event_exit", "effective_on": TODAY.isoformat(),
        "reason": "主动申请迁出"}, token_from=base).status_code == 302
    assert "主动申请迁出" in app.test_client().get(
        f"/disclosure/agencies/{agency_user.org_id}").get_data(as_text=True)
    body = client.get(f"/api/v1/stats/indicators?year={TODAY.year}").get_json()
    assert body["agencies"]["current"] == 0 and body["agencies"]["exited"] == 1


def test_disclosure_hides_unverified_agencies(app, make_org):
    pending = make_org(kind=OrgKind.AGENCY, status=OrgStatus.PENDING)
    sme_org = make_org(kind=OrgKind.SME)
    assert app.test_client().get(f"/disclosure/agencies/{pending.id}").status_code == 404
    assert app.test_client().get(f"/disclosure/agencies/{sme_org.id}").status_code == 404


def test_a_proposal_to_a_suspended_agency_cannot_be_accepted(sme, agency_user, centre_user):
    agreement = custody.propose(agency_user, sme.org, starts_on=TODAY,
                                ends_on=TODAY + timedelta(days=30), fee_fen=0,
                                scope={"patents": True})
    agency_register.record_status(centre_user, agency_user.org, kind="suspension",
                                  effective_on=TODAY, reason="投诉查实")
    commit()
    with pytest.raises(custody.ServiceError):
        custody.accept(sme, agreement)


def test_what_the_page_offers_is_what_the_actions_allow(sme, agency_user, centre_user):
    """custody.allowed: the side that did not propose answers; once in force either side
    may renew or end it; the centre and a proposer waiting for an answer may do neither."""
    agreement = custody.propose(sme, agency_user.org, starts_on=TODAY,
                                ends_on=TODAY + timedelta(days=365), fee_fen=300_000,
                                scope={"patents": True})
    commit()
    assert custody.allowed(sme, agreement) == {"answer": False, "change": False}
    assert custody.allowed(agency_user, agreement) == {"answer": True, "change": False}
    assert custody.allowed(centre_user, agreement) == {"answer": False, "change": False}
    with pytest.raises(custody.ServiceError):
        custody.accept(sme, agreement)  # what the page does not offer, the action refuses
    custody.accept(agency_user, agreement)
    commit()
    for user in (sme, agency_user):
        assert custody.allowed(user, agreement) == {"answer": False, "change": True}
    assert custody.allowed(centre_user, agreement)["change"] is False
