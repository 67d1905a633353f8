"""What the demand pages read: the board, an SME's own demands, a university's 需求 inbox,
a demand's matches, and the centre's counts."""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..domain.demands import ANSWERED_WITHIN_DAYS, MATCHES_SHOWN
from ..extensions import db
from ..models import (
    OPEN_DEMAND_STATES,
    Deal,
    Demand,
    DemandAnswer,
    DemandMatch,
    DemandState,
    DemandVisibility,
    ListingStatus,
    Patent,
)
from ..models.demands import demand_answer_patent
from ..permissions import member_org_id
from ..search.analysis import query_words
from ..search.demand_search import Viewer
from ..search.schema import INDUSTRIES
from .demands import LICENSOR, role_of, sees_restricted
from .search_queries import StoredOwner

MAX_QUERY = 200
PER_PAGE = 20


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _text_condition(q: str):
    """Every word of ``q`` (cut as the search page cuts it) in the title or the text; a word
    the text was cut differently for matches through all of its sub-words."""
    conditions = []
    for word, subs in query_words(q[:MAX_QUERY]):
        def holds(w):
            return or_(Demand.title.like(_like(w), escape="\\"),
                       Demand.description.like(_like(w), escape="\\"))
        conditions.append(or_(holds(word), and_(*map(holds, subs))) if subs else holds(word))
    return and_(*conditions) if conditions else None


@dataclass
class Board:
    demands: list
    total: int
    facets: dict[str, list[dict]]
    error: str | None = None  # the demand index could not be read: the database answered
    pages: int = 1


def viewer_of(user) -> Viewer:
    """What the board shows ``user``: restricted demands to the centre and to verified
    universities and institutes; an SME's own demands to it whatever their visibility."""
    if not user.is_authenticated:
        return Viewer(sees_restricted=False)
    # a request to join an SME is not membership: its demands are not yet the user's own
    return Viewer(sees_restricted=sees_restricted(user), org_id=member_org_id(user))


def board(user, q: str = "", industry: str = "", wanted_kind: str = "", budget: str = "",
          sort: str = "relevance", page: int = 1) -> Board:
    """The open demands ``user`` may see, searched with the listings' engine (the demand
    index), with counts by industry, budget and wanted licence kind (each counted under the
    other filters); ranked by relevance when words are searched, else newest first. When
    the demand index cannot be read, the database answers (:func:`database_board`)."""
    service = current_app.extensions["market.demand_search"]
    result = service.search(q[:MAX_QUERY], {"industry": industry, "wanted_kind": wanted_kind,
                                            "budget": budget},
                            viewer=viewer_of(user), sort=sort, page=page, per_page=PER_PAGE)
    if result.error:
        found = database_board(user, q, industry, wanted_kind)
        found.error = result.error
        return found
    return Board([StoredDemand(hit) for hit in result.hits], result.total, result.facets,
                 pages=result.pages)


class StoredDemand:
    """A demand as the demand index stored it for its card: the attributes of a ``Demand``
    that ``templates/demands/_card.html`` reads, plus the title and snippet with the
    searched words marked."""

    def __init__(self, hit):
        card = hit.card
        self.id = int(hit.id)
        # escaped HTML whose only markup is <mark> (the template shows them |safe)
        self.marked_title, self.marked_snippet = hit.title, hit.snippet
        self.title, self.description = _unmarked(hit.title), _unmarked(hit.snippet)
        self.owner = StoredOwner(card["owner"])
        self.industry, self.wanted_kind = card["industry"], card["wanted_kind"]
        self.visibility = DemandVisibility(card["visibility"])
        self.budget_negotiable = card["budget_negotiable"]
        self.budget_min_fen, self.budget_max_fen = card["budget_min_fen"], card["budget_max_fen"]
        self.currency = card["currency"]
        self.published_at = datetime.fromisoformat(card["published_at"]) \
            if card["published_at"] else None
        self.deadline = date.fromisoformat(card["deadline"]) if card["deadline"] else None


def _unmarked(marked: str) -> str:
    return html.unescape(marked.replace("<mark>", "").replace("</mark>", ""))


def database_board(user, q: str = "", industry: str = "", wanted_kind: str = "") -> Board:
    """The board read from the database (the demand index is missing or damaged): words
    matched with LIKE, newest first, no budget facet."""
    base = [Demand.state.in_(OPEN_DEMAND_STATES)]
    viewer = viewer_of(user)
    if not viewer.sees_restricted:
        visible = Demand.visibility == DemandVisibility.PUBLIC
        if viewer.org_id is not None:
            visible = or_(visible, Demand.owner_org_id == viewer.org_id)
        base.append(visible)
    text = _text_condition(q) if q.strip() else None
    if text is not None:
        base.append(text)
    by_industry = [Demand.industry == industry] if industry else []
    by_kind = [Demand.wanted_kind == wanted_kind] if wanted_kind else []
    rows = db.session.scalars(select(Demand).where(*base, *by_industry, *by_kind)
                              .options(selectinload(Demand.owner))
                              .order_by(Demand.published_at.desc(), Demand.id.desc())
                              .limit(PER_PAGE * 5)).all()
    total = db.session.scalar(select(func.count()).select_from(Demand)
                              .where(*base, *by_industry, *by_kind)) or 0
    industries = dict(db.session.execute(select(Demand.industry, func.count())
                                         .where(*base, *by_kind).group_by(Demand.industry)).all())
    kinds = dict(db.session.execute(select(Demand.wanted_kind, func.count())
                                    .where(*base, *by_industry)
                                    .group_by(Demand.wanted_kind)).all())
    facets = {
        "industry": [{"value": v, "count": industries[v], "selected": v == industry}
                     for v in INDUSTRIES if industries.get(v)],
        "wanted_kind": [{"value": v, "count": n, "selected": v == wanted_kind}
                        for v, n in sorted(kinds.items())],
    }
    return Board(list(rows), total, facets)


def mine(org_id: int) -> list[Demand]:
    return list(db.session.scalars(select(Demand).where(Demand.owner_org_id == org_id)
                                   .options(selectinload(Demand.answers))
                                   .order_by(Demand.created_at.desc(), Demand.id.desc())))


@dataclass
class InboxRow:
    demand: Demand
    score: float
    patents: list[Patent]
    answered: bool


def inbox(org_id: int) -> list[InboxRow]:
    """The open demands that match this organisation's listed patents, best match first;
    each with the organisation's patents that matched it and whether it has answered."""
    matches = db.session.execute(
        select(DemandMatch, Demand).join(Demand, Demand.id == DemandMatch.demand_id)
        .where(DemandMatch.owner_org_id == org_id, Demand.state.in_(OPEN_DEMAND_STATES))
        .options(selectinload(DemandMatch.patent))).all()
    answered = set(db.session.scalars(select(DemandAnswer.demand_id)
                                      .where(DemandAnswer.org_id == org_id)))
    rows: dict[int, InboxRow] = {}
    for match, demand in matches:
        patent = match.patent
        if patent.status != ListingStatus.PUBLISHED or patent.hidden:
            continue
        row = rows.setdefault(demand.id, InboxRow(demand, 0.0, [], demand.id in answered))
        row.score = max(row.score, match.score)
        row.patents.append(patent)
    return sorted(rows.values(), key=lambda r: (r.answered, -r.score,
                                                -r.demand.published_at.timestamp()))


def top_matches(demand: Demand, limit: int = MATCHES_SHOWN) -> list[tuple[Patent, float]]:
    """The listings found for the demand that are still on the market, best first."""
    rows = db.session.execute(
        select(Patent, DemandMatch.score).join(DemandMatch, DemandMatch.patent_id == Patent.id)
        .where(DemandMatch.demand_id == demand.id, Patent.status == ListingStatus.PUBLISHED,
               Patent.hidden.is_(False))
        .order_by(DemandMatch.score.desc(), Patent.id).limit(limit)).all()
    return [(patent, score) for patent, score in rows]


def matched_patent_ids(demand: Demand, org_id: int) -> list[int]:
    return list(db.session.scalars(select(DemandMatch.patent_id).where(
        DemandMatch.demand_id == demand.id, DemandMatch.owner_org_id == org_id)))


def is_in_inbox(demand: Demand, user) -> bool:
    return role_of(demand, user) == LICENSOR and bool(matched_patent_ids(demand, user.org_id))


# --- the centre's counts -----------------------------------------------------------------------

def counts() -> dict[str, int]:
    """Demands posted (published at some time), answered within ANSWERED_WITHIN_DAYS of
    publication, and turned into deals (the demand's owner requested a licence of a patent
    named in one of its answers, after that answer)."""
    posted = db.session.scalar(select(func.count()).select_from(Demand)
                               .where(Demand.published_at.is_not(None))) or 0
    answered = db.session.scalars(select(Demand).where(
        Demand.first_answered_at.is_not(None), Demand.published_at.is_not(None))).all()
    quick = sum(1 for d in answered
                if d.first_answered_at - d.published_at <= timedelta(days=ANSWERED_WITHIN_DAYS))
    to_deals = db.session.scalar(
        select(func.count(func.distinct(Demand.id))).select_from(Demand)
        .join(DemandAnswer, DemandAnswer.demand_id == Demand.id)
        .join(demand_answer_patent, demand_answer_patent.c.answer_id == DemandAnswer.id)
        .join(Deal, and_(Deal.patent_id == demand_answer_patent.c.patent_id,
                         Deal.licensee_org_id == Demand.owner_org_id,
                         Deal.created_at >= DemandAnswer.created_at)))
    return {"posted": posted, "answered_quickly": quick, "to_deals": to_deals or 0,
            "pending": db.session.scalar(select(func.count()).select_from(Demand)
                                         .where(Demand.state == DemandState.PENDING)) or 0}


def pending_demand_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Demand)
                             .where(Demand.state == DemandState.PENDING)) or 0
