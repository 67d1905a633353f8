"""A technology demand from post to licence request: the SME posts it, the centre approves it,
the university finds it in its 需求 inbox and answers with a patent, the SME turns the answer
into a licence request with the terms prefilled. Screenshots at 1280 and 390 px."""
from datetime import date

import pytest
from flask import current_app

from market.extensions import db
from market.models import (
    Deal,
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
from .test_onboarding import PASSWORD, _log_in

pytestmark = pytest.mark.e2e

NEED = ("我公司生产电动叉车，冬季零下二十度时锂电池容量衰减严重，续航下降一半。"
        "希望找到锂电池低温加热或电解液改性的技术，提高锂电池低温放电性能。")


def _user(kind, name, email):
    return make_user(db.session, kind=kind, name=name, email=email, password=PASSWORD,
                     user_name="王经理", district="浑南区", address="沈阳市浑南区创新路 8 号",
                     contact_name="王经理", contact_email=email)


def _patent(owner, title, abstract):
    patent = Patent(owner_org_id=owner.id, application_number=new_application_number(2019),
                    title=title, abstract=abstract, ipc_codes=["H01M 10/615"],
                    patent_type=PatentType.INVENTION, legal_status=LegalStatus.GRANTED,
                    filing_date=date(2019, 5, 6), grant_date=date(2021, 8, 3),
                    expiry_date=date(2039, 5, 6), industry="new_materials",
                    status=ListingStatus.PUBLISHED, published_at=utcnow())
    patent.offers.append(Offer(kind=OfferKind.LICENCE, licence_kind=LicenceKind.NON_EXCLUSIVE,
                               upfront_mode="waived", royalty_bp=300, term_years=5))
    db.session.add(patent)
    return patent


@pytest.fixture()
def world(live_app):
    uni = _user(OrgKind.UNIVERSITY, "东北测试大学", "tto@neu.example.cn")
    other = _user(OrgKind.UNIVERSITY, "沈阳测试农业大学", "tto@syau.example.cn")
    _user(OrgKind.SME, "沈阳浑南叉车有限公司", "li@forklift.example.cn")
    _user(OrgKind.CENTRE, "沈阳市知识产权服务中心", "centre@example.cn")
    db.session.flush()
    battery = _patent(uni.org, "一种锂电池低温加热装置及其控制方法",
                      "本发明涉及锂电池低温加热装置，提高锂电池在低温环境下的放电性能和续航。")
    _patent(other.org, "一种玉米秸秆还田机械", "本发明公开了一种玉米秸秆粉碎还田机械。")
    db.session.commit()
    current_app.extensions["market.search"].reindex()
    return {"battery": battery}


def _log_out(page):
    page.get_by_role("button", name="退出").click()


def _both_widths(page, shot, name):
    shot(f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(f"{name}-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 390, f"{name} is {width}px wide at 390px"


def test_demand_from_post_to_licence_request(live_server, page, shot, world):
    base = live_server.url
    # the SME posts its need
    _log_in(page, base, "li@forklift.example.cn")
    page.get_by_role("link", name="我的需求").first.click()
    _both_widths(page, shot, "01-mine-empty")
    page.get_by_role("link", name="发布技术需求").click()
    page.get_by_label("需求名称").fill("锂电池低温续航衰减")
    page.get_by_label("待解决的技术问题").fill(NEED)
    page.get_by_label("期望的许可方式").select_option("exclusive")
    _both_widths(page, shot, "02-new-demand")
    page.get_by_role("button", name="提交中心审核").click()
    page.get_by_text("您的需求已提交中心审核。").wait_for()
    _both_widths(page, shot, "03-demand-pending")
    _log_out(page)

    # the centre approves it from its moderation queue
    _log_in(page, base, "centre@example.cn")
    page.get_by_role("link", name="内容审核").first.click()
    page.get_by_text("锂电池低温续航衰减").wait_for()
    _both_widths(page, shot, "04-centre-queue")
    page.get_by_role("button", name="通过并发布").click()
    page.get_by_text("需求已发布，已通知发布企业。").wait_for()
    _log_out(page)

    # the university finds it in its inbox and answers with its patent (ticked already)
    _log_in(page, base, "tto@neu.example.cn")
    page.get_by_role("link", name="需求收件箱").first.click()
    page.get_by_text("锂电池低温续航衰减").wait_for()
    _both_widths(page, shot, "05-university-inbox")
    page.get_by_role("link", name="回答", exact=True).click()
    assert page.get_by_label("一种锂电池低温加热装置及其控制方法", exact=False).is_checked()
    page.get_by_label("简要方案").fill("我校的低温加热装置可直接用于叉车电池包，欢迎洽谈。")
    _both_widths(page, shot, "06-answer-form")
    page.get_by_role("button", name="发送回答").click()
    page.get_by_text("您的回应已发送给企业。").wait_for()
    _log_out(page)

    # the SME sees the answer and turns it into a licence request, terms prefilled
    _log_in(page, base, "li@forklift.example.cn")
    page.get_by_role("link", name="我的需求").first.click()
    page.get_by_role("link", name="锂电池低温续航衰减").click()
    page.get_by_text("我校的低温加热装置可直接用于叉车电池包").wait_for()
    _both_widths(page, shot, "07-demand-with-answer")
    page.get_by_role("link", name="申请许可").click()
    page.wait_for_url("**/deals/request/*")
    assert page.get_by_label("许可类型").input_value() == "exclusive"
    assert "锂电池低温续航衰减" in page.get_by_label("留言").input_value()
    _both_widths(page, shot, "08-prefilled-request")
    page.get_by_role("button", name="发送请求").click()
    page.wait_for_url("**/deals/*")
    db.session.expire_all()
    deal = db.session.query(Deal).one()
    assert deal.patent_id == world["battery"].id and deal.licence_kind == LicenceKind.EXCLUSIVE
    _log_out(page)

    # anyone finds the public demand on the board, by industry; answers stay private
    page.goto(f"{base}/")
    page.get_by_role("link", name="技术需求").first.click()
    page.get_by_role("link", name="锂电池低温续航衰减").wait_for()
    _both_widths(page, shot, "09-board-anonymous")
    page.get_by_role("link", name="锂电池低温续航衰减").click()
    assert page.get_by_text("我校的低温加热装置").count() == 0
