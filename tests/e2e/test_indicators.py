"""The centre opens its indicators: figures, drawn charts, tables; a deal concluded for an
SME shows in the counts after a reload. Screenshots at desktop and phone width."""
from datetime import timedelta

import pytest

from market.extensions import db
from market.models import (
    Deal,
    DealState,
    LicenceKind,
    Offer,
    OfferKind,
    OrgKind,
    Patent,
)
from market.models.base import utcnow
from market.services import accounts
from market.unit_of_work import commit

from ..factories import PASSWORD, make_org, new_application_number, new_credit_code
from .walk import log_in

pytestmark = pytest.mark.e2e

_numbers = iter(range(1, 1000))


def _org(kind, name, district="浑南区"):
    return make_org(db.session, kind, name=name, district=district, address="沈阳市")


def _patent(owner, industry="new_materials"):
    from datetime import date
    patent = Patent(owner_org_id=owner.id, application_number=new_application_number(2019),
                    title=f"一种高强度铝合金的热处理方法{next(_numbers)}", patent_type="invention",
                    legal_status="granted", filing_date=date(2019, 3, 1),
                    expiry_date=date(2039, 3, 1), industry=industry, status="published",
                    published_at=utcnow(), view_count=next(_numbers) * 7)
    patent.offers.append(Offer(kind=OfferKind.OPEN_LICENCE, licence_kind="non_exclusive",
                               upfront_mode="waived", term_years=3, declared_on=date(2025, 1, 6),
                               cnipa_announcement_number="KF-TEST-0001"))
    db.session.add(patent)
    db.session.flush()
    return patent


def _conclude(patent, licensee, *, fee_fen=0, kind=OfferKind.OPEN_LICENCE):
    """A deal concluded today, booked through the ledger service."""
    from market.services import ledger
    now = utcnow()
    deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=kind,
                licence_kind=None if kind == OfferKind.ASSIGNMENT else LicenceKind.NON_EXCLUSIVE,
                licensor_org_id=patent.owner_org_id, licensee_org_id=licensee.id,
                state=DealState.CONCLUDED, upfront_fee_fen=fee_fen,
                price_fen=fee_fen if kind == OfferKind.ASSIGNMENT else None,
                contract_number=f"SY{next(_numbers):06d}", created_at=now - timedelta(days=9),
                concluded_at=now)
    db.session.add(deal)
    db.session.flush()
    ledger.record_conclusion(deal)
    return deal


def _world():
    neu = _org(OrgKind.UNIVERSITY, "东北大学")
    imr = _org(OrgKind.INSTITUTE, "中国科学院金属研究所")
    smes = [_org(OrgKind.SME, name, district) for name, district in (
        ("沈阳新松精密机械有限公司", "浑南区"), ("沈阳铁西重工科技有限公司", "铁西区"),
        ("沈阳和平生物医药有限公司", "和平区"))]
    patents = [_patent(neu), _patent(neu, "biomedicine"), _patent(imr, "high_end_equipment")]
    _conclude(patents[0], smes[0])
    _conclude(patents[1], smes[2], fee_fen=5_000_000)
    _conclude(patents[2], smes[1], fee_fen=20_000_000, kind=OfferKind.ASSIGNMENT)
    commit()
    return patents, smes


def _charts_drawn(page) -> list[str]:
    page.wait_for_function("document.querySelectorAll('canvas[data-drawn]').length >= 6")
    return page.evaluate("""() => Array.from(document.querySelectorAll('canvas')).filter(c => {
        const ctx = c.getContext('2d');
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
        return false;
    }).map(c => c.id)""")


def test_centre_reads_live_indicators(live_server, page, shot):
    base = live_server.url
    accounts.create_centre_user("centre@example.cn", "王主任", PASSWORD, {
        "name": "沈阳市知识产权运营服务中心", "credit_code": new_credit_code(),
        "district": "浑南区", "address": "沈阳市浑南区", "contact_name": "王",
        "contact_phone": "024-1", "contact_email": "centre@example.cn"})
    commit()
    patents, smes = _world()

    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, base, "centre@example.cn")
    page.wait_for_url("**/centre/")  # the centre lands on its home
    page.locator(".centre-nav").get_by_role("link", name="指标看板").click()
    page.wait_for_url("**/centre/indicators")
    assert page.locator("#kpi-deals").inner_text() == "3"
    assert page.locator("#kpi-smes").inner_text().startswith("3")
    drawn = _charts_drawn(page)
    assert sorted(drawn) == sorted(["chart-growth", "chart-monthly", "chart-licensor",
                                    "chart-industry", "chart-district", "chart-licence_kind"])
    assert page.locator("#table-licensor").get_by_text("东北大学").is_visible()
    shot("01-indicators-desktop")

    newcomer = _org(OrgKind.SME, "沈阳大东智能装备有限公司", "大东区")
    _conclude(patents[0], newcomer, fee_fen=1_000_000)
    commit()
    page.reload()
    assert page.locator("#kpi-deals").inner_text() == "4"
    assert page.locator("#kpi-smes").inner_text().startswith("4")
    assert page.locator("#table-district").get_by_text("大东区").is_visible()
    assert len(_charts_drawn(page)) == 6

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert len(_charts_drawn(page)) == 6
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        shot("02-indicators-phone-overflow")
        print(page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 12).map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                              + Math.round(e.getBoundingClientRect().right))"""))
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at phone width"
    shot("02-indicators-phone")
    assert not [e for e in errors if "favicon" not in e], errors


def test_monitor_and_pledges_pages_render(live_server, page, shot):
    base = live_server.url
    accounts.create_centre_user("centre@example.cn", "王主任", PASSWORD, {
        "name": "沈阳市知识产权运营服务中心", "credit_code": new_credit_code(),
        "district": "浑南区", "address": "沈阳市浑南区", "contact_name": "王",
        "contact_phone": "024-1", "contact_email": "centre@example.cn"})
    commit()
    log_in(page, base, "centre@example.cn")
    page.goto(f"{base}/centre/pledges")
    page.get_by_label("出质人（机构名称或统一社会信用代码）").fill("沈阳某科技有限公司")
    page.get_by_label("质权银行").fill("盛京银行")
    page.get_by_label("出质专利（申请号）").fill("201710601862.3")
    page.get_by_label("金额（元）").fill("800000")
    page.get_by_label("质押登记日期").fill(utcnow().date().isoformat())
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_url("**/centre/pledges")
    assert page.get_by_text("质押融资记录已保存").is_visible()
    shot("03-pledges")
    page.goto(f"{base}/centre/monitor")
    assert page.get_by_role("heading", name="交易监测").is_visible()
    shot("04-monitor")


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_centre_home_and_deal_register(live_server, page, shot):
    """The centre's own bar and home lead to every list; the register shows all deals and
    filters them; at phone width nothing is wider than the screen."""
    base = live_server.url
    accounts.create_centre_user("centre@example.cn", "王主任", PASSWORD, {
        "name": "沈阳市知识产权运营服务中心", "credit_code": new_credit_code(),
        "district": "浑南区", "address": "沈阳市浑南区", "contact_name": "王",
        "contact_phone": "024-1", "contact_email": "centre@example.cn"})
    commit()
    _world()
    log_in(page, base, "centre@example.cn")
    page.wait_for_url("**/centre/")
    assert page.get_by_role("heading", name="中心工作台").is_visible()
    shot("05-centre-home")
    page.locator(".centre-nav").get_by_role("link", name="交易登记簿").click()
    page.wait_for_url("**/centre/deals")
    assert page.get_by_text("共 3 笔交易").is_visible()
    shot("06-deal-register")
    page.get_by_label("类型").select_option(label="转让")
    page.get_by_role("button", name="筛选").click()
    assert page.get_by_text("共 1 笔交易").is_visible()
    assert page.get_by_role("cell", name="中国科学院金属研究所").count() == 1
    for path in ("/centre/", "/centre/deals"):
        page.set_viewport_size({"width": 360, "height": 800})
        page.goto(base + path)
        assert _page_width(page) <= 360, path
    shot("07-deal-register-phone")
