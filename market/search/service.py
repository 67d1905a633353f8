"""The search index kept in step with the database.

Listing changes write a ``SearchOutbox`` row in their own transaction. After every commit
that wrote one, and from ``flask search sync`` (on a timer, on every server; it also applies
the other servers' changes), :meth:`SearchService.sync`
applies the rows this server's index has not seen yet: each index directory keeps the id
of the last outbox row it applied, so several servers with their own indexes all follow
the one database. One writer at a time (a file lock); readers are never blocked.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ListingStatus, OfferKind, Patent, SearchOutbox
from . import index as engine
from .demand import demand_match
from .index.generations import read_meta
from .index.kinds import LISTING, DocKind
from .query import matching_ids, search
from .results import SearchResult

log = logging.getLogger("market.search")
STATE_FILE = "outbox-state.json"
SYNC_BATCH = 2000
REQUEST_SYNC_WAIT = 2.0  # seconds a request's after-commit sync waits for a busy index
# Seconds of indexing a request does after its commit; a bulk import's further batches are
# applied by a background thread of the same process (and by the `flask search sync` timer).
REQUEST_SYNC_BUDGET = 2.0
# Rows a request indexes per batch: the budget is checked between batches, so a request's
# batches are small enough (a few hundred listings, well under a second) to keep to it.
REQUEST_SYNC_BATCH = 250


def patent_document(patent: Patent) -> dict:
    """The search engine's document for a listing (the contract of market.search.index)."""
    offers = patent.active_offers
    licences = [o for o in offers if o.kind != OfferKind.ASSIGNMENT]
    fees = [0 if o.upfront_mode == "waived" else o.upfront_fee_fen for o in licences]
    if not fees:
        fees = [o.asking_price_fen or 0 for o in offers] or [0]
    return {
        "id": str(patent.id),
        "application_number": patent.application_number,
        "patent_number": patent.patent_number,
        "publication_number": patent.grant_number or patent.publication_number or "",
        "title": patent.title, "abstract": patent.abstract, "claims": patent.claims,
        "keywords": patent.keywords, "owner": patent.owner.name, "inventors": patent.inventors,
        "ipc": list(patent.ipc_codes or []), "industry": patent.industry,
        "patent_type": str(patent.patent_type), "legal_status": str(patent.legal_status),
        "offer_kinds": sorted({str(o.kind) for o in offers}),
        "open_licence": any(o.kind == OfferKind.OPEN_LICENCE for o in offers),
        "upfront_fee": min(fees), "royalty_bp": min((o.royalty_bp for o in licences), default=0),
        "term_years": max((o.term_years for o in licences), default=0),
        "shown_number": patent.shown_number,
        # the result card's offer tags (templates/_macros/listings.html offer_tags)
        "offers": [{"kind": str(o.kind),
                    "fast": o.kind != OfferKind.ASSIGNMENT and o.is_fast_licence,
                    "upfront_fee_fen": o.upfront_fee_fen, "upfront_mode": o.upfront_mode}
                   for o in offers],
        "district": patent.owner.district, "owner_id": str(patent.owner_org_id),
        "filing_year": patent.filing_date.year if patent.filing_date else None,
        "listed_at": patent.published_at,
    }


def public_patents():
    """The listings the index holds (published, not hidden), with what their documents need."""
    return (select(Patent).where(Patent.status == ListingStatus.PUBLISHED,
                                 Patent.hidden.is_(False))
            .options(selectinload(Patent.offers), selectinload(Patent.owner)))


class IndexSync:
    """One index directory of this server kept in step with the database through an
    outbox (rows of increasing id naming the documents that changed) and a cursor (the
    last row applied). The document kind, the outbox and what the index holds are given
    by a subclass: :class:`SearchService` (listings), ``DemandSearchService`` (demands).

    ``on_published(ids)`` is called after a sync that indexed documents this index did not
    hold before (newly published)."""

    kind: DocKind = LISTING

    def __init__(self, index_dir: str | Path,
                 on_published: Callable[[IndexSync, list[int]], object] | None = None):
        self.index_dir = Path(index_dir)
        self.on_published = on_published

    # --- what the subclass says -----------------------------------------------------
    def _outbox_rows(self, after: int, limit: int) -> list[tuple[int, int]]:
        """(outbox row id, document id) of the rows after ``after``, oldest first."""
        raise NotImplementedError

    def _outbox_high(self) -> int:
        """The id of the newest outbox row (0 when none)."""
        raise NotImplementedError

    def _outbox_count(self, after: int) -> int:
        raise NotImplementedError

    def _documents(self, ids=None) -> dict[int, dict]:
        """The documents the index must hold, by id (only those of ``ids`` when given)."""
        raise NotImplementedError

    def _db_ids(self) -> set[str]:
        """Ids of every document the index must hold (for :meth:`check`)."""
        raise NotImplementedError

    # --- reading ------------------------------------------------------------------
    @property
    def holder(self) -> engine.SearchIndex:
        return engine.open_index(self.index_dir)

    def _broken(self, what: str) -> None:
        """A read failed. If a file of the open index was damaged under it, the index is
        marked broken: searches answer at once (the pages fall back to the database) until
        ``flask search sync`` or ``flask search reindex`` rebuilds it. Otherwise the failure
        was this query's own and the index stays open."""
        log.exception("%s failed", what)
        self.holder.verify()

    # --- the outbox cursor --------------------------------------------------------
    @contextlib.contextmanager
    def _sync_lock(self, timeout: float | None = None):
        """One writer of this index at a time (threads and processes). With a ``timeout``
        (seconds) yields False when another still holds it by then (a rebuild or a merge
        may take minutes; an ordinary sync milliseconds)."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.index_dir / "sync.lock", "a+") as fh:
            if timeout is None:
                fcntl.flock(fh, fcntl.LOCK_EX)
            else:
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            yield False
                            return
                        time.sleep(0.01)
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def state_token(self) -> str:
        """Changes whenever this index changes (rebuilt, or outbox rows applied)."""
        try:
            return (self.index_dir / STATE_FILE).read_text()
        except FileNotFoundError:
            return "unbuilt"

    def applied_id(self) -> int:
        try:
            state = json.loads((self.index_dir / STATE_FILE).read_text())
        except (FileNotFoundError, ValueError):
            return -1  # never synced: a full build is needed
        if state.get("generation") != getattr(engine.current_generation(self.index_dir),
                                               "name", None):
            return -1  # the index was replaced (restored, deleted): rebuild
        return int(state.get("applied", -1))

    def _set_applied(self, applied: int) -> None:
        gen = engine.current_generation(self.index_dir)
        tmp = self.index_dir / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps({"applied": applied, "generation": gen.name if gen else None}))
        os.replace(tmp, self.index_dir / STATE_FILE)

    # --- writing --------------------------------------------------------------------
    def reindex(self) -> int:
        """Rebuild the whole index from the database into a new generation, swap it in."""
        with self._sync_lock():
            high = self._outbox_high()
            docs = list(self._documents().values())
            engine.build_index(self.index_dir, docs, kind=self.kind)
            self._set_applied(high)
            db.session.rollback()  # end the read transaction
        self.holder.invalidate()
        log.info("search index rebuilt: %d %ss, outbox at %d", len(docs), self.kind.name, high)
        return len(docs)

    def sync(self, *, alerts: bool = True, wait: float | None = None,
             budget: float | None = None, batch: int = SYNC_BATCH) -> int:
        """Apply the outbox rows this index has not seen. Returns the number applied.
        With ``wait`` (seconds; after a request's commit) the rows are left to the next sync
        when another writer holds the index longer than that, rather than keep the visitor
        waiting through a rebuild or a merge. With ``budget`` (seconds) no further batch is
        started once that much time has passed: the rest waits for the next sync. ``batch``
        is the number of outbox rows applied at a time."""
        applied = self.applied_id()
        if applied < 0:
            self.reindex()
            return 0
        if wait is None and not self.readable():  # the timer (a request never rebuilds)
            log.error("search index unreadable: rebuilding it from the database")
            self.reindex()
            return 0
        if wait is None and self.outdated():
            log.warning("search index of another schema version: rebuilding it")
            self.reindex()
            return 0
        if not self.behind(applied):
            return 0
        if self.holder.is_broken():
            return 0  # a request on a damaged index: the timer's sync rebuilds it
        count, published, started = 0, [], time.monotonic()
        with self._sync_lock(wait) as locked:
            if not locked:
                log.info("search index busy (rebuild or merge): outbox rows left to the next sync")
                return 0
            applied = self.applied_id()
            while True:
                rows = self._outbox_rows(applied, batch)
                if not rows:
                    break
                ids = {doc_id for _, doc_id in rows}
                public = self._documents(ids)
                known = self._indexed_ids(ids)
                ops = [("update", doc) for doc in public.values()]
                ops += [("delete", str(i)) for i in ids - set(public)]
                engine.write_ops(self.index_dir, ops)
                published += [i for i in public if str(i) not in known]
                applied = rows[-1][0]
                self._set_applied(applied)
                count += len(rows)
                if budget is not None and time.monotonic() - started > budget:
                    break
            db.session.rollback()
        if alerts and published and self.on_published is not None:
            self.on_published(self, published)
        return count

    def compact(self, max_segments: int = engine.MAX_SEGMENTS) -> tuple[int, int]:
        """Merge this index's segments into one when there are more than ``max_segments``
        (see :func:`market.search.index.compact`); returns the count before and after."""
        with self._sync_lock():
            return engine.compact(self.index_dir, max_segments)

    def _indexed_ids(self, ids) -> set[str]:
        wanted = {str(i) for i in ids}
        return wanted & self.indexed_ids()

    def indexed_ids(self) -> set[str]:
        """Ids of the live (not deleted) documents of the current index."""
        try:
            with self.holder.snapshot() as snap:
                table_ids = snap.table.ids
                return {table_ids[n] for n in snap.searcher.reader().all_doc_ids()}
        except engine.IndexNotBuilt:
            return set()

    # --- checking -------------------------------------------------------------------
    def check(self) -> dict:
        """Compare the index with the database: documents missing or extra (the report keeps
        the word "listings" for the database's count, whatever the kind)."""
        db_ids = self._db_ids()
        try:
            index_ids = self.indexed_ids()
        except engine.IndexBroken as exc:
            return {"consistent": False, "broken": str(exc), "listings": len(db_ids)}
        pending = self._outbox_count(self.applied_id())
        return {"consistent": db_ids == index_ids,
                "missing": sorted(db_ids - index_ids, key=int),
                "extra": sorted(index_ids - db_ids, key=lambda x: int(x) if x.isdigit() else 0),
                "indexed": len(index_ids), "listings": len(db_ids), "outbox_pending": pending}

    def readable(self) -> bool:
        """Whether this index can be read: it opens, and no file of it was damaged since it
        was opened (a damaged index is marked broken, see :meth:`SearchIndex.verify`)."""
        try:
            with self.holder.snapshot():
                pass
        except engine.IndexNotBuilt:
            return True  # nothing to read yet: sync builds it
        except Exception:  # noqa: BLE001 - any failure to open means unreadable
            return False
        return not self.holder.verify()

    def outdated(self) -> bool:
        """Whether the current index was built with another schema version (its fields or
        terms changed since): the timer's sync rebuilds it; until then it is searched as is
        (the results page loads from the database what it lacks)."""
        gen = engine.current_generation(self.index_dir)
        return gen is not None and read_meta(gen).get("schema_version") != self.kind.schema_version

    def behind(self, applied: int | None = None) -> bool:
        """Whether the outbox holds rows this index has not applied."""
        applied = self.applied_id() if applied is None else applied
        return bool(self._outbox_rows(applied, 1))

    def lag(self) -> dict:
        """How far this index is behind the database: outbox rows not applied yet."""
        applied = self.applied_id()
        newest = self._outbox_high()
        behind = self._outbox_count(applied)
        return {"applied_outbox_id": applied, "outbox_id": newest, "lag": behind}

    def health(self, max_lag: int | None = None) -> dict:
        """``ok`` False when the index is missing or unreadable, or more than ``max_lag``
        outbox rows behind the database."""
        try:
            lag = self.lag()
        finally:
            db.session.rollback()  # end the read transaction
        if max_lag is not None:
            lag["max_lag"] = max_lag
        try:
            if not self.readable():
                return {"ok": False, "error": "broken", **lag}
            with self.holder.snapshot() as snap:
                docs = snap.searcher.doc_count()
        except engine.IndexNotBuilt:
            return {"ok": False, "error": "not built", **lag}
        except Exception as exc:  # noqa: BLE001 - report, don't crash the health check
            return {"ok": False, "error": type(exc).__name__, **lag}
        if max_lag is not None and lag["lag"] > max_lag:
            return {"ok": False, "error": "behind", "documents": docs, **lag}
        return {"ok": True, "documents": docs, **lag}


class SearchService(IndexSync):
    """One per app: the listing index of this server (search, demand matching) and its
    outbox cursor (:class:`SearchOutbox`). The app's ``on_published`` alerts saved searches
    (:func:`market.services.saved_searches.alert_and_commit`)."""

    kind = LISTING

    def _outbox_rows(self, after: int, limit: int) -> list[tuple[int, int]]:
        return [tuple(row) for row in db.session.execute(
            select(SearchOutbox.id, SearchOutbox.patent_id).where(SearchOutbox.id > after)
            .order_by(SearchOutbox.id).limit(limit))]

    def _outbox_high(self) -> int:
        return db.session.scalar(select(func.max(SearchOutbox.id))) or 0

    def _outbox_count(self, after: int) -> int:
        return db.session.scalar(select(func.count()).select_from(SearchOutbox)
                                 .where(SearchOutbox.id > after)) or 0

    def _documents(self, ids=None) -> dict[int, dict]:
        query = public_patents() if ids is None else public_patents().where(Patent.id.in_(ids))
        return {p.id: patent_document(p) for p in db.session.scalars(query)}

    def _db_ids(self) -> set[str]:
        return {str(i) for i in db.session.scalars(
            select(Patent.id).where(Patent.status == ListingStatus.PUBLISHED,
                                    Patent.hidden.is_(False)))}

    def search(self, q: str = "", filters: dict | None = None, **kwargs) -> SearchResult:
        """Search; an index that is missing or broken answers empty with ``error`` set."""
        try:
            result = search(self.holder, q, filters, **kwargs)
        except (engine.IndexNotBuilt, engine.IndexBroken):
            return _broken_result(kwargs)
        except Exception:
            self._broken("search")
            return _broken_result(kwargs)
        return result

    def matching_ids(self, q: str, filters: dict | None = None) -> set[str]:
        """Ids of the listings the search finds, unranked; empty when the index is broken."""
        try:
            return matching_ids(self.holder, q, filters)
        except (engine.IndexNotBuilt, engine.IndexBroken):
            return set()
        except Exception:
            self._broken("search")
            return set()

    def demand(self, text: str, top: int = 10, filters: dict | None = None, **edits):
        """Demand matching (``edits``: ``title``, ``drop``, ``add`` of :func:`demand_match`);
        -> (result, None) or (None, error code)."""
        try:
            return demand_match(self.holder, text, top=top, filters=filters, **edits), None
        except engine.IndexNotBuilt:
            return None, "index_not_built"
        except engine.IndexBroken:
            return None, "index_broken"
        except Exception:
            self._broken("demand matching")
            return None, "index_broken"


def _broken_result(kwargs) -> SearchResult:
    return SearchResult(hits=[], total=0, facets={}, page=kwargs.get("page", 1),
                        per_page=kwargs.get("per_page", 10),
                        sort=kwargs.get("sort", "relevance"), error="index_broken")


def init_app(app: Flask) -> None:
    """Create the app's search service; sync it after every commit that changed a listing
    (wrote a search outbox row) and alert saved searches to what it newly indexed."""
    # deferred: the cycle with market.services.demand_matching (it matches on this index)
    from ..services import demand_matching

    # deferred: the cycle with market.services.saved_searches (its alerts search this index)
    from ..services.saved_searches import alert_and_commit
    from ..unit_of_work import register_after_commit

    def on_published(search, patent_ids):
        alert_and_commit(search, patent_ids)
        demand_matching.on_listings_published(search, patent_ids)

    # deferred: the cycle with market.search.demand_search (its service builds on this module)
    from .demand_search import DemandSearchService, demand_index_dir

    service = SearchService(app.config["SEARCH_INDEX_DIR"], on_published=on_published)
    app.extensions["market.search"] = service
    app.extensions["market.demand_search"] = DemandSearchService(demand_index_dir(app))
    if app.config.get("SEARCH_SYNC_AFTER_COMMIT", True):
        register_after_commit(app, _sync_after_commit, first=True,  # before email delivery
                              tables=[SearchOutbox.__tablename__])
        # a demand published, answered, closed or expired: the board's index follows
        register_after_commit(app, _sync_demands_after_commit, first=True,
                              tables=["demand_event"])
    # a demand the centre published is matched against the listings once it is committed
    register_after_commit(app, demand_matching.match_new_demands, tables=["demand_event"])


def _sync_after_commit() -> None:
    """The request's listing changes are searchable when it answers: applied here, within
    ``REQUEST_SYNC_BUDGET``. What is left (a bulk import past the budget, or an index busy
    with a rebuild or merge) is applied by a background thread of this process."""
    service = current_app.extensions["market.search"]
    service.sync(wait=REQUEST_SYNC_WAIT, budget=REQUEST_SYNC_BUDGET, batch=REQUEST_SYNC_BATCH)
    behind = service.behind()
    db.session.rollback()  # end the read transaction (the request has committed)
    if behind:
        _catch_up_in_background(current_app._get_current_object(), service)


def _sync_demands_after_commit() -> None:
    """The request's demand changes show on the board when it answers. Demands change one
    at a time, so there is no bulk to leave to a background thread: what a busy index could
    not take now is applied by the next sync (after a commit, or the timer's)."""
    service = current_app.extensions["market.demand_search"]
    service.sync(wait=REQUEST_SYNC_WAIT, budget=REQUEST_SYNC_BUDGET, batch=REQUEST_SYNC_BATCH)
    db.session.rollback()  # end the read transaction (the request has committed)


_catching_up = threading.Lock()


def _catch_up_in_background(app: Flask, service: SearchService) -> None:
    """Apply what a request left behind (a bulk import) in a thread of this process, one
    thread at a time, so the visitor is not kept waiting and the listings are searchable
    without waiting for the timer."""
    if not _catching_up.acquire(blocking=False):
        return  # already catching up: that thread applies the new rows too

    def run() -> None:
        try:
            with app.app_context():  # a session of its own
                while service.sync(wait=60, budget=REQUEST_SYNC_BUDGET):
                    db.session.expunge_all()  # hold one stretch of listings, not 50,000
        except Exception:  # noqa: BLE001 - the timer applies what this thread could not
            log.exception("search: background catch-up failed; the next sync applies the rest")
        finally:
            _catching_up.release()

    threading.Thread(target=run, name="search-catch-up", daemon=True).start()
