"""Accessibility: axe-core (the copy the axe-playwright-python package ships) on every page a
role may open, logged in as that role: no serious or critical violation. Lesser findings
(minor, moderate) are not failures; the test names every serious one it finds, page by page."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.access_world import build_world
from tests.test_access_matrix import ANON

from .conftest import LiveServer
from .walk import ROLES_WALKED, log_in, pages_of

BLOCKING = ("serious", "critical")


def _serious(results: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}"
            for v in results["violations"] if v["impact"] in BLOCKING]


@pytest.mark.parametrize("role", ROLES_WALKED)
def test_no_serious_accessibility_violation(app, browser, make_user, make_org, make_listing, role):
    users, ids = build_world(make_user, make_org, make_listing)
    paths = pages_of(role, ids)
    assert len(paths) >= 5, paths  # the walk covers the role's pages, not an empty list
    axe = Axe()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    found = {}
    with LiveServer(app) as server:
        if role != ANON:
            log_in(page, server.url, users[role].email)
        for path in paths:
            page.goto(server.url + path)
            serious = _serious(axe.run(page).response)
            if serious:
                found[path] = serious
    context.close()
    assert not found, f"serious accessibility violations for {role}: {found}"
