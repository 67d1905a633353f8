"""Signing: a deal is concluded by both sides' electronic signatures on the same frozen
contract version (an open licence by the licensee's), never by a button.

Who may sign (an active admin or named signatory of the party's organisation), in which
order (either; the last required signature concludes), what withdraws, what a new version
resets, the re-authentication (password through the log-in throttle, the registered full
name), a double submit, and the stored contract PDF that never changes."""
import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import (
    ContractDocument,
    ContractVersion,
    Deal,
    DealState,
    LedgerEntry,
    LoginThrottle,
    Membership,
    Notification,
    OfferKind,
    PaymentScheduleItem,
    ScheduleStatus,
    Signature,
    User,
)
from market.models.base import utcnow
from market.services import contracts, deals, signing
from market.services.errors import NotFound, PermissionDenied
from market.unit_of_work import commit

from ..conftest import log_in, post_form
from ..factories import PAID_OPEN, PASSWORD, sign_contract
from .conftest import race, refetch

pytestmark = pytest.mark.db


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def proof(user):
    return signing.Reauthenticated(user.id, user.name)


def sign(deal, user, sha256=None):
    version = signing.current_version(deal)
    return deals.sign(deal, user, proof(user), sha256=sha256 or version.data_sha256)


@pytest.fixture()
def accepted(countered, sme):
    """A negotiated exclusive licence whose terms the SME accepted: frozen, unsigned."""
    def run(**changes):
        deal = countered(**changes)
        deals.accept(deal, sme)
        commit()
        return deal
    return run


# --- freezing and the order of signatures ------------------------------------------------

def test_acceptance_freezes_version_one_and_concludes_nothing(accepted):
    deal = accepted()
    assert deal.state == DealState.ACCEPTED and deal.contract_number is None
    [version] = signing.versions(deal)
    assert version.number == 1 and version.data["version"] == 1
    assert version.data_sha256 == contracts.data_sha256(version.data)
    assert deal.schedule == [] and count(LedgerEntry) == 0
    assert signing.required_roles(deal) == ("licensor", "licensee")


@pytest.mark.parametrize("first", ["licensor", "licensee"])
def test_concluded_exactly_when_the_last_signature_lands(accepted, university, sme, first):
    deal = accepted()
    signers = {"licensor": university, "licensee": sme}
    second = "licensee" if first == "licensor" else "licensor"
    sign(deal, signers[first])
    commit()
    deal = refetch(deal)
    assert deal.state == DealState.ACCEPTED and deal.concluded_at is None
    assert count(LedgerEntry) == 0 and count(Signature, deal_id=deal.id) == 1
    sign(deal, signers[second])
    commit()
    deal = refetch(deal)
    assert deal.state == DealState.CONCLUDED and deal.concluded_at is not None
    assert count(LedgerEntry, deal_id=deal.id) == 1
    assert [e.action for e in deal.events][-3:] == ["sign", "sign", "conclude"]
    version = signing.current_version(deal)
    assert deal.contract_number == version.data["contract_number"]
    signed = {s.role: s for s in signing.signatures(version)}
    assert signed["licensor"].user_id == university.id and signed["licensee"].org_id == sme.org_id
    assert {s.sha256 for s in signed.values()} == {version.data_sha256}
    assert deal.licensor_name == university.org.name  # the party snapshot of the conclusion


def test_a_side_signs_once_and_only_the_version_shown(accepted, university, sme):
    deal = accepted()
    with pytest.raises(signing.SignatureRefused) as info:
        sign(deal, university, sha256="0" * 64)  # a page showing another version
    assert info.value.code == "stale_version"
    db.session.rollback()
    sign(refetch(deal), university)
    commit()
    with pytest.raises(signing.SignatureRefused) as info:
        sign(refetch(deal), university)  # the double submit
    assert info.value.code == "already_signed"
    db.session.rollback()
    assert count(Signature) == 1 and refetch(deal).state == DealState.ACCEPTED


def test_a_second_signature_that_raced_past_the_check_is_refused(accepted, university,
                                                                 monkeypatch):
    """The signature row is written by the transition's flush; were a second submit to get
    past the check under the lock, the unique index refuses it there, as the same refusal."""
    deal = accepted()
    sign(deal, university)
    commit()
    monkeypatch.setattr(signing, "signed_roles", lambda version: set())  # the check missed it
    with pytest.raises(signing.SignatureRefused) as info:
        sign(refetch(deal), university)
    assert info.value.code == "already_signed"
    db.session.rollback()
    assert count(Signature) == 1


def test_who_may_sign(accepted, university, sme, make_user, centre):
    deal = accepted()
    member = make_user(university.org, admin=False)  # an active member, not named
    with pytest.raises(PermissionDenied) as info:
        sign(deal, member)
    assert info.value.code == "not_signatory"
    db.session.rollback()
    assert not signing.may_sign_now(refetch(deal), member, "licensor")
    asking = make_user(university.org, admin=False, membership=Membership.REQUESTED)
    with pytest.raises(NotFound):  # a request to join is not membership
        sign(refetch(deal), asking)
    db.session.rollback()
    with pytest.raises(deals.TransitionNotAllowed):  # the centre does not sign for a party
        sign(refetch(deal), centre)
    db.session.rollback()
    with pytest.raises(NotFound):
        sign(refetch(deal), make_user(kind="sme"))  # a stranger
    db.session.rollback()
    from market.services import orgs
    orgs.set_signatory(university, refetch(member), True)
    commit()
    member = db.session.get(User, member.id)
    assert signing.may_sign_now(refetch(deal), member, "licensor")
    sign(refetch(deal), member)
    commit()
    assert signing.signatures(signing.current_version(deal))[0].user_id == member.id
    with pytest.raises(PermissionDenied):  # only the admin names signatories
        orgs.set_signatory(member, university, False)
    db.session.rollback()


def test_withdraw_before_own_signature_not_after(accepted, university, sme, make_listing):
    deal = accepted()
    assert "withdraw" in deals.allowed_actions(deal, sme)
    sign(deal, sme)
    commit()
    deal = refetch(deal)
    assert "withdraw" not in deals.allowed_actions(deal, sme)
    with pytest.raises(deals.TransitionNotAllowed):
        deals.withdraw(deal, sme)  # its side has signed
    db.session.rollback()
    deal = refetch(deal)
    assert "withdraw" in deals.allowed_actions(deal, university)
    deals.withdraw(deal, university)  # the other side has not: it may still walk away
    commit()
    deal = refetch(deal)
    assert deal.state == DealState.WITHDRAWN and count(LedgerEntry) == 0


def test_new_terms_void_the_version_and_both_sign_again(accepted, university, sme):
    from ..factories import proposal_of
    deal = accepted()
    sign(deal, university)
    commit()
    first = signing.current_version(refetch(deal))
    deals.counter(refetch(deal), sme, proposal_of(deal.offer, royalty_bp=250), "降到 2.5%")
    commit()
    deal = refetch(deal)
    assert deal.state == DealState.REQUESTED  # the licensor answers the licensee's terms
    assert db.session.get(ContractVersion, first.id).voided_at is not None
    assert signing.current_version(deal) is None
    deals.accept(deal, university)
    commit()
    second = signing.current_version(refetch(deal))
    assert second.number == 2 and second.data_sha256 != first.data_sha256
    assert signing.signatures(second) == [] and len(signing.signatures(first)) == 1
    with pytest.raises(signing.SignatureRefused):  # the page of version 1
        sign(refetch(deal), sme, sha256=first.data_sha256)
    db.session.rollback()
    sign(refetch(deal), sme)
    commit()
    assert refetch(deal).state == DealState.ACCEPTED  # the licensor's old signature is void
    sign(refetch(deal), university)
    commit()
    deal = refetch(deal)
    assert deal.state == DealState.CONCLUDED and deal.royalty_bp == 250
    assert count(Signature, deal_id=deal.id) == 3 and count(LedgerEntry) == 1


def test_a_licensor_counter_from_accepted_goes_to_the_licensee(accepted, university):
    from ..factories import proposal_of
    deal = accepted()
    deals.counter(deal, university, proposal_of(deal.offer, royalty_bp=600))
    commit()
    assert refetch(deal).state == DealState.COUNTERED


# --- the open licence ----------------------------------------------------------------------

def test_open_licence_concludes_on_the_licensees_signature_and_tells_the_patentee(
        make_listing, university, sme, take):
    deal = take(make_listing(university.org).offers[0], sign=False)
    assert deal.state == DealState.ACCEPTED and signing.required_roles(deal) == ("licensee",)
    # the patentee is told at once, by the written notice
    assert count(Notification, user_id=university.id, kind="open_licence_notice") == 1
    assert deals.allowed_actions(deal, university) == []  # it cannot refuse or change it
    with pytest.raises(PermissionDenied):
        sign(deal, university)
    db.session.rollback()
    with pytest.raises(deals.TransitionNotAllowed):
        deals.withdraw(refetch(deal), university)
    db.session.rollback()
    sign(refetch(deal), sme)
    commit()
    deal = refetch(deal)
    assert deal.state == DealState.CONCLUDED and count(LedgerEntry, deal_id=deal.id) == 1
    assert count(Notification, user_id=university.id, kind="deal_concluded") == 1


def test_paid_open_licence_schedule_counts_from_the_conclusion(make_listing, university, sme,
                                                               take):
    deal = refetch(take(make_listing(university.org, offers=[PAID_OPEN]).offers[0]))
    [item] = deal.schedule
    assert item.status == ScheduleStatus.DUE and item.amount_fen == 1_000_000
    from market.domain.dates import local_date
    assert item.due_on == local_date(deal.concluded_at)


def test_legacy_deal_awaiting_payment_still_concludes_on_payment(make_listing, university, sme):
    """Deals that entered AWAITING_PAYMENT before signing existed keep their old path."""
    offer = make_listing(university.org, offers=[PAID_OPEN]).offers[0]
    deal = deals._new_deal(sme, offer, licensee_details={}, proposed_by="licensee")
    deal.state = DealState.AWAITING_PAYMENT  # as the old code left it
    db.session.add(deal)
    db.session.flush()
    item = PaymentScheduleItem(deal=deal, kind="upfront", amount_fen=1_000_000, currency="CNY",
                               due_on=utcnow().date(), reference=f"SYIP-P-{deal.id:06d}01")
    db.session.add(item)
    commit()
    assert deals.confirm_payment(item, amount_fen=1_000_000, currency="CNY", paid_at=utcnow(),
                                 reference="bank")
    commit()
    deal = refetch(deal)
    assert deal.state == DealState.CONCLUDED and count(LedgerEntry, deal_id=deal.id) == 1
    assert len(deal.schedule) == 1  # no second schedule at conclusion


# --- the pages: re-authentication and inline errors --------------------------------------

def _sign_page(client, deal, user, **changes):
    version = signing.current_version(refetch(deal))
    return post_form(client, f"/deals/{deal.id}/sign", {
        "sha256": version.data_sha256, "full_name": user.name, "password": PASSWORD,
        "consent": "y", **changes}, token_from=f"/deals/{deal.id}/review")


def test_wrong_password_or_name_is_refused_inline_and_counted(app, accepted, university):
    deal = accepted()
    client = app.test_client()
    log_in(client, university)
    review = client.get(f"/deals/{deal.id}/review").get_data(as_text=True)
    assert signing.current_version(deal).data_sha256 in review and 'name="password"' in review
    response = _sign_page(client, deal, university, password="not my password at all")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "密码不正确" in page and 'id="error-summary"' in page
    assert count(Signature) == 0
    throttle = db.session.scalars(select(LoginThrottle)).one()  # the wrong try is counted
    assert throttle.attempts == 1
    response = _sign_page(client, deal, university, full_name="别人的名字")
    assert response.status_code == 422 and "请输入与账户登记完全一致的姓名" in response.get_data(
        as_text=True)
    response = _sign_page(client, deal, university, consent="")
    assert response.status_code == 422 and "请勾选此项" in response.get_data(as_text=True)
    assert count(Signature) == 0
    # whitespace around and inside the typed name does not matter
    response = _sign_page(client, deal, university, full_name=f"  {university.name}  ")
    assert response.status_code == 302 and count(Signature) == 1
    assert count(LoginThrottle) == 0  # a right password starts the count afresh
    signature = db.session.scalars(select(Signature)).one()
    assert signature.ip == "127.0.0.1" and signature.signer_name == university.name
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert university.org.name in page and "尚未签署" in page and 'name="password"' not in page


def test_throttled_after_too_many_wrong_passwords(app, accepted, university):
    app.config["LOGIN_ACCOUNT_MAX_ATTEMPTS"] = 2
    deal = accepted()
    client = app.test_client()
    log_in(client, university)
    for _ in range(2):
        assert _sign_page(client, deal, university, password="wrong wrong").status_code == 422
    response = _sign_page(client, deal, university)  # right, but too many tries
    assert response.status_code == 422 and "错误次数过多" in response.get_data(as_text=True)
    assert count(Signature) == 0


def test_only_wrong_passwords_are_counted(app, university):
    app.config["LOGIN_ACCOUNT_MAX_ATTEMPTS"] = 1
    for _ in range(3):  # the right password with a mistyped name: no guess, no count
        proof, errors = signing.reauthenticate(university, PASSWORD, "别人的名字")
        assert proof is None and [e.code for e in errors] == ["wrong_name"]
    assert count(LoginThrottle) == 0
    proof, errors = signing.reauthenticate(university, "wrong wrong", university.name)
    assert [e.code for e in errors] == ["wrong_password"] and count(LoginThrottle) == 1
    proof, errors = signing.reauthenticate(university, PASSWORD, university.name)
    assert proof is None and [e.code for e in errors] == ["throttled"]


def test_a_member_without_authority_sees_no_form_and_is_refused(app, accepted, university,
                                                                 make_user):
    deal = accepted()
    member = make_user(university.org, admin=False)
    client = app.test_client()
    log_in(client, member)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'name="password"' not in page and "指定的签署人" in page
    response = _sign_page(client, deal, member)
    assert response.status_code == 302 and count(Signature) == 0
    assert count(LoginThrottle) == 0  # refused before any password was asked for
    # the admin names the member signatory on the members page
    admin = app.test_client()
    log_in(admin, university)
    members = f"/org/{university.org_id}/members"
    assert "指定为签署人" in admin.get(members).get_data(as_text=True)
    response = post_form(admin, f"{members}/{member.id}", {"decision": "make_signatory"},
                         token_from=members)
    db.session.expire_all()
    assert response.status_code == 302 and db.session.get(User, member.id).is_signatory
    assert _sign_page(client, deal, member).status_code == 302 and count(Signature) == 1


# --- double submits and races ------------------------------------------------------------

def _race(app, jobs):
    return race(app, jobs, sign)


@pytest.mark.slow
def test_double_submitted_signature_from_two_threads_signs_once(app, accepted, university):
    deal = accepted()
    results = _race(app, [(deal.id, university.id), (deal.id, university.id)])
    assert len(results) == 2 and results.count("ok") == 1, results
    db.session.expire_all()
    assert count(Signature, deal_id=deal.id) == 1
    assert db.session.get(Deal, deal.id).state == DealState.ACCEPTED


@pytest.mark.slow
def test_both_sides_signing_at_once_conclude_once(app, accepted, university, sme):
    deal = accepted()
    results = _race(app, [(deal.id, university.id), (deal.id, sme.id)])
    assert results == ["ok", "ok"], results
    db.session.expire_all()
    assert db.session.get(Deal, deal.id).state == DealState.CONCLUDED
    assert count(LedgerEntry, deal_id=deal.id) == 1 and count(Signature, deal_id=deal.id) == 2


# --- the stored contract ---------------------------------------------------------------------

def test_contract_pdf_is_frozen_after_renames_and_listing_changes(app, accepted, university,
                                                                  sme):
    from ..pdf_check import check_pdf
    deal = accepted()
    client = app.test_client()
    log_in(client, sme)
    draft = client.get(f"/deals/{deal.id}/contract-draft.pdf")
    assert draft.status_code == 200 and count(ContractDocument) == 0  # a draft is not kept
    sign_contract(deal, university, sme)
    commit()
    first = client.get(f"/deals/{deal.id}/contract.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    stored = db.session.scalars(select(ContractDocument)).one()
    assert first.data == stored.pdf
    assert first.headers["X-Content-SHA256"] == hashlib.sha256(first.data).hexdigest() \
        == stored.pdf_sha256
    check_pdf(first.data, university.org.name, sme.org.name, university.name,
              refetch(deal).contract_number)
    # the organisation renames itself, the listing changes: the contract does not
    org = db.session.get(type(university.org), university.org_id)
    org.name, org.address = "东北大学（更名后）", "沈阳市和平区新地址1号"
    deal = refetch(deal)
    deal.patent.title = "一种改名后的制备方法"
    commit()
    again = client.get(f"/deals/{deal.id}/contract.pdf")
    assert again.data == first.data and count(ContractDocument) == 1
    other = app.test_client()
    log_in(other, university)
    assert other.get(f"/deals/{deal.id}/contract.pdf").data == first.data


def test_a_contract_rendered_first_after_a_rename_shows_the_signed_names(accepted, university,
                                                                          sme):
    deal = accepted()
    sign_contract(deal, university, sme)
    commit()
    signed_name = university.org.name
    db.session.get(type(university.org), university.org_id).name = "改名后的大学"
    commit()
    document = signing.contract_document(refetch(deal))
    commit()
    from ..pdf_check import check_pdf
    check_pdf(document.pdf, signed_name)
    assert document.pdf == contracts.render_contract_pdf(
        signing.current_version(deal).data, signing.signature_rows(
            signing.current_version(deal)))  # deterministic: the same bytes again


def test_open_licence_page_journey(app, make_listing, university, sme):
    offer = make_listing(university.org).offers[0]
    assert offer.kind == OfferKind.OPEN_LICENCE
    client = app.test_client()
    log_in(client, sme)
    response = post_form(client, f"/deals/take/{offer.id}", {
        "legal_name": sme.org.name, "credit_code": sme.org.credit_code,
        "address": sme.org.address, "field_of_use": "锂电池负极", "confirm": "y"})
    assert response.status_code == 302
    deal = db.session.scalars(select(Deal)).one()
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "待签署" in page and 'name="password"' in page and "专利权人会立即收到通知" in page
    assert _sign_page(client, deal, sme).status_code == 302
    assert refetch(deal).state == DealState.CONCLUDED
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "已成交" in page and sme.name in page


def test_the_payment_rows_are_those_of_the_signed_text(pin_clock, make_listing, university,
                                                       sme, take):
    """Frozen on one day, signed three days later: the rows come from the signed data (same
    kinds, amounts, anniversaries); the upfront fee the signatures overtook falls due on the
    day the contract took effect, as the text says."""
    offer = {**PAID_OPEN, "min_annual_royalty_fen": 200_000}
    pin_clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))  # 10:00 on 2 March in Shenyang
    deal = take(make_listing(university.org, offers=[offer]).offers[0], sign=False)
    frozen = signing.current_version(deal).data["schedule"]
    assert [row["due_on"] for row in frozen][:2] == ["2026-03-02", "2027-03-02"]
    pin_clock(datetime(2026, 3, 5, 2, 0, tzinfo=UTC))
    sign_contract(deal, sme)
    commit()
    rows = refetch(deal).schedule
    assert deal.state == DealState.CONCLUDED
    assert [(r.kind, r.amount_fen, r.trigger) for r in rows] == [
        (row["kind"], row["amount_fen"], row["trigger"]) for row in frozen]
    assert rows[0].kind == "upfront" and rows[0].due_on == date(2026, 3, 5)
    assert [r.due_on.isoformat() for r in rows[1:]] == [row["due_on"] for row in frozen[1:]]


def test_a_contract_left_unsigned_is_flagged_then_expires(accepted, university, sme):
    deal = accepted()
    sign(deal, university)  # one side signed; the other never does
    deal.state_changed_at = utcnow() - timedelta(days=15)
    commit()
    assert deals.flag_stale()["flagged"] == 1
    commit()
    assert refetch(deal).state == DealState.ACCEPTED and deal.events[-1].action == "flag_stale"
    deal.state_changed_at = utcnow() - timedelta(days=31)
    commit()
    assert deals.flag_stale()["expired"] == 1
    commit()
    deal = refetch(deal)
    assert deal.state == DealState.EXPIRED and deal.contract_number is None
    assert count(LedgerEntry) == 0 and count(Signature) == 1  # the signature stays recorded
