"""A visitor types a patent number (listed, unlisted, mistyped) and describes a need, leaving
out a key term and adding one."""
import pytest

from market import demo
from market.unit_of_work import commit

pytestmark = pytest.mark.e2e

NEED = ("我公司生产镁合金医疗器械，需要改善血管支架的降解速度，提高支架的生物相容性，"
        "缩短研发周期。希望寻求可降解镁合金支架和表面涂层方面的技术。")


@pytest.fixture()
def demo_world(live_app):
    orgs = demo.load()
    demo.load_listings(orgs)
    commit()  # the after-commit hook builds the index
    return orgs


def test_numbers_are_answered_as_numbers(live_server, page, shot, demo_world):
    base = live_server.url
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/search/?q=2018 1012 3456.5")
        answer = page.locator(".number-answer")
        assert answer.get_by_text("201810123456.5 未在本平台挂牌").is_visible()
        assert answer.get_by_text("发明").is_visible()
        assert page.locator(".result-list > li").count() == 0
        shot(f"number-unlisted-{width}")
        page.goto(f"{base}/search/?q=201810123456.7")
        assert page.get_by_text("校验位有误").is_visible()
        page.get_by_role("link", name="查询 201810123456.5").click()
        page.wait_for_url("**q=201810123456.5*")
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.goto(f"{base}/search/?q=201810123456.7")
        shot(f"number-check-{width}")


def test_demand_terms_can_be_left_out_and_added(live_server, page, shot, demo_world):
    base = live_server.url
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/search/need")
        page.get_by_label("需求标题（选填）").fill("可降解镁合金血管支架")
        page.locator("textarea[name=need]").fill(NEED)
        page.get_by_role("button", name="匹配专利").click()
        terms = page.locator(".key-terms .tag")
        assert terms.count() >= 2
        texts = [t.strip("✕ ") for t in terms.all_inner_texts()]
        assert not {"改善", "提高", "缩短", "技术"} & set(texts)
        shot(f"demand-{width}")
        first = texts[0]
        page.get_by_role("button", name=f"去掉“{first}”重新查找").click()
        assert page.get_by_text("已去掉：").is_visible()
        page.get_by_label("添加关键词").fill("涂层")
        page.get_by_role("button", name="重新查找", exact=True).click()
        after = [t.strip("✕ ") for t in page.locator(".key-terms .tag").all_inner_texts()]
        assert first not in after and "涂层" in after
        if width == 390:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(f"demand-edited-{width}")
