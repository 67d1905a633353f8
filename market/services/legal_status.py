"""Legal status one can trust: the centre's bulk import of CNIPA's status records, the
owner's proof and the centre's check of it, the line every listing shows ("verified on ...
by ..." or "the owner's own statement"), and what happens when a patent lapses.

The import reads the export of CNIPA's legal-status search (CSV or XLSX, with the listing
import's bounds: :mod:`market.services.import_files`). Every row is checked (line and field
for each problem); a patent any of whose rows is bad is left out whole (its history would
be incomplete), every other patent is applied. Importing the same file again adds nothing.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..domain.dates import local_today
from ..domain.patent_numbers import InvalidPatentNumber, normalise_application_number
from ..domain.patents import ENDED_STATUSES, FieldError, LegalStatus
from ..extensions import db
from ..models import (
    Deal,
    DealState,
    LegalStatusEvent,
    LegalStatusProof,
    ListingChange,
    ListingStatus,
    Patent,
    PatentStatusCheck,
    ProofState,
    User,
    VerificationSource,
)
from ..models.base import utcnow
from ..permissions import member_org_id
from . import audit, deals, imports, listings, notifications
from .deal_rules import lock_patent
from .errors import NotFound, PermissionDenied, ServiceError
from .import_files import ImportFileError
from .uploads import check_scan

# column key -> the headers accepted for it (CNIPA's export words, ours, English)
COLUMNS = {
    "application_number": ("申请号", "申请号/专利号", "专利号", "application number",
                           "application_number"),
    "status": ("法律状态", "当前法律状态", "案件状态", "legal status", "status"),
    "event": ("法律状态信息", "法律事件", "事件", "法律状态事件", "event"),
    "event_date": ("法律状态公告日", "公告日", "生效日", "日期", "date", "event_date"),
    "paid_through": ("年费缴至", "annual fee paid through", "paid_through"),
}
REQUIRED = ("application_number", "status", "event_date")
COLUMN_LABELS = {"application_number": _l("Application number"), "status": _l("Legal status"),
                 "event": _l("Event"), "event_date": _l("Date of the record"),
                 "paid_through": _l("Annual fee paid through")}
HEADER_TO_KEY = {imports._header_key(name): key
                 for key, names in COLUMNS.items() for name in names}
# CNIPA's words (current status, or the event that set it) -> our status
STATUS_WORDS = {
    "有效": LegalStatus.GRANTED, "授权": LegalStatus.GRANTED, "专利权维持": LegalStatus.GRANTED,
    "审中": LegalStatus.PENDING, "在审": LegalStatus.PENDING, "公开": LegalStatus.PENDING,
    "实质审查": LegalStatus.PENDING, "实质审查的生效": LegalStatus.PENDING,
    "失效": LegalStatus.TERMINATED, "终止": LegalStatus.TERMINATED,
    "专利权的终止": LegalStatus.TERMINATED, "未缴年费专利权终止": LegalStatus.TERMINATED,
    "期限届满": LegalStatus.TERMINATED, "放弃": LegalStatus.TERMINATED,
    "无效": LegalStatus.TERMINATED, "全部无效": LegalStatus.TERMINATED,
    "恢复": LegalStatus.GRANTED, "权利恢复": LegalStatus.GRANTED,
    "撤回": LegalStatus.WITHDRAWN, "视为撤回": LegalStatus.WITHDRAWN,
    "驳回": LegalStatus.WITHDRAWN,
    **{s.value: s for s in LegalStatus},
}
MAX_EVENT = 200
PROOF_QUEUE_LIMIT = 200
IN_FLIGHT = (DealState.REQUESTED, DealState.COUNTERED, DealState.ACCEPTED,
             DealState.AWAITING_PAYMENT)


def column_label(key: str) -> str:
    return str(COLUMN_LABELS.get(key, key))


# --- the line a listing shows -------------------------------------------------------------

@dataclass(frozen=True)
class StatusLine:
    verified: bool
    on: date | None = None
    source: VerificationSource | None = None
    by: str | None = None  # the centre's organisation, as the listing names who checked
    lapsed_on: date | None = None  # the platform closed it: the fee's grace period ran out


def status_line(patent: Patent) -> StatusLine:
    """Whether the listing's status is the one the centre verified (and when, how): a status
    the owner changed since is the owner's own statement again."""
    check = patent.status_check
    if check is None or check.verified_status != patent.legal_status or not check.verified_on:
        lapsed = check.lapsed_on if check is not None and \
            patent.legal_status in ENDED_STATUSES else None
        return StatusLine(False, lapsed_on=lapsed)
    by = check.verified_by.org.name if check.verified_by and check.verified_by.org else None
    return StatusLine(True, check.verified_on, check.verified_source, by)


def check_of(patent: Patent) -> PatentStatusCheck:
    if patent.status_check is None:
        patent.status_check = PatentStatusCheck(patent_id=patent.id, updated_at=utcnow())
        db.session.add(patent.status_check)
    return patent.status_check


def _verify(patent: Patent, user: User, source: VerificationSource, today: date) -> None:
    check = check_of(patent)
    check.verified_status, check.verified_on = patent.legal_status, today
    check.verified_source, check.verified_by_user_id = source, user.id
    check.updated_at = utcnow()


# --- the centre's import --------------------------------------------------------------------

@dataclass
class StatusRow:
    line: int
    number: str | None = None
    status: LegalStatus | None = None
    event: str = ""
    event_date: date | None = None
    paid_through: date | None = None
    errors: list[FieldError] = field(default_factory=list)


@dataclass
class StatusImport:
    """What an import did: patents applied, records added (and already known), rows with
    errors and the patents left out because of them, listings closed as lapsed."""
    patents: int = 0
    added: int = 0
    known: int = 0
    bad_rows: list[StatusRow] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    closed: int = 0

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.bad_rows)


def _require_centre(user: User) -> None:
    if not (user.is_centre and user.can_act):
        raise PermissionDenied(_l("Only the IP service centre verifies legal status."))


def check_row(line: int, cells: dict, today: date) -> StatusRow:
    row = StatusRow(line)

    def error(name, message):
        row.errors.append(FieldError(name, message))

    try:
        row.number = normalise_application_number(imports._text(cells.get("application_number")))
    except InvalidPatentNumber as exc:
        error("application_number", exc.message)
    word = unicodedata.normalize("NFKC", imports._text(cells.get("status"))).strip()
    row.status = STATUS_WORDS.get(word) or STATUS_WORDS.get(word.lower())
    if row.status is None:
        error("status", _l("Unknown legal status “%(word)s”: use 有效, 审中, 失效 (终止) or "
                           "撤回 (驳回), as CNIPA's search shows them.", word=word))
    row.event = imports._text(cells.get("event"))
    if len(row.event) > MAX_EVENT:
        error("event", _l("This text is longer than %(n)d characters.", n=MAX_EVENT))
    for name in ("event_date", "paid_through"):
        value = imports._date(cells.get(name))
        if value == "invalid" or (isinstance(value, date) and name == "event_date"
                                  and value > today):
            error(name, _l("Enter a valid date, not in the future (YYYY-MM-DD)."))
        elif value is None and name == "event_date":
            error(name, _l("Enter the date of the legal-status record."))
        elif isinstance(value, date):
            setattr(row, name, value)
    return row


def _read_rows(filename: str, data: bytes, today: date) -> list[StatusRow]:
    rows = imports.iter_table(filename, data)
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_l("The file is empty."), field="file")
    header = [HEADER_TO_KEY.get(imports._header_key(imports._text(c))) for c in first[1]]
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in header]
    if missing:
        raise ImportFileError(_l("The header row lacks these columns: %(columns)s.",
                                 columns="、".join(missing)), field="file")
    return [check_row(line, {key: cells[i] for i, key in enumerate(header)
                             if key and i < len(cells)}, today) for line, cells in rows]


def _patents_by_number(numbers: list[str]) -> dict[str, Patent]:
    found: dict[str, Patent] = {}
    for start in range(0, len(numbers), 500):
        found.update((p.application_number, p) for p in db.session.scalars(
            select(Patent).where(Patent.application_number.in_(numbers[start:start + 500]))))
    return found


def import_records(user: User, filename: str, data: bytes) -> StatusImport:
    """Check and apply a file of CNIPA legal-status records (see the module's docstring).
    For each patent applied: its new records are stored, its status becomes that of its
    latest record, verified today by the centre; one that lapsed has its offers closed and
    its deals in flight ended (:func:`close_lapsed`). Raises PermissionDenied,
    ImportFileError (the file as a whole)."""
    _require_centre(user)
    today = local_today()
    rows = _read_rows(filename, data, today)
    patents = _patents_by_number(sorted({r.number for r in rows if r.number}))
    for row in rows:
        if row.number and row.number not in patents:
            row.errors.insert(0, FieldError("application_number", _l(
                "No patent with this application number is listed on the platform.")))
    outcome = StatusImport(bad_rows=[r for r in rows if r.errors])
    bad_numbers = {r.number for r in outcome.bad_rows if r.number in patents}
    outcome.left_out = sorted(bad_numbers)
    per_patent: dict[str, list[StatusRow]] = defaultdict(list)
    for row in rows:
        if not row.errors and row.number not in bad_numbers:
            per_patent[row.number].append(row)
    for number, good in per_patent.items():
        _apply(patents[number], good, user, today, outcome)
    audit.record("legal_status.imported", actor=user, filename=PurePath(filename).name[-200:],
                 patents=outcome.patents, added=outcome.added, bad_rows=len(outcome.bad_rows),
                 closed=outcome.closed)
    return outcome


def _apply(patent: Patent, rows: list[StatusRow], user: User, today: date,
           outcome: StatusImport) -> None:
    lock_patent(patent.id)
    known = {(e.event_date, e.status, e.event) for e in patent.status_events}
    for row in rows:
        key = (row.event_date, row.status, row.event[:MAX_EVENT])
        if key in known:
            outcome.known += 1
            continue
        known.add(key)
        db.session.add(LegalStatusEvent(patent=patent, status=row.status, event=key[2],
                                        event_date=row.event_date,
                                        source=VerificationSource.IMPORT,
                                        recorded_by_user_id=user.id))
        outcome.added += 1
    db.session.flush()
    latest = max(patent.status_events, key=lambda e: (e.event_date, e.id))
    was_ended = patent.legal_status in ENDED_STATUSES
    patent.legal_status = latest.status
    _verify(patent, user, VerificationSource.IMPORT, today)
    paid = [r.paid_through for r in rows if r.paid_through]
    if paid:
        check = check_of(patent)
        check.annual_fee_paid_through, check.fee_paid_through_source = max(paid), "import"
    outcome.patents += 1
    if latest.status not in ENDED_STATUSES:
        check_of(patent).lapsed_on = None  # in force again (restored): off the lapsed list
    if latest.status in ENDED_STATUSES and (not was_ended or patent.active_offers
                                            or _in_flight(patent)):
        close_lapsed(patent, reason="cnipa", event=latest.event or latest.status.value,
                     today=today, actor=user)
        outcome.closed += 1


# --- a lapsed patent ---------------------------------------------------------------------------

def _in_flight(patent: Patent) -> list[Deal]:
    return list(db.session.scalars(select(Deal).where(
        Deal.patent_id == patent.id, Deal.state.in_(IN_FLIGHT)).order_by(Deal.id)))


def close_lapsed(patent: Patent, *, reason: str, event: str = "", today: date,
                 actor: User | None = None) -> int:
    """``patent`` is no longer in force: its offers close, its listing leaves the market and
    each deal in flight on it is ended through the deals' one door (action ``lapse``, an
    event row each). Concluded licences are left as they are (their contracts say what
    happens). ``reason`` is "annual_fee" or "cnipa" (then ``event`` is CNIPA's wording).
    Returns how many deals ended."""
    lock_patent(patent.id)
    for offer in patent.active_offers:
        offer.active = False
    before = patent.status.value
    if patent.status == ListingStatus.PUBLISHED:
        patent.status = ListingStatus.WITHDRAWN
    db.session.add(ListingChange(
        patent_id=patent.id, user_id=getattr(actor, "id", None), action="lapsed",
        before={"status": before}, after={"status": patent.status.value, "reason": reason,
                                          "event": event}))
    listings.touch_search(patent)
    check_of(patent).lapsed_on = today
    ended = 0
    for deal in _in_flight(patent):
        deals.lock(deal)
        if deal.state in IN_FLIGHT:
            deals.transition(deal, "lapse", actor=None, role=deals.SYSTEM,
                             payload={"reason": reason, "event": event})
            ended += 1
    notifications.notify_org(
        patent.owner, "patent_lapsed",
        _l("“%(title)s” has lapsed: its offers are closed", title=patent.title),
        _l("The listing left the market and %(n)d deal(s) in progress on it were ended. If the "
           "patent is still in force, upload proof on the listing page for the centre to "
           "check.", n=ended), f"/patents/{patent.id}")
    audit.record("patent.lapsed", actor=actor, target=patent, reason=reason, event=event,
                 deals_ended=ended)
    db.session.flush()
    return ended


# --- the owner's proof, the centre's check ------------------------------------------------

def _check_proof_file(data: bytes) -> str:
    return check_scan(data, field="file", what=_l("The document"))


def upload_proof(user: User, patent: Patent, filename: str | None, data: bytes,
                 note: str = "") -> LegalStatusProof:
    """The owner uploads proof of the patent's status (CNIPA's status page, a fee receipt)
    for the centre to check. Raises PermissionDenied, ServiceError (the file)."""
    if member_org_id(user) != patent.owner_org_id or not user.can_act:
        raise PermissionDenied(_l("Only the patent's owner uploads proof of its status."))
    content_type = _check_proof_file(data)
    proof = LegalStatusProof(patent_id=patent.id, uploaded_by_user_id=user.id,
                             note=(note or "").strip()[:500],
                             filename=PurePath(filename or "proof").name[-200:],
                             content_type=content_type, size=len(data), data=data)
    db.session.add(proof)
    db.session.flush()
    audit.record("legal_status.proof_uploaded", actor=user, target=patent, proof_id=proof.id)
    notifications.notify_centre("legal_status_proof", _l(
        "Proof of legal status to check: “%(title)s”", title=patent.title), "",
        "/centre/legal-status")
    return proof


def pending_proofs() -> list[LegalStatusProof]:
    return list(db.session.scalars(select(LegalStatusProof).where(
        LegalStatusProof.state == ProofState.PENDING).order_by(LegalStatusProof.id)
        .limit(PROOF_QUEUE_LIMIT)))


def decide_proof(proof: LegalStatusProof, user: User, *, accept: bool,
                 reason: str = "") -> LegalStatusProof:
    """The centre checked the proof: accepted, the listing's status counts as verified
    today ("proof checked by the centre"); rejected, the owner reads ``reason``. Deciding
    twice changes nothing. Raises PermissionDenied, ServiceError."""
    _require_centre(user)
    lock_patent(proof.patent_id)
    db.session.refresh(proof)
    if proof.state != ProofState.PENDING:
        raise ServiceError(_l("This proof has already been checked."), code="decided")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ServiceError(_l("Say what is wrong, so the owner can put it right."),
                           field="reason")
    proof.state = ProofState.ACCEPTED if accept else ProofState.REJECTED
    proof.decided_by_user_id, proof.decided_at = user.id, utcnow()
    proof.reason = reason[:1000] or None
    patent = proof.patent
    if accept:
        _verify(patent, user, VerificationSource.PROOF, local_today())
        title = _l("The centre verified the legal status of “%(title)s”", title=patent.title)
    else:
        title = _l("The centre could not verify the legal status of “%(title)s”",
                   title=patent.title)
    db.session.flush()
    audit.record("legal_status.proof_" + proof.state.value, actor=user, target=patent,
                 proof_id=proof.id, reason=proof.reason)
    notifications.notify_org(patent.owner, "legal_status_checked", title, proof.reason or "",
                             f"/patents/{patent.id}")
    return proof


def proof_for(proof_id: int, user: User) -> LegalStatusProof:
    """A proof's file, to the owner's members and the centre only (NotFound otherwise)."""
    proof = db.session.get(LegalStatusProof, proof_id)
    if proof is None or not user.is_authenticated or not (
            user.is_centre or member_org_id(user) == proof.patent.owner_org_id):
        raise NotFound(_l("Document not found."))
    return proof
