"""A royalty report, as the people do it: the licensee of a running-royalty licence files the
quarter's sales (a wrong amount first), the licensor sees the report and confirms the
royalty received, and the royalty is counted in the contract value of the year it was paid.
Screenshots at desktop and phone width."""
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from market.extensions import db
from market.models import Deal, DealState, LedgerEntry, LicenceKind, OfferKind, OrgKind
from market.services import ledger, stats
from market.unit_of_work import commit

from ..factories import make_listing, make_user
from .walk import log_in

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/royalty15-shots")  # also kept outside the test's tmp dir, to look at


def _world():
    university = make_user(db.session, kind=OrgKind.UNIVERSITY, name="东北大学",
                           email="tto@neu.example.cn")
    sme = make_user(db.session, kind=OrgKind.SME, name="沈阳新松精密机械有限公司",
                    email="boss@sme.example.cn")
    patent = make_listing(db.session, university.org)
    moment = datetime(2025, 1, 15, 4, tzinfo=UTC)
    deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=OfferKind.LICENCE,
                licence_kind=LicenceKind.NON_EXCLUSIVE, licensor_org_id=university.org_id,
                licensee_org_id=sme.org_id, state=DealState.CONCLUDED, royalty_bp=500,
                upfront_mode="waived", upfront_fee_fen=0, term_years=3,
                contract_number="SYIP-2025-000001", created_at=moment, concluded_at=moment)
    db.session.add(deal)
    db.session.flush()
    ledger.record_conclusion(deal)
    commit()
    return deal


def _keep(path: Path) -> None:
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at phone width"


def test_licensee_reports_licensor_confirms_royalty_counted(live_server, browser, page, shot):
    base = live_server.url
    deal = _world()

    log_in(page, base, "boss@sme.example.cn")
    page.goto(f"{base}/deals/{deal.id}")
    assert "份报告已逾期" in page.locator("#royalties").inner_text()
    _keep(shot("01-deal-royalty-card-desktop"))
    page.locator("#royalties-link").click()
    page.wait_for_url(f"**/deals/{deal.id}/royalties")
    page.locator("#period").select_option("2025-01-15")
    page.get_by_label("本期净销售额（元）").fill("二十万")
    page.get_by_role("button", name="提交报告").click()
    assert page.locator("#net_sales-error").is_visible()  # said next to the field
    page.get_by_label("本期净销售额（元）").fill("200,000")
    page.get_by_label("销售数量（选填）").fill("40")
    page.get_by_role("button", name="提交报告").click()
    page.wait_for_selector("text=您的提成费报告已发送给许可方。")
    row = page.locator("#period-2025-01-15")
    assert "¥10,000.00" in row.inner_text() and "提成费逾期未付" in row.inner_text()  # long due
    _keep(shot("02-royalties-licensee-desktop"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_sideways_scroll(page)
    _keep(shot("03-royalties-licensee-phone"))

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    licensor = context.new_page()
    try:
        log_in(licensor, base, "tto@neu.example.cn")
        licensor.goto(f"{base}/deals/inbox")
        licensor.goto(f"{base}/deals/{deal.id}/royalties")
        row = licensor.locator("#period-2025-01-15")
        assert "¥200,000.00" in row.inner_text() and "¥10,000.00" in row.inner_text()
        row.get_by_label("收款日期").fill("2025-04-28")
        row.get_by_role("button", name="确认收到提成费").click()
        licensor.wait_for_selector("text=提成费已确认收款并计入统计。")
        assert "已于" in licensor.locator("#period-2025-01-15").inner_text()
        SHOTS.mkdir(exist_ok=True)
        licensor.screenshot(path=str(SHOTS / "04-royalties-licensor-desktop.png"),
                            full_page=True)
    finally:
        context.close()

    royalty = db.session.scalar(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id,
                                                          LedgerEntry.entry == "royalty"))
    assert (royalty.contract_value_fen, royalty.deal_on) == (1_000_000, date(2025, 4, 28))
    counted = stats.indicators(stats.Period.for_year(2025), plan_start_year=2025)["deals"]
    assert counted["value_fen"] == 1_000_000  # the royalty-only licence no longer counts ¥0
