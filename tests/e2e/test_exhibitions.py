"""The centre opens an online exhibition; an SME starts a licence request from it; the
centre sees the request counted there, then edits the exhibition to add the listings a
search finds. Screenshots at 1280 and 390 px."""
import re

import pytest

from market.domain.dates import local_today
from market.extensions import db
from market.models import OrgKind

from ..factories import EXCLUSIVE, make_listing, make_user
from .test_onboarding import PASSWORD, _centre_user, _log_in

pytestmark = pytest.mark.e2e


@pytest.fixture()
def world(live_app):
    _centre_user()
    university = make_user(db.session, kind=OrgKind.UNIVERSITY, name="沈阳化工大学",
                           password=PASSWORD)
    make_user(db.session, kind=OrgKind.SME, name="沈阳铁西焊接设备有限公司",
              email="boss@weld.example.cn", password=PASSWORD, user_name="孙经理")
    patent = make_listing(db.session, university.org, title="一种耐高温焊接材料及其制备方法",
                          offers=[EXCLUSIVE])
    make_listing(db.session, university.org, title="一种焊接机器人轨迹跟踪方法",
                 abstract="本发明涉及焊接机器人，通过视觉传感实时跟踪焊缝轨迹。",
                 industry="high_end_equipment")
    db.session.commit()
    return patent


def test_centre_opens_exhibition_and_counts_a_request(live_server, page, shot, shots, world):
    base, patent, today = live_server.url, world, local_today().isoformat()
    _log_in(page, base, "centre@example.cn")
    page.goto(f"{base}/centre/exhibitions/new")
    page.get_by_label("主题").fill("高端装备专利专场")
    page.get_by_label("开始日期").fill(today)
    page.get_by_label("结束日期").fill(today)
    page.get_by_label("人工选定的展品").fill(f"ZL{patent.application_number}")
    page.get_by_label("参展单位").select_option(label="沈阳化工大学")
    page.get_by_label("路演时间（选填）").fill(f"{today}T14:30")
    page.get_by_label("路演地点或线上链接").fill("浑南区创新路 1 号路演厅")
    shot("01-new-exhibition")
    page.get_by_role("button", name="开展").click()
    page.wait_for_url(re.compile(r"/exhibitions/\d+$"))
    assert page.get_by_text("展览已开展。").is_visible()
    exhibition_url = page.url

    page.context.clear_cookies()
    _log_in(page, base, "boss@weld.example.cn")
    page.goto(exhibition_url)
    page.get_by_role("button", name="报名参加路演").click()
    assert page.get_by_text("您已报名参加路演。").is_visible()
    shots(page, "02-exhibition-page")  # 1280 and 390 px, nothing wider than the screen
    page.get_by_role("link", name="一种耐高温焊接材料及其制备方法").click()
    assert page.get_by_text("此项目参展于线上展览").is_visible()
    page.get_by_role("link", name="申请许可").click()
    page.get_by_label("留言").fill("希望用于压力容器焊接。")
    page.get_by_role("button", name="发送请求").click()
    page.wait_for_url(re.compile(r"/deals/\d+$"))

    page.context.clear_cookies()
    _log_in(page, base, "centre@example.cn")
    page.goto(f"{base}/centre/exhibitions")
    row = page.locator("tr", has_text="高端装备专利专场")
    assert row.locator('[data-count="requests"]').inner_text() == "1"
    shot("04-centre-counts")
    page.get_by_role("link", name="高端装备专利专场").click()
    assert page.get_by_text("孙经理").is_visible()  # the roadshow sign-up list
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("05-centre-leads-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="编辑", exact=True).click()
    page.get_by_label("检索词").fill("焊接")
    page.get_by_label("产业领域").select_option(value="high_end_equipment")
    shots(page, "06-edit-exhibition")  # 1280 and 390 px, nothing wider than the screen
    page.get_by_role("button", name="保存修改").click()
    assert page.get_by_text("展览已更新。").is_visible()
    assert page.get_by_text("展品还按检索条件确定：").is_visible()
    shot("10-centre-leads-after-edit")
    page.goto(f"{base}/centre/exhibitions")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("11-centre-list-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(exhibition_url)
    titles = page.locator(".qa-list a strong").all_inner_texts()
    assert titles == ["一种耐高温焊接材料及其制备方法", "一种焊接机器人轨迹跟踪方法"]
    shot("08-exhibition-with-search")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("09-exhibition-with-search-phone")
