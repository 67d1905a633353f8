"""Organisations: verification by the centre, profiles, colleagues, audit log."""
import pytest
from sqlalchemy import select

from market.extensions import db
from market.models import AuditEvent, Membership, OrgKind, OrgStatus, User
from market.services import deals
from market.services.contracts import contract_data, render_contract_pdf

from .conftest import csrf_token, log_in, post_form
from .factories import details_of, make_listing
from .pdf_check import pdftotext

pytestmark = pytest.mark.db


def test_centre_verifies_org(client, login_as, make_user):
    applicant = make_user(kind=OrgKind.SME, status=OrgStatus.PENDING)
    login_as("centre")
    queue = client.get("/centre/verification").get_data(as_text=True)
    assert applicant.org.name in queue
    response = client.post(f"/centre/verification/{applicant.org_id}/approve",
                           data={"csrf_token": csrf_token(client, "/centre/verification")})
    assert response.status_code == 302
    db.session.refresh(applicant.org)
    assert applicant.org.status == OrgStatus.VERIFIED and applicant.can_act
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org.verified"))
    queue = client.get("/centre/verification").get_data(as_text=True)
    assert f"/centre/verification/{applicant.org_id}/approve" not in queue


def test_centre_rejects_with_reason(client, login_as, make_user):
    applicant = make_user(kind=OrgKind.UNIVERSITY, status=OrgStatus.PENDING)
    login_as("centre")
    url = f"/centre/verification/{applicant.org_id}/reject"
    assert post_form(client, url, {"reason": ""}).status_code == 422
    assert post_form(client, url, {"reason": "营业执照与名称不符"}).status_code == 302
    db.session.refresh(applicant.org)
    assert applicant.org.status == OrgStatus.REJECTED
    assert applicant.org.status_reason == "营业执照与名称不符"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org.rejected"))
    assert event.details["reason"] == "营业执照与名称不符" and event.ip == "127.0.0.1"


def test_rejected_org_sees_reason_and_returns_to_queue_after_edit(client, make_user):
    user = make_user(status=OrgStatus.REJECTED, status_reason="地址不详")
    log_in(client, user)
    assert "地址不详" in client.get(f"/org/{user.org_id}").get_data(as_text=True)
    response = post_form(client, f"/org/{user.org_id}/edit", {
        "name": user.org.name, "district": "和平区", "address": "沈阳市和平区详细地址1号",
        "contact_name": "王", "contact_phone": "024-1", "contact_email": "a@example.cn",
        "sme_size": "micro"})
    assert response.status_code == 302
    db.session.refresh(user.org)
    assert user.org.status == OrgStatus.PENDING and user.org.district == "和平区"


def test_non_admin_cannot_edit_profile(client, make_user):
    admin = make_user()
    colleague = make_user(admin.org, admin=False)
    log_in(client, colleague)
    assert client.get(f"/org/{admin.org_id}/edit").status_code == 403


def test_admin_invites_colleague_who_sets_password(client, make_user, caplog):
    admin = make_user()
    log_in(client, admin)
    caplog.set_level("INFO", logger="market.mail")
    response = post_form(client, f"/org/{admin.org_id}/members",
                         {"name": "小李", "email": "li@example.cn"})
    assert response.status_code == 302
    colleague = db.session.scalar(select(User).where(User.email == "li@example.cn"))
    assert colleague.org_id == admin.org_id and not colleague.is_org_admin
    assert "li@example.cn" in caplog.text and "/account/reset/" in caplog.text


def test_admin_approves_join_request(client, make_user):
    admin = make_user()
    newcomer = make_user(admin.org, admin=False, membership=Membership.REQUESTED)
    assert not newcomer.can_act
    log_in(client, admin)
    response = post_form(client, f"/org/{admin.org_id}/members/{newcomer.id}",
                         {"decision": "approve"}, token_from=f"/org/{admin.org_id}/members")
    assert response.status_code == 302
    db.session.refresh(newcomer)
    assert newcomer.membership == Membership.ACTIVE


def test_admin_cannot_decide_for_another_org(client, make_user):
    admin = make_user()
    stranger = make_user(admin=False, membership=Membership.REQUESTED)
    log_in(client, admin)
    response = post_form(client, f"/org/{stranger.org_id}/members/{stranger.id}",
                         {"decision": "approve"}, token_from=f"/org/{admin.org_id}/members")
    assert response.status_code == 403
    db.session.refresh(stranger)
    assert stranger.membership == Membership.REQUESTED


def test_role_change_is_audited_and_last_admin_stays(client, make_user):
    admin = make_user()
    colleague = make_user(admin.org, admin=False)
    log_in(client, admin)
    url = f"/org/{admin.org_id}/members/{colleague.id}"
    post_form(client, url, {"decision": "make_admin"}, token_from=f"/org/{admin.org_id}/members")
    db.session.refresh(colleague)
    assert colleague.is_org_admin
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.changed"))


def test_pending_org_profile_hidden_from_others(client, make_user, login_as):
    pending = make_user(status=OrgStatus.PENDING)
    assert client.get(f"/org/{pending.org_id}").status_code == 404
    login_as("sme")
    assert client.get(f"/org/{pending.org_id}").status_code == 404


def test_audit_log_readable_by_centre_only(client, login_as, make_user):
    login_as("sme")
    assert client.get("/centre/audit").status_code == 403
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("centre")
    page = client.get("/centre/audit").get_data(as_text=True)
    assert "login.success" in page


def test_double_verify_changes_nothing_twice(client, login_as, make_user):
    applicant = make_user(status=OrgStatus.PENDING)
    login_as("centre")
    for _ in range(2):
        client.post(f"/centre/verification/{applicant.org_id}/approve",
                    data={"csrf_token": csrf_token(client, "/centre/verification")})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "org.verified"))
    assert len(events.all()) == 1


def test_the_legal_representative_is_kept_shown_and_printed_on_contracts(client, make_user):
    admin = make_user(kind=OrgKind.UNIVERSITY)
    log_in(client, admin)
    fields = {"name": admin.org.name, "district": "浑南区", "address": "沈阳市浑南区创新路 1 号",
              "legal_representative": "  张  三 ", "contact_name": "王", "contact_phone": "024-1",
              "contact_email": "a@example.cn"}
    assert post_form(client, f"/org/{admin.org_id}/edit", fields).status_code == 302
    db.session.refresh(admin.org)
    assert admin.org.legal_representative == "张  三"  # stripped, as typed inside
    assert "张  三" in client.get(f"/org/{admin.org_id}").get_data(as_text=True)
    assert post_form(client, f"/org/{admin.org_id}/edit",
                     {**fields, "legal_representative": "张" * 101}).status_code == 422
    sme = make_user(kind=OrgKind.SME)
    patent = make_listing(db.session, admin.org, offers=[{"kind": "open_licence"}])
    deal = deals.take_open(sme, patent.offers[0], details_of(sme))
    data = contract_data(deal)
    assert data["parties"]["licensor"]["legal_representative"] == "张  三"
    assert data["parties"]["licensee"]["legal_representative"] is None
    assert "法定代表人：张三" in pdftotext(render_contract_pdf(data, [])).replace(" ", "")
