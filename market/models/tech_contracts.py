"""The technology contract registration (技术合同认定登记) of a concluded deal: the number and
date the provincial science authority gave it, entered by either party. The official contract
value and the tax relief come from it; the platform only records what the parties report."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, created_at_column


class TechContractRegistration(db.Model):
    __tablename__ = "tech_contract_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), unique=True)
    number: Mapped[str] = mapped_column(String(40))
    registered_on: Mapped[date] = mapped_column(Date)
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    deal = relationship("Deal")
    recorded_by = relationship("User")
