"""IP service agencies (知识产权服务机构): their public profile and staff, and the mandates
principals grant them so their technology brokers (技术经纪人) can act on deals.

A mandate's grant and revocation are written as :class:`MandateEvent` rows, never changed
or deleted (``market.services.mandates``); the mandate row keeps its current state
(``revoked_at``) so the live check is one query."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, created_at_column, enum_column


class AgencyService(enum.StrEnum):
    BROKERING = "brokering"          # 技术经纪: brokering licences and assignments
    CUSTODY = "custody"              # 知识产权托管
    VALUATION = "valuation"          # 价值评估
    AGENCY_FILING = "agency_filing"  # 专利代理: filing and prosecution


class StaffQualification(enum.StrEnum):
    TECH_BROKER = "tech_broker"          # registered technology broker (技术经纪人)
    PATENT_ATTORNEY = "patent_attorney"  # 专利代理师


class MandateScope(enum.StrEnum):
    # Either way the principal signs: no broker ever signs a contract.
    NEGOTIATE = "negotiate"              # answer the other side: counter, accept, decline
    NEGOTIATE_AND_DRAFT = "negotiate_draft"  # also draft: open requests for the principal


class AgencyProfile(db.Model):
    """What an agency shows on its public page, beside its verified organisation data."""
    __tablename__ = "agency_profile"

    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    # a patent agency (专利代理机构) carries the agency code CNIPA gave it
    is_patent_agency: Mapped[bool] = mapped_column(Boolean, default=False)
    cnipa_agency_code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)      # AgencyService values
    industries: Mapped[list[str]] = mapped_column(JSON, default=list)    # domain.ipc.INDUSTRIES
    description: Mapped[str] = mapped_column(Text, default="")

    # ``org.agency_profile`` (None for other kinds) without touching the Organisation model
    org = relationship("Organisation", backref=backref("agency_profile", uselist=False))


class AgencyStaff(db.Model):
    """A member of an agency's staff holding a certificate: the profile lists them."""
    __tablename__ = "agency_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    qualification: Mapped[StaffQualification] = mapped_column(
        enum_column(StaffQualification, "staff_qualification"))
    certificate_number: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (UniqueConstraint("org_id", "qualification", "certificate_number",
                                       name="uq_agency_staff_org_qualification_certificate"),)


class Mandate(db.Model):
    """A principal (a university, institute or SME) lets an agency act for it on deals."""
    __tablename__ = "mandate"

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    scope: Mapped[MandateScope] = mapped_column(enum_column(MandateScope, "mandate_scope"))
    # the patents the mandate covers (empty: every deal of the principal)
    patent_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)  # its last day
    # the broker's fee on each deal it brings to conclusion, paid by the principal (fen)
    fee_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    granted_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    principal = relationship("Organisation", foreign_keys=[principal_org_id])
    agency = relationship("Organisation", foreign_keys=[agency_org_id])
    events: Mapped[list[MandateEvent]] = relationship(back_populates="mandate",
                                                      order_by="MandateEvent.id")

    def is_live(self, today: date) -> bool:
        return self.revoked_at is None and self.valid_from <= today <= self.valid_until

    def covers(self, patent_id: int) -> bool:
        return not self.patent_ids or patent_id in self.patent_ids


class MandateEvent(db.Model):
    """One grant or revocation of a mandate: who, when (append-only)."""
    __tablename__ = "mandate_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandate.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # granted | revoked
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                      nullable=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = created_at_column()

    mandate: Mapped[Mandate] = relationship(back_populates="events")
    actor = relationship("User")


@event.listens_for(MandateEvent, "before_update")
@event.listens_for(MandateEvent, "before_delete")
def _mandate_events_are_append_only(mapper, connection, target) -> None:
    # the record of who granted and revoked what is evidence: corrections are new events
    raise PermissionError("mandate events are append-only")
