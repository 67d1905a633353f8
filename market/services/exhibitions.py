"""Online exhibitions and roadshows: the centre curates them (listings chosen by hand and/or
by a stored search) and edits them; visitors sign up for the roadshow; questions, licence
requests, open licences taken and demand answers started from an exhibition are attributed
to it. Services flush; the request commits."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..domain.dates import local_today
from ..domain.patent_numbers import InvalidPatentNumber, normalise_application_number
from ..domain.patents import FieldError
from ..extensions import db
from ..models import (
    Deal,
    DemandAnswer,
    Exhibition,
    ExhibitionLead,
    ExhibitionListing,
    ExhibitionOrganisation,
    ListingQuestion,
    OfferKind,
    Organisation,
    Patent,
    RoadshowSignup,
    User,
)
from ..models.base import utcnow
from . import audit, demand_queries
from .errors import FieldErrors, PermissionDenied
from .search_queries import SearchRequest
from .search_queries import run as run_search

QUESTION, REQUEST, OPEN_LICENCE, ANSWER = "question", "request", "open_licence", "answer"
LEAD_KINDS = (QUESTION, REQUEST, OPEN_LICENCE, ANSWER)
_DIALECT_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class ExhibitionDraft:
    theme: str
    description: str
    starts_on: date
    ends_on: date
    numbers: list[str]  # application or patent numbers of the featured listings, in order
    org_ids: list[int]
    roadshow_at: datetime | None = None
    roadshow_place: str = ""
    # listings defined by a search, as the search page reads it (SearchRequest.from_args)
    query: str = ""
    filters: dict = field(default_factory=dict)

    @property
    def has_search(self) -> bool:
        return bool(self.query or self.filters)


def _featured(numbers: list[str], has_search: bool, kept: frozenset[int] = frozenset()
              ) -> list[Patent]:
    """The public listings the numbers name, in order (``kept``: listings the exhibition
    featured already, kept even if off the market since, so an edit does not fail on them);
    FieldErrors naming the others, or when neither a listing nor a search is given."""
    found, bad = [], []
    for raw in numbers:
        try:
            number = normalise_application_number(raw)
        except InvalidPatentNumber:
            bad.append(raw)
            continue
        patent = db.session.scalar(select(Patent).where(Patent.application_number == number))
        if patent is None or not (patent.is_public or patent.id in kept):
            bad.append(raw)
        elif patent not in found:
            found.append(patent)
    if bad:
        raise FieldErrors([FieldError("listings", _l(
            "Not a listing on the market: %(numbers)s", numbers="、".join(bad)))])
    if not found and not has_search:
        raise FieldErrors([FieldError("listings", _l(
            "Feature at least one listing, or define the listings by a search."))])
    return found


def _require_centre(user: User) -> None:
    if not user.is_centre:
        raise PermissionDenied(_l("Only the IP service centre curates exhibitions."))


def _check_dates(draft: ExhibitionDraft) -> None:
    if draft.ends_on < draft.starts_on:
        raise FieldErrors([FieldError("ends_on", _l("The end comes before the start."))])


def create(user: User, draft: ExhibitionDraft) -> Exhibition:
    """The centre opens an exhibition. Raises PermissionDenied (not the centre) or
    FieldErrors (dates, unknown listings, neither listings nor a search)."""
    _require_centre(user)
    _check_dates(draft)
    exhibition = Exhibition(
        theme=draft.theme, description=draft.description, starts_on=draft.starts_on,
        ends_on=draft.ends_on, roadshow_at=draft.roadshow_at,
        roadshow_place=draft.roadshow_place, query=draft.query, filters=dict(draft.filters),
        created_by_user_id=user.id)
    exhibition.listings = [ExhibitionListing(patent_id=p.id, position=n) for n, p in
                           enumerate(_featured(draft.numbers, draft.has_search))]
    exhibition.organisations = [ExhibitionOrganisation(org_id=org_id)
                                for org_id in dict.fromkeys(draft.org_ids)]
    db.session.add(exhibition)
    db.session.flush()
    audit.record("exhibition.opened", actor=user, target=exhibition, theme=draft.theme)
    return exhibition


def has_search(exhibition: Exhibition) -> bool:
    return bool(exhibition.query or exhibition.filters)


def featured_listings(exhibition: Exhibition) -> list[Patent]:
    """The listings chosen by hand that are still on the market."""
    return [item.patent for item in exhibition.listings if item.patent.is_public]


@dataclass(frozen=True)
class Showcase:
    """What the public page shows: the listings chosen by hand (still on the market) first,
    then the search's current matches (published listings only: one published since
    appears, one withdrawn disappears)."""
    listings: list[Patent]
    search_total: int = 0  # how many listings the search finds today
    search_args: dict = field(default_factory=dict)  # the search page's arguments for all


def search_request(exhibition: Exhibition) -> SearchRequest:
    """The exhibition's search as the search page runs it (newest first without words)."""
    return SearchRequest(q=exhibition.query or "", filters=dict(exhibition.filters or {}),
                         sort="relevance" if exhibition.query else "newest")


def showcase(exhibition: Exhibition) -> Showcase:
    chosen = featured_listings(exhibition)
    if not has_search(exhibition):
        return Showcase(chosen)
    request = search_request(exhibition)
    result, hits = run_search(request)  # first page; the index drops what left the market
    seen = {patent.id for patent in chosen}
    matches = [patent for _, patent in hits if patent.id not in seen]
    return Showcase(chosen + matches, result.total, request.args())


DEMANDS_SHOWN = 5


def demands_to_answer(user, exhibition: Exhibition, listings: list[Patent],
                      today: date | None = None) -> list:
    """For a university or institute on a running exhibition's page: the open demands
    (from its 需求 inbox) that its listings shown there match, not answered yet; their
    answer links carry the exhibition, so an answer counts as one of its leads."""
    today = today or local_today()
    if not (user.is_authenticated and user.can_act and user.org.is_licensor_kind
            and exhibition.starts_on <= today <= exhibition.ends_on):
        return []
    shown = {patent.id for patent in listings if patent.owner_org_id == user.org_id}
    if not shown:
        return []
    rows = [row for row in demand_queries.inbox(user.org_id)
            if not row.answered and shown.intersection(p.id for p in row.patents)]
    return rows[:DEMANDS_SHOWN]


def participants(exhibition: Exhibition) -> list[Organisation]:
    return [item.org for item in exhibition.organisations]


def on_show(today: date | None = None) -> list[Exhibition]:
    """Exhibitions running or to come, soonest first."""
    today = today or local_today()
    return list(db.session.scalars(select(Exhibition).where(Exhibition.ends_on >= today)
                                   .order_by(Exhibition.starts_on, Exhibition.id)))


def past(today: date | None = None, limit: int = 20) -> list[Exhibition]:
    """Exhibitions that have ended, the latest first (their pages stay readable)."""
    today = today or local_today()
    return list(db.session.scalars(select(Exhibition).where(Exhibition.ends_on < today)
                                   .order_by(Exhibition.ends_on.desc(), Exhibition.id.desc())
                                   .limit(limit)))


def featuring(exhibition_id: int | None, *patent_ids: int) -> Exhibition | None:
    """The exhibition ``exhibition_id`` if it features one of the listings, chosen by hand
    or found by its search; else None (a made-up or stale query argument attributes
    nothing). The one rule for every lead: a question, a request, an open licence taken
    or a demand answer counts for an exhibition it started from and that shows its listing."""
    exhibition = db.session.get(Exhibition, exhibition_id) if exhibition_id else None
    if exhibition is None:
        return None
    chosen = {item.patent_id for item in exhibition.listings}
    if chosen.intersection(patent_ids):
        return exhibition
    if has_search(exhibition) and _search_finds(exhibition, patent_ids):
        return exhibition
    return None


def _search_finds(exhibition: Exhibition, patent_ids) -> bool:
    public = [str(p.id) for p in (db.session.get(Patent, pid) for pid in patent_ids)
              if p is not None and p.is_public]
    if not public:
        return False
    service = current_app.extensions["market.search"]
    return bool(service.matching_ids(exhibition.query or "",
                                     {**(exhibition.filters or {}), "ids": public}))


def record_lead(exhibition: Exhibition | None, *, question: ListingQuestion | None = None,
                deal: Deal | None = None, answer: DemandAnswer | None = None) -> None:
    """Attribute one question, deal (a licence request or an open licence taken) or demand
    answer to ``exhibition`` (see :func:`featuring`). Each counts once: a service that hands
    back the same question for a double submit finds its lead there already (the row is
    unique per question, deal and answer; a second insert does nothing)."""
    if exhibition is None:
        return
    if question is not None:
        kind = QUESTION
    elif deal is not None:
        kind = OPEN_LICENCE if deal.kind == OfferKind.OPEN_LICENCE else REQUEST
    else:
        kind = ANSWER
    insert = _DIALECT_INSERT[db.session.get_bind().dialect.name]
    db.session.execute(insert(ExhibitionLead).values(
        exhibition_id=exhibition.id, kind=kind, question_id=getattr(question, "id", None),
        deal_id=getattr(deal, "id", None), answer_id=getattr(answer, "id", None),
        created_at=utcnow()).on_conflict_do_nothing())


def sign_up(user: User, exhibition: Exhibition) -> None:
    """``user`` signs up for the roadshow; signing up twice keeps one row."""
    insert = _DIALECT_INSERT[db.session.get_bind().dialect.name]
    db.session.execute(insert(RoadshowSignup).values(exhibition_id=exhibition.id,
                                                     user_id=user.id)
                       .on_conflict_do_nothing(index_elements=["exhibition_id", "user_id"]))


def signed_up(user, exhibition: Exhibition) -> bool:
    return user.is_authenticated and db.session.scalar(select(func.count()).where(
        RoadshowSignup.exhibition_id == exhibition.id, RoadshowSignup.user_id == user.id)) > 0


def signups(exhibition: Exhibition) -> list[RoadshowSignup]:
    return list(db.session.scalars(select(RoadshowSignup).where(
        RoadshowSignup.exhibition_id == exhibition.id).order_by(RoadshowSignup.id)))


def lead_counts() -> dict[int, dict[str, int]]:
    """By exhibition id: the leads started from it by kind (:data:`LEAD_KINDS`), roadshow
    sign-ups."""
    counts: dict[int, dict[str, int]] = {}
    for exhibition_id, kind, n in db.session.execute(
            select(ExhibitionLead.exhibition_id, ExhibitionLead.kind, func.count())
            .group_by(ExhibitionLead.exhibition_id, ExhibitionLead.kind)):
        counts.setdefault(exhibition_id, {})[kind] = n
    for exhibition_id, n in db.session.execute(
            select(RoadshowSignup.exhibition_id, func.count())
            .group_by(RoadshowSignup.exhibition_id)):
        counts.setdefault(exhibition_id, {})["signups"] = n
    return counts


def all_exhibitions() -> list[Exhibition]:
    return list(db.session.scalars(select(Exhibition).order_by(Exhibition.starts_on.desc(),
                                                               Exhibition.id.desc())))
