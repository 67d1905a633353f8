"""Reading a search from request arguments, shared by the search page and the JSON API,
so both run exactly the same search."""
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import escape
from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import LegalStatus, ListingStatus, Patent, PatentType
from ..params import ParamError, as_id, parse_int

FILTER_KEYS = ("industry", "patent_type", "offer_kinds", "open_licence", "fee", "owner_id",
               "district", "legal_status", "ipc")
SORTS = ("relevance", "newest", "fee")
PER_PAGE = 10
MAX_QUERY = 200
MAX_FILTER = 100


def _owner_id(value: str, strict: bool) -> str:
    try:
        return str(parse_int(value, name="owner_id"))
    except ParamError as exc:
        if strict or exc.status != 400:
            raise
        return value  # the page forgives text (it matches no owner), as it forgives a bad sort


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_args(cls, args, *, strict: bool = False) -> "SearchRequest":
        """Read q, filters, sort and page. ``strict`` (the API): a bad sort or page raises
        ValueError instead of falling back to the default. An ``owner_id`` number too large
        for an id raises ParamError (a ValueError with the status to answer) in both modes."""
        if strict:
            if args.get("sort", "relevance") not in SORTS:
                raise ValueError(f"sort must be one of {', '.join(SORTS)}")
            page = args.get("page", "1")
            if not page.isdigit() or not 1 <= int(page) <= 1000:
                raise ValueError("page must be a whole number from 1 to 1000")
            if len(args.get("q", "")) > MAX_QUERY:
                raise ValueError(f"q is longer than {MAX_QUERY} characters")
            for key in FILTER_KEYS:
                if any(len(v) > MAX_FILTER for v in args.getlist(key)):
                    raise ValueError(f"{key} is longer than {MAX_FILTER} characters")
        filters = {}
        for key in FILTER_KEYS:
            values = [v.strip()[:MAX_FILTER] for v in args.getlist(key) if v.strip()]
            if key == "owner_id":
                values = [_owner_id(v, strict) for v in values]
            if values:
                filters[key] = values if len(values) > 1 else values[0]
        sort = args.get("sort", "relevance")
        try:
            page = max(1, min(int(args.get("page", 1)), 1000))
        except ValueError:
            page = 1
        return cls(q=(args.get("q") or "").strip()[:MAX_QUERY], filters=filters,
                   sort=sort if sort in SORTS else "relevance", page=page)

    def args(self, **changes) -> dict:
        """Query-string arguments for a link to this search with ``changes``."""
        out = {"q": self.q, "sort": self.sort, **self.filters}
        out.update(changes)
        return {k: v for k, v in out.items() if v not in (None, "", [], "relevance", 1)}

    def toggled(self, key: str, value: str) -> dict:
        current = self.filters.get(key)
        values = [current] if isinstance(current, str) else list(current or [])
        values = [v for v in values if v != value] if value in values else [*values, value]
        return self.args(**{key: values or None, "page": None})

    def is_selected(self, key: str, value: str) -> bool:
        current = self.filters.get(key)
        return value == current if isinstance(current, str) else value in (current or [])


FACET_ORDER = ("industry", "offer_kinds", "fee", "patent_type", "owner", "district")
OWNER_FACET_SIZE = 12


def facet_groups(request: SearchRequest, facets: dict, label_of, base_url: str) -> list[dict]:
    """The facet sidebar, computed once in Python (links, labels, selection) so the page
    template only prints it. ``label_of(name, item)`` gives an item's visible label."""
    from urllib.parse import urlencode
    groups = []
    for name in FACET_ORDER:
        param = "owner_id" if name == "owner" else name
        items = []
        for item in facets.get(name) or []:
            value = str(item["value"])
            selected = request.is_selected(param, value)
            if not item["count"] and not selected:
                continue
            items.append({"label": label_of(name, item), "count": item["count"],
                          "selected": selected,
                          "url": base_url + "?" + urlencode(request.toggled(param, value),
                                                            doseq=True)})
            if name == "owner" and len(items) >= OWNER_FACET_SIZE:
                break
        if items:
            groups.append({"name": name, "items": items})
    return groups


def run(request: SearchRequest, *, stored: bool = False):
    """The search as the page and the API run it: results, and the public patents of the hits
    (in rank order; anything withdrawn or hidden since it was indexed is dropped).

    ``stored`` (the results page): each hit's listing is the :class:`StoredListing` the index
    holds, no database read; the index follows every listing change (the search outbox,
    applied after the commit that wrote it). Only hits of an index built before it stored
    result cards are loaded from the database."""
    service = current_app.extensions["market.search"]
    result = service.search(request.q, request.filters, sort=request.sort, page=request.page,
                            per_page=PER_PAGE)
    if result.error:
        return database_fallback(request, result.error)
    return result, with_listings(result.hits, stored)


def with_listings(search_hits, stored: bool = False):
    """(hit, listing) of the ``search_hits`` whose listing is public, in their order
    (see :func:`run` for ``stored``); also for a result's related patents."""
    listings = {hit.id: StoredListing(hit) for hit in search_hits
                if stored and hit.card is not None}
    patents = public_patents([hit.id for hit in search_hits if hit.id not in listings])
    for patent_id, patent in patents.items():
        listings[str(patent_id)] = patent
    return [(hit, listings[hit.id]) for hit in search_hits if hit.id in listings]


@dataclass(frozen=True)
class StoredOffer:
    """An active offer as a result card shows it (its offer tag)."""
    kind: str
    is_fast_licence: bool
    upfront_fee_fen: int
    upfront_mode: str


@dataclass(frozen=True)
class StoredOwner:
    name: str


class StoredListing:
    """A listing as the search index stored it for its result card
    (:func:`market.search.index.documents.listing_card`): the attributes of a ``Patent``
    that ``templates/search/_hit.html`` reads, so the card renders the same from either."""

    def __init__(self, hit):
        card = hit.card
        self.id = int(hit.id)
        self.patent_type = card["patent_type"]
        self.industry = card["industry"]
        self.shown_number = card["shown_number"]
        self.ipc_codes = list(card["ipc"])
        self.owner = StoredOwner(card["owner"])
        self.active_offers = [
            StoredOffer(o["kind"], bool(o["fast"]), int(o["upfront_fee_fen"] or 0),
                        o["upfront_mode"])
            for o in card["offers"]]


def public_patents(ids) -> dict[int, Patent]:
    ids = [int(i) for i in ids if str(i).isdigit()]
    if not ids:
        return {}
    rows = db.session.scalars(select(Patent).where(Patent.id.in_(ids))
                              .options(selectinload(Patent.offers), joinedload(Patent.owner)))
    return {p.id: p for p in rows if p.is_public}


SNIPPET_CHARS = 120
MAX_FALLBACK_WORDS = 5  # words of the query (split on spaces), each one must occur


def database_fallback(request: SearchRequest, error: str):
    """While the index cannot be read: public listings straight from the database, newest
    first, whose title, abstract or number contains each word of the query as typed (no ranking, no
    facets). Filters on columns of the listing apply; the others (offer, fee, district, IPC)
    need the index and are left out. ``result.error`` stays set: the page says search is
    degraded and is not cached."""
    from ..search.results import Hit, SearchResult  # the engine loads on first search
    query = _fallback_query(request)
    page = db.paginate(query.order_by(Patent.published_at.desc(), Patent.id.desc()),
                       page=request.page, per_page=PER_PAGE, error_out=False)
    hits = [(Hit(id=str(p.id), score=None, title=str(escape(p.title)),
                 snippet=str(escape((p.abstract or "")[:SNIPPET_CHARS]))), p)
            for p in page.items]
    result = SearchResult(hits=[hit for hit, _ in hits], total=page.total or 0, facets={},
                          page=request.page, per_page=PER_PAGE, sort=request.sort, error=error)
    return result, hits


def _fallback_query(request: SearchRequest):
    query = (select(Patent).where(Patent.status == ListingStatus.PUBLISHED,
                                  Patent.hidden.is_(False))
             .options(selectinload(Patent.offers), joinedload(Patent.owner)))
    for word in request.q.replace("\x00", "").split()[:MAX_FALLBACK_WORDS]:
        query = query.where(or_(*(column.icontains(word, autoescape=True) for column in (
            Patent.title, Patent.abstract, Patent.application_number,
            Patent.publication_number, Patent.grant_number))))
    columns = {"industry": (Patent.industry, str),
               "patent_type": (Patent.patent_type, PatentType),
               "legal_status": (Patent.legal_status, LegalStatus),
               "owner_id": (Patent.owner_org_id, _row_id)}
    for key, (column, convert) in columns.items():
        values = request.filters.get(key)
        if values is None:
            continue
        try:
            wanted = [convert(v) for v in ([values] if isinstance(values, str) else values)]
        except ValueError:
            query = query.where(false())  # a value no listing can have
            continue
        query = query.where(column.in_(wanted))
    return query


def _row_id(value: str) -> int:
    row_id = as_id(value)
    if row_id is None:
        raise ValueError(value)
    return row_id
