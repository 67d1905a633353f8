"""No page is wider than a 360 px phone: every page of the access matrix that a role may
open (the journeys' pages, each with the objects of a full test world) is loaded in Chromium
at 360 px as that role, and the document must not scroll sideways."""
import pytest

from tests.access_world import build_world

from .walk import ROLES_WALKED, walk

WIDTH = 360


def _too_wide(page) -> int | None:
    width = page.evaluate("document.documentElement.scrollWidth")
    return width if width > WIDTH else None


@pytest.mark.parametrize("role", ROLES_WALKED)
def test_no_page_is_wider_than_a_phone(app, browser, make_user, make_org, make_listing, role):
    users, ids = build_world(make_user, make_org, make_listing)
    too_wide = walk(app, browser, users, ids, role, _too_wide, width=WIDTH)
    assert not too_wide, f"pages wider than {WIDTH} px for {role}: {too_wide}"
