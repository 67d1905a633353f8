"""Matching demands and listings both ways, after the commit that published either.

* A demand published by the centre: :func:`match_new_demands` (an after-commit hook on
  ``demand_event``) runs the demand matcher once, keeps the best listings as
  :class:`DemandMatch` rows (the SME's top matches; each university's 需求 inbox), keeps the
  demand's key terms, and tells each university whose patents matched.
* A listing newly in the search index: :func:`match_new_listings` (called with the search
  index's saved-search alerts) looks it up against the open demands' key terms and tells
  each SME whose demand it fits.

Both run after the commit that made the change, in their own unit of work, so the request
that published never waits on a failed match (the next commit retries a demand).
"""
from __future__ import annotations

import logging

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..domain.demands import LISTING_MIN_SHARE, MATCHES_KEPT
from ..extensions import db
from ..models import (
    OPEN_DEMAND_STATES,
    Demand,
    DemandMatch,
    ListingStatus,
    Organisation,
    Patent,
)
from ..models.base import utcnow
from ..search.demand_terms import DemandTermIndex, listing_terms, match_demand
from ..search.index import IndexNotBuilt
from ..unit_of_work import commit
from . import notifications

log = logging.getLogger("market")


def _search():
    return current_app.extensions.get("market.search")


def suggest(title: str, description: str) -> tuple[str, list[str]]:
    """(industry, IPC subclasses) suggested for a demand's text from the listings it matches;
    ("", []) when the index cannot say."""
    service = _search()
    if service is None or not (title or description).strip():
        return "", []
    try:
        found = match_demand(service.holder, description, title=title, top=10)
    except (IndexNotBuilt, OSError):
        return "", []
    ipc = found.suggested_ipc()
    return (found.suggested_industry() if ipc else ""), ipc


def with_suggestions(fields: dict) -> dict:
    """A demand's form fields with the industry and IPC the SME left empty filled from the
    listings its text matches ("other" when the index cannot say)."""
    if fields["industry"] and fields["ipc_codes"]:
        return fields
    industry, ipc = suggest(fields["title"], fields["description"])
    return {**fields, "industry": fields["industry"] or industry or "other",
            "ipc_codes": fields["ipc_codes"] or ipc}


# --- a demand newly published ----------------------------------------------------------------

def match_new_demands() -> int:
    """Match every open demand not matched yet; commit. Returns how many were matched."""
    service = _search()
    demands = db.session.scalars(select(Demand).where(Demand.state.in_(OPEN_DEMAND_STATES),
                                                      Demand.matched_at.is_(None))).all()
    if service is None or not demands:
        db.session.rollback()
        return 0
    done = 0
    for demand in demands:
        try:
            found = match_demand(service.holder, demand.description, title=demand.title,
                                 top=MATCHES_KEPT)
        except (IndexNotBuilt, OSError):
            log.warning("demand %s: no search index to match it against yet", demand.id)
            continue
        _keep_matches(demand, found)
        done += 1
    commit()
    return done


def _keep_matches(demand: Demand, found) -> None:
    demand.key_terms = found.stored_terms()
    demand.matched_at = utcnow()
    hits = found.result.hits
    if not hits:
        return
    best = max(h.score or 0.0 for h in hits) or 1.0
    ids = [int(h.id) for h in hits]
    owners = dict(db.session.execute(select(Patent.id, Patent.owner_org_id)
                                     .where(Patent.id.in_(ids))).all())
    known = set(db.session.scalars(select(DemandMatch.patent_id)
                                   .where(DemandMatch.demand_id == demand.id)))
    for hit in hits:
        patent_id = int(hit.id)
        if patent_id in owners and patent_id not in known:
            db.session.add(DemandMatch(demand_id=demand.id, patent_id=patent_id,
                                       owner_org_id=owners[patent_id],
                                       score=round((hit.score or 0.0) / best, 4),
                                       found_by="demand"))
    orgs = db.session.scalars(select(Organisation).where(
        Organisation.id.in_(set(owners.values())))).all()
    if orgs:
        notifications.notify_orgs(orgs, "demand_match",
                                  _l("A new technology demand matches your patents: %(title)s",
                                     title=demand.title), demand.owner.name,
                                  f"/demands/{demand.id}")


# --- a listing newly published -----------------------------------------------------------------

def open_demand_index() -> DemandTermIndex:
    index = DemandTermIndex(LISTING_MIN_SHARE)
    rows = db.session.execute(select(Demand.id, Demand.key_terms).where(
        Demand.state.in_(OPEN_DEMAND_STATES), Demand.matched_at.is_not(None)))
    for demand_id, terms in rows:
        index.add(demand_id, terms or [])
    return index


def match_new_listings(patent_ids: list[int]) -> int:
    """Tell the SMEs whose open demands the newly listed ``patent_ids`` fit; commit.
    Returns the number of new matches."""
    index = open_demand_index()
    if not len(index):
        return 0
    patents = db.session.scalars(select(Patent).where(
        Patent.id.in_(patent_ids), Patent.status == ListingStatus.PUBLISHED,
        Patent.hidden.is_(False))).all()
    added = 0
    for patent in patents:
        found = index.match(listing_terms(patent.title, patent.abstract, patent.keywords))
        for demand_id, share in found:
            added += _add_listing_match(demand_id, patent, share)
    commit()
    return added


def _add_listing_match(demand_id: int, patent: Patent, share: float) -> int:
    exists = db.session.scalar(select(func.count()).select_from(DemandMatch).where(
        DemandMatch.demand_id == demand_id, DemandMatch.patent_id == patent.id))
    demand = db.session.get(Demand, demand_id)
    if exists or demand.owner_org_id == patent.owner_org_id:
        return 0
    db.session.add(DemandMatch(demand_id=demand_id, patent_id=patent.id,
                               owner_org_id=patent.owner_org_id, score=round(share, 4),
                               found_by="listing"))
    notifications.notify_org(demand.owner, "demand_new_listing",
                             _l("A new listing fits your demand “%(title)s”",
                                title=demand.title), patent.title,
                             f"/demands/{demand.id}")
    return 1


def on_listings_published(search, patent_ids: list[int]) -> int:
    """The search index's ``on_published`` part for demands (failures are logged: the
    listing is published and searchable whatever happens here)."""
    try:
        return match_new_listings(patent_ids)
    except Exception:
        db.session.rollback()
        log.exception("demands: matching new listings %s failed", patent_ids[:5])
        if current_app.config.get("TESTING"):
            raise
        return 0
