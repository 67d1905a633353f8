"""A broker's fee as a row of the payment schedule: the principal that granted the mandate
pays it to the broker agency, whose users (or the centre in escrow mode) confirm it; the
receipt names the agency as payee and the principal as payer; it is a service fee, so the
ledger never counts it, and its refund writes no ledger row."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.gateways import get_gateway
from market.models import (
    LedgerEntry,
    MandateScope,
    OrgKind,
    Payee,
    PaymentStatus,
    ScheduleStatus,
)
from market.services import contracts, deals, ledger, mandates, payees, payments
from market.services.errors import PermissionDenied
from market.unit_of_work import commit

from ..factories import EXCLUSIVE, PAID_OPEN, proposal_of, sign_contract
from ..pdf_check import check_pdf
from .test_transfers import count, decide, fresh, last_report, report

pytestmark = pytest.mark.db

FEE = 300_000  # ¥3,000
PAID_EXCLUSIVE = {**EXCLUSIVE, "upfront_mode": "due_at_signing", "upfront_fee_fen": 1_000_000}


@pytest.fixture()
def broker(make_user):
    """The admin of a verified agency with its own bank account."""
    return make_user(kind=OrgKind.AGENCY, name="沈阳知桥知识产权服务有限公司", user_name="赵经纪",
                     bank_account_name="沈阳知桥知识产权服务有限公司", bank_name="中国银行沈阳分行",
                     bank_account_number="6216610000009876543")


@pytest.fixture()
def offer(make_listing, university):
    return make_listing(university.org, offers=[PAID_EXCLUSIVE]).offers[0]


def _grant(principal, broker, **fields):
    today = local_today()
    mandates.grant(principal, broker.org, scope=MandateScope.NEGOTIATE_AND_DRAFT,
                   valid_from=today, valid_until=today + timedelta(days=90), fee_fen=FEE,
                   **fields)
    commit()


@pytest.fixture()
def sme_brokered(sme, broker, offer, university):
    """A deal the SME's broker opened under a mandate with a fee, accepted by the university
    and signed by both parties: concluded."""
    _grant(sme, broker)
    deal = deals.request_deal(broker, offer, proposal_of(offer), "", for_org=sme.org)
    commit()
    deals.accept(deal, university)
    commit()
    sign_contract(deal, university, sme)
    commit()
    return deal


def fee_row(deal):
    db.session.expire_all()
    return next(row for row in deal.schedule if row.is_broker_fee)


def ledger_rows(deal):
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id)
                              .order_by(LedgerEntry.id)).all()


def test_the_fee_is_a_schedule_row_owed_by_the_principal_to_the_agency(
        sme_brokered, sme, broker, university):
    deal = sme_brokered
    row = fee_row(deal)
    assert (row.amount_fen, row.payer_org_id, row.status) == (FEE, sme.org_id, ScheduleStatus.DUE)
    payee = payees.payee_of(row)
    assert (payee.kind, payee.org, payee.confirmer) == (Payee.AGENCY, broker.org, "agency")
    assert payee.name == broker.org.bank_account_name
    # the contract rows still go to the licensor; the contract between the parties does not
    # list the fee, and the ledger counts only the contract's value
    upfront = next(r for r in deal.schedule if not r.is_broker_fee)
    assert payees.payee_of(upfront).org == university.org
    assert [i["kind"] for i in contracts.contract_data(deal)["schedule"]] == ["upfront"]
    (conclusion,) = ledger_rows(deal)
    assert conclusion.contract_value_fen == ledger.deal_value_fen(deal) == 1_000_000


def test_the_agency_confirms_the_fee_and_the_licensor_cannot(
        app, sme_brokered, logged_in, sme, broker, university):
    deal = sme_brokered
    row = fee_row(deal)
    page = logged_in(app, sme).get(f"/payments/deals/{deal.id}").get_data(as_text=True)
    assert 'id="payee-fee"' in page and broker.org.name in page
    assert f"/payments/items/{row.id}/report" in page
    report(logged_in(app, sme), row, amount=str(FEE // 100))
    payment = last_report()
    assert payment.payee == Payee.AGENCY
    licensor = logged_in(app, university)
    assert licensor.get(f"/payments/items/{row.id}/confirm").status_code == 404
    assert decide(licensor, payment, "confirm", amount=str(FEE // 100)).status_code == 404
    # nor its voucher: the principal's bank slip is the payer's, the agency's and the centre's
    assert licensor.get(f"/payments/reports/{payment.id}/voucher").status_code == 404
    assert logged_in(app, broker).get(f"/payments/reports/{payment.id}/voucher").status_code \
        == 200
    with pytest.raises(PermissionDenied):
        payments.require_receiver(row, university)
    assert fresh(payment).status == PaymentStatus.REPORTED
    agency = logged_in(app, broker)
    assert f"/payments/reports/{payment.id}" in agency.get(
        f"/payments/deals/{deal.id}").get_data(as_text=True)
    decide(agency, payment, "confirm", amount=str(FEE // 100))
    payment = fresh(payment)
    assert payment.status == PaymentStatus.SUCCEEDED and fresh(row).status == ScheduleStatus.PAID
    # the receipt: the agency took it, the principal paid it
    html = logged_in(app, sme).get(f"/payments/items/{row.id}/receipt").get_data(as_text=True)
    assert re.search(r'id="payee-name">\s*' + re.escape(broker.org.bank_account_name), html)
    assert re.search(r'id="payer-name">\s*' + re.escape(sme.org.name), html)
    pdf = logged_in(app, broker).get(f"/payments/items/{row.id}/receipt.pdf")
    check_pdf(pdf.data, "收款方", broker.org.name, "付款方", sme.org.name, "技术经纪服务费",
              payment.receipt_number)
    # a service fee: the ledger is as the conclusion left it
    assert [(r.entry, r.contract_value_fen) for r in ledger_rows(deal)] == \
        [("conclusion", 1_000_000)]


def test_the_agency_sees_its_fee_only_and_the_counterparty_does_not_see_it(
        app, sme_brokered, logged_in, broker, university):
    deal = sme_brokered
    row = fee_row(deal)
    upfront = next(r for r in deal.schedule if not r.is_broker_fee)
    agency = logged_in(app, broker)
    mine = agency.get("/payments/").get_data(as_text=True)
    assert row.reference in mine and upfront.reference not in mine
    assert agency.get(f"/payments/items/{upfront.id}/receipt").status_code == 404
    licensor = logged_in(app, university)
    assert row.reference not in licensor.get(f"/payments/deals/{deal.id}").get_data(as_text=True)
    assert row.reference not in licensor.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert licensor.get(f"/payments/items/{row.id}/report").status_code == 404
    assert row.reference in agency.get(f"/deals/{deal.id}").get_data(as_text=True)


def test_a_patentees_fee_is_paid_by_the_licensor_not_the_licensee(
        app, make_listing, logged_in, sme, broker, university):
    offer = make_listing(university.org, offers=[PAID_EXCLUSIVE]).offers[0]
    _grant(university, broker, patent_ids=[offer.patent_id])
    _grant(sme, broker)  # the agency is the SME's broker too, but the SME asked on its own
    deal = deals.request_deal(sme, offer, proposal_of(offer), "")
    commit()
    assert deals.broker_role(deal, broker) == "licensor"  # it answers for the patentee
    deals.accept(deal, university)
    commit()
    sign_contract(deal, university, sme)
    commit()
    row = fee_row(deal)
    assert row.payer_org_id == university.org_id
    assert logged_in(app, sme).get(f"/payments/items/{row.id}/report").status_code == 404
    assert logged_in(app, university).get(f"/payments/items/{row.id}/report").status_code == 200


def test_in_escrow_the_centre_confirms_the_fee_not_the_agency(
        app, sme_brokered, broker, centre):
    app.config["PAYMENT_RECEIVER"] = "centre"
    try:
        row = fee_row(sme_brokered)
        payee = payees.payee_of(row)
        assert (payee.kind, payee.beneficiary) == (Payee.CENTRE, broker.org)
        with pytest.raises(PermissionDenied):
            payments.require_receiver(row, broker)
        payments.confirm_receipt(row, centre, amount_fen=FEE, received_on=local_today(),
                                 bank_reference="BOC-FEE-1")
        commit()
        assert fresh(row).status == ScheduleStatus.PAID
        assert db.session.scalars(select(LedgerEntry.entry).where(
            LedgerEntry.deal_id == sme_brokered.id)).all() == ["conclusion"]
    finally:
        app.config["PAYMENT_RECEIVER"] = "licensor"


def _both_paid(deal, broker, university):
    """The broker's fee confirmed by the agency and the upfront fee by the licensor; returns
    the two rows."""
    row = fee_row(deal)
    upfront = next(r for r in deal.schedule if not r.is_broker_fee)
    payments.confirm_receipt(row, broker, amount_fen=FEE, received_on=local_today(),
                             bank_reference="BOC-FEE-2")
    payments.confirm_receipt(upfront, university, amount_fen=upfront.amount_fen,
                             received_on=local_today(), bank_reference="ICBC-UP-2")
    commit()
    return row, upfront


def test_refunding_a_fee_writes_no_ledger_row_but_a_contract_row_does(
        app, sme_brokered, broker, university):
    deal = sme_brokered
    row, upfront = _both_paid(deal, broker, university)
    (refunded,) = payments.refund_row(fresh(row), get_gateway(), actor=None)
    commit()
    assert fresh(refunded).status == PaymentStatus.REFUNDED
    assert fresh(row).status == ScheduleStatus.REFUNDED
    assert count(LedgerEntry, LedgerEntry.entry == "refund") == 0
    payments.refund_row(fresh(upfront), get_gateway(), actor=None)
    commit()
    refunds = db.session.scalars(select(LedgerEntry).where(LedgerEntry.entry == "refund")).all()
    assert [r.contract_value_fen for r in refunds] == [-upfront.amount_fen]


def test_cancelling_the_deal_refunds_the_contract_not_the_brokers_fee(
        app, sme_brokered, broker, university, centre):
    deal = sme_brokered
    row, upfront = _both_paid(deal, broker, university)
    refunded = payments.cancel_with_refunds(fresh(deal), centre, get_gateway(), "合同解除")
    commit()
    assert [p.schedule_item_id for p in refunded] == [upfront.id]
    assert fresh(upfront).status == ScheduleStatus.REFUNDED
    assert fresh(row).status == ScheduleStatus.PAID  # owed under the mandate


def test_no_fee_row_once_the_mandate_was_revoked_before_conclusion(
        sme, broker, offer, university):
    _grant(sme, broker)
    deal = deals.request_deal(broker, offer, proposal_of(offer), "", for_org=sme.org)
    commit()
    deals.accept(deal, university)
    commit()
    mandates.revoke(sme, db.session.scalars(select(mandates.Mandate)).one())
    commit()
    sign_contract(deal, university, sme)
    commit()
    assert [r.kind for r in fresh(deal).schedule] == ["upfront"]


def test_an_open_licence_without_broker_has_no_fee_row(awaiting):
    deal = awaiting(**PAID_OPEN)
    assert [r.kind for r in deal.schedule] == ["upfront"]


def test_agency_is_no_deployment_setting(tmp_path):
    """An agency takes only its own fee: ``PAYMENT_RECEIVER=agency`` is refused."""
    from market import create_app
    from market.config import TestConfig
    with pytest.raises(RuntimeError, match="PAYMENT_RECEIVER"):
        create_app(TestConfig, PAYMENT_RECEIVER="agency",
                   SEARCH_INDEX_DIR=str(tmp_path / "index"))


def test_card_payment_of_a_fee_goes_to_the_centre_in_escrow(
        sme_brokered, stripe_app, logged_in, sme, university, broker, deliver):
    """With Stripe: the principal pays the fee by card to the centre (escrow for the
    agency), the licensor does not even see the row, the webhook books it, no ledger row."""
    from .fake_stripe import event
    from .test_checkout import checkout_url, pay_button
    deal = sme_brokered
    row = fee_row(deal)
    assert pay_button(logged_in(stripe_app, university), deal, row).status_code == 404
    url = checkout_url(logged_in(stripe_app, sme), pay_button(logged_in(stripe_app, sme), deal,
                                                                row))
    assert url
    session = {"id": "cs_test_fee", "object": "checkout.session", "amount_total": FEE,
               "currency": "cny", "client_reference_id": row.reference, "payment_status": "paid",
               "payment_intent": "pi_test_fee",
               "metadata": {"deal_id": str(deal.id), "schedule_item_id": str(row.id),
                            "reference": row.reference}}
    assert deliver(event("checkout.session.completed", session)).status_code == 200
    assert fresh(row).status == ScheduleStatus.PAID
    paid = next(p for p in payments.attempts_of(fresh(row)) if p.status == PaymentStatus.SUCCEEDED)
    assert paid.payee == Payee.CENTRE
    with stripe_app.test_request_context():
        payee = payees.payee_of(fresh(row), paid)
    assert (payee.by_card, payee.beneficiary.id) == (True, broker.org_id)
    assert [r.entry for r in ledger_rows(deal)] == ["conclusion"]
