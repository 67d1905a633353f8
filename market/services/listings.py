"""Listings: patents on the market and their offers. Every rule about what may be offered
lives here, and each refusal names the field it is about.

Services flush; the request commits. Each change of a listing writes a ListingChange (who,
when, before/after) and a SearchOutbox row in the same transaction.
"""
from __future__ import annotations

from datetime import date
from pathlib import PurePath

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, insert, select
from sqlalchemy.exc import IntegrityError

from ..domain.dates import local_today
from ..domain.open_licence import (
    EVALUATION_CONCLUSIONS,
    MAX_ANNOUNCEMENT_NUMBER,
    needs_evaluation_report,
)
from ..domain.patents import (
    PATENT_FIELDS,
    FieldError,
    clean_patent,
    in_force,
    offerable,
    remaining_life_days,
)
from ..domain.terms import (
    EDITABLE_TERM_FIELDS,
    LicenceTerms,
    TermError,
    summary_en,
    summary_zh,
    term_warnings,
    validate_terms,
)
from ..extensions import db
from ..models import (
    Attachment,
    Deal,
    DealState,
    EvaluationReport,
    LicenceKind,
    ListingChange,
    ListingStatus,
    Offer,
    OfferKind,
    Patent,
    SearchOutbox,
    User,
)
from ..models.base import utcnow
from . import follows
from .errors import FieldErrors, PermissionDenied, ServiceError
from .uploads import check_scan

OFFER_FIELDS = ("kind", "licence_kind", *EDITABLE_TERM_FIELDS, "asking_price_fen",
                "declared_on", "cnipa_announcement_number")
# an assignment's asking price above this gets the same "check the figure" notice as a fee
ASSIGNMENT_NORM_PRICE_FEN = 2_000_000_000


def _require_owner(user: User, patent: Patent) -> None:
    if user.org_id != patent.owner_org_id or not user.can_act:
        raise PermissionDenied(_l("Only the owning organisation can change this listing."))


def require_licensor(user: User) -> None:
    if not user.can_act or not user.org.is_licensor_kind:
        raise PermissionDenied(_l("Only verified universities and research institutes can "
                                  "list patents."))


def owner_of_number(application_number: str) -> int | None:
    return db.session.scalar(select(Patent.owner_org_id).where(
        Patent.application_number == application_number))


def duplicate_number_error(application_number: str, org_id: int) -> FieldError | None:
    owner = owner_of_number(application_number)
    return None if owner is None else duplicate_number_error_for(owner, org_id)


def duplicate_number_error_for(owner_org_id: int | None, org_id: int) -> FieldError:
    """The refusal for a number already listed by ``owner_org_id`` (None: someone else)."""
    if owner_org_id == org_id:
        return FieldError("application_number", _l("You have already listed this patent."))
    return FieldError("application_number",
                      _l("Another organisation has already listed this patent. If it is yours, "
                         "contact the IP service centre."))


def _snapshot(obj, fields) -> dict:
    out = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if isinstance(value, date) else \
            (str(value) if hasattr(value, "value") else value)
    return out


def _log(patent: Patent, user: User | None, action: str, before: dict, after: dict,
         offer: Offer | None = None) -> None:
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    db.session.add(ListingChange(
        patent_id=patent.id, offer_id=offer.id if offer else None,
        user_id=user.id if user else None, action=action,
        before={k: before.get(k) for k in changed}, after={k: after.get(k) for k in changed}))


def touch_search(patent: Patent) -> None:
    """Tell every search index that this listing changed (read after commit)."""
    db.session.add(SearchOutbox(patent_id=patent.id))


def create_patent(user: User, raw: dict) -> Patent:
    """Create a draft listing owned by the user's organisation. Raises FieldErrors (also when
    another request lists the same number at the same moment)."""
    require_licensor(user)
    values, errors = clean_patent(raw, today=local_today())
    if values.get("application_number"):
        duplicate = duplicate_number_error(values["application_number"], user.org_id)
        if duplicate:
            errors.insert(0, duplicate)
    if errors:
        raise FieldErrors(errors)
    patent = Patent(owner_org_id=user.org_id, status=ListingStatus.DRAFT, **values)
    _insert_patent(patent, user)
    _log(patent, user, "created", {}, _snapshot(patent, PATENT_FIELDS))
    touch_search(patent)
    return patent


def _insert_patent(patent: Patent, user: User) -> None:
    """Insert in a savepoint: when a concurrent request listed the number after our check,
    the unique constraint refuses it and the answer is the sequential check's own, read
    again now that the other listing is committed."""
    try:
        with db.session.begin_nested():
            db.session.add(patent)
            db.session.flush()
    except IntegrityError as exc:
        if not _is_number_taken(exc):
            raise
        number = patent.application_number
        raise FieldErrors([duplicate_number_error(number, user.org_id)
                          or duplicate_number_error_for(None, user.org_id)]) from exc


def _is_number_taken(exc: IntegrityError) -> bool:
    text = str(exc.orig)  # PostgreSQL names the constraint, SQLite the column
    return "uq_patent_application_number" in text or "patent.application_number" in text


def update_patent(user: User, patent: Patent, raw: dict) -> None:
    """Change a listing's patent record (the application number stays). Raises FieldErrors."""
    _require_owner(user, patent)
    values, errors = clean_patent({**raw, "application_number": patent.application_number},
                                  today=local_today())
    if errors:
        raise FieldErrors(errors)
    before = _snapshot(patent, PATENT_FIELDS)
    for name, value in values.items():
        setattr(patent, name, value)
    db.session.flush()
    _log(patent, user, "updated", before, _snapshot(patent, PATENT_FIELDS))
    touch_search(patent)


# --- offers ---------------------------------------------------------------------------

def _exclusive_in_force(patent: Patent) -> bool:
    return db.session.scalar(select(exists().where(
        Deal.patent_id == patent.id, Deal.state == DealState.CONCLUDED,
        Deal.licence_kind.in_([LicenceKind.EXCLUSIVE, LicenceKind.SOLE])))) or False


def _open_licences_in_force(patent: Patent) -> int:
    return db.session.scalar(select(func.count()).select_from(Deal).where(
        Deal.patent_id == patent.id, Deal.state == DealState.CONCLUDED,
        Deal.kind == OfferKind.OPEN_LICENCE)) or 0


def _assigned(patent: Patent) -> bool:
    return db.session.scalar(select(exists().where(
        Deal.patent_id == patent.id, Deal.state == DealState.CONCLUDED,
        Deal.kind == OfferKind.ASSIGNMENT))) or False


def offer_terms(values: dict) -> LicenceTerms:
    return LicenceTerms(**{name: values[name] for name in EDITABLE_TERM_FIELDS})


def check_offer(patent: Patent, values: dict, *, replacing: Offer | None = None,
                today: date | None = None) -> list[FieldError]:
    """Every rule about what may be offered on this patent. Returns the problems found."""
    today = today or local_today()
    errors: list[FieldError] = []
    kind = values.get("kind")
    licence_kind = values.get("licence_kind")
    if not offerable(patent, today):
        return [FieldError("kind", _l("An expired, terminated or withdrawn patent cannot be "
                                      "offered."))]
    stored = patent.id is not None  # a new patent has no deals: skip the database rules
    if stored and _assigned(patent):
        return [FieldError("kind", _l("This patent has been assigned; it can no longer be "
                                      "licensed by you."))]
    others = [o for o in patent.offers if o.active and o is not replacing]
    if kind == OfferKind.OPEN_LICENCE:
        if not in_force(patent, today):
            errors.append(FieldError("kind", _l(
                "An open licence needs a granted patent in force; this one is not granted.")))
        if stored and _exclusive_in_force(patent):
            errors.append(FieldError("kind", _l(
                "An exclusive or sole licence is in force: no open licence can be declared.")))
        if any(o.kind == OfferKind.LICENCE and o.licence_kind in
               (LicenceKind.EXCLUSIVE, LicenceKind.SOLE) for o in others):
            errors.append(FieldError("kind", _l(
                "Withdraw the exclusive or sole licence offer before declaring an open "
                "licence.")))
        if any(o.kind == OfferKind.OPEN_LICENCE for o in others):
            errors.append(FieldError("kind", _l("This patent already has an open licence.")))
        errors += _declaration_errors(patent, values, today)
    elif kind == OfferKind.LICENCE:
        if licence_kind not in set(LicenceKind):
            errors.append(FieldError("licence_kind", _l("Choose the kind of licence.")))
        elif licence_kind in (LicenceKind.EXCLUSIVE, LicenceKind.SOLE):
            if any(o.kind == OfferKind.OPEN_LICENCE for o in others) or (
                    stored and _open_licences_in_force(patent)):
                errors.append(FieldError("licence_kind", _l(
                    "An open licence is declared or in force: no exclusive or sole licence "
                    "can be offered.")))
            elif stored and _exclusive_in_force(patent):
                errors.append(FieldError("licence_kind", _l(
                    "An exclusive or sole licence is already in force.")))
    elif kind == OfferKind.ASSIGNMENT:
        price = values.get("asking_price_fen")
        if price is not None and price < 0:
            errors.append(FieldError("asking_price_fen", _l("The price cannot be negative.")))
        return errors
    else:
        return [FieldError("kind", _l("Choose what you offer."))]
    term_kind = "open_licence" if kind == OfferKind.OPEN_LICENCE else str(licence_kind or "")
    if term_kind:
        for problem in validate_terms(offer_terms(values), kind=term_kind,
                                      remaining_life_days=remaining_life_days(patent, today)):
            errors.append(FieldError(problem.field if problem.field != "kind" else "licence_kind",
                                     problem.message))
    return errors


def _declaration_errors(patent: Patent, values: dict, today: date) -> list[FieldError]:
    """An open licence is declared to CNIPA (art. 50): the owner records the declaration
    date, then the announcement number once CNIPA has announced it (until then nobody can
    take it: ``deal_rules.require_announced``); a utility model or design needs a patent
    evaluation report on file first."""
    errors: list[FieldError] = []
    declared_on = values.get("declared_on")
    number = values.get("cnipa_announcement_number") or ""
    if declared_on is None and number:
        errors.append(FieldError("declared_on", _l(
            "Enter the date you declared the open licence to CNIPA.")))
    elif declared_on is not None and declared_on > today:
        errors.append(FieldError("declared_on", _l("The declaration date cannot be in the "
                                                   "future.")))
    if len(number) > MAX_ANNOUNCEMENT_NUMBER:
        errors.append(FieldError("cnipa_announcement_number", _l(
            "The announcement number is at most %(n)d characters.", n=MAX_ANNOUNCEMENT_NUMBER)))
    # an import checks a plain namespace standing for the new patent: no report on file
    if (needs_evaluation_report(patent.patent_type)
            and getattr(patent, "evaluation_report", None) is None):
        errors.append(FieldError("kind", _l(
            "A utility model or design needs a patent evaluation report (专利权评价报告) before "
            "it can be declared open (Patent Law art. 50): upload it on the listing page "
            "first.")))
    return errors


def offer_warnings(values: dict) -> list[TermError]:
    """Terms above market norms on a negotiated licence or an assignment: notices for the
    owner to check the figures, never refusals (see ``domain.terms.term_warnings``)."""
    kind = values.get("kind")
    if kind == OfferKind.ASSIGNMENT:
        price = values.get("asking_price_fen")
        if isinstance(price, int) and price > ASSIGNMENT_NORM_PRICE_FEN:
            from ..domain.money import format_yuan_short
            return [TermError("asking_price_fen", "above_norm", _l(
                "Above %(cap)s: an unusually high asking price. Allowed; check the figure.",
                cap=format_yuan_short(ASSIGNMENT_NORM_PRICE_FEN)))]
        return []
    term_kind = "open_licence" if kind == OfferKind.OPEN_LICENCE else "negotiated"
    return term_warnings(offer_terms(values), kind=term_kind)


def offer_values(raw: dict) -> dict:
    values = {name: raw.get(name) for name in OFFER_FIELDS}
    if values["kind"] == OfferKind.OPEN_LICENCE:
        values["licence_kind"] = LicenceKind.NON_EXCLUSIVE
    if values["kind"] == OfferKind.ASSIGNMENT:
        values["licence_kind"] = None
    if values["kind"] != OfferKind.OPEN_LICENCE:
        values["declared_on"], values["cnipa_announcement_number"] = None, None
    else:
        values["cnipa_announcement_number"] = (
            str(values["cnipa_announcement_number"] or "").strip() or None)
    for name, default in (("upfront_fee_fen", 0), ("royalty_bp", 0), ("royalty_threshold_fen", 0),
                          ("royalty_base", "net_sales"),
                          ("min_annual_royalty_fen", 0), ("term_years", 1),
                          ("upfront_mode", "due_at_signing"), ("territory", "中国大陆"),
                          ("field_of_use", "")):
        if values[name] in (None, ""):
            values[name] = default
    if values["upfront_mode"] == "waived":
        values["upfront_fee_fen"] = values["upfront_fee_fen"] or 0
    if values["upfront_mode"] != "deferred":
        values["deferral_kind"], values["deferral_months"] = None, None
    elif values["deferral_kind"] != "months":
        values["deferral_months"] = None
    return values


def add_offer(user: User, patent: Patent, raw: dict) -> Offer:
    """Add an offer to the user's listing. Raises FieldErrors naming the fields."""
    _require_owner(user, patent)
    values = offer_values(raw)
    errors = check_offer(patent, values)
    if errors:
        raise FieldErrors(errors)
    offer = Offer(patent=patent, active=True, **values)
    db.session.add(offer)
    db.session.flush()
    _log(patent, user, "offer_added", {}, _snapshot(offer, OFFER_FIELDS), offer)
    touch_search(patent)
    if patent.status == ListingStatus.PUBLISHED:
        follows.terms_changed(patent)
    return offer


def update_offer(user: User, offer: Offer, raw: dict) -> None:
    """Change an offer's terms (deals already made keep theirs). Raises FieldErrors."""
    patent = offer.patent
    _require_owner(user, patent)
    values = offer_values({**raw, "kind": offer.kind})
    errors = check_offer(patent, values, replacing=offer)
    if errors:
        raise FieldErrors(errors)
    before = _snapshot(offer, OFFER_FIELDS)
    for name, value in values.items():
        setattr(offer, name, value)
    db.session.flush()
    _log(patent, user, "terms_changed", before, _snapshot(offer, OFFER_FIELDS), offer)
    touch_search(patent)
    follows.terms_changed(patent)


def withdraw_offer(user: User, offer: Offer) -> None:
    """Withdraw an offer (an open licence declaration too); licences taken stay in force."""
    _require_owner(user, offer.patent)
    if not offer.active:
        return
    offer.active = False
    _log(offer.patent, user, "offer_withdrawn", {"active": True}, {"active": False}, offer)
    touch_search(offer.patent)
    follows.terms_changed(offer.patent)


# --- lifecycle --------------------------------------------------------------------------

def publish(user: User, patent: Patent) -> None:
    """Put a draft or withdrawn listing on the market. Needs an offer that can be taken."""
    _require_owner(user, patent)
    if patent.status == ListingStatus.PUBLISHED:
        return
    if _assigned(patent):
        raise ServiceError(_l("This patent has been assigned; it can no longer be licensed by "
                              "you."), field="offers")
    if not patent.active_offers:
        raise ServiceError(_l("Add at least one offer before publishing."), field="offers")
    if not offerable(patent, local_today()):
        raise ServiceError(_l("An expired, terminated or withdrawn patent cannot be offered."),
                           field="legal_status")
    if (needs_evaluation_report(patent.patent_type) and patent.evaluation_report is None
            and any(o.kind == OfferKind.OPEN_LICENCE for o in patent.active_offers)):
        raise ServiceError(_l("A utility model or design needs a patent evaluation report "
                              "(专利权评价报告) before it can be declared open (Patent Law art. "
                              "50): upload it, or withdraw the open licence."),
                           field="offers")
    before = patent.status.value
    patent.status = ListingStatus.PUBLISHED
    patent.published_at = patent.published_at or utcnow()
    _log(patent, user, "published", {"status": before}, {"status": "published"})
    touch_search(patent)


def close_after_assignment(patent: Patent, contract_number: str | None) -> None:
    """An assignment of ``patent`` was concluded: it is no longer its owner's to offer.
    Every active offer is withdrawn and the listing taken off the market (the search indexes
    follow); the listing and its history stay for the record."""
    for offer in patent.active_offers:
        offer.active = False
        _log(patent, None, "offer_withdrawn", {"active": True}, {"active": False}, offer)
    before = patent.status.value
    if patent.status == ListingStatus.PUBLISHED:
        patent.status = ListingStatus.WITHDRAWN
    _log(patent, None, "assigned", {"status": before},
         {"status": patent.status.value, "contract": contract_number})
    touch_search(patent)
    if before == ListingStatus.PUBLISHED:
        follows.withdrawn(patent)


def withdraw(user: User, patent: Patent) -> None:
    """Take a listing off the market. Licences already taken are not affected."""
    _require_owner(user, patent)
    if patent.status == ListingStatus.WITHDRAWN:
        return
    before = patent.status.value
    patent.status = ListingStatus.WITHDRAWN
    _log(patent, user, "withdrawn", {"status": before}, {"status": "withdrawn"})
    touch_search(patent)
    follows.withdrawn(patent)




def add_attachment(user: User, patent: Patent, filename: str | None, data: bytes) -> Attachment:
    """Attach an image or PDF to the user's listing. Raises ServiceError when the file is
    over 5 MB or is not really a PNG, JPEG or PDF."""
    _require_owner(user, patent)
    kind = check_scan(data, field="file", what=_l("The file"))
    name = PurePath(filename or "file").name[-200:]
    item = Attachment(patent=patent, filename=name, content_type=kind, size=len(data), data=data)
    db.session.add(item)
    _log(patent, user, "attachment_added", {}, {"filename": name})
    return item


def add_evaluation_report(user: User, patent: Patent, *, filename: str | None, data: bytes,
                          conclusion: str, issued_on: date | None) -> EvaluationReport:
    """Keep the patent's evaluation report (专利权评价报告): a PDF or scan, stored like a
    payment voucher, with the conclusion the owner reads from it. A newer report supersedes
    the older (both stay on file). Raises PermissionDenied; ServiceError naming the field
    for a bad file, conclusion or date."""
    _require_owner(user, patent)
    kind = check_scan(data, field="report_file", what=_l("The evaluation report"))
    if conclusion not in EVALUATION_CONCLUSIONS:
        raise ServiceError(_l("Choose the report's conclusion."), field="conclusion")
    if issued_on is not None and issued_on > local_today():
        raise ServiceError(_l("The report date cannot be in the future."), field="issued_on")
    name = PurePath(filename or "report.pdf").name[-200:]
    report = EvaluationReport(patent=patent, conclusion=conclusion, issued_on=issued_on,
                              uploaded_by_user_id=user.id, filename=name, content_type=kind,
                              size=len(data), data=data)
    db.session.add(report)
    _log(patent, user, "evaluation_report_added", {},
         {"filename": name, "conclusion": conclusion})
    touch_search(patent)
    return report


def log_bulk(user: User, patent_ids: list[int]) -> None:
    """History and search-outbox rows for listings created by an import."""
    if not patent_ids:
        return
    now = utcnow()
    db.session.execute(insert(ListingChange), [
        {"patent_id": i, "user_id": user.id, "action": "imported", "before": {}, "after": {},
         "at": now} for i in patent_ids])
    db.session.execute(insert(SearchOutbox), [{"patent_id": i, "created_at": now}
                                              for i in patent_ids])


def summaries(offer: Offer) -> tuple[str, str]:
    """The plain-language summary of an offer's terms, in Chinese and English."""
    if offer.kind == OfferKind.ASSIGNMENT:
        return assignment_summary(offer.asking_price_fen)
    terms = offer.terms()
    return summary_zh(terms), summary_en(terms)


def assignment_summary(price_fen: int | None) -> tuple[str, str]:
    from ..domain.money import format_yuan_short
    if price_fen is None:
        return "转让价格面议", "Price on request"
    price = format_yuan_short(price_fen)
    return f"转让价格 {price}", f"Asking price {price}"
