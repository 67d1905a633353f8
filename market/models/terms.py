"""The licence-terms columns an offer and a deal share, declared once."""
from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.terms import DEFAULT_TERRITORY, TERM_FIELDS, LicenceTerms, terms_values


class LicenceTermsColumns:
    """One column per field of ``LicenceTerms`` (same names), and the terms read and written
    in one call, so services copy terms without listing their fields."""

    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    upfront_fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    upfront_mode: Mapped[str] = mapped_column(String(20), default="due_at_signing")
    deferral_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    deferral_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    royalty_bp: Mapped[int] = mapped_column(Integer, default=0)
    royalty_base: Mapped[str] = mapped_column(String(20), default="net_sales")
    royalty_threshold_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    min_annual_royalty_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    term_years: Mapped[int] = mapped_column(Integer, default=1)
    territory: Mapped[str] = mapped_column(String(100), default=DEFAULT_TERRITORY)
    field_of_use: Mapped[str] = mapped_column(String(200), default="")

    def terms(self) -> LicenceTerms:
        return LicenceTerms(**{name: getattr(self, name) for name in TERM_FIELDS})

    def set_terms(self, terms: LicenceTerms) -> None:
        for name, value in terms_values(terms).items():
            setattr(self, name, value)
