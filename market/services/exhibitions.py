"""Online exhibitions and roadshows: the centre curates them; visitors sign up for the
roadshow; questions and licence requests started from an exhibition are attributed to it.
Services flush; the request commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..domain.dates import local_today
from ..domain.patent_numbers import InvalidPatentNumber, normalise_application_number
from ..domain.patents import FieldError
from ..extensions import db
from ..models import (
    Deal,
    Exhibition,
    ExhibitionLead,
    ExhibitionListing,
    ExhibitionOrganisation,
    ListingQuestion,
    Organisation,
    Patent,
    RoadshowSignup,
    User,
)
from .errors import FieldErrors, PermissionDenied

QUESTION, REQUEST = "question", "request"
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


def _featured(numbers: list[str]) -> list[Patent]:
    """The public listings the numbers name, in order; FieldErrors naming the others."""
    found, bad = [], []
    for raw in numbers:
        try:
            number = normalise_application_number(raw)
        except InvalidPatentNumber:
            bad.append(raw)
            continue
        patent = db.session.scalar(select(Patent).where(Patent.application_number == number))
        if patent is None or not patent.is_public:
            bad.append(raw)
        elif patent not in found:
            found.append(patent)
    if bad:
        raise FieldErrors([FieldError("listings", _l(
            "Not a listing on the market: %(numbers)s", numbers="、".join(bad)))])
    if not found:
        raise FieldErrors([FieldError("listings", _l("Feature at least one listing."))])
    return found


def create(user: User, draft: ExhibitionDraft) -> Exhibition:
    """The centre opens an exhibition. Raises PermissionDenied (not the centre) or
    FieldErrors (dates, unknown listings)."""
    if not user.is_centre:
        raise PermissionDenied(_l("Only the IP service centre curates exhibitions."))
    if draft.ends_on < draft.starts_on:
        raise FieldErrors([FieldError("ends_on", _l("The end comes before the start."))])
    exhibition = Exhibition(
        theme=draft.theme, description=draft.description, starts_on=draft.starts_on,
        ends_on=draft.ends_on, roadshow_at=draft.roadshow_at,
        roadshow_place=draft.roadshow_place, created_by_user_id=user.id)
    exhibition.listings = [ExhibitionListing(patent_id=p.id, position=n)
                           for n, p in enumerate(_featured(draft.numbers))]
    exhibition.organisations = [ExhibitionOrganisation(org_id=org_id)
                                for org_id in dict.fromkeys(draft.org_ids)]
    db.session.add(exhibition)
    db.session.flush()
    return exhibition


def featured_listings(exhibition: Exhibition) -> list[Patent]:
    """The featured listings still on the market."""
    return [item.patent for item in exhibition.listings if item.patent.is_public]


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


def featuring(exhibition_id: int | None, patent_id: int) -> Exhibition | None:
    """The exhibition ``exhibition_id`` if it features the listing (else None: a made-up or
    stale query argument attributes nothing)."""
    if exhibition_id is None:
        return None
    return db.session.scalar(select(Exhibition).join(
        ExhibitionListing, ExhibitionListing.exhibition_id == Exhibition.id).where(
        Exhibition.id == exhibition_id, ExhibitionListing.patent_id == patent_id))


def record_question(exhibition: Exhibition | None, question: ListingQuestion) -> None:
    if exhibition is not None:
        db.session.add(ExhibitionLead(exhibition_id=exhibition.id, kind=QUESTION,
                                      question_id=question.id))


def record_request(exhibition: Exhibition | None, deal: Deal) -> None:
    if exhibition is not None:
        db.session.add(ExhibitionLead(exhibition_id=exhibition.id, kind=REQUEST,
                                      deal_id=deal.id))


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
    """By exhibition id: questions and requests started from it, roadshow sign-ups."""
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
