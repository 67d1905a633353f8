"""An SME searches in Chinese, narrows by a facet, opens a result and saves the search."""
import pytest
from sqlalchemy import select

from market import demo
from market.extensions import db
from market.models import SavedSearch, User
from market.unit_of_work import commit

pytestmark = pytest.mark.e2e


@pytest.fixture()
def demo_world(live_app):
    orgs = demo.load()
    demo.load_listings(orgs)
    commit()  # the after-commit hook builds the index
    return orgs


def test_search_facet_open_save(live_server, page, shot, demo_world):
    base = live_server.url
    page.goto(f"{base}/account/login")
    page.get_by_label("邮箱").fill("sme1@demo.ipmarket.cn")
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(base + "/")
    page.get_by_role("searchbox").fill("镁合金")
    page.get_by_role("button", name="检索").first.click()
    page.wait_for_url("**/search/?q=*")
    results = page.locator(".result-list > li")
    assert results.count() >= 2
    assert page.locator(".result-list mark", has_text="镁合金").first.is_visible()
    shot("01-results")

    page.locator(".facet-link", has_text="生物医药").click()
    page.wait_for_url("**industry=biomedicine*")
    assert results.count() == 1
    assert page.get_by_text("血管支架").first.is_visible()
    shot("02-narrowed")

    page.get_by_label("保存此检索，有新的匹配挂牌时通知我：").fill("镁合金医疗")
    page.get_by_role("button", name="保存检索").click()
    page.wait_for_url("**/search/saved")
    assert page.get_by_text("镁合金医疗").is_visible()
    user = db.session.scalar(select(User).where(User.email == "sme1@demo.ipmarket.cn"))
    saved = db.session.scalar(select(SavedSearch).where(SavedSearch.user_id == user.id))
    assert saved.query == "镁合金" and saved.filters == {"industry": "biomedicine"}
    shot("03-saved")

    page.go_back()
    page.go_back()
    page.locator(".result-list h3 a").first.click()
    page.wait_for_url("**/patents/*")
    assert page.get_by_role("heading", level=1).is_visible()
    shot("04-listing")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/search/?q=机器人")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("05-phone")
