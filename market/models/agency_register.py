"""The centre's register of service agencies (plan tasks 15 and 19): exits and suspensions
(dynamic monitoring; entry is the verification), complaints and how they ended, yearly
performance evaluations against the centre's criteria, and credit notes. Status events and
credit notes are append-only: a suspension is lifted by a reinstatement row, a note by a
later note."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from . import append_only
from .base import UTCDateTime, created_at_column

EXIT, SUSPENSION, REINSTATEMENT = "exit", "suspension", "reinstatement"
STATUS_EVENTS = (EXIT, SUSPENSION, REINSTATEMENT)
COMPLAINT_OUTCOMES = ("upheld", "dismissed", "mediated", "withdrawn")
GRADES = ("excellent", "good", "pass", "fail")
CREDIT_NOTE_KINDS = ("commendation", "warning", "note")


class AgencyStatusEvent(db.Model):
    __tablename__ = "agency_status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # exit | suspension | reinstatement
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    at: Mapped[datetime] = created_at_column()


class AgencyComplaint(db.Model):
    """A complaint the centre received about an agency; closed once with its outcome (and
    the sanction, if any, which the disclosure page shows)."""
    __tablename__ = "agency_complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    complainant: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    outcome_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    sanction: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                            nullable=True)
    closed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                          nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    agency = relationship("Organisation")


class EvaluationCriterion(db.Model):
    """A criterion of the yearly evaluation, set by the centre, with its maximum score.
    Retired criteria stay (past evaluations name them) but are not offered again."""
    __tablename__ = "evaluation_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    max_score: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at_column()


class AgencyEvaluation(db.Model):
    """One agency's evaluation for one year: each criterion's score (name and maximum
    copied, so a later change of the criteria leaves it as it was) and the overall grade."""
    __tablename__ = "agency_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    scores: Mapped[list[dict]] = mapped_column(JSON, default=list)
    total: Mapped[int] = mapped_column(Integer)
    max_total: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    at: Mapped[datetime] = created_at_column()

    __table_args__ = (UniqueConstraint("agency_org_id", "year",
                                       name="uq_agency_evaluation_agency_year"),)


class AgencyCreditNote(db.Model):
    """A note on an agency's credit record (信用监管), shown on its disclosure page."""
    __tablename__ = "agency_credit_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # commendation | warning | note
    text: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    at: Mapped[datetime] = created_at_column()


append_only.protect(AgencyStatusEvent.__table__)
append_only.protect(AgencyCreditNote.__table__)
