"""Legal status one can trust: the centre's import of CNIPA's records (line and field of each
bad row; good patents kept), the verification line on the listing, the owner's proof, the
annual-fee reminder (once per due date) and the lapse that closes offers and ends the deals
in flight through the deals' one door."""
import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from market.domain.patents import LegalStatus
from market.extensions import db
from market.models import (
    DealEvent,
    DealState,
    LegalStatusEvent,
    ListingStatus,
    Notification,
    OutboxEmail,
    ProofState,
)
from market.services import annual_fees, deals, legal_status
from market.services.errors import FieldErrors, ServiceError
from market.unit_of_work import commit

from ..access_world import NON_EXCLUSIVE, PNG
from ..conftest import log_in, post_form
from ..factories import EXCLUSIVE, proposal_of, sign_contract

pytestmark = pytest.mark.db

HEADER = ["申请号", "法律状态", "法律状态信息", "法律状态公告日", "年费缴至"]
PAID = date(2026, 2, 28)  # the factories' patents are filed on 2019-03-01


def csv_bytes(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def texts(response) -> str:
    return response.get_data(as_text=True)


# --- the import -----------------------------------------------------------------------------

def test_import_keeps_good_patents_and_reports_bad_rows_by_line_and_field(
        centre, university, make_listing):
    good, mixed, late = (make_listing(university.org) for _ in range(3))
    rows = [
        [good.application_number, "有效", "授权", "2021-06-01", "2026-02-28"],   # line 2
        [mixed.application_number, "有效", "授权", "2021-06-01", ""],             # line 3
        [mixed.application_number, "作废", "？", "2024-01-01", ""],               # line 4
        ["201710601862.4", "有效", "授权", "2021-06-01", ""],                     # line 5
        ["201710601862.3", "有效", "授权", "2021-06-01", ""],                     # line 6
        [late.application_number, "有效", "授权", "2099-01-01", ""],              # line 7
    ]
    outcome = legal_status.import_records(centre, "status.csv", csv_bytes(rows))
    commit()
    errors = {(r.line, e.field) for r in outcome.bad_rows for e in r.errors}
    assert errors == {(4, "status"), (5, "application_number"), (6, "application_number"),
                      (7, "event_date")}
    # a patent with a bad row is left out whole; the good patent is applied
    assert set(outcome.left_out) == {mixed.application_number, late.application_number}
    assert outcome.patents == 1 and outcome.added == 1
    assert legal_status.status_line(good).verified
    assert good.status_check.annual_fee_paid_through == PAID
    assert not legal_status.status_line(mixed).verified
    assert mixed.status_events == []


def test_importing_the_same_file_again_adds_nothing(centre, university, make_listing):
    patent = make_listing(university.org)
    data = csv_bytes([[patent.application_number, "审中", "实质审查的生效", "2020-01-10", ""],
                      [patent.application_number, "有效", "授权", "2021-06-01", ""]])
    first = legal_status.import_records(centre, "a.csv", data)
    again = legal_status.import_records(centre, "a.csv", data)
    commit()
    assert (first.added, again.added, again.known) == (2, 0, 2)
    assert patent.legal_status == LegalStatus.GRANTED  # the latest record decides
    assert db.session.scalar(select(func.count()).select_from(LegalStatusEvent)) == 2


def test_only_the_centre_imports(university):
    with pytest.raises(ServiceError):
        legal_status.import_records(university, "a.csv", csv_bytes([]))


def test_import_page_shows_each_bad_row(client, login_as, university, make_listing):
    patent = make_listing(university.org)
    login_as("centre")
    data = csv_bytes([[patent.application_number, "有效", "授权", "2021-06-01", ""],
                      [patent.application_number + "X", "有效", "授权", "2021-06-01", ""]])
    response = post_form(client, "/centre/legal-status/import",
                         {"file": (io.BytesIO(data), "状态.csv")},
                         token_from="/centre/legal-status", content_type="multipart/form-data")
    assert response.status_code == 422
    page = texts(response)
    assert "1 行有错误，未导入；正确的行已导入" in page
    assert '<td class="num">3</td><td>申请号</td>' in page


# --- the status line on the listing -------------------------------------------------------

def test_listing_says_unverified_then_verified_by_the_centre(client, centre, university,
                                                            make_listing):
    patent = make_listing(university.org)
    assert "状态未核验：权利人自述" in texts(client.get(f"/patents/{patent.id}"))
    legal_status.import_records(centre, "a.csv", csv_bytes(
        [[patent.application_number, "有效", "授权", "2021-06-01", ""]]))
    commit()
    page = texts(client.get(f"/patents/{patent.id}"))
    assert "状态核验于" in page and centre.org.name in page and "导入国家知识产权局记录" in page
    # the owner states another status: it is the owner's word again
    patent.legal_status = LegalStatus.PENDING
    commit()
    assert not legal_status.status_line(patent).verified


def test_owner_proof_checked_by_the_centre(client, centre, university, make_listing):
    patent = make_listing(university.org)
    log_in(client, university)
    response = post_form(client, f"/patents/{patent.id}/legal-status/proof",
                         {"file": (io.BytesIO(PNG), "状态页.png"), "note": "国知局截图"},
                         token_from=f"/patents/{patent.id}/legal-status",
                         content_type="multipart/form-data")
    assert response.status_code == 302
    proof = patent.status_proofs[0]
    assert proof.state == ProofState.PENDING
    with pytest.raises(ServiceError):  # a refusal needs a reason the owner can act on
        legal_status.decide_proof(proof, centre, accept=False)
    legal_status.decide_proof(proof, centre, accept=True)
    commit()
    assert "核验权利人提交的证明" in texts(client.get(f"/patents/{patent.id}"))
    with pytest.raises(ServiceError):  # decided once
        legal_status.decide_proof(proof, centre, accept=False, reason="不清晰")


def test_proof_must_be_an_image_or_pdf(university, make_listing):
    patent = make_listing(university.org)
    with pytest.raises(ServiceError) as refused:
        legal_status.upload_proof(university, patent, "x.png", b"MZ not an image")
    assert refused.value.field == "file"


# --- annual fees ---------------------------------------------------------------------------

def test_paid_through_must_end_a_fee_year(university, make_listing):
    patent = make_listing(university.org)
    with pytest.raises(FieldErrors) as refused:
        annual_fees.set_paid_through(university, patent, date(2026, 3, 1))
    assert refused.value.errors[0].field == "paid_through"
    annual_fees.set_paid_through(university, patent, PAID)
    assert patent.status_check.annual_fee_paid_through == PAID


def _fee_mail(user) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxEmail).where(
        OutboxEmail.to_address == user.email))


def _notes(user, kind) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


def test_owner_reminded_once_per_due_date(university, make_listing):
    patent = make_listing(university.org)
    annual_fees.set_paid_through(university, patent, PAID)
    commit()
    assert annual_fees.remind(date(2026, 1, 29))["reminded"] == 0  # 31 days before
    mails = _fee_mail(university)
    assert annual_fees.remind(date(2026, 1, 30))["reminded"] == 1
    assert annual_fees.remind(date(2026, 2, 10))["reminded"] == 0  # once per due date
    commit()
    [note] = _notes(university, "annual_fee_due")
    assert "2026-03-01" in note.title
    assert _fee_mail(university) == mails + 1
    # paid for another year: the next due date is reminded again, 30 days before it
    annual_fees.set_paid_through(university, patent, date(2027, 2, 28))
    assert annual_fees.remind(date(2027, 2, 1))["reminded"] == 1


def test_overdue_owner_told_once_with_the_surcharge(university, make_listing):
    patent = make_listing(university.org)
    annual_fees.set_paid_through(university, patent, PAID)
    assert annual_fees.remind(date(2026, 4, 15))["overdue"] == 1
    assert annual_fees.remind(date(2026, 4, 16))["overdue"] == 0
    commit()
    [note] = _notes(university, "annual_fee_overdue")
    assert "5%" in note.body and "2026-09-01" in note.body
    assert [r.patent.id for r in annual_fees.overdue(date(2026, 4, 15))] == [patent.id]


def test_lapse_closes_offers_and_ends_deals_in_flight(university, sme, make_listing):
    patent = make_listing(university.org, offers=[EXCLUSIVE, NON_EXCLUSIVE])
    exclusive, non_exclusive = patent.offers
    requested = deals.request_deal(sme, exclusive, proposal_of(exclusive), "")
    concluded = deals.request_deal(sme, non_exclusive, proposal_of(non_exclusive), "")
    commit()
    deals.accept(concluded, university)
    sign_contract(concluded, university, sme)
    annual_fees.set_paid_through(university, patent, PAID)
    commit()
    assert annual_fees.remind(date(2026, 9, 1))["lapsed"] == 0  # the grace period's last day
    counts = annual_fees.remind(date(2026, 9, 2))
    commit()
    assert counts["lapsed"] == 1
    assert patent.legal_status == LegalStatus.TERMINATED
    assert patent.status == ListingStatus.WITHDRAWN and patent.active_offers == []
    assert requested.state == DealState.CANCELLED
    event = db.session.scalar(select(DealEvent).where(DealEvent.deal_id == requested.id,
                                                      DealEvent.action == "lapse"))
    assert event.actor_role == "system" and event.payload["reason"] == "annual_fee"
    assert concluded.state == DealState.CONCLUDED  # a concluded licence is left alone
    line = legal_status.status_line(patent)
    assert not line.verified and line.lapsed_on == date(2026, 9, 2)
    assert _notes(sme, "deal_lapsed")
    assert [r.patent.id for r in annual_fees.lapsed(date(2026, 9, 3))] == [patent.id]
    assert annual_fees.remind(date(2026, 9, 3))["lapsed"] == 0  # once


def test_imported_termination_ends_an_accepted_deal(centre, university, sme, make_listing):
    patent = make_listing(university.org, offers=[NON_EXCLUSIVE])
    deal = deals.request_deal(sme, patent.offers[0], proposal_of(patent.offers[0]), "")
    commit()
    deals.accept(deal, university)  # the contract waits for signatures
    commit()
    outcome = legal_status.import_records(centre, "a.csv", csv_bytes(
        [[patent.application_number, "失效", "未缴年费专利权终止", "2024-03-01", ""]]))
    commit()
    assert outcome.closed == 1
    assert deal.state == DealState.CANCELLED
    assert [e.action for e in deal.events][-1] == "lapse"
    assert legal_status.status_line(patent).verified  # verified as terminated
    # CNIPA's record later shows it in force again (restored): off the lapsed list
    legal_status.import_records(centre, "b.csv", csv_bytes(
        [[patent.application_number, "有效", "恢复", "2024-05-01", ""]]))
    commit()
    assert patent.legal_status == LegalStatus.GRANTED and patent.status_check.lapsed_on is None


def test_monitor_lists_overdue_and_lapsed(client, login_as, university, make_listing):
    patent = make_listing(university.org)
    annual_fees.set_paid_through(university, patent, date(2024, 2, 29))  # a leap year's eve
    commit()
    login_as("centre")
    page = texts(client.get("/centre/monitor"))
    assert "已终止的专利" in page and patent.title in page


def test_daily_command(runner, university, make_listing):
    patent = make_listing(university.org)
    annual_fees.set_paid_through(university, patent, date(2020, 2, 29))  # long overdue
    commit()
    result = runner.invoke(args=["fees", "remind"])
    assert result.exit_code == 0 and "lapsed 1" in result.output
    db.session.expire_all()
    assert patent.legal_status == LegalStatus.TERMINATED


def test_xlsx_export_with_date_cells(centre, university, make_listing):
    from openpyxl import Workbook
    patent = make_listing(university.org)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([patent.application_number, "有效", "授权", date(2021, 6, 1), date(2026, 2, 28)])
    sheet.append([patent.application_number, "有效", "年费", "2021/13/01", None])
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = legal_status.import_records(centre, "cnipa.xlsx", buffer.getvalue())
    assert [(r.line, e.field) for r in outcome.bad_rows for e in r.errors] == [(3, "event_date")]
    assert outcome.patents == 0  # its second row is bad: the patent is left out whole


def test_owner_page_shows_a_wrong_paid_through_date_inline(client, university, make_listing):
    patent = make_listing(university.org)
    log_in(client, university)
    response = post_form(client, f"/patents/{patent.id}/annual-fee",
                         {"paid_through": "2026-03-01"},
                         token_from=f"/patents/{patent.id}/legal-status")
    assert response.status_code == 422
    assert "例如 2026-02-28" in texts(response)
    assert patent.status_check is None
