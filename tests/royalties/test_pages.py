"""The pages: the licensee files a report (inline errors first), the licensor confirms the
royalty, the deal page, the inbox and the centre's monitor show what is due or late; a
party records an assignment's registration."""
from datetime import date

import pytest
from sqlalchemy import select

from market.extensions import db
from market.models import AssignmentRegistration, LedgerEntry, OfferKind, RoyaltyReport

from ..conftest import log_in, post_form

pytestmark = pytest.mark.db


def test_licensee_reports_and_licensor_confirms(app, client, concluded, sme, university):
    deal = concluded()
    log_in(client, sme)
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'id="royalties"' in page and "份报告已逾期" in page  # quarters since 2025
    url = f"/deals/{deal.id}/royalties"
    html = client.get(url).get_data(as_text=True)
    assert "每个自然季度报告一次" in html and 'value="2025-01-15"' in html
    bad = post_form(client, url, {"period": "2025-01-15", "net_sales": "abc"})
    assert bad.status_code == 422 and 'id="net_sales-error"' in bad.get_data(as_text=True)
    ok = post_form(client, url, {"period": "2025-01-15", "net_sales": "200,000",
                                 "units_sold": "40", "note": "第一季度"})
    assert ok.status_code == 302
    report = db.session.scalars(select(RoyaltyReport)).one()
    assert (report.base_amount_fen, report.royalty_fen, report.units_sold) == (
        20_000_000, 1_000_000, 40)
    inbox = client.get("/deals/inbox").get_data(as_text=True)
    assert 'id="royalty-tasks"' in inbox  # later quarters still wait for a report

    other = app.test_client()
    log_in(other, university)
    html = other.get(url).get_data(as_text=True)
    assert "¥10,000.00" in html and "确认收到提成费" in html
    confirmed = post_form(other, f"/deals/{deal.id}/royalties/{report.id}/paid",
                          {"paid_on": "2025-04-28"}, token_from=url)
    assert confirmed.status_code == 302
    row = db.session.scalar(select(LedgerEntry).where(LedgerEntry.entry == "royalty"))
    assert (row.contract_value_fen, row.deal_on) == (1_000_000, date(2025, 4, 28))


def test_centre_monitor_lists_royalties_and_registrations(client, login_as, concluded):
    concluded()  # quarterly reports overdue since 2025
    concluded(kind=OfferKind.ASSIGNMENT, on=date(2025, 3, 1))  # never registered
    login_as("centre")
    html = client.get("/centre/monitor").get_data(as_text=True)
    assert 'id="h-royalties"' in html and "报告逾期" in html
    assert 'id="h-unregistered"' in html and "SY-R-" in html


def test_registration_page(client, concluded, sme):
    deal = concluded(kind=OfferKind.ASSIGNMENT, on=date(2025, 3, 1))
    log_in(client, sme)
    detail = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'id="registration"' in detail and "登记前，转让不发生效力" in detail
    url = f"/deals/{deal.id}/registration"
    refused = post_form(client, url, {"registered_on": "2025-02-01"})
    assert refused.status_code == 422
    assert "登记日期应在合同成交日与今天之间" in refused.get_data(as_text=True)
    assert post_form(client, url, {"registered_on": "2025-04-10"}).status_code == 302
    assert db.session.scalars(select(AssignmentRegistration)).one().registered_on == \
        date(2025, 4, 10)
    detail = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "等待国家知识产权局公告" in detail


def test_indicators_page_says_its_view_and_scope(client, login_as):
    login_as("centre")
    html = client.get("/centre/indicators?year=2025&view=registered").get_data(as_text=True)
    assert 'id="count-view"' in html and "按国家知识产权局备案或登记日期统计" in html
    assert "本平台促成的交易" in html and "年均增幅" in html
    assert '<option value="registered" selected>' in html
