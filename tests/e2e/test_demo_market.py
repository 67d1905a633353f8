"""The demo market a newcomer meets: searches find plenty, the centre's dashboard is alive,
every page says the data is a demo."""
import pytest

from market import demo
from market.unit_of_work import commit

pytestmark = pytest.mark.e2e


@pytest.fixture()
def demo_market(live_app):
    demo.load_all()
    commit()


def _relevant_hits(page, word: str) -> int:
    """Result cards on the first page whose title or snippet holds ``word``."""
    cards = page.locator(".result-list > li")
    return sum(1 for text in cards.all_inner_texts() if word in text)


def test_demo_searches_and_dashboard(live_server, page, shot, demo_market):
    base = live_server.url
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/")
        assert page.locator("[data-demo]").get_by_text("演示数据").is_visible()
        shot(f"01-home-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    for word in ("电池", "传感器", "材料"):
        page.goto(f"{base}/search/?q={word}")
        assert _relevant_hits(page, word) >= 10, word
        assert page.locator("[data-demo]").is_visible()
        shot(f"02-search-{word}")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{base}/search/?q=材料")
    shot("02-search-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/account/login")
    page.get_by_label("邮箱").fill("centre@demo.ipmarket.cn")
    page.get_by_label("密码").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/account/login" not in url)
    page.goto(f"{base}/centre/indicators")
    for kpi in ("#kpi-deals", "#kpi-smes"):
        figure = page.locator(kpi).inner_text()
        assert int("".join(ch for ch in figure if ch.isdigit()) or 0) > 0, (kpi, figure)
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]'))
        .filter(c => c.width > 0 && Chart.getChart(c) !== undefined
                && Chart.getChart(c).data.datasets.some(d => d.data.some(v => v > 0)))
        .map(c => c.id)""")
    assert len(drawn) >= 5, drawn
    shot("03-dashboard-1280")
    page.set_viewport_size({"width": 390, "height": 900})
    page.reload()
    shot("03-dashboard-390")
    page.goto(f"{base}/centre/monitor")
    assert page.locator("main").get_by_text("逾期").first.is_visible()
    shot("04-monitor")
