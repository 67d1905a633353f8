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

from .walk import ROLES_WALKED, walk

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
# The longer English labels still fit the main bar on one row at 1280 px (the walk's width).
MAIN_BAR_ROWS = """() => new Set([...document.querySelectorAll('.main-nav a')]
  .map(a => Math.round(a.getBoundingClientRect().top))).size"""
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

    def untranslated(page) -> list[str]:
        wrong = sorted(_untranslated(page.evaluate(VISIBLE_ENGLISH_TEXT), stored))
        return wrong + ([] if page.evaluate(MAIN_BAR_ROWS) <= 1 else ["main bar wraps"])
    found = walk(app, browser, users, ids, role, untranslated, lang="en")
    assert not found, f"Chinese (or a wrapped main bar) on English pages for {role}: {found}"
