"""The agency pages as a person uses them: registering an agency (its CNIPA code checked),
the centre verifying it, its public profile, a principal granting and revoking a mandate,
and the broker's request and deal pages (no signing offered)."""
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import (
    AgencyProfile,
    Deal,
    DealState,
    Mandate,
    MandateScope,
    OrgKind,
    OrgStatus,
    StaffQualification,
    User,
)
from market.services import agencies, deals, mandates
from market.unit_of_work import commit

from ..conftest import csrf_token, log_in, post_form
from ..factories import EXCLUSIVE, new_credit_code, proposal_of

pytestmark = pytest.mark.db

PNG_SCAN = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def agency_registration(**overrides):
    data = {
        "kind": "agency", "credit_code": new_credit_code(), "name": "沈阳知桥知识产权代理有限公司",
        "district": "浑南区", "address": "沈阳市浑南区创新路8号", "contact_name": "赵经理",
        "contact_phone": "024-88886666", "contact_email": "office@zhiqiao.example.cn",
        "cnipa_agency_code": "21101", "user_name": "赵经理", "email": "zhao@zhiqiao.example.cn",
        "password": "a long enough passphrase", "confirm": "a long enough passphrase",
        "consent": "y", "business_licence": (io.BytesIO(PNG_SCAN), "营业执照.png"),
    }
    data.update(overrides)
    return data


def log_out(client):
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})


def test_an_agency_registers_with_its_code_and_the_centre_verifies_it(client, login_as):
    refused = post_form(client, "/account/register",
                        agency_registration(cnipa_agency_code="2110"))
    assert refused.status_code == 422
    assert "CNIPA 专利代理机构代码为五位数字" in refused.get_data(as_text=True)
    assert post_form(client, "/account/register", agency_registration()).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "zhao@zhiqiao.example.cn"))
    assert user.org.kind == OrgKind.AGENCY and user.org.status == OrgStatus.PENDING
    profile = db.session.get(AgencyProfile, user.org_id)
    assert (profile.is_patent_agency, profile.cnipa_agency_code) == (True, "21101")
    assert client.get("/agencies/profile").status_code == 200  # filled in while pending
    log_out(client)
    login_as("centre")
    queue = client.get("/centre/verification").get_data(as_text=True)
    assert "21101" in queue
    assert post_form(client, f"/centre/verification/{user.org_id}/approve", {},
                     token_from="/centre/verification").status_code == 302
    db.session.expire_all()
    assert user.org.is_verified


def test_the_public_profile_shows_services_staff_and_record(client, make_user):
    admin = make_user(kind=OrgKind.AGENCY, name="沈阳知桥知识产权代理有限公司")
    agencies.start_profile(admin.org, "21101")
    agencies.update_profile(admin, admin.org, services=["brokering", "custody"],
                            industries=["new_materials"], description="专注新材料技术转移。",
                            agency_code="21101")
    agencies.add_staff(admin, admin.org, name="赵经纪", certificate_number="JJR-2024-0088",
                       qualification=StaffQualification.TECH_BROKER)
    commit()
    page = client.get(f"/org/{admin.org_id}").get_data(as_text=True)
    for text in ("技术经纪", "知识产权托管", "新材料", "赵经纪", "JJR-2024-0088", "21101",
                 'id="agency-record"'):
        assert text in page, text


def test_agency_admin_edits_the_profile_and_staff_by_form(client, make_user):
    admin = make_user(kind=OrgKind.AGENCY)
    log_in(client, admin)
    response = post_form(client, "/agencies/profile", {
        "services": ["brokering", "valuation"], "industries": ["biomedicine"],
        "description": "评估与经纪。", "cnipa_agency_code": "abc"})
    assert response.status_code == 422 and "五位数字" in response.get_data(as_text=True)
    assert post_form(client, "/agencies/profile", {
        "services": ["brokering", "valuation"], "industries": ["biomedicine"],
        "description": "评估与经纪。", "cnipa_agency_code": ""}).status_code == 302
    assert post_form(client, "/agencies/staff", {
        "name": "钱代理", "qualification": "patent_attorney",
        "certificate_number": "DLS 12345"}, token_from="/agencies/profile").status_code == 302
    profile = db.session.get(AgencyProfile, admin.org_id)
    assert profile.services == ["brokering", "valuation"] and profile.cnipa_agency_code is None
    assert [s.certificate_number for s in agencies.staff_of(admin.org_id)] == ["DLS12345"]


def test_sme_grants_and_revokes_a_mandate_by_form(client, sme, make_user):
    broker = make_user(kind=OrgKind.AGENCY, name="沈阳知桥知识产权代理有限公司")
    log_in(client, sme)
    page = client.get("/agencies/mandates/granted").get_data(as_text=True)
    assert "沈阳知桥知识产权代理有限公司" in page
    today = local_today()
    response = post_form(client, "/agencies/mandates/granted", {
        "agency": str(broker.org_id), "scope": "negotiate_draft",
        "valid_from": today.isoformat(), "valid_until": (today + timedelta(90)).isoformat(),
        "patents": "2019100000X.1", "fee": ""})
    assert response.status_code == 422  # a wrong patent number, said on its field
    assert post_form(client, "/agencies/mandates/granted", {
        "agency": str(broker.org_id), "scope": "negotiate_draft",
        "valid_from": today.isoformat(), "valid_until": (today + timedelta(90)).isoformat(),
        "patents": "", "fee": "3000"}).status_code == 302
    mandate = db.session.scalars(select(Mandate)).one()
    assert (mandate.scope, mandate.fee_fen) == (MandateScope.NEGOTIATE_AND_DRAFT, 300_000)
    assert post_form(client, f"/agencies/mandates/{mandate.id}/revoke", {},
                     token_from="/agencies/mandates/granted").status_code == 302
    db.session.expire_all()
    assert mandate.revoked_at is not None


def test_broker_request_page_and_deal_page(client, sme, university, make_user, make_listing):
    broker = make_user(kind=OrgKind.AGENCY, user_name="赵经纪")
    offer = make_listing(university.org, offers=[EXCLUSIVE]).offers[0]
    log_in(client, broker)
    listing = client.get(f"/patents/{offer.patent_id}").get_data(as_text=True)
    assert f"/deals/request/{offer.id}/for" in listing
    assert 'id="no-mandate"' in client.get(f"/deals/request/{offer.id}/for").get_data(
        as_text=True)
    today = local_today()
    mandate = mandates.grant(sme, broker.org, scope=MandateScope.NEGOTIATE_AND_DRAFT,
                             valid_from=today, valid_until=today + timedelta(30))
    commit()
    form = client.get(f"/deals/request/{offer.id}/for").get_data(as_text=True)
    assert re.search(rf'<option[^>]*value="{sme.org_id}"', form)
    response = post_form(client, f"/deals/request/{offer.id}/for", {
        "principal": str(sme.org_id), "licence_kind": "exclusive", "upfront_mode": "waived",
        "royalty_bp": "3", "term_years": "5", "territory": "中国大陆", "message": "代委托方申请。"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    deal = db.session.scalars(select(Deal)).one()
    assert (deal.licensee_org_id, deal.broker_org_id) == (sme.org_id, broker.org_id)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'id="broker-notice"' in page and "/sign" not in page
    deals.counter(deal, university, proposal_of(offer, royalty_bp=500), "提成 5%。")
    commit()
    assert deal.state == DealState.COUNTERED
    accepted = post_form(client, f"/deals/{deal.id}/accept", {},
                         token_from=f"/deals/{deal.id}", follow_redirects=True)
    assert "已通知委托方审阅并签署合同" in accepted.get_data(as_text=True)
    assert f'action="/deals/{deal.id}/sign"' not in accepted.get_data(as_text=True)
    assert f'href="/deals/{deal.id}"' in client.get("/deals/").get_data(as_text=True)
    mandates.revoke(sme, mandate)
    commit()
    assert client.get(f"/deals/{deal.id}").status_code == 404
    assert f'href="/deals/{deal.id}"' not in client.get("/deals/").get_data(as_text=True)


def test_agency_members_pages_do_not_break(client, make_user):
    broker = make_user(kind=OrgKind.AGENCY)
    log_in(client, broker)
    for path in ("/", "/deals/", "/payments/", "/deals/inbox", f"/org/{broker.org_id}",
                 "/agencies/mandates", "/search/", "/patents/"):
        assert client.get(path).status_code == 200, path
    nav = client.get("/").get_data(as_text=True)
    assert 'href="/agencies/mandates"' in nav and 'href="/patents/mine"' not in nav
    assert client.get("/patents/mine").status_code == 403
