"""No page is wider than a 360 px phone: every page of the access matrix that a role may
open (the journeys' pages, each with the objects of a full test world) is loaded in Chromium
at 360 px as that role, and the document must not scroll sideways."""
import pytest

from tests.access_world import build_world
from tests.test_access_matrix import ANON

from .conftest import LiveServer
from .walk import ROLES_WALKED, log_in, pages_of

WIDTH = 360


@pytest.mark.parametrize("role", ROLES_WALKED)
def test_no_page_is_wider_than_a_phone(app, browser, make_user, make_org, make_listing, role):
    users, ids = build_world(make_user, make_org, make_listing)
    paths = pages_of(role, ids)
    assert len(paths) >= 5, paths  # the walk covers the role's pages, not an empty list
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20000)
    too_wide = {}
    with LiveServer(app) as server:
        if role != ANON:
            log_in(page, server.url, users[role].email)
        for path in paths:
            page.goto(server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                too_wide[path] = width
    context.close()
    assert not too_wide, f"pages wider than {WIDTH} px for {role}: {too_wide}"
