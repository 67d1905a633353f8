"""An SME takes a free open licence, signs it and downloads the contract; another requests an
exclusive licence, the university counters, the SME accepts, both sign."""
from datetime import date
from pathlib import Path

import pytest

from market.extensions import db
from market.models import (
    LegalStatus,
    LicenceKind,
    ListingStatus,
    Offer,
    OfferKind,
    OrgKind,
    Patent,
    PatentType,
)
from market.models.base import utcnow

from ..factories import make_user, new_application_number
from ..pdf_check import check_pdf
from .test_onboarding import PASSWORD, _log_in

pytestmark = pytest.mark.e2e


def _user(kind, name, email, district="浑南区"):
    return make_user(db.session, kind=kind, name=name, email=email, password=PASSWORD,
                     user_name="王经理", district=district, address=f"沈阳市{district}创新路 8 号",
                     contact_name="王经理", contact_email=email)


def _patent(owner, title, offer):
    patent = Patent(owner_org_id=owner.id, application_number=new_application_number(2019),
                    title=title, abstract="本发明公开了一种制备方法。", ipc_codes=["H01M 4/36"],
                    patent_type=PatentType.INVENTION, legal_status=LegalStatus.GRANTED,
                    filing_date=date(2019, 5, 6), grant_date=date(2021, 8, 3),
                    expiry_date=date(2039, 5, 6), industry="new_materials",
                    status=ListingStatus.PUBLISHED, published_at=utcnow())
    patent.offers.append(Offer(**offer))
    db.session.add(patent)
    return patent


@pytest.fixture()
def world(live_app):
    uni = _user(OrgKind.UNIVERSITY, "东北测试大学", "tto@neu.example.cn")
    sme1 = _user(OrgKind.SME, "沈阳浑南新材料有限公司", "li@sme1.example.cn")
    sme2 = _user(OrgKind.SME, "沈阳铁西装备有限公司", "zhao@sme2.example.cn", "铁西区")
    db.session.flush()
    open_patent = _patent(uni.org, "一种锂电池硅碳负极材料的制备方法", dict(
        kind=OfferKind.OPEN_LICENCE, licence_kind=LicenceKind.NON_EXCLUSIVE,
        upfront_mode="waived", royalty_bp=300, term_years=3, declared_on=date(2025, 1, 6),
        cnipa_announcement_number="KF-TEST-0001"))
    exclusive = _patent(uni.org, "一种高强度铝合金焊接工艺", dict(
        kind=OfferKind.LICENCE, licence_kind=LicenceKind.EXCLUSIVE, upfront_mode="waived",
        royalty_bp=500, term_years=5))
    db.session.commit()
    return {"uni": uni, "sme1": sme1, "sme2": sme2, "open": open_patent, "excl": exclusive}


def _log_out(page):
    page.get_by_role("button", name="退出").click()


def _sign(page, name="王经理", password=PASSWORD):
    """Fill and send the sign form of the page (full name, password, consent)."""
    page.get_by_label("您的姓名（全名）").fill(name)
    page.get_by_label("您的登录密码").fill(password)
    page.get_by_label("我已阅读本合同，并经授权代表本单位签署。", exact=False).check()
    page.get_by_role("button", name="签署合同").click()


def test_sme_takes_free_open_licence_and_downloads_contract(live_server, page, shot, world):
    base = live_server.url
    _log_in(page, base, "li@sme1.example.cn")
    page.goto(f"{base}/patents/{world['open'].id}")
    page.get_by_role("link", name="取得开放许可").click()
    page.wait_for_url("**/deals/take/*")
    assert page.get_by_text("首付 0 元").first.is_visible()
    page.get_by_label("拟实施领域").fill("动力电池负极")
    page.get_by_label("预计开始实施日期").fill("2026-03-01")
    page.get_by_label("我已阅读公告的许可条件，并代表本单位接受。").check()
    shot("01-take-open-form")
    page.get_by_role("button", name="发送书面通知并取得许可").click()
    page.wait_for_url("**/deals/*")
    assert page.get_by_text("书面通知已发送给专利权人。请审阅许可合同并签署").is_visible()
    assert page.get_by_text("条款已达成 — 待签署").first.is_visible()
    shot("02a-open-licence-to-sign")
    _sign(page, password="not the password")
    assert page.get_by_text("密码不正确。").first.is_visible()  # inline, the form kept
    shot("02b-wrong-password")
    _sign(page)
    page.wait_for_url("**/deals/*")
    assert page.get_by_text("您已签署合同，合同已成立。").is_visible()
    assert page.get_by_text("已成交").first.is_visible()
    shot("02-deal-concluded")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载合同（PDF）").click()
    assert download.value.suggested_filename.startswith("SYIP-")
    check_pdf(Path(download.value.path()).read_bytes(), "专利实施许可合同", "沈阳浑南新材料有限公司")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("03-deal-concluded-phone")
    _log_out(page)
    _log_in(page, base, "tto@neu.example.cn")
    page.goto(f"{base}/deals/inbox")
    assert page.get_by_text("书面通知：沈阳浑南新材料有限公司").is_visible()
    shot("04-inbox-phone")


def test_exclusive_request_counter_accept(live_server, page, shot, world):
    base = live_server.url
    _log_in(page, base, "zhao@sme2.example.cn")
    page.goto(f"{base}/deals/request/{world['excl'].offers[0].id}")
    page.get_by_label("留言").fill("我们计划用于工程机械焊接，希望提成 3%。")
    page.get_by_label("提成比例（%）").fill("3")
    shot("05-request-form")
    page.get_by_role("button", name="发送请求").click()
    page.wait_for_url("**/deals/*")
    deal_url = page.url
    assert page.get_by_text("待答复").first.is_visible()
    _log_out(page)

    _log_in(page, base, "tto@neu.example.cn")
    page.goto(deal_url)
    shot("06-university-sees-request")
    page.get_by_role("link", name="还价").click()
    page.get_by_label("提成比例（%）").fill("4")
    page.get_by_label("留言").fill("可以，提成 4%。")
    page.get_by_role("button", name="发送还价").click()
    page.wait_for_url(deal_url)
    assert page.get_by_text("您的还价已发送。").is_visible()
    _log_out(page)

    _log_in(page, base, "zhao@sme2.example.cn")
    page.goto(deal_url)
    assert page.get_by_text("按净销售额的 4% 提成").first.is_visible()
    page.get_by_role("button", name="接受这些条款").click()
    assert page.get_by_text("您已接受条款。").is_visible()
    assert page.get_by_text("条款已达成 — 待签署").first.is_visible()
    page.get_by_role("link", name="审阅合同全文").click()
    page.wait_for_url("**/review")
    shot("07a-review-contract")
    _sign(page)
    page.wait_for_url(deal_url)
    assert page.get_by_text("您已签署合同。对方签署后合同即成立。").is_visible()
    shot("07b-licensee-signed")
    _log_out(page)
    _log_in(page, base, "tto@neu.example.cn")
    page.goto(deal_url)
    page.set_viewport_size({"width": 390, "height": 844})
    shot("07c-licensor-to-sign-phone")
    _sign(page)
    page.wait_for_url(deal_url)
    assert page.get_by_text("已成交").first.is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    shot("07-exclusive-concluded")
    page.goto(f"{base}/deals/")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("08-my-deals-phone")


def test_admin_names_a_signatory_who_signs(live_server, page, shot, world):
    """A colleague without authority sees why it cannot sign; the admin names it signatory on
    the members page; it signs the contract the SME has signed: the licence is concluded."""
    from market.services import deals
    from market.unit_of_work import commit

    from ..factories import proposal_of, sign_contract
    base = live_server.url
    uni, sme = world["uni"], world["sme2"]
    colleague = make_user(db.session, uni.org, email="liu@neu.example.cn", password=PASSWORD,
                          user_name="刘老师", admin=False)
    offer = world["excl"].offers[0]
    deal = deals.request_deal(sme, offer, proposal_of(offer), "")
    deals.accept(deal, uni)
    sign_contract(deal, sme)
    commit()
    _log_in(page, base, "liu@neu.example.cn")
    page.goto(f"{base}/deals/{deal.id}")
    assert page.get_by_text("只有本单位管理员或其指定的签署人可以签署合同").is_visible()
    _log_out(page)
    _log_in(page, base, "tto@neu.example.cn")
    page.goto(f"{base}/org/{uni.org_id}/members")
    page.get_by_role("button", name="指定为签署人").click()
    assert page.get_by_text("可签署合同").count() == 2  # the admin and the colleague
    shot("09-members-signatory")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("10-members-signatory-phone")
    _log_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, base, "liu@neu.example.cn")
    page.goto(f"{base}/deals/{deal.id}")
    _sign(page, name="刘老师")
    page.wait_for_url(f"**/deals/{deal.id}")
    assert page.get_by_text("您已签署合同，合同已成立。").is_visible()
    assert page.get_by_text("刘老师 于").first.is_visible()
    shot("11-concluded-with-signatures")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("12-concluded-with-signatures-phone")
    db.session.expire_all()
    assert deal.state.value == "concluded" and colleague.is_signatory
