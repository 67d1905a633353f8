"""Saved-search alerts: tell SMEs when a newly published listing matches a search they saved.

Run after the search index has applied new listings (the after-commit sync, its background
catch-up and ``flask search sync``), in a unit of work of its own: the inbox rows, the
emails (through the outbox) and the "reported" marks commit together.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.mail_kinds import ALERTS
from ..extensions import db
from ..models import Patent, SavedSearch, SavedSearchMatch, User
from ..search import index as engine
from ..search.query import may_match_terms
from ..search.service import patent_document, public_patents
from ..unit_of_work import commit
from . import notifications
from .mail_prefs import email_user

ALERT_PREFILTER_MAX = 200  # new listings up to which saved searches are first checked by terms


def alert_new_listings(search, patent_ids: list[int]) -> int:
    """Add an inbox entry and queue an email for each saved search that ``search`` (the
    app's SearchService) finds among ``patent_ids``, once per search and listing (a unique
    row makes other servers skip it). Flushes; returns the number of alerts."""
    ids = [str(i) for i in patent_ids]
    may_match = _prefilter(patent_ids)
    sent = 0
    for saved in db.session.scalars(select(SavedSearch)).all():
        if not may_match(saved.query):
            continue
        found = search.matching_ids(saved.query, {**(saved.filters or {}), "ids": ids})
        for patent_id in sorted(int(i) for i in found):
            if _mark_reported(saved, patent_id):
                _tell(saved, db.session.get(Patent, patent_id))
                sent += 1
    db.session.flush()
    return sent


def alert_and_commit(search, patent_ids: list[int]) -> int:
    """:func:`alert_new_listings` in its own unit of work (committed, with its hooks: the
    emails go to the outbox worker)."""
    sent = alert_new_listings(search, patent_ids)
    commit()
    return sent


def _mark_reported(saved: SavedSearch, patent_id: int) -> bool:
    """Record that ``saved`` was told about ``patent_id``; False when it was already."""
    try:
        with db.session.begin_nested():
            db.session.add(SavedSearchMatch(saved_search_id=saved.id, patent_id=patent_id))
    except IntegrityError:
        return False  # reported already (by this server or another)
    return True


def _tell(saved: SavedSearch, patent: Patent) -> None:
    user = db.session.get(User, saved.user_id)
    link = f"/patents/{patent.id}"
    notifications.notify_users(
        [user], "saved_search",
        _l("New listing for “%(name)s”: %(title)s", name=saved.name, title=patent.title),
        patent.shown_number, link, email=False)
    email_user(user, ALERTS,
               _l("Shenyang IP Market: a new listing matches “%(name)s”", name=saved.name),
               f"{patent.title}\n{patent.shown_number}", link)


def _prefilter(patent_ids: list[int]):
    """A cheap test that rules out most saved searches before the real search: the words of
    a saved query must occur in the new listings' text (analysed as the index does). Used for
    a few new listings at a time; a bulk import runs every saved search."""
    if len(patent_ids) > ALERT_PREFILTER_MAX:
        return lambda query: True
    doc_terms: set[str] = set()
    for patent in db.session.scalars(public_patents().where(Patent.id.in_(patent_ids))):
        fields = engine.prepare_document(patent_document(patent))
        doc_terms.update(fields["title_tokens"], fields["content_tokens"])
    return lambda query: may_match_terms(query, doc_terms)
