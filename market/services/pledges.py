"""Pledge financing records (质押融资), entered by the centre one by one or from a CSV file;
their release; and the pledgees' written consents to assign or license a pledged patent
exclusively (the deal rule that asks for them is ``deal_rules.check_pledge_consent``).

A pledge of a patent listed on the platform is linked to it (``PledgedPatent``) and refused
unless the pledgor is its right-holder (Civil Code art. 444; DOMAIN.md). A pledge may add
trademarks (mixed pledges, plan task 12): the counts say patent-only or mixed.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select

from ..domain.dates import local_today
from ..domain.money import InvalidAmount, parse_yuan
from ..domain.patent_numbers import InvalidPatentNumber, normalise_application_number
from ..domain.trademark_numbers import InvalidTrademarkNumber, normalise_trademark_number
from ..extensions import db
from ..models import Deal, Organisation, Patent, PledgeDeal, PledgedPatent, PledgeeConsent, User
from ..models.base import utcnow
from . import audit
from .errors import NotFound, PermissionDenied, ServiceError

CSV_COLUMNS = ("pledgor", "bank", "patents", "amount_yuan", "date")
OPTIONAL_COLUMNS = ("trademarks",)  # a file without it has patent-only pledges
MAX_ROWS = 5000
# The columns as the pledge form labels its fields (the form reads its labels from here):
# a file may head them with these labels, in Chinese or English, with the short Chinese
# words below, or with the codes of CSV_COLUMNS.
COLUMN_LABELS = {
    "pledgor": _l("Pledgor (organisation name or credit code)"),
    "bank": _l("Bank"),
    "patents": _l("Patents (application numbers)"),
    "trademarks": _l("Trademarks (registration numbers, optional)"),
    "amount_yuan": _l("Amount (yuan)"),
    "date": _l("Date of the pledge"),
}
SHORT_HEADERS = {"出质人": "pledgor", "质权人": "bank", "银行": "bank", "质权人/银行": "bank",
                 "贷款银行": "bank", "开户银行": "bank", "专利": "patents", "专利号": "patents", "申请号": "patents",
                 "商标": "trademarks", "注册号": "trademarks", "金额": "amount_yuan",
                 "质押金额": "amount_yuan", "融资金额": "amount_yuan", "日期": "date",
                 "质押日期": "date", "登记日期": "date", "pledgee": "bank",
                 "amount": "amount_yuan", "pledged_on": "date"}
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


def parse_trademark_numbers(text: str) -> list[str]:
    """Trademark registration numbers separated like application numbers; none is fine (a
    patent-only pledge). Raises InvalidTrademarkNumber for the first bad one."""
    parts = [p for p in _SPLIT.split(text or "") if p]
    return list(dict.fromkeys(normalise_trademark_number(p) for p in parts))


def platform_patents(application_numbers: list[str]) -> list[Patent]:
    """The patents among ``application_numbers`` that are listed on the platform."""
    if not application_numbers:
        return []
    return list(db.session.scalars(select(Patent).where(
        Patent.application_number.in_(application_numbers)).order_by(Patent.id)))


def right_holder_problem(org: Organisation | None, patents: list[Patent]) -> str | None:
    """Why the pledgor ``org`` (None: not registered here) may not pledge one of ``patents``
    (platform patents), naming the first such patent; None when it holds them all."""
    for patent in patents:
        if org is None or patent.owner_org_id != org.id:
            return str(_l("Patent %(number)s is held by %(owner)s, not by the pledgor: only "
                          "the right-holder can pledge it.",
                          number=patent.application_number, owner=patent.owner.name))
    return None


def record(user: User, *, pledgor: str, bank: str, application_numbers: list[str],
           amount_fen: int, pledged_on: date, source: str = "form",
           trademark_numbers: list[str] | tuple = ()) -> PledgeDeal:
    """Add one pledge deal and link the platform patents it covers. Raises PermissionDenied
    unless a centre user acts, and ServiceError for a non-positive amount, a missing bank or
    pledgor, a date in the future, or a platform patent the pledgor does not hold."""
    _require_centre(user)
    pledgor, bank = (pledgor or "").strip(), (bank or "").strip()
    if not pledgor:
        raise ServiceError(_l("Name the pledgor."), field="pledgor")
    if not bank:
        raise ServiceError(_l("Name the bank."), field="bank")
    if amount_fen <= 0:
        raise ServiceError(_l("The amount must be more than zero."), field="amount")
    if pledged_on > local_today():
        raise ServiceError(_l("The date cannot be in the future."), field="pledged_on")
    org = find_pledgor(pledgor)
    patents = platform_patents(application_numbers)
    problem = right_holder_problem(org, patents)
    if problem is not None:
        raise ServiceError(problem, field="patents", code="not_right_holder")
    deal = PledgeDeal(pledgor_org_id=org.id if org else None,
                      pledgor_name=org.name if org else pledgor[:200], bank=bank[:200],
                      application_numbers=application_numbers,
                      trademark_numbers=list(trademark_numbers),
                      trademark_count=len(trademark_numbers),
                      patent_count=len(application_numbers), amount_fen=amount_fen,
                      pledged_on=pledged_on, source=source, created_by_user_id=user.id)
    db.session.add(deal)
    db.session.flush()
    for patent in patents:
        db.session.add(PledgedPatent(pledge_id=deal.id, patent_id=patent.id))
    db.session.flush()
    audit.record("pledge.recorded", actor=user, target=deal, amount_fen=amount_fen,
                 source=source, patents=[p.id for p in patents] or None,
                 trademarks=list(trademark_numbers) or None)
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
    header = [column_of(h) for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ImportRejected([RowError(1, c, str(_l("Missing column."))) for c in missing])
    reader.fieldnames = header
    parsed, errors = [], []
    today = local_today()
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            errors.append(RowError(line, "file", str(_l("Too many rows (at most 5000)."))))
            break
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        values, row_errors = _parse_row(row, line, today)
        errors += row_errors
        if not row_errors:
            parsed.append(values)
    if not parsed and not errors:
        errors.append(RowError(2, "file", str(_l("The file has no rows."))))
    if errors:
        raise ImportRejected(errors)
    return [record(user, source="csv", **values) for values in parsed]


def _header_key(text: str) -> str:
    import unicodedata
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(text.split()).replace("_", "").replace("-", "")


def _header_table() -> dict[str, str]:
    from flask_babel import force_locale
    table = {_header_key(word): column for word, column in SHORT_HEADERS.items()}
    for column, label in COLUMN_LABELS.items():
        table[_header_key(column)] = column
        for locale in ("zh", "en"):
            with force_locale(locale):
                text = str(label)
            table[_header_key(text)] = column
            table[_header_key(re.split(r"[（(]", text)[0])] = column  # '出质人' of '出质人（…）'
    return table


def column_of(header: str) -> str:
    """The column code of a header cell: a form label (Chinese or English, with or without
    its parenthesis), a short Chinese word, or the code; an unknown header as written."""
    return _header_table().get(_header_key(header), (header or "").strip())


def column_label(column: str) -> str:
    """A column as the page's language labels it (for the error table)."""
    label = COLUMN_LABELS.get(column)
    return str(label) if label is not None else column


def _parse_row(row: dict, line: int, today: date) -> tuple[dict, list[RowError]]:
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
    else:
        if values["pledgor"]:  # a missing pledgor is reported above
            problem = right_holder_problem(find_pledgor(values["pledgor"]),
                                           platform_patents(values["application_numbers"]))
            if problem is not None:
                errors.append(RowError(line, "patents", problem))
    try:
        values["trademark_numbers"] = parse_trademark_numbers(row.get("trademarks") or "")
    except InvalidTrademarkNumber as exc:
        errors.append(RowError(line, "trademarks", str(exc.message)))
    try:
        values["amount_fen"] = parse_yuan(row.get("amount_yuan") or "")
        if values["amount_fen"] <= 0:
            errors.append(RowError(line, "amount_yuan",
                                   str(_l("The amount must be more than zero."))))
    except InvalidAmount as exc:
        errors.append(RowError(line, "amount_yuan", str(exc.message)))
    try:
        values["pledged_on"] = date.fromisoformat((row.get("date") or "").strip())
        if values["pledged_on"] > today:
            errors.append(RowError(line, "date", str(_l("The date cannot be in the future."))))
    except ValueError:
        errors.append(RowError(line, "date", str(_l("Use a date like 2024-03-31."))))
    return values, errors


def recent(limit: int = 200) -> list[PledgeDeal]:
    return list(db.session.scalars(
        select(PledgeDeal).order_by(PledgeDeal.pledged_on.desc(), PledgeDeal.id.desc())
        .limit(limit)))


def mix_counts() -> dict:
    """How many pledges were recorded: all, patent-only and mixed (with trademarks), and how
    many of them are still registered (not released)."""
    p = PledgeDeal
    count, mixed, registered = db.session.execute(select(
        func.count(p.id), func.coalesce(func.sum(case((p.trademark_count > 0, 1), else_=0)), 0),
        func.coalesce(func.sum(case((p.released_on.is_(None), 1), else_=0)), 0))).one()
    return {"count": int(count), "patent_only": int(count) - int(mixed), "mixed": int(mixed),
            "registered": int(registered)}


# --- release -------------------------------------------------------------------------------

def get(pledge_id: int) -> PledgeDeal:
    pledge = db.session.get(PledgeDeal, pledge_id)
    if pledge is None:
        raise NotFound(_l("Pledge not found."))
    return pledge


def release(pledge: PledgeDeal, user: User, *, released_on: date) -> PledgeDeal:
    """The centre records that ``pledge`` was released (its registration cancelled) on
    ``released_on``: from then on its patents may be assigned or licensed exclusively without
    the pledgee's consent. Raises PermissionDenied, ServiceError (already released, a date
    before the pledge or in the future)."""
    _require_centre(user)
    if pledge.released_on is not None:
        raise ServiceError(_l("This pledge was already released on %(date)s.",
                              date=format_date(pledge.released_on)), code="released")
    if released_on > local_today():
        raise ServiceError(_l("The date cannot be in the future."), field="released_on")
    if released_on < pledge.pledged_on:
        raise ServiceError(_l("A pledge cannot be released before the date it was made."),
                           field="released_on")
    pledge.released_on, pledge.released_by_user_id = released_on, user.id
    pledge.released_at = utcnow()
    db.session.flush()
    audit.record("pledge.released", actor=user, target=pledge,
                 released_on=released_on.isoformat())
    return pledge


# --- the pledgee's consent -------------------------------------------------------------------

def registered_on(patent_id: int) -> list[PledgeDeal]:
    """The pledges registered (not released) on a platform patent, oldest first."""
    return list(db.session.scalars(
        select(PledgeDeal).join(PledgedPatent, PledgedPatent.pledge_id == PledgeDeal.id)
        .where(PledgedPatent.patent_id == patent_id, PledgeDeal.released_on.is_(None))
        .order_by(PledgeDeal.pledged_on, PledgeDeal.id)))


def consents_for(patent_id: int) -> dict[int, PledgeeConsent]:
    """The latest consent recorded per pledge for ``patent_id``, by pledge id."""
    rows = db.session.scalars(select(PledgeeConsent).where(
        PledgeeConsent.patent_id == patent_id).order_by(PledgeeConsent.id))
    return {c.pledge_id: c for c in rows}


def _may_record_consent(deal: Deal, user: User) -> None:
    from .deals import LICENSOR, role_of  # deals imports the deal rules, which read pledges
    role = role_of(deal, user)
    if role is None:
        raise NotFound(_l("Deal not found."))
    if not (user.is_centre or (role == LICENSOR and user.can_act)):
        raise PermissionDenied(_l("Only the patent's holder or the centre records the "
                                  "pledgee's consent."))


def record_consent(deal: Deal, user: User, *, pledge_id: int, filename: str | None,
                   data: bytes) -> PledgeeConsent:
    """Keep the pledgee's written consent to assign or license ``deal``'s patent exclusively
    (a JPEG, PNG or PDF, checked like payment vouchers). The licensor or the centre uploads
    it. Raises NotFound, PermissionDenied, ServiceError (not a pledge registered on the
    patent, a bad file)."""
    _may_record_consent(deal, user)
    return _keep_consent(db.session.get(PledgeDeal, pledge_id), deal.patent_id, user,
                         filename, data, deal_id=deal.id)


def record_consent_by_centre(pledge: PledgeDeal, user: User, *, patent_id: int,
                             filename: str | None, data: bytes) -> PledgeeConsent:
    """The centre keeps a pledgee's consent for one of ``pledge``'s platform patents before
    any deal exists (the pledgee or the patentee sent it to the centre), so requests for an
    assignment or an exclusive licence can be made. Raises PermissionDenied, ServiceError."""
    _require_centre(user)
    return _keep_consent(pledge, patent_id, user, filename, data, deal_id=None)


def _keep_consent(pledge: PledgeDeal | None, patent_id: int, user: User, filename: str | None,
                  data: bytes, *, deal_id: int | None) -> PledgeeConsent:
    from .payment_reports import check_voucher
    if pledge is None or pledge.id not in {p.id for p in registered_on(patent_id)}:
        raise ServiceError(_l("This patent has no registered pledge of that number."),
                           code="no_pledge")
    try:
        content_type = check_voucher(filename, data)
    except ServiceError:
        raise ServiceError(_l("Upload the pledgee's signed consent as a JPEG or PNG image or a "
                              "PDF, at most %(mb)s MB.", mb=_max_mb()),
                           field="consent", code="bad_file") from None
    consent = PledgeeConsent(pledge_id=pledge.id, patent_id=patent_id,
                             uploaded_by_user_id=user.id, content_type=content_type,
                             filename=PurePath(filename or "consent").name[-200:],
                             size=len(data), data=data)
    db.session.add(consent)
    db.session.flush()
    audit.record("pledge.consent_recorded", actor=user, target=pledge, deal_id=deal_id,
                 patent_id=patent_id, consent_id=consent.id)
    return consent


def _max_mb() -> str:
    from .uploads import scan_max_bytes
    return f"{scan_max_bytes() / 1024 / 1024:g}"


def consent_file(deal: Deal, consent_id: int, user: User) -> PledgeeConsent:
    """A consent kept for ``deal``'s patent, for the deal's parties and the centre only.
    Raises NotFound otherwise (a stranger learns nothing)."""
    from .deals import role_of
    consent = db.session.get(PledgeeConsent, consent_id)
    if consent is None or consent.patent_id != deal.patent_id or role_of(deal, user) is None:
        raise NotFound(_l("Document not found."))
    return consent
