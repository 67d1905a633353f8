"""Pledge financing records (质押融资), entered by the centre one by one or from a CSV file."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..domain.money import InvalidAmount, parse_yuan
from ..domain.patent_numbers import InvalidPatentNumber, normalise_application_number
from ..extensions import db
from ..models import Organisation, PledgeDeal, User
from . import audit
from .errors import PermissionDenied, ServiceError

CSV_COLUMNS = ("pledgor", "bank", "patents", "amount_yuan", "date")
MAX_ROWS = 5000
_SPLIT = re.compile(r"[;；,，、\s]+")


@dataclass
class RowError:
    line: int
    field: str
    message: str


class ImportRejected(ServiceError):
    """The file had errors; nothing was imported. ``errors`` lists them by line and field."""

    def __init__(self, errors: list[RowError]):
        super().__init__(_l("Nothing was imported: correct the rows below and upload the "
                            "whole file again."), field="file")
        self.errors = errors


def _require_centre(user: User) -> None:
    if not user.is_centre:
        raise PermissionDenied(_l("Only the centre records pledge financing."))


def find_pledgor(text: str) -> Organisation | None:
    """The registered organisation named ``text`` (by exact name or credit code), if any."""
    text = text.strip()
    return db.session.scalars(select(Organisation).where(
        or_(Organisation.name == text, Organisation.credit_code == text.upper()))
        .order_by(Organisation.id)).first()


def parse_application_numbers(text: str) -> list[str]:
    """Application numbers separated by commas, semicolons, 、 or spaces, normalised.
    Raises InvalidPatentNumber for the first bad one."""
    parts = [p for p in _SPLIT.split(text or "") if p]
    if not parts:
        raise InvalidPatentNumber("required", _l("Enter at least one application number."))
    return list(dict.fromkeys(normalise_application_number(p) for p in parts))


def record(user: User, *, pledgor: str, bank: str, application_numbers: list[str],
           amount_fen: int, pledged_on: date, source: str = "form") -> PledgeDeal:
    """Add one pledge deal. Raises PermissionDenied unless a centre user acts, and
    ServiceError for a non-positive amount or a missing bank or pledgor."""
    _require_centre(user)
    pledgor, bank = (pledgor or "").strip(), (bank or "").strip()
    if not pledgor:
        raise ServiceError(_l("Name the pledgor."), field="pledgor")
    if not bank:
        raise ServiceError(_l("Name the bank."), field="bank")
    if amount_fen <= 0:
        raise ServiceError(_l("The amount must be more than zero."), field="amount")
    org = find_pledgor(pledgor)
    deal = PledgeDeal(pledgor_org_id=org.id if org else None,
                      pledgor_name=org.name if org else pledgor[:200], bank=bank[:200],
                      application_numbers=application_numbers,
                      patent_count=len(application_numbers), amount_fen=amount_fen,
                      pledged_on=pledged_on, source=source, created_by_user_id=user.id)
    db.session.add(deal)
    db.session.flush()
    audit.record("pledge.recorded", actor=user, target=deal, amount_fen=amount_fen,
                 source=source)
    return deal


def import_csv(user: User, data: bytes) -> list[PledgeDeal]:
    """Import pledge deals from CSV (UTF-8 with or without BOM, or GBK as Excel in China saves
    it; header row with CSV_COLUMNS). All or nothing: raises ImportRejected listing every bad
    row and field."""
    from .imports import ImportFileError, decode_csv
    _require_centre(user)
    try:
        text = decode_csv(data)
    except ImportFileError as exc:
        raise ImportRejected([RowError(1, "file", str(exc.message))]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ImportRejected([RowError(1, c, str(_l("Missing column."))) for c in missing])
    reader.fieldnames = header
    parsed, errors = [], []
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            errors.append(RowError(line, "file", str(_l("Too many rows (at most 5000)."))))
            break
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        values, row_errors = _parse_row(row, line)
        errors += row_errors
        if not row_errors:
            parsed.append(values)
    if not parsed and not errors:
        errors.append(RowError(2, "file", str(_l("The file has no rows."))))
    if errors:
        raise ImportRejected(errors)
    return [record(user, source="csv", **values) for values in parsed]


def _parse_row(row: dict, line: int) -> tuple[dict, list[RowError]]:
    errors, values = [], {}
    for name in ("pledgor", "bank"):
        value = (row.get(name) or "").strip()
        if not value:
            errors.append(RowError(line, name, str(_l("Required."))))
        elif len(value) > 200:
            errors.append(RowError(line, name, str(_l("At most 200 characters."))))
        values[name] = value
    try:
        values["application_numbers"] = parse_application_numbers(row.get("patents") or "")
    except InvalidPatentNumber as exc:
        errors.append(RowError(line, "patents", str(exc.message)))
    try:
        values["amount_fen"] = parse_yuan(row.get("amount_yuan") or "")
        if values["amount_fen"] <= 0:
            errors.append(RowError(line, "amount_yuan",
                                   str(_l("The amount must be more than zero."))))
    except InvalidAmount as exc:
        errors.append(RowError(line, "amount_yuan", str(exc.message)))
    try:
        values["pledged_on"] = date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        errors.append(RowError(line, "date", str(_l("Use a date like 2024-03-31."))))
    return values, errors


def recent(limit: int = 200) -> list[PledgeDeal]:
    return list(db.session.scalars(
        select(PledgeDeal).order_by(PledgeDeal.pledged_on.desc(), PledgeDeal.id.desc())
        .limit(limit)))
