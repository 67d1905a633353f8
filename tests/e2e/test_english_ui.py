"""The English interface speaks English: every page each role may open, in English, shows
Chinese only where the platform shows what people wrote or registered (organisation and
person names, addresses, patent titles and texts, file names: every text stored in the
world's records) and legal texts that are Chinese by law. Anything else in Chinese is the
platform's own wording left untranslated."""
import re

import pytest
from sqlalchemy import String, Text, select

from market.extensions import db
from tests.access_world import build_world
from tests.test_access_matrix import ANON

from .conftest import LiveServer
from .walk import ROLES_WALKED, log_in, pages_of

HAN = re.compile(r"[\u3400-\u9fff]+")
# The platform's own words, not data, even where a table stores them.
# The page's text outside elements marked as Chinese (lang="zh…": the language switch,
# place names), as a reader sees it.
VISIBLE_ENGLISH_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('[lang^="zh"], script, style').forEach(el => el.remove());
  document.documentElement.appendChild(body);
  const text = body.innerText;
  body.remove();
  return text;
}"""
PLATFORM_TABLES = {"notification", "outbox_email", "audit_event", "mail_digest", "digest_item"}


def _stored_texts() -> set[str]:
    """Every Chinese run stored in the world's records (proper names, patent texts, the
    frozen contracts' data and the parties' declarations), the platform's messages apart."""
    runs = set()
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        if table.name in PLATFORM_TABLES:
            continue
        columns = [c for c in table.columns if isinstance(c.type, String | Text)
                   or c.type.__class__.__name__ == "JSON"]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                runs.update(HAN.findall(str(value)) if value is not None else ())
    return runs


def _untranslated(text: str, stored: set[str]) -> set[str]:
    return {run for run in HAN.findall(text)
            if not any(run in data for data in stored)}


@pytest.mark.parametrize("role", ROLES_WALKED)
def test_english_pages_have_no_untranslated_chinese(app, browser, make_user, make_org,
                                                    make_listing, role):
    users, ids = build_world(make_user, make_org, make_listing)
    stored = _stored_texts()
    assert any("大学" in run for run in stored)  # the world's names are counted as data
    paths = pages_of(role, ids)
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    found = {}
    with LiveServer(app) as server:
        page.goto(f"{server.url}/?lang=en")  # the language switch, remembered in a cookie
        if role != ANON:
            log_in(page, server.url, users[role].email, lang="en")
        for path in paths:
            page.goto(server.url + path)
            runs = _untranslated(page.evaluate(VISIBLE_ENGLISH_TEXT), stored)
            if runs:
                found[path] = sorted(runs)
    context.close()
    assert not found, f"Chinese on English pages for {role}: {found}"

