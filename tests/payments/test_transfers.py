"""Bank transfers end to end: who is paid (licensor directly, or the centre as escrow), the
payer's report with its voucher (size and type checked by content), the receiver's
confirmation or dispute, part payments and the balance, receipts that name who took the
money, double submissions, the order of the payments list."""
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from market.domain.bank_accounts import format_account_number
from market.domain.dates import local_today
from market.extensions import db
from market.models import (
    AuditEvent,
    DealState,
    LedgerEntry,
    OrgKind,
    Payee,
    Payment,
    PaymentStatus,
    PaymentVoucher,
    Payout,
    ScheduleStatus,
)
from market.services import payments
from market.unit_of_work import commit

from ..conftest import csrf_token
from ..factories import PAID_OPEN, details_of, sign_contract
from ..pdf_check import check_pdf

pytestmark = pytest.mark.db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
PDF = b"%PDF-1.4\n% a bank voucher\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 100


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def report_page(client, row):
    return client.get(f"/payments/items/{row.id}/report")


def form_token(page: str) -> str:
    match = re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert match, page[:3000]
    return match.group(1)


def report(client, row, *, amount="10000", on=None, voucher=PNG, name="回单.png", token=None,
           ref="ICBC-001"):
    """Open the report form and post it as a browser does (its CSRF token and one-time token)."""
    url = f"/payments/items/{row.id}/report"
    page = client.get(url)
    if page.status_code != 200:
        return page
    text = page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, url), "token": token or form_token(text),
            "amount": amount, "paid_on": (on or date.today()).isoformat(),
            "bank_reference": ref}
    if voucher is not None:
        data["voucher"] = (io.BytesIO(voucher), name)
    return client.post(url, data=data, content_type="multipart/form-data")


def last_report() -> Payment:
    db.session.expire_all()
    return db.session.scalar(select(Payment).where(Payment.reported_by_user_id.is_not(None))
                             .order_by(Payment.id.desc()))


def decide(client, payment, action, **data):
    url = f"/payments/reports/{payment.id}"
    return client.post(f"{url}/{action}", data={"csrf_token": csrf_token(client, url), **data})


@pytest.fixture()
def escrow(app):
    app.config["PAYMENT_RECEIVER"] = "centre"
    yield
    app.config["PAYMENT_RECEIVER"] = "licensor"


# --- who is paid -------------------------------------------------------------------------

def test_direct_mode_names_the_licensor_everywhere(app, awaiting, logged_in, sme, university):
    deal = awaiting()
    page = logged_in(app, sme).get(f"/payments/deals/{deal.id}").get_data(as_text=True)
    org = university.org
    assert format_account_number(org.bank_account_number) in page
    assert org.bank_account_name in page and org.bank_name in page
    assert app.config["PAYMENT_BANK_ACCOUNT_NAME"] not in page
    assert "质权银行" not in page  # the pledge form's word for a bank, not a payee's
    assert "开户银行" in page
    # the deal page's schedule: the column of dates says so (it said 待支付)
    deal_page = logged_in(app, sme).get(f"/deals/{deal.id}").get_data(as_text=True)
    thead = deal_page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "应付日期" in thead and "待支付" not in thead


def test_escrow_mode_names_the_centre_and_only_the_centre_confirms(
        app, awaiting, logged_in, sme, university, centre, escrow):
    deal = awaiting()
    row = deal.schedule[0]
    page = logged_in(app, sme).get(f"/payments/deals/{deal.id}").get_data(as_text=True)
    assert app.config["PAYMENT_BANK_ACCOUNT_NAME"] in page
    assert app.config["PAYMENT_BANK_ACCOUNT"] in page
    assert format_account_number(university.org.bank_account_number) not in page
    assert report(logged_in(app, sme), row).status_code == 302
    payment = last_report()
    assert payment.payee == Payee.CENTRE
    licensor = logged_in(app, university)
    assert licensor.get(f"/payments/items/{row.id}/confirm").status_code == 403
    assert decide(licensor, payment, "confirm", amount="10000").status_code == 403
    assert fresh(payment).status == PaymentStatus.REPORTED
    response = decide(logged_in(app, centre), payment, "confirm", amount="10000")
    assert response.status_code == 302
    assert fresh(row).status == ScheduleStatus.PAID
    assert fresh(deal).state == DealState.CONCLUDED and count(LedgerEntry) == 1
    receipt = logged_in(app, sme).get(f"/payments/items/{row.id}/receipt.pdf")
    text = check_pdf(receipt.data, "收款方", app.config["PAYMENT_BANK_ACCOUNT_NAME"], "托管",
                     deal.licensee.name)
    assert university.org.name not in text.split("收款方", 1)[1].split("收款说明")[0]


def test_the_centre_records_the_pay_out_once(app, awaiting, logged_in, sme, centre, escrow):
    deal = awaiting()
    row = deal.schedule[0]
    report(logged_in(app, sme), row)
    client = logged_in(app, centre)
    decide(client, last_report(), "confirm", amount="10000")
    url = f"/payments/deals/{deal.id}"
    data = {"paid_out_on": date.today().isoformat(), "bank_reference": "PAYOUT-1"}
    for _ in range(2):  # a double click records one pay-out
        client.post(f"/payments/items/{row.id}/payout",
                    data={"csrf_token": csrf_token(client, url), **data})
    payout = db.session.scalar(select(Payout))
    assert count(Payout) == 1 and payout.amount_fen == 1_000_000
    assert count(AuditEvent, AuditEvent.action == "payment.paid_out") == 1
    assert "PAYOUT-1" in client.get(url).get_data(as_text=True)


def test_licensor_without_bank_account_blocks_paying_and_confirming(
        app, make_user, make_listing, logged_in, sme):
    licensor = make_user(kind=OrgKind.UNIVERSITY, bank_account_number=None, bank_name=None,
                         bank_account_name=None)
    listing = make_listing(licensor.org, offers=[PAID_OPEN])
    from market.services import deals
    deal = deals.take_open(sme, listing.offers[0], details_of(sme, expected_start=None))
    sign_contract(deal, sme)  # concluded: the fee is due
    commit()
    row = deal.schedule[0]
    payer = logged_in(app, sme)
    page = payer.get(f"/payments/deals/{deal.id}").get_data(as_text=True)
    assert 'id="no-bank-account"' in page and f"/payments/items/{row.id}/report" not in page
    assert 'id="no-bank-account"' in report_page(payer, row).get_data(as_text=True)
    receiver = logged_in(app, licensor)
    page = receiver.get(f"/payments/items/{row.id}/confirm").get_data(as_text=True)
    assert 'id="no-bank-account"' in page and 'name="bank_reference"' not in page
    with pytest.raises(payments.ServiceError) as refused:
        payments.confirm_receipt(fresh(row), licensor, amount_fen=1_000_000,
                                 received_on=date.today(), bank_reference="X-1")
    db.session.rollback()
    assert refused.value.code == "no_bank_account" and count(Payment) == 0


# --- the payer's report and its voucher ---------------------------------------------------

@pytest.mark.parametrize(("voucher", "name", "kind"), [
    (PNG, "回单.png", "image/png"), (JPEG, "scan.jpg", "image/jpeg"),
    (PDF, "回单.pdf", "application/pdf"),
    (PNG, "no-extension", "image/png")])  # the content decides, not the name
def test_payer_reports_a_transfer_with_a_voucher(app, awaiting, logged_in, sme, voucher, name,
                                                 kind):
    deal = awaiting()
    response = report(logged_in(app, sme), deal.schedule[0], voucher=voucher, name=name)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    payment = last_report()
    assert payment.status == PaymentStatus.REPORTED and payment.reported_amount_fen == 1_000_000
    assert payment.voucher.content_type == kind and payment.voucher.data == voucher
    assert payment.payee == Payee.LICENSOR
    assert fresh(deal.schedule[0]).status == ScheduleStatus.DUE  # not paid until confirmed
    assert count(AuditEvent, AuditEvent.action == "payment.reported") == 1


@pytest.mark.parametrize(("voucher", "name"), [
    (b"GIF89a" + b"\0" * 50, "voucher.png"),      # a GIF dressed as a PNG
    (b"<html>not a voucher</html>", "回单.pdf"),
    (b"", "empty.png")])
def test_wrong_voucher_type_is_refused_inline(app, awaiting, logged_in, sme, voucher, name):
    deal = awaiting()
    response = report(logged_in(app, sme), deal.schedule[0], voucher=voucher, name=name)
    assert response.status_code == 422
    assert 'id="voucher-error"' in response.get_data(as_text=True)
    assert count(Payment) == 0 and count(PaymentVoucher) == 0


def test_oversized_voucher_is_refused_inline(app, awaiting, logged_in, sme):
    app.config["VOUCHER_MAX_BYTES"] = 1024
    deal = awaiting()
    response = report(logged_in(app, sme), deal.schedule[0], voucher=PNG + b"\0" * 1024)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="voucher-error"' in page
    assert count(Payment) == 0
    assert report(logged_in(app, sme), deal.schedule[0], voucher=PNG).status_code == 302


def test_missing_voucher_is_refused_inline(app, awaiting, logged_in, sme):
    deal = awaiting()
    response = report(logged_in(app, sme), deal.schedule[0], voucher=None)
    assert response.status_code == 422
    assert 'id="voucher-error"' in response.get_data(as_text=True)


def test_voucher_is_shown_to_the_parties_and_the_centre_only(
        app, awaiting, logged_in, sme, university, centre, make_user):
    deal = awaiting()
    report(logged_in(app, sme), deal.schedule[0], voucher=PDF)
    url = f"/payments/reports/{last_report().id}/voucher"
    for user in (sme, university, centre):
        response = logged_in(app, user).get(url)
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    for kind in (OrgKind.SME, OrgKind.UNIVERSITY):
        assert logged_in(app, make_user(kind=kind)).get(url).status_code == 404


def test_only_the_licensee_reports(app, awaiting, logged_in, university, centre):
    deal = awaiting()
    for user in (university, centre):
        assert report_page(logged_in(app, user), deal.schedule[0]).status_code == 403


def test_a_double_submitted_report_is_one_report(app, awaiting, logged_in, sme):
    deal = awaiting()
    client = logged_in(app, sme)
    row = deal.schedule[0]
    token = form_token(report_page(client, row).get_data(as_text=True))
    for _ in range(2):
        assert report(client, row, token=token).status_code == 302
    assert count(Payment) == 1 and count(PaymentVoucher) == 1
    assert count(AuditEvent, AuditEvent.action == "payment.reported") == 1


# --- the receiver's answer ----------------------------------------------------------------

def test_licensor_confirms_and_the_receipt_names_it_as_payee(app, awaiting, logged_in, sme,
                                                             university):
    deal = awaiting()
    row = deal.schedule[0]
    report(logged_in(app, sme), row)
    client = logged_in(app, university)
    payment = last_report()
    page = client.get(f"/payments/reports/{payment.id}").get_data(as_text=True)
    assert f"/payments/reports/{payment.id}/voucher" in page and 'id="confirm"' in page
    for _ in range(2):  # confirming twice books once
        decide(client, payment, "confirm", amount="10000")
    payment = fresh(payment)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.receipt_number
    assert fresh(row).status == ScheduleStatus.PAID
    assert fresh(deal).state == DealState.CONCLUDED and count(LedgerEntry) == 1
    assert count(AuditEvent, AuditEvent.action == "payment.confirmed") == 1
    html = logged_in(app, sme).get(f"/payments/items/{row.id}/receipt").get_data(as_text=True)
    assert re.search(r'id="payee-name">\s*' + re.escape(university.org.bank_account_name), html)
    assert university.org.bank_account_number[-4:] in re.sub(r"\s", "", html)  # the account
    pdf = logged_in(app, sme).get(f"/payments/items/{row.id}/receipt.pdf")
    text = check_pdf(pdf.data, "收款方", university.org.name, "许可方直接收款",
                     "付款方", sme.org.name, payment.receipt_number)
    assert app.config["PAYMENT_BANK_ACCOUNT_NAME"] not in text


def test_dispute_needs_a_reason_and_the_payer_sees_it_and_reports_again(
        app, awaiting, logged_in, sme, university):
    deal = awaiting()
    row = deal.schedule[0]
    payer = logged_in(app, sme)
    report(payer, row)
    payment = last_report()
    receiver = logged_in(app, university)
    response = decide(receiver, payment, "dispute", reason="  ")
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert fresh(payment).status == PaymentStatus.REPORTED
    for _ in range(2):
        decide(receiver, payment, "dispute", reason="账上未见此笔款项，请核对账号。")
    assert fresh(payment).status == PaymentStatus.DISPUTED
    assert count(AuditEvent, AuditEvent.action == "payment.disputed") == 1
    # a disputed report cannot be confirmed afterwards
    assert decide(receiver, payment, "confirm", amount="10000").status_code == 422
    page = payer.get(f"/payments/deals/{deal.id}").get_data(as_text=True)
    assert "账上未见此笔款项" in page
    assert f"/payments/items/{row.id}/report" in page
    assert report(payer, row).status_code == 302
    assert last_report().id != payment.id and last_report().status == PaymentStatus.REPORTED


def test_part_payments_are_recorded_with_the_balance(app, awaiting, logged_in, sme, university):
    deal = awaiting()
    row = deal.schedule[0]
    payer, receiver = logged_in(app, sme), logged_in(app, university)
    report(payer, row, amount="4000")
    first = last_report()
    # the receiver enters what actually arrived (less than reported)
    assert decide(receiver, first, "confirm", amount="3500").status_code == 302
    assert fresh(row).status == ScheduleStatus.DUE
    assert fresh(deal).state == DealState.CONCLUDED  # by the signature, before any payment
    assert payments.balance_of(fresh(row)) == 650_000
    page = payer.get(f"/payments/deals/{deal.id}").get_data(as_text=True)
    assert "¥3,500.00" in page and "¥6,500.00" in page
    # more than the balance is refused with the balance named
    response = report(payer, row, amount="7000")
    assert response.status_code == 422 and "¥6,500.00" in response.get_data(as_text=True)
    report(payer, row, amount="6500")
    second = last_report()
    assert decide(receiver, second, "confirm", amount="6500").status_code == 302
    assert fresh(row).status == ScheduleStatus.PAID
    assert fresh(deal).state == DealState.CONCLUDED and count(LedgerEntry) == 1
    numbers = [fresh(first).receipt_number, fresh(second).receipt_number]
    assert numbers[1] == numbers[0] + "-2"
    pdf = payer.get(f"/payments/items/{row.id}/receipt.pdf?payment={first.id}")
    check_pdf(pdf.data, numbers[0], "¥3,500.00", "¥10,000.00")


def test_receiver_cannot_confirm_more_than_the_balance(app, awaiting, logged_in, sme,
                                                       university):
    deal = awaiting()
    report(logged_in(app, sme), deal.schedule[0], amount="10000")
    response = decide(logged_in(app, university), last_report(), "confirm", amount="12000")
    assert response.status_code == 422
    assert 'id="amount-error"' in response.get_data(as_text=True)
    assert last_report().status == PaymentStatus.REPORTED


def test_cancel_refunds_part_payments(app, awaiting, logged_in, sme, university, centre):
    deal = awaiting()
    row = deal.schedule[0]
    report(logged_in(app, sme), row, amount="2000")
    decide(logged_in(app, university), last_report(), "confirm", amount="2000")
    client = logged_in(app, centre)
    url = f"/payments/deals/{deal.id}"
    client.post(f"{url}/cancel", data={"csrf_token": csrf_token(client, url)})
    assert fresh(deal).state == DealState.CANCELLED
    assert last_report().status == PaymentStatus.REFUNDED


# --- the list -----------------------------------------------------------------------------

def test_list_puts_overdue_first_then_today_then_later(app, awaiting, logged_in, sme):
    today = local_today()
    offsets = [30, 5, 0, -3, 60, -10, 1]
    rows = []
    for days in offsets:
        row = awaiting().schedule[0]
        row.due_on = today + timedelta(days=days)
        rows.append(row)
    paid = awaiting().schedule[0]
    paid.due_on = today - timedelta(days=100)
    commit()
    payments.record_payment(fresh(paid), provider="offline", provider_ref="PAID-1",
                            amount_fen=1_000_000, currency="CNY",
                            paid_at=payments.local_midnight(today), actor=None)
    commit()
    page = logged_in(app, sme).get("/payments/").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r'<tr id="row-(\d+)"', page)]
    by_date = [r.id for r in sorted(rows, key=lambda r: r.due_on)]
    assert shown == [*by_date, paid.id]
    assert "（今天）" in page
    assert "应付日期" in page and ">待支付<" not in page


def test_bank_account_form_checks_the_account(app, logged_in, make_user):
    admin = make_user(kind=OrgKind.UNIVERSITY, name="沈阳示例大学", bank_account_number=None,
                      bank_name=None, bank_account_name=None)
    client = logged_in(app, admin)
    url = f"/org/{admin.org_id}/bank-account"

    def save(**fields):
        data = {"account_name": "沈阳示例大学", "bank_name": "中国银行沈阳分行",
                "account_number": "6216 6100 0000 1234 567", "name_note": "", **fields}
        return client.post(url, data={"csrf_token": csrf_token(client, url), **data})

    for fields, error in [({"account_number": "1234 567"}, "account_number"),
                          ({"account_number": "6216-ABCD-0000"}, "account_number"),
                          ({"account_number": "1" * 31}, "account_number"),
                          ({"bank_name": ""}, "bank_name"),
                          ({"account_name": "沈阳示例大学财务处"}, "name_note")]:
        response = save(**fields)
        assert response.status_code == 422, fields
        assert f'id="{error}-error"' in response.get_data(as_text=True), fields
    assert save().status_code == 302
    org = fresh(admin.org)
    assert org.bank_account_number == "6216610000001234567" and org.has_bank_account
    # another name is accepted with a reason, which payers then read
    assert save(account_name="沈阳示例大学（财务处）", name_note="学校统一由财务处账户收款").status_code == 302
    assert fresh(admin.org).bank_name_note == "学校统一由财务处账户收款"
    assert count(AuditEvent, AuditEvent.action == "org.bank_account") == 2


def test_card_payments_go_to_the_centre_and_say_so(awaiting, stripe_app, logged_in, sme,
                                                   deliver):
    """Stripe Connect is out of reach: every card payment is collected by the centre."""
    from .fake_stripe import event, session_object
    deal = awaiting()
    row = deal.schedule[0]
    client = logged_in(stripe_app, sme)
    centre_name = stripe_app.config["PAYMENT_BANK_ACCOUNT_NAME"]
    page = client.get(f"/payments/deals/{deal.id}").get_data(as_text=True)
    assert centre_name in page and "/checkout" in page
    assert f"/payments/items/{row.id}/report" not in page  # no bank transfer to report
    deliver(event("checkout.session.completed", session_object(row=row)))
    payment = db.session.scalar(select(Payment))
    assert payment.payee == Payee.CENTRE
    receipt = client.get(f"/payments/items/{row.id}/receipt.pdf")
    check_pdf(receipt.data, "收款方", centre_name, "银行卡支付由", "托管", sme.org.name)


def test_an_unknown_receiver_setting_refuses_to_start(tmp_path):
    from market import create_app
    from market.config import TestConfig
    with pytest.raises(RuntimeError, match="PAYMENT_RECEIVER"):
        create_app(TestConfig, PAYMENT_RECEIVER="university",
                   SEARCH_INDEX_DIR=str(tmp_path / "index"))
    app = create_app(TestConfig, PAYMENT_RECEIVER=" Centre ",
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    assert app.config["PAYMENT_RECEIVER"] == "centre"


def test_the_payments_list_reads_a_fixed_number_of_queries(app, awaiting, logged_in, sme):
    """More deals on the list add no query: rows, deals, patents, parties and payers are
    loaded together, not row by row."""
    from sqlalchemy import event

    client = logged_in(app, sme)

    def queries_for_list() -> int:
        seen = []

        def count(*_args):
            seen.append(1)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/payments/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    awaiting()
    awaiting()
    two = queries_for_list()
    for _ in range(4):
        awaiting()
    assert queries_for_list() == two
