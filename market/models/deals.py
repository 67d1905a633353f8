"""Deals between a licensor and a licensee, their events, messages and payment schedule.

A deal's ``state`` is assigned only by ``market.services.deals.transition``.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.dates import local_date, local_today
from ..domain.licence_period import LicencePeriod, licence_period, term_start
from ..extensions import db
from .base import UTCDateTime, created_at_column, enum_column, utcnow
from .listings import LicenceKind, OfferKind
from .terms import LicenceTermsColumns


class DealState(enum.StrEnum):
    REQUESTED = "requested"
    COUNTERED = "countered"
    ACCEPTED = "accepted"
    AWAITING_PAYMENT = "awaiting_payment"
    CONCLUDED = "concluded"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    ENDED = "ended"  # a concluded licence whose term (or the patent) has run out


class Deal(LicenceTermsColumns, db.Model):
    """A deal; its terms columns (LicenceTermsColumns) hold the terms on the table: the
    offer's, then each side's proposals."""

    __tablename__ = "deal"

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by (patent_id, kind) and (offer_id, licensee_org_id) below
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"))
    kind: Mapped[OfferKind] = mapped_column(enum_column(OfferKind, "deal_kind"))
    licence_kind: Mapped[LicenceKind | None] = mapped_column(
        enum_column(LicenceKind, "deal_licence_kind"), nullable=True)
    licensor_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    licensee_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    state: Mapped[DealState] = mapped_column(enum_column(DealState, "deal_state"), index=True)
    price_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # assignment
    proposed_by: Mapped[str] = mapped_column(String(10), default="licensee")
    licensee_details: Mapped[dict] = mapped_column(JSON, default=dict)
    expected_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    contract_number: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    # The parties as they were verified when the deal concluded: the contract keeps them even
    # after an organisation's approved change of name or credit code.
    licensor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    licensor_credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True)
    licensee_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    licensee_credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cnipa_record_number: Mapped[str | None] = mapped_column(String(60), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The agency whose technology broker acts on the deal for a principal under a mandate
    # (market/services/mandates.py), the broker who opened it, and the broker's fee the
    # principal pays the agency (fen; a row of the payment schedule when concluded).
    broker_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                      nullable=True, index=True)
    broker_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                       nullable=True)
    broker_fee_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    patent = relationship("Patent")
    offer = relationship("Offer")
    licensor = relationship("Organisation", foreign_keys=[licensor_org_id])
    licensee = relationship("Organisation", foreign_keys=[licensee_org_id])
    broker_org = relationship("Organisation", foreign_keys=[broker_org_id])
    events: Mapped[list[DealEvent]] = relationship(back_populates="deal", order_by="DealEvent.id")
    messages: Mapped[list[DealMessage]] = relationship(back_populates="deal",
                                                       order_by="DealMessage.id")
    schedule: Mapped[list[PaymentScheduleItem]] = relationship(
        back_populates="deal", order_by="PaymentScheduleItem.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # At most one exclusive or sole licence in force per patent, territory and field:
        # the database itself refuses a second one, whatever the application does.
        Index("uq_deal_exclusive_in_force", "patent_id", "territory", "field_of_use",
              unique=True,
              sqlite_where=text("state = 'concluded' AND licence_kind IN ('exclusive', 'sole')"),
              postgresql_where=text(
                  "state = 'concluded' AND licence_kind IN ('exclusive', 'sole')")),
        # The checks made under the patent's lock at every take and conclusion
        # (services/deal_rules.py, deals.take_open) seek the few rows they ask about, not
        # every deal of a patent whose open licence thousands have taken. They replace the
        # single-column indexes of patent_id and offer_id (their leading columns).
        Index("ix_deal_patent_id_kind", "patent_id", "kind"),
        Index("ix_deal_patent_id_licence_kind", "patent_id", "licence_kind"),
        Index("ix_deal_offer_id_licensee_org_id", "offer_id", "licensee_org_id"),
    )

    def snapshot_parties(self) -> None:
        """Keep the parties' verified names and credit codes as they are now (at conclusion)."""
        for role in ("licensor", "licensee"):
            org = getattr(self, role)
            setattr(self, f"{role}_name", org.name)
            setattr(self, f"{role}_credit_code", org.credit_code)

    def contract_party(self, role: str) -> SimpleNamespace:
        """A party as the contract names it: the name and credit code kept when the deal
        concluded (live ones for a deal concluded before they were kept), the rest live."""
        org = getattr(self, role)
        return SimpleNamespace(
            name=getattr(self, f"{role}_name") or org.name,
            credit_code=getattr(self, f"{role}_credit_code") or org.credit_code,
            address=org.address, contact_name=org.contact_name, contact_phone=org.contact_phone)

    @property
    def agreed_field_of_use(self) -> str:
        """The field the licence covers as the contract states it: for an open licence the
        field the licensee declared in its written notice (within any field the declaration
        set, kept in ``field_of_use``), else the negotiated ``field_of_use`` ("" = any)."""
        if self.kind == OfferKind.OPEN_LICENCE:
            return (self.licensee_details or {}).get("field_of_use") or ""
        return self.field_of_use or ""

    def licence_period(self, agreed_on: date | None = None) -> LicencePeriod | None:
        """The licence's period by the one rule the page and the contract share
        (:mod:`market.domain.licence_period`): from the day the terms were agreed (default:
        the Shenyang day the deal concluded) or the expected start of use if later, for
        ``term_years``, cut short by the patent's expiry. None for an assignment, and for a
        deal not concluded when no ``agreed_on`` is given."""
        if self.kind == OfferKind.ASSIGNMENT:
            return None
        if agreed_on is None:
            if self.concluded_at is None:
                return None
            agreed_on = local_date(self.concluded_at)
        return licence_period(term_start(agreed_on, self.expected_start), self.term_years,
                              self.patent.expiry_date)

    @property
    def term_ends_on(self) -> date | None:
        """The first day a concluded licence is no longer in force (None for an assignment
        and for a deal not concluded yet)."""
        period = self.licence_period()
        return period.ends_on if period else None

    @property
    def in_force_until(self) -> date | None:
        """The licence's last day in force: the date the page and the contract print."""
        period = self.licence_period()
        return period.last_day if period else None


class DealEvent(db.Model):
    """One transition of a deal: who, when, from which state to which, with what."""

    __tablename__ = "deal_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                      nullable=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = created_at_column()
    # Delivery bookkeeping, not part of the record: when the parties' inbox notices and
    # emails for this event were written (off the deal's transaction, by the after-commit
    # worker: market.services.deal_events.notify_pending). Empty while they are pending.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    deal: Mapped[Deal] = relationship(back_populates="events")
    actor = relationship("User")

    __table_args__ = (
        Index("ix_deal_event_pending_notice", "id", sqlite_where=text("notified_at IS NULL"),
              postgresql_where=text("notified_at IS NULL")),
    )


class DealMessage(db.Model):
    __tablename__ = "deal_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = created_at_column()

    deal: Mapped[Deal] = relationship(back_populates="messages")
    author = relationship("User")


BROKER_FEE = "broker_fee"  # the schedule row of a broker's fee


class ScheduleStatus(enum.StrEnum):
    DUE = "due"            # waiting for payment (dated or triggered)
    PAID = "paid"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


class PaymentScheduleItem(db.Model):
    """One amount the licensee owes under the deal, derived from its terms."""

    __tablename__ = "payment_schedule_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # upfront | deferred_upfront | ...
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    trigger: Mapped[str | None] = mapped_column(String(30), nullable=True)
    status: Mapped[ScheduleStatus] = mapped_column(
        enum_column(ScheduleStatus, "schedule_status"), default=ScheduleStatus.DUE)
    reference: Mapped[str] = mapped_column(String(40), unique=True)  # bank-transfer reference
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # who owes the row when it is not the licensee: the principal that owes its broker's
    # fee (kind ``broker_fee``, paid to the deal's broker agency; services/payees.py)
    payer_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                     nullable=True)

    deal: Mapped[Deal] = relationship(back_populates="schedule")
    payer_org = relationship("Organisation", foreign_keys=[payer_org_id])

    @property
    def is_broker_fee(self) -> bool:
        """A broker's fee: a service fee the principal pays its agency, not contract value."""
        return self.kind == BROKER_FEE

    @property
    def payer(self):
        """The organisation that owes the row: the licensee, or the principal of a fee."""
        return self.payer_org if self.payer_org_id is not None else self.deal.licensee

    @property
    def is_overdue(self) -> bool:
        return (self.status == ScheduleStatus.DUE and self.due_on is not None
                and self.due_on < local_today())

