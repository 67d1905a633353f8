"""Accessibility of the agency pages: axe-core (axe-playwright-python, as the site-wide walk
uses) on the agency rows of the access matrix each role may open (the broker's, SME A's and
University A's), plus the agency's public profile and the registration form: no serious or
critical violation."""
import pytest

from tests.access_world import build_world
from tests.factories import PASSWORD
from tests.test_access_matrix import BROKER, ROWS, SME_A, UNI_A

from .conftest import LiveServer

axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")
AGENCY_PAGES = ("/agencies/", "{brokered}", "{revoked_brokered}", "/for")


def _pages(role: str, ids: dict) -> list[str]:
    paths = [row.path for row in ROWS if row.method == "GET" and row.expected[role] == 200
             and any(part in row.path for part in AGENCY_PAGES)]
    return [path.format(**ids) for path in paths] + [
        f"/org/{ids['broker_org']}", "/account/register" if role == BROKER else "/deals/"]


@pytest.mark.parametrize("role", (BROKER, SME_A, UNI_A))
def test_agency_pages_have_no_serious_violation(app, browser, make_user, make_org,
                                                make_listing, role):
    users, ids = build_world(make_user, make_org, make_listing)
    ids["broker_org"] = users[BROKER].org_id
    paths = _pages(role, ids)
    assert len(paths) >= 3, paths
    axe = axe_sync.Axe()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    found = {}
    with LiveServer(app) as server:
        page.goto(f"{server.url}/account/login")
        page.get_by_label("邮箱").fill(users[role].email)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/account/login" not in url)
        for path in paths:
            if path == "/account/register":  # logged-in users are sent away: log out first
                page.get_by_role("button", name="退出").click()
            page.goto(server.url + path)
            serious = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}"
                       for v in axe.run(page).response["violations"]
                       if v["impact"] in ("serious", "critical")]
            if serious:
                found[path] = serious
    context.close()
    assert not found, f"serious accessibility violations for {role}: {found}"
