"""Bulk import of a portfolio from CSV (UTF-8 with or without BOM, or GBK) or XLSX.

Every row is checked first, with the same rules as the listing form (services.listings);
the preview reports each bad row by line and field. On confirmation all valid rows are
imported in one transaction (bad rows are left out and listed; nothing half-done).

Rows stream through: a file of 50,000 rows is checked and imported one chunk at a time,
so a worker holds the file, one chunk, the numbers seen so far and what the preview page
shows (counts, the first errors and the first good rows), never the whole table.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select

from ..domain.dates import local_today
from ..domain.money import InvalidAmount, parse_yuan
from ..domain.patents import FieldError, clean_patent
from ..extensions import db
from ..models import ImportPreview, ListingStatus, Offer, OfferKind, Patent, User
from ..models.base import utcnow
from . import import_files, import_vocab, listings
from .errors import ServiceError
from .import_files import MAX_ROWS, ImportFileError, decode_csv  # noqa: F401 (the API)

# Control characters other than tab and line breaks: PostgreSQL refuses NUL in text, and
# none of them belongs in a patent record.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# column key -> (Chinese header, English header)
COLUMNS = [
    ("application_number", "申请号", "Application number"),
    ("publication_number", "公开（公告）号", "Publication number"),
    ("title", "专利名称", "Title"),
    ("abstract", "摘要", "Abstract"),
    ("ipc_codes", "IPC分类号", "IPC codes"),
    ("legal_status", "法律状态", "Legal status"),
    ("filing_date", "申请日", "Filing date"),
    ("grant_date", "授权日", "Grant date"),
    ("inventors", "发明人", "Inventors"),
    ("keywords", "关键词", "Keywords"),
    ("trl", "技术成熟度", "TRL"),
    ("offer", "交易方式", "Offer"),
    ("licence_kind", "许可类型", "Kind of licence"),
    ("upfront_fee_fen", "首付金额（元）", "Upfront fee (yuan)"),
    ("upfront_mode", "首付方式", "Upfront payment"),
    ("deferral_months", "延期月数", "Deferral months"),
    ("royalty_bp", "提成比例（%）", "Royalty (%)"),
    ("royalty_base", "提成基数", "Royalty base"),
    ("royalty_threshold_fen", "提成起点（元）", "Royalty threshold (yuan)"),
    ("min_annual_royalty_fen", "年最低提成（元）", "Minimum annual royalty (yuan)"),
    ("term_years", "许可年限", "Term (years)"),
    ("asking_price_fen", "转让价格（元）", "Asking price (yuan)"),
    ("publish", "立即发布", "Publish now"),
]


def _header_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


HEADER_TO_KEY = {_header_key(name): key for key, zh, en in COLUMNS for name in (zh, en, key)}

YES = {"是", "y", "yes", "1", "true", "发布", "立即发布"}
NO = {"否", "n", "no", "0", "false", "草稿", "draft"}


@dataclass
class RowResult:
    line: int  # the line number in the file (the header is line 1)
    patent: dict = field(default_factory=dict)
    offer: dict | None = None
    publish: bool = False
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


SHOWN_GOOD_ROWS = 200    # good rows a preview keeps to show; the rest are counted
SHOWN_ERRORS = 1000      # error lines (line, field, problem) a preview keeps to show
CHUNK_ROWS = 500         # rows checked against the database, and inserted, at a time


@dataclass
class Preview:
    """What the preview page shows of a checked file: the counts, the first SHOWN_GOOD_ROWS
    good rows and the bad rows up to SHOWN_ERRORS errors (the others are only counted)."""
    good: list[RowResult] = field(default_factory=list)
    bad: list[RowResult] = field(default_factory=list)
    good_count: int = 0
    bad_count: int = 0
    errors_shown: int = 0
    errors_not_shown: int = 0

    @property
    def row_count(self) -> int:
        return self.good_count + self.bad_count

    @property
    def rows(self) -> list[RowResult]:
        """The rows kept to show, in file order."""
        return sorted(self.good + self.bad, key=lambda r: r.line)

    def add(self, result: RowResult) -> None:
        if result.ok:
            self.good_count += 1
            if len(self.good) < SHOWN_GOOD_ROWS:
                self.good.append(result)
        else:
            self.bad_count += 1
            if self.errors_shown + len(result.errors) <= SHOWN_ERRORS:
                self.bad.append(result)
                self.errors_shown += len(result.errors)
            else:
                self.errors_not_shown += len(result.errors)


# --- reading files ------------------------------------------------------------------

def iter_table(filename: str, data: bytes) -> Iterator[tuple[int, list]]:
    """(line, cells) for each non-blank row of a CSV or XLSX file, header first.

    Raises ImportFileError for an unreadable file and for one beyond the bounds of
    import_files (rows, cells per row, characters per cell), as soon as that shows.
    """
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        rows = import_files.xlsx_rows(data)
    elif name.endswith((".csv", ".txt")) or not name:
        rows = import_files.csv_rows(data)
    else:
        raise ImportFileError(_l("Upload a .csv or .xlsx file."), field="file")
    for line, cells in enumerate(rows, start=1):
        if any(_text(cell) for cell in cells) and not _text(cells[0]).startswith(NOTE_MARK):
            yield line, ["" if cell is None else cell for cell in cells]


# --- checking rows --------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if type(value) is str and value.isascii():  # most cells: nothing to normalise (fast)
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value) -> date | None | str:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    if ISO_DATE.fullmatch(text):  # the template's format; strptime costs ten times more
        try:
            return date.fromisoformat(text)
        except ValueError:
            return "invalid"
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return "invalid"


def _money(row: dict, key: str, errors: list, *, blank=0) -> int | None:
    text = _text(row.get(key))
    if not text:
        return blank
    try:
        return parse_yuan(text)
    except InvalidAmount as exc:
        errors.append(FieldError(key, exc.message))
        return blank


def percent_to_bp(text: str) -> int:
    """'3' -> 300, '2.5%' -> 250. Raises ValueError for other input."""
    from decimal import Decimal, InvalidOperation
    text = text.replace("%", "").replace("％", "").strip()
    try:
        value = Decimal(text) * 100
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if value != value.to_integral_value() or value < 0:
        raise ValueError(text)
    return int(value)


def _enum(row: dict, column: str, errors: list, default=None):
    """The stored value of an enumerated cell (any label the form shows, in Chinese or
    English, or its code); a blank cell gives ``default``. An unknown word is ONE error that
    lists the valid values, and gives None: the rules that depend on it are not checked."""
    text = _text(row.get(column))
    if not text:
        return default
    try:
        return import_vocab.parse(column, text)
    except KeyError:
        errors.append(FieldError(column, _l("“%(value)s” is not a valid value. Write one of: "
                                            "%(values)s.", value=text[:40],
                                            values=import_vocab.valid_values(column))))
        return None


def check_row(line: int, row: dict) -> RowResult:
    """Check one data row (keys from COLUMNS) without touching the database."""
    result = RowResult(line=line)
    row = _without_control_characters(row, result.errors)
    raw = {key: _text(row.get(key)) for key in ("application_number", "publication_number",
                                                 "title", "abstract", "ipc_codes", "inventors",
                                                 "keywords")}
    own: list[FieldError] = []  # errors of the enumerated cells, one per bad value
    status = _enum(row, "legal_status", own, default="")
    if not status and not own:
        own.append(FieldError("legal_status", _l("Choose the legal status. Write one of: "
                                                 "%(values)s.", values=import_vocab.valid_values(
                                                     "legal_status"))))
    trl = _enum(row, "trl", own, default="")
    # An unreadable status is checked as 'pending' (the one with the fewest rules) so that
    # its single error is not followed by errors that only restate it.
    raw["legal_status"], raw["trl"] = status or "pending", trl or ""
    for key in ("filing_date", "grant_date"):
        value = _date(row.get(key))
        if value == "invalid":
            result.errors.append(FieldError(key, _l("Write the date as YYYY-MM-DD.")))
            value = None
        raw[key] = value
    result.patent, errors = clean_patent(raw, today=local_today())
    if not status:
        errors = [e for e in errors if e.field != "legal_status"]
        result.patent.pop("legal_status", None)
    result.errors.extend(errors)
    result.errors.extend(own)

    offer = _enum(row, "offer", result.errors)
    bad_offer = offer is None and bool(_text(row.get("offer")))
    if offer is not None:
        kind, licence_kind = offer
        if kind == "licence" and licence_kind is None:
            licence_kind = _enum(row, "licence_kind", result.errors)
            if licence_kind is None and not _text(row.get("licence_kind")):
                result.errors.append(FieldError("licence_kind", _l(
                    "Choose the kind of licence. Write one of: %(values)s.",
                    values=import_vocab.valid_values("licence_kind"))))
        checked = len(result.errors)
        result.offer = _offer_from_row(row, kind, licence_kind, result.errors)
        if len(result.errors) > checked:
            bad_offer = True
    if result.offer is not None and not result.errors:
        # The same offer rules as the form, on the patent as it would be created: a new
        # patent (no id, no offers, no deals). A plain namespace, not a transient Patent:
        # SQLAlchemy's instrumented constructor was a quarter of the time of a large file.
        candidate = SimpleNamespace(**result.patent, id=None, offers=[])
        result.offer = listings.offer_values(result.offer)
        result.errors.extend(listings.check_offer(candidate, result.offer))
    publish = _text(row.get("publish")).lower()
    result.publish = publish in YES
    if publish and not result.publish and publish not in NO:
        result.errors.append(FieldError("publish", _l("Write 是 (yes) or 否 (no).")))
    if result.publish and result.offer is None and not bad_offer:
        result.errors.append(FieldError("publish", _l("A listing is published with an offer.")))
    return result


def _without_control_characters(row: dict, errors: list) -> dict:
    """The row with control characters taken out, each cell that held one reported (the
    row is then bad: never imported, and never sent to the database in a query)."""
    clean = {}
    for key, value in row.items():
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            errors.append(FieldError(key, _l("Remove the control character (such as NUL) "
                                             "from this cell.")))
            value = CONTROL_CHARACTERS.sub("", value)
        clean[key] = value
    return clean


def _offer_from_row(row: dict, kind: str, licence_kind: str | None, errors: list) -> dict:
    offer = {"kind": OfferKind(kind), "licence_kind": licence_kind}
    if kind == "assignment":
        offer["asking_price_fen"] = _money(row, "asking_price_fen", errors, blank=None)
        return offer
    mode = _enum(row, "upfront_mode", errors, default="due_at_signing") or "due_at_signing"
    offer["upfront_fee_fen"] = _money(row, "upfront_fee_fen", errors)
    if mode == "first_sales":
        offer.update(upfront_mode="deferred", deferral_kind="first_sales")
    elif mode == "months":
        offer.update(upfront_mode="deferred", deferral_kind="months")
    else:
        offer["upfront_mode"] = mode
    for key in ("deferral_months", "term_years"):
        text = _text(row.get(key))
        if text:
            try:
                offer[key] = int(text)
            except ValueError:
                errors.append(FieldError(key, _l("Enter a whole number.")))
    royalty = _text(row.get("royalty_bp"))
    if royalty:
        try:
            offer["royalty_bp"] = percent_to_bp(royalty)
        except ValueError:
            errors.append(FieldError("royalty_bp", _l("Write the royalty as a percentage, "
                                                      "for example 3 or 2.5.")))
    offer["royalty_base"] = _enum(row, "royalty_base", errors, default="net_sales") or "net_sales"
    offer["royalty_threshold_fen"] = _money(row, "royalty_threshold_fen", errors)
    offer["min_annual_royalty_fen"] = _money(row, "min_annual_royalty_fen", errors)
    return offer


def preview(filename: str, data: bytes, org_id: int) -> Preview:
    """Read and check a whole file; nothing is written. Raises ImportFileError."""
    summary = Preview()
    for result in checked_rows(filename, data, org_id):
        summary.add(result)
    return summary


def checked_rows(filename: str, data: bytes, org_id: int) -> Iterator[RowResult]:
    """Every data row of the file, checked, in file order. Raises ImportFileError (before
    the first row for a file beyond the bounds or without the required columns).

    A number already on an earlier line is an error of the later line; a number listed in
    the database is an error of its first line, looked up a chunk of rows at a time."""
    rows = iter_table(filename, data)
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_l("The file is empty."), field="file")
    header = [HEADER_TO_KEY.get(_header_key(_text(cell))) for cell in first[1]]
    missing = [zh for key, zh, _ in COLUMNS[:3] if key not in header and key != "publication_number"]
    if missing:
        raise ImportFileError(_l("The header row lacks these columns: %(columns)s. Start from "
                                 "the template.", columns="、".join(missing)), field="file")
    seen: dict[str, int] = {}  # application number -> first line: the one cross-row state
    chunk: list[RowResult] = []
    for line, cells in rows:
        result = check_row(line, {key: cells[i] for i, key in enumerate(header)
                                  if key and i < len(cells)})
        _check_repeated(result, seen)
        chunk.append(result)
        if len(chunk) == CHUNK_ROWS:
            yield from _check_listed(chunk, seen, org_id)
            chunk = []
    yield from _check_listed(chunk, seen, org_id)


def _check_repeated(result: RowResult, seen: dict[str, int]) -> None:
    number = result.patent.get("application_number")
    if not number:
        return
    if number in seen:
        result.errors.insert(0, FieldError("application_number", _l(
            "The same application number is on line %(line)d.", line=seen[number])))
    else:
        seen[number] = result.line


def _check_listed(chunk: list[RowResult], seen: dict[str, int], org_id: int) -> list[RowResult]:
    """The chunk, each first line of a number already in the database marked bad."""
    firsts = {r.patent["application_number"]: r for r in chunk
              if r.patent.get("application_number")
              and seen.get(r.patent["application_number"]) == r.line}
    if firsts:
        owners = db.session.execute(select(Patent.application_number, Patent.owner_org_id)
                                    .where(Patent.application_number.in_(list(firsts)))).all()
        for number, owner in owners:
            firsts[number].errors.insert(0, listings.duplicate_number_error_for(owner, org_id))
    return chunk


@dataclass
class Imported:
    created: int = 0
    left_out: int = 0


def import_file(user: User, filename: str, data: bytes) -> Imported:
    """Check the file again and create the listings of its good rows in the current
    transaction, a chunk at a time; bad rows are left out. Raises ImportFileError, or
    IntegrityError when a number was listed by someone else meanwhile (the caller rolls
    back: nothing is imported)."""
    listings.require_licensor(user)
    outcome, batch = Imported(), []
    for result in checked_rows(filename, data, user.org_id):
        if not result.ok:
            outcome.left_out += 1
            continue
        batch.append(result)
        if len(batch) == CHUNK_ROWS:
            outcome.created += len(import_rows(user, batch))
            batch = []
    outcome.created += len(import_rows(user, batch))
    return outcome


def import_rows(user: User, rows: list[RowResult]) -> list[int]:
    """Create the listings of checked good rows in the current transaction; return their ids.

    The rows come from ``checked_rows`` for this organisation. Bulk INSERTs (no ORM objects:
    the session holds nothing of them); a number listed by someone else in the meantime
    makes the insert fail on the unique constraint (the caller rolls back).
    """
    listings.require_licensor(user)
    if not rows:
        return []
    now = utcnow()
    values = [{**result.patent, "owner_org_id": user.org_id,
               "status": ListingStatus.PUBLISHED if result.publish else ListingStatus.DRAFT,
               "published_at": now if result.publish else None} for result in rows]
    # Every dict with the same keys, None sent as NULL (render_nulls): SQLAlchemy batches an
    # executemany only over a run of rows with one key set, and it drops None values, so a
    # row without (say) a grant date broke the run into single-row INSERTs (8,500
    # statements for 12,000 rows). Columns left out of every row still get their defaults.
    values = _same_keys(values)
    db.session.execute(insert(Patent).execution_options(render_nulls=True), values)
    numbers = [v["application_number"] for v in values]
    id_of = {}
    for start in range(0, len(numbers), CHUNK_ROWS):
        id_of.update(db.session.execute(
            select(Patent.application_number, Patent.id)
            .where(Patent.application_number.in_(numbers[start:start + CHUNK_ROWS]))).all())
    ids = [id_of[number] for number in numbers]
    offers = [{**result.offer, "patent_id": patent_id, "active": True}
              for result, patent_id in zip(rows, ids, strict=True) if result.offer]
    if offers:
        db.session.execute(insert(Offer).execution_options(render_nulls=True),
                           _same_keys(offers))
    listings.log_bulk(user, ids)
    return ids


def _same_keys(rows: list[dict]) -> list[dict]:
    """The rows with the union of their keys, a missing one as None (the column's NULL:
    the check gave every value that matters)."""
    keys = set().union(*rows)
    if all(len(row) == len(keys) for row in rows):
        return rows
    return [{key: row.get(key) for key in keys} for row in rows]


# --- previews awaiting confirmation ------------------------------------------------------

class PreviewGone(ServiceError):
    """No preview with that token for this user: never made, someone else's, expired, or
    already confirmed."""


def keep_preview(user: User, filename: str, data: bytes, max_age: timedelta) -> ImportPreview:
    """Store a checked upload until its owner confirms it (or it expires)."""
    kept = ImportPreview(token=secrets.token_urlsafe(32), user_id=user.id, org_id=user.org_id,
                         filename=filename[:200], size=len(data), data=data,
                         expires_at=utcnow() + max_age)
    db.session.add(kept)
    db.session.flush()
    return kept


def take_preview(user: User, token: str) -> ImportPreview:
    """The user's own live preview, deleted in the current transaction so that it is
    imported at most once (a second, concurrent confirmation deletes nothing and is
    refused). Raises PreviewGone."""
    kept = db.session.scalar(select(ImportPreview).where(
        ImportPreview.token == token, ImportPreview.user_id == user.id,
        ImportPreview.org_id == user.org_id, ImportPreview.expires_at > utcnow()))
    if kept is None:
        raise PreviewGone(_l("This import preview has expired or was already used. "
                             "Upload the file again."))
    deleted = db.session.execute(delete(ImportPreview).where(ImportPreview.id == kept.id)
                                 .execution_options(synchronize_session=False))
    if deleted.rowcount != 1:
        raise PreviewGone(_l("This import preview has expired or was already used. "
                             "Upload the file again."))
    db.session.expunge(kept)  # deleted behind the session's back: keep it as plain data
    return kept


def clean_expired_previews() -> int:
    """Delete every expired preview; return how many."""
    result = db.session.execute(delete(ImportPreview).where(ImportPreview.expires_at <= utcnow())
                                .execution_options(synchronize_session=False))
    return result.rowcount


NOTE_MARK = "#"  # a row whose first cell starts with it is a note (the template's row 2)
REQUIRED = ("application_number", "title", "legal_status", "filing_date")
# What each column wants, beyond the valid values of an enumerated one: (Chinese, English)
COLUMN_NOTES = {
    "application_number": ("必填，如 201710601862.3", "required, e.g. 201710601862.3"),
    "title": ("必填", "required"),
    "ipc_codes": ("多个用 ; 分隔", "several separated by ;"),
    "filing_date": ("必填，YYYY-MM-DD", "required, YYYY-MM-DD"),
    "grant_date": ("YYYY-MM-DD，已授权必填", "YYYY-MM-DD, required once granted"),
    "inventors": ("多人用 ; 分隔", "several separated by ;"),
    "keywords": ("用 ; 分隔", "separated by ;"),
    "licence_kind": ("交易方式为协商许可时必填", "required for a licence on request"),
    "upfront_fee_fen": ("元", "yuan"), "deferral_months": ("首付延期时填写", "when deferred"),
    "royalty_bp": ("百分比，如 3 或 2.5", "percent, e.g. 3 or 2.5"),
    "royalty_threshold_fen": ("元，空为全部销售额", "yuan; empty: all sales"),
    "min_annual_royalty_fen": ("元", "yuan"), "term_years": ("整数", "whole number"),
    "asking_price_fen": ("元，转让时填写；空为面议", "yuan, for an assignment; empty: on request"),
    "publish": ("是 / 否（否：存为草稿）", "yes / no (no: saved as a draft)"),
}


def column_note(key: str, locale: str) -> str:
    """What a column wants, in one language: its note and, if enumerated, its valid values."""
    zh_note, en_note = COLUMN_NOTES.get(key, ("", ""))
    note = zh_note if locale == "zh" else en_note
    vocab = import_vocab.VOCABULARIES.get(key)
    if vocab is None:
        return note
    values = ("、" if locale == "zh" else " / ").join(vocab.labels(locale))
    lead = "可填：" if locale == "zh" else "one of: "
    return "；".join(part for part in (note, lead + values) if part) if locale == "zh" else \
        "; ".join(part for part in (note, lead + values) if part)


def column_guide(locale: str) -> list[tuple[str, str]]:
    """(header, what to write) for each column, for the import page."""
    lang = "en" if locale.startswith("en") else "zh"
    return [(f"{zh} / {en}", column_note(key, lang) or "—") for key, zh, en in COLUMNS]


def template_rows() -> list[list[str]]:
    """Header, a note row (skipped on import: it starts with NOTE_MARK) and an example."""
    header = [zh for _, zh, _ in COLUMNS]
    notes = [f"{column_note(key, 'zh')} | {column_note(key, 'en')}".strip(" |")
             for key, _, _ in COLUMNS]
    notes[0] = f"{NOTE_MARK} 填写说明（本行导入时跳过）Notes, skipped on import: {notes[0]}"
    example = {"application_number": "201710601862.3", "publication_number": "CN107357845B",
               "title": "一种石墨烯导热薄膜的制备方法", "abstract": "本发明公开了一种石墨烯导热薄膜……",
               "ipc_codes": "C01B 32/184；H05K 7/20", "filing_date": "2017-07-26",
               "grant_date": "2020-03-10", "inventors": "张三；李四", "keywords": "石墨烯；导热",
               "upfront_fee_fen": "0", "royalty_bp": "3", "min_annual_royalty_fen": "1000000",
               "term_years": "5", "publish": "是"}
    for column, code in (("legal_status", "legal_granted"), ("offer", "open_licence"),
                         ("upfront_mode", "waived"), ("royalty_base", "net_sales"),
                         ("trl", "trl6")):
        example[column] = import_vocab.zh_label(code)
    return [header, notes, [example.get(key, "") for key, _, _ in COLUMNS]]


TEMPLATE_DATA_ROWS = 2000  # rows of the data sheet that carry the drop-downs


def template_xlsx() -> bytes:
    """The template as a workbook: the data sheet first (the import reads the first sheet),
    with drop-downs of the form's labels on the enumerated columns; an instructions sheet
    (Chinese and English); the drop-downs' lists on a hidden sheet."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    header, _notes, example = template_rows()
    book = Workbook()
    sheet = book.active
    sheet.title = "专利清单"
    sheet.append(header)
    sheet.append(example)
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    guide = book.create_sheet("填写说明 Instructions")
    guide.append(["列 Column", "英文列名 English header", "说明 Notes", "Notes (English)"])
    for key, zh, en in COLUMNS:
        guide.append([zh, en, column_note(key, "zh"), column_note(key, "en")])
    guide.append([])
    guide.append(["专利清单的第一行是列名，请勿修改；每行一件专利。下拉列表中的中文选项与挂牌表单一致，"
                  "也可填写英文选项或代码。",
                  "Keep the header row; one patent per row. The drop-downs hold the form's "
                  "labels; the English labels and the codes are accepted too."])
    for column, width in zip("ABCD", (18, 26, 60, 60), strict=True):
        guide.column_dimensions[column].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    lists = book.create_sheet("选项")
    lists.sheet_state = "hidden"
    used = 0  # columns of the hidden sheet holding a list
    for n, (key, _zh, _en) in enumerate(COLUMNS, start=1):
        vocab = import_vocab.VOCABULARIES.get(key)
        if key == "publish":
            values = ["是", "否"]
        elif vocab is not None:
            values = vocab.labels("zh")
        else:
            continue
        used += 1
        letter = get_column_letter(used)
        for i, value in enumerate(values, start=1):
            lists[f"{letter}{i}"] = value
        check = DataValidation(type="list", formula1=f"'选项'!${letter}$1:${letter}${len(values)}",
                               allow_blank=True, errorStyle="warning", showErrorMessage=True,
                               error="请从列表中选择，或填写英文选项/代码。Choose from the list, or "
                                     "write the English label or code.")
        column = get_column_letter(n)
        check.add(f"{column}2:{column}{TEMPLATE_DATA_ROWS + 1}")
        sheet.add_data_validation(check)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FIELD_TO_COLUMN = {"kind": "offer", "licence_kind": "offer", "deferral_kind": "upfront_mode",
                   "grant_number": "publication_number", "patent_type": "application_number",
                   "claims": "abstract", "industry": "ipc_codes", "territory": "offer"}


def column_label(field_name: str, locale: str = "zh") -> str:
    """The spreadsheet column a checked field came from, as the user's header reads."""
    key = FIELD_TO_COLUMN.get(field_name, field_name)
    for column, zh, en in COLUMNS:
        if column == key:
            return zh if locale == "zh" else en
    return field_name
