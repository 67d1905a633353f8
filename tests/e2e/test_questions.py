"""An SME asks a question on a listing; the university answers publicly; anyone then reads
the Q&A on the listing. Screenshots at 1280 and 390 px."""
import re

import pytest

from market.extensions import db
from market.models import OrgKind

from ..factories import make_listing, make_user
from .test_onboarding import PASSWORD, _log_in

pytestmark = pytest.mark.e2e


@pytest.fixture()
def world(live_app):
    university = make_user(db.session, kind=OrgKind.UNIVERSITY, name="沈阳工业大学",
                           email="tto@sut.example.cn", password=PASSWORD, user_name="赵老师")
    make_user(db.session, kind=OrgKind.SME, name="沈阳浑南储能科技有限公司",
              email="boss@sme.example.cn", password=PASSWORD, user_name="钱经理")
    patent = make_listing(db.session, university.org, title="一种锂电池负极材料及其制备方法")
    db.session.commit()
    return patent


def test_sme_asks_university_answers_publicly(live_server, page, shot, world):
    base, patent = live_server.url, world
    _log_in(page, base, "boss@sme.example.cn")
    page.goto(f"{base}/patents/{patent.id}")
    page.get_by_label("您的问题").fill("该材料能否用于钠离子电池？")
    page.get_by_role("button", name="向权利人提问").click()
    page.wait_for_url(re.compile(rf"/patents/{patent.id}#question-\d+$"))
    assert page.get_by_text("您的问题已发送给沈阳工业大学").is_visible()
    assert page.get_by_text("尚未回答").is_visible()
    shot("01-asked")

    page.context.clear_cookies()
    _log_in(page, base, "tto@sut.example.cn")
    page.goto(f"{base}/patents/{patent.id}")
    assert page.get_by_text("沈阳浑南储能科技有限公司").first.is_visible()  # the owner sees who
    page.get_by_role("link", name="回答", exact=True).click()
    page.get_by_label("您的回答").fill("可以，需调整预锂化工艺。")
    page.get_by_label("在项目页面公开此问题及回答（不显示提问者名称）").check()
    shot("02-answer-form")
    page.get_by_role("button", name="发送回答").click()
    assert page.get_by_text("您的回答已在项目页面公开。").is_visible()

    page.context.clear_cookies()
    page.goto(f"{base}/patents/{patent.id}")  # anonymous
    assert page.get_by_text("可以，需调整预锂化工艺。").is_visible()
    assert page.get_by_text("沈阳浑南储能科技有限公司").count() == 0
    shot("03-public-qa")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("04-public-qa-phone")
