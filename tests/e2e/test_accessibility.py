"""Accessibility: axe-core (the copy the axe-playwright-python package ships) on every page a
role may open, logged in as that role: no serious or critical violation. Lesser findings
(minor, moderate) are not failures; the test names every serious one it finds, page by page."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.access_world import build_world

from .walk import ROLES_WALKED, walk

BLOCKING = ("serious", "critical")


def _serious(page) -> list[str]:
    results = Axe().run(page).response
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}"
            for v in results["violations"] if v["impact"] in BLOCKING]


@pytest.mark.parametrize("role", ROLES_WALKED)
def test_no_serious_accessibility_violation(app, browser, make_user, make_org, make_listing, role):
    users, ids = build_world(make_user, make_org, make_listing)
    found = walk(app, browser, users, ids, role, _serious)
    assert not found, f"serious accessibility violations for {role}: {found}"
