"""The centre edits an exhibition after opening it: theme, introduction, dates, featured
listings, search, participants, roadshow. The rules keep what the exhibition already led to
true: once it has opened its opening date stays; no closing date in the past; once it has
ended only its words can be corrected; a roadshow people signed up for is moved, not removed
(and they are told). Leads are never touched. Services flush; the request commits."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..domain.dates import LOCAL_ZONE, local_today
from ..domain.patents import FieldError
from ..extensions import db
from ..models import Exhibition, ExhibitionListing, ExhibitionOrganisation, RoadshowSignup, User
from . import audit, notifications
from .errors import FieldErrors
from .exhibitions import ExhibitionDraft, _check_dates, _featured, _require_centre, signups

WORDS = frozenset({"theme", "description"})  # what an ended exhibition may still correct


def draft_of(exhibition: Exhibition) -> ExhibitionDraft:
    """The exhibition as the edit form starts from it."""
    return ExhibitionDraft(
        theme=exhibition.theme, description=exhibition.description or "",
        starts_on=exhibition.starts_on, ends_on=exhibition.ends_on,
        numbers=[item.patent.application_number for item in exhibition.listings],
        org_ids=[item.org_id for item in exhibition.organisations],
        roadshow_at=exhibition.roadshow_at, roadshow_place=exhibition.roadshow_place or "",
        query=exhibition.query or "", filters=dict(exhibition.filters or {}))


def update(user: User, exhibition: Exhibition, draft: ExhibitionDraft,
           today: date | None = None) -> list[str]:
    """Apply ``draft`` to ``exhibition``; returns the names of the fields changed (audited as
    ``exhibition.edited``). Raises PermissionDenied (not the centre) or FieldErrors (the
    rules above, unknown listings, neither listings nor a search)."""
    _require_centre(user)
    _check_dates(draft)
    kept = frozenset(item.patent_id for item in exhibition.listings)
    patent_ids = [p.id for p in _featured(draft.numbers, draft.has_search, kept)]
    changed = _changed(exhibition, draft, patent_ids)
    _check_rules(exhibition, draft, changed, today or local_today())
    if not changed:
        return []
    roadshow_moved = bool({"roadshow_at", "roadshow_place"} & set(changed))
    _apply(exhibition, draft, patent_ids)
    db.session.flush()
    audit.record("exhibition.edited", actor=user, target=exhibition, changed=changed)
    if roadshow_moved:
        _tell_signed_up(exhibition)
    return changed


def _changed(exhibition: Exhibition, draft: ExhibitionDraft, patent_ids: list[int]
             ) -> list[str]:
    before = {
        "theme": exhibition.theme, "description": exhibition.description or "",
        "starts_on": exhibition.starts_on, "ends_on": exhibition.ends_on,
        "listings": [item.patent_id for item in exhibition.listings],
        "query": (exhibition.query or "", dict(exhibition.filters or {})),
        "organisations": [item.org_id for item in exhibition.organisations],
        "roadshow_at": exhibition.roadshow_at,
        "roadshow_place": exhibition.roadshow_place or ""}
    after = {
        "theme": draft.theme, "description": draft.description,
        "starts_on": draft.starts_on, "ends_on": draft.ends_on, "listings": patent_ids,
        "query": (draft.query, dict(draft.filters)),
        "organisations": list(dict.fromkeys(draft.org_ids)),
        "roadshow_at": draft.roadshow_at, "roadshow_place": draft.roadshow_place}
    return [name for name in before if before[name] != after[name]]


def _check_rules(exhibition: Exhibition, draft: ExhibitionDraft, changed: list[str],
                 today: date) -> None:
    errors = []
    if exhibition.ends_on < today:
        errors += [FieldError(name, _l(
            "The exhibition has ended: only its theme and introduction can be corrected, so "
            "what it led to stays counted against what it showed."))
            for name in changed if name not in WORDS]
        if errors:
            raise FieldErrors(errors)
        return
    if "starts_on" in changed and exhibition.starts_on <= today:
        errors.append(FieldError("starts_on", _l(
            "The exhibition opened on %(date)s: its opening date stays.",
            date=exhibition.starts_on.isoformat())))
    if "ends_on" in changed and draft.ends_on < today:
        errors.append(FieldError("ends_on", _l(
            "The closing date cannot be in the past: close it today at the earliest.")))
    if exhibition.roadshow_at is not None and draft.roadshow_at is None:
        signed = db.session.scalar(select(func.count()).where(
            RoadshowSignup.exhibition_id == exhibition.id))
        if signed:
            errors.append(FieldError("roadshow_at", _l(
                "%(n)d people signed up for the roadshow: move the session rather than "
                "removing it.", n=signed)))
    if errors:
        raise FieldErrors(errors)


def _apply(exhibition: Exhibition, draft: ExhibitionDraft, patent_ids: list[int]) -> None:
    exhibition.theme, exhibition.description = draft.theme, draft.description
    exhibition.starts_on, exhibition.ends_on = draft.starts_on, draft.ends_on
    exhibition.query, exhibition.filters = draft.query, dict(draft.filters)
    exhibition.roadshow_at, exhibition.roadshow_place = draft.roadshow_at, draft.roadshow_place
    # keep the rows of listings and organisations that stay (unique per exhibition)
    listings = {item.patent_id: item for item in exhibition.listings}
    exhibition.listings = [listings.get(pid) or ExhibitionListing(patent_id=pid)
                           for pid in patent_ids]
    for position, item in enumerate(exhibition.listings):
        item.position = position
    orgs = {item.org_id: item for item in exhibition.organisations}
    exhibition.organisations = [orgs.get(oid) or ExhibitionOrganisation(org_id=oid)
                                for oid in dict.fromkeys(draft.org_ids)]


def _tell_signed_up(exhibition: Exhibition) -> None:
    """Those signed up for the roadshow learn its new time or place."""
    users = [signup.user for signup in signups(exhibition)]
    if not users:
        return
    where = exhibition.roadshow_place or ""
    notifications.notify_users(
        users, "roadshow_changed",
        _l("The roadshow of “%(theme)s” has moved", theme=exhibition.theme),
        _l("New time: %(when)s %(where)s",
           when=exhibition.roadshow_at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
           if exhibition.roadshow_at else "", where=where),
        f"/exhibitions/{exhibition.id}")
