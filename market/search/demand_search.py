"""Searching technology demands: the documents, the board's query and the demand index's
service.

The demand index lives in its own directory (``demands/`` under the listing index's) and
holds the open demands (published or answered). Its outbox is the demands' own event log:
every change of a demand that can put it on or take it off the board (publication, an
answer, close, expiry, a return to the draft) writes a :class:`DemandEvent` in the same
transaction (:func:`market.services.demands.transition`), so the index applies the events
it has not seen, after the commit and from ``flask search sync``, exactly as the listing
index applies the search outbox (:class:`market.search.service.IndexSync`).
"""
from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.demands import BUDGET_FACET_VALUES, WANTED_KINDS
from ..extensions import db
from ..models import OPEN_DEMAND_STATES, Demand, DemandEvent
from . import index as engine
from .demand_index import DEMAND
from .highlight import highlight_terms, make_hits
from .index.generations import IndexNotBuilt
from .index.reader import Snapshot, with_snapshot
from .query import _match
from .ranking import rank
from .results import SearchResult
from .schema import INDUSTRIES
from .service import IndexSync

DEMAND_INDEX_SUBDIR = "demands"
FACETS = ("industry", "budget", "wanted_kind")
FACET_ORDER = {
    "industry": INDUSTRIES,
    "budget": BUDGET_FACET_VALUES,
    "wanted_kind": WANTED_KINDS,
}
SORTS = ("relevance", "newest")


def demand_document(demand: Demand) -> dict:
    """The demand index's document of an open demand (the contract of
    :func:`market.search.demand_index.demand_fields`); ``card`` is what the board's card
    shows, so a results page needs no database read."""
    card = {
        "industry": demand.industry, "wanted_kind": demand.wanted_kind,
        "visibility": demand.visibility.value, "owner": demand.owner.name,
        "budget_negotiable": demand.budget_negotiable,
        "budget_min_fen": demand.budget_min_fen, "budget_max_fen": demand.budget_max_fen,
        "currency": demand.currency,
        "published_at": demand.published_at.isoformat() if demand.published_at else None,
        "deadline": demand.deadline.isoformat() if demand.deadline else None,
    }
    return {
        "id": str(demand.id), "title": demand.title, "description": demand.description,
        "ipc": list(demand.ipc_codes or []), "owner": demand.owner.name,
        "owner_org_id": demand.owner_org_id, "visibility": demand.visibility.value,
        "industry": demand.industry, "wanted_kind": demand.wanted_kind,
        "budget_negotiable": demand.budget_negotiable,
        "budget_min_fen": demand.budget_min_fen, "budget_max_fen": demand.budget_max_fen,
        "published_at": demand.published_at, "card": card,
    }


def open_demands():
    """The demands the index holds: published, answered or not."""
    return (select(Demand).where(Demand.state.in_(OPEN_DEMAND_STATES))
            .options(selectinload(Demand.owner)))


@dataclass(frozen=True)
class Viewer:
    """Who searches: whether restricted demands (verified universities and institutes
    only) show to them, and their organisation (its own demands always show)."""
    sees_restricted: bool
    org_id: int | None = None


def _visible(table, docs: set[int], viewer: Viewer) -> set[int]:
    if viewer.sees_restricted:
        return docs
    restricted, owner, org = table.restricted, table.owner, viewer.org_id or -1
    return {d for d in docs if not restricted[d] or owner[d] == org}


def _facet_values(table, docnum: int) -> dict[str, str]:
    industry, budget, wanted = table.combos[table.combo[docnum]]
    return {"industry": industry, "budget": budget, "wanted_kind": wanted}


def _facets_and_final(table, docs: set[int], filters: dict[str, str]):
    """Each facet counted under the other facets' filters (a visitor sees what choosing
    another value of it would give); the documents passing every filter."""
    counts = {name: Counter() for name in FACETS}
    final = set()
    for docnum in docs:
        values = _facet_values(table, docnum)
        misses = [name for name in FACETS if filters.get(name) and values[name] != filters[name]]
        if not misses:
            final.add(docnum)
        if len(misses) > 1:
            continue
        for name in FACETS:
            if not misses or misses == [name]:
                counts[name][values[name]] += 1
    facets = {name: [{"value": value, "count": counts[name][value],
                      "selected": value == filters.get(name)}
                     for value in FACET_ORDER[name] if counts[name][value]]
              for name in FACETS}
    return facets, final


def _run(snap: Snapshot, q: str, filters: dict, viewer: Viewer, sort: str, page: int,
         per_page: int) -> SearchResult:
    result = SearchResult(hits=[], total=0, facets={}, page=page, per_page=per_page, sort=sort)
    matched = _match(snap, q, None)
    docs = _visible(snap.table, matched.docs, viewer)
    result.facets, final = _facets_and_final(snap.table, docs, filters)
    result.terms, result.ipc, result.total = matched.terms, matched.codes, len(final)
    want = page * per_page
    if sort == "relevance" and matched.terms and final:
        scored = rank(snap, final, matched.terms, matched.term_docs, matched.phrase, want)
    else:
        published = snap.table.published
        scored = [(d, None) for d in heapq.nsmallest(want, final,
                                                     key=lambda d: (-published[d], d))]
    result.hits = make_hits(snap, scored[(page - 1) * per_page:want],
                            highlight_terms(q, matched.terms))
    return result


def search_demands(index, q: str = "", filters: dict | None = None,
                   viewer: Viewer = Viewer(False), sort: str = "relevance", page: int = 1,
                   per_page: int = 20) -> SearchResult:
    """The open demands ``viewer`` may see that match ``q`` (words, IPC codes) and
    ``filters`` (one value per facet of :data:`FACETS`), with facet counts."""
    page = max(1, int(page or 1))
    sort = sort if sort in SORTS else "relevance"
    filters = {k: str(v) for k, v in (filters or {}).items() if k in FACETS and v}
    return with_snapshot(index, lambda snap: _run(snap, q, filters, viewer, sort, page,
                                                  per_page))


class DemandSearchService(IndexSync):
    """The demand index of this server; its outbox is the demand event log."""

    kind = DEMAND

    def _outbox_rows(self, after: int, limit: int) -> list[tuple[int, int]]:
        return [tuple(row) for row in db.session.execute(
            select(DemandEvent.id, DemandEvent.demand_id).where(DemandEvent.id > after)
            .order_by(DemandEvent.id).limit(limit))]

    def _outbox_high(self) -> int:
        return db.session.scalar(select(func.max(DemandEvent.id))) or 0

    def _outbox_count(self, after: int) -> int:
        return db.session.scalar(select(func.count()).select_from(DemandEvent)
                                 .where(DemandEvent.id > after)) or 0

    def _documents(self, ids=None) -> dict[int, dict]:
        query = open_demands() if ids is None else open_demands().where(Demand.id.in_(ids))
        return {d.id: demand_document(d) for d in db.session.scalars(query)}

    def _db_ids(self) -> set[str]:
        return {str(i) for i in db.session.scalars(
            select(Demand.id).where(Demand.state.in_(OPEN_DEMAND_STATES)))}

    def search(self, q: str = "", filters: dict | None = None, **kwargs) -> SearchResult:
        """Search; an index that is missing or broken answers empty with ``error`` set
        (the board then searches the database)."""
        try:
            return search_demands(self.holder, q, filters, **kwargs)
        except (IndexNotBuilt, engine.IndexBroken):
            pass
        except Exception:
            self._broken("demand search")
        return SearchResult(hits=[], total=0, facets={}, error="index_broken")


def demand_index_dir(app) -> Path:
    return Path(app.config.get("DEMAND_SEARCH_INDEX_DIR")
                or Path(app.config["SEARCH_INDEX_DIR"]) / DEMAND_INDEX_SUBDIR)
