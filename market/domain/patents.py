"""Patent rules that need no database: the record a user types or a file holds, how long
a patent is protected, and whether it is in force or may still be offered on a given day
(the day is Shenyang's: :func:`market.domain.dates.local_today`)."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from flask_babel import lazy_gettext as _l

from .ipc import INDUSTRIES, InvalidIPC, industry_for_ipc, parse_ipc_list
from .patent_numbers import (
    InvalidPatentNumber,
    normalise_application_number,
    normalise_publication_number,
    patent_type_of,
)


class PatentType(enum.StrEnum):
    INVENTION = "invention"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"


class LegalStatus(enum.StrEnum):
    PENDING = "pending"        # published, under examination
    GRANTED = "granted"        # granted and in force (有效)
    TERMINATED = "terminated"  # fee unpaid, expired, abandoned, invalidated
    WITHDRAWN = "withdrawn"    # withdrawn or rejected application


TERM_YEARS = {PatentType.INVENTION: 20, PatentType.UTILITY_MODEL: 10, PatentType.DESIGN: 15}
DESIGN_15_YEARS_FROM = date(2021, 6, 1)  # the 2021 Patent Law: designs filed since then
PATENT_FIELDS = ("application_number", "publication_number", "grant_number", "title", "abstract",
                 "claims", "ipc_codes", "patent_type", "legal_status", "filing_date",
                 "grant_date", "expiry_date", "inventors", "industry", "industry_overridden",
                 "trl", "keywords")
# a patent in one of these can never be offered again, whatever its expiry date
ENDED_STATUSES = (LegalStatus.TERMINATED, LegalStatus.WITHDRAWN)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: object

    def __str__(self) -> str:
        return str(self.message)


class PatentLike(Protocol):
    legal_status: LegalStatus
    expiry_date: date


def expired(expiry: date, today: date) -> bool:
    """True from the expiry date on: protection ends when that day begins."""
    return expiry <= today


def remaining_life_days(patent: PatentLike, today: date) -> int:
    return (patent.expiry_date - today).days


def in_force(patent: PatentLike, today: date) -> bool:
    """The patent is granted and has not expired: it can be licensed openly, taken under an
    open licence, and a licence of it recorded."""
    return patent.legal_status == LegalStatus.GRANTED and not expired(patent.expiry_date, today)


def offerable(patent: PatentLike, today: date) -> bool:
    """The patent may carry offers: not terminated or withdrawn and not expired (a pending
    application may be offered)."""
    return patent.legal_status not in ENDED_STATUSES and not expired(patent.expiry_date, today)


def expiry_date(patent_type: PatentType, filing_date: date) -> date:
    """Last day of protection: 20 years (invention), 10 (utility model), 15 or 10 (design)."""
    years = TERM_YEARS[patent_type]
    if patent_type == PatentType.DESIGN and filing_date < DESIGN_15_YEARS_FROM:
        years = 10
    try:
        return filing_date.replace(year=filing_date.year + years)
    except ValueError:  # 29 February
        return filing_date.replace(year=filing_date.year + years, day=28)


# The page counts of a CNIPA publication's front page ("权利要求书1页 说明书3页 附图2页"),
# which a title copied or extracted from the PDF often starts with.
_PAGE_COUNTS = re.compile(r"^(?:(?:权利要求书|说明书附图|说明书|附图)\s*\d+\s*页\s*)+")


def strip_page_counts(title: str) -> str:
    """``title`` without the front page's page counts it may start with."""
    return _PAGE_COUNTS.sub("", title).strip() if title.startswith(("权利要求书", "说明书")) \
        else title


def clean_patent(raw: dict, *, today: date) -> tuple[dict, list[FieldError]]:
    """Check and normalise a patent record typed by a user or read from a file.

    ``raw`` holds strings (or dates) keyed by PATENT_FIELDS names; ``ipc`` may be a string.
    Returns (values ready for Patent(**values), errors). Does not touch the database.
    """
    errors: list[FieldError] = []
    values: dict = {}

    def error(field, message):
        errors.append(FieldError(field, message))

    try:
        number = normalise_application_number(raw.get("application_number") or "")
        values["application_number"] = number
        derived_type = PatentType(patent_type_of(number))
    except InvalidPatentNumber as exc:
        error("application_number", exc.message)
        number, derived_type = None, None

    given_type = raw.get("patent_type") or None
    if given_type and given_type not in set(PatentType):
        error("patent_type", _l("Choose the patent type."))
    elif given_type and derived_type and given_type != derived_type:
        error("patent_type", _l("The patent type does not agree with the application number "
                                "(its fifth digit gives the type)."))
    values["patent_type"] = derived_type or (PatentType(given_type) if given_type in
                                             set(PatentType) else None)

    for field in ("publication_number", "grant_number"):
        text = (raw.get(field) or "").strip()
        if text:
            try:
                values[field] = normalise_publication_number(text)
            except InvalidPatentNumber as exc:
                error(field, exc.message)
        else:
            values[field] = None

    title = strip_page_counts((raw.get("title") or "").strip())
    if not title:
        error("title", _l("Enter the patent's title."))
    elif len(title) > 300:
        error("title", _l("The title is longer than 300 characters."))
    values["title"] = title
    for field, limit in (("abstract", 20000), ("claims", 50000), ("inventors", 500),
                         ("keywords", 500)):
        text = (raw.get(field) or "").strip()
        if len(text) > limit:
            error(field, _l("This text is longer than %(n)d characters.", n=limit))
        values[field] = text

    ipc = raw.get("ipc_codes", raw.get("ipc", ""))
    try:
        values["ipc_codes"] = parse_ipc_list(ipc) if isinstance(ipc, str) else \
            parse_ipc_list(";".join(ipc))
    except InvalidIPC as exc:
        error("ipc_codes", exc.message)
        values["ipc_codes"] = []

    status = raw.get("legal_status") or ""
    if status not in set(LegalStatus):
        error("legal_status", _l("Choose the legal status."))
    else:
        values["legal_status"] = LegalStatus(status)

    filing, grant = raw.get("filing_date"), raw.get("grant_date") or None
    if not isinstance(filing, date):
        error("filing_date", _l("Enter the filing date."))
    elif filing > today:
        error("filing_date", _l("The filing date cannot be in the future."))
    elif number and len(number) == 14 and number[4] in "123" and int(number[:4]) != filing.year:
        error("filing_date", _l("The filing date's year does not match the application number "
                                "(%(year)s).", year=number[:4]))
    values["filing_date"] = filing if isinstance(filing, date) else None
    if grant is not None and not isinstance(grant, date):
        error("grant_date", _l("Enter a valid date."))
        grant = None
    if grant and isinstance(filing, date) and grant < filing:
        error("grant_date", _l("The grant date cannot be before the filing date."))
    if values.get("legal_status") == LegalStatus.GRANTED and not grant:
        error("grant_date", _l("A granted patent needs its grant date."))
    values["grant_date"] = grant

    if values.get("patent_type") and values.get("filing_date"):
        values["expiry_date"] = expiry_date(values["patent_type"], values["filing_date"])
        if expired(values["expiry_date"], today) and values.get("legal_status") in (
                LegalStatus.GRANTED, LegalStatus.PENDING):
            error("legal_status", _l("This patent expired on %(date)s and cannot be offered.",
                                     date=values["expiry_date"].isoformat()))
    if values.get("legal_status") in ENDED_STATUSES:
        error("legal_status", _l("A terminated or withdrawn patent cannot be offered."))

    trl = raw.get("trl")
    if trl in (None, ""):
        values["trl"] = None
    else:
        try:
            values["trl"] = int(trl)
            if not 1 <= values["trl"] <= 9:
                raise ValueError
        except (TypeError, ValueError):
            error("trl", _l("The technology readiness level is a whole number from 1 to 9."))

    override = raw.get("industry") or ""
    if override and override not in INDUSTRIES:
        error("industry", _l("Choose an industry from the list."))
    values["industry_overridden"] = bool(override)
    values["industry"] = override or industry_for_ipc(values["ipc_codes"])
    return values, errors
