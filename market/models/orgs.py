"""Organisations and their users."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import StoredFileColumns, UTCDateTime, created_at_column, enum_column

# Shenyang's districts and counties (DOMAIN.md); Hunnan is the plan's core area.
DISTRICTS = (
    "和平区", "沈河区", "大东区", "皇姑区", "铁西区", "苏家屯区", "浑南区",
    "沈北新区", "于洪区", "辽中区", "新民市", "康平县", "法库县",
)


class OrgKind(enum.StrEnum):
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    SME = "sme"
    CENTRE = "centre"
    AGENCY = "agency"  # an IP service agency: brokers deals under mandates, keeps SMEs' IP in custody
    # a company above the SME size standard (大型企业): licenses in and buys like an SME, but
    # the plan's SME counts, custody and demand collection leave it out
    ENTERPRISE = "enterprise"


# Who licenses in and buys patents on negotiated terms (requests, counters, signs as licensee
# or assignee). The plan speaks of SMEs; a larger enterprise takes part the same way, and the
# ledger's licensee_is_sme keeps the SME counts to SMEs.
BUYER_KINDS = (OrgKind.SME, OrgKind.ENTERPRISE)


class OrgStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class SmeSize(enum.StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"


class Membership(enum.StrEnum):
    ACTIVE = "active"
    REQUESTED = "requested"  # asked to join; the organisation's admin decides


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind, "org_kind"))
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    district: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))
    contact_name: Mapped[str] = mapped_column(String(100))
    # as on the business licence; the contracts name it (a verified organisation's
    # signer stands in as its authorised representative where it is blank)
    legal_representative: Mapped[str | None] = mapped_column(String(100), nullable=True)
    contact_phone: Mapped[str] = mapped_column(String(40))
    contact_email: Mapped[str] = mapped_column(String(254))
    sme_size: Mapped[SmeSize | None] = mapped_column(enum_column(SmeSize, "sme_size"), nullable=True)
    status: Mapped[OrgStatus] = mapped_column(
        enum_column(OrgStatus, "org_status"), default=OrgStatus.PENDING)
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A verified organisation's new name or credit code waits here for the centre; until it
    # approves, ``name`` and ``credit_code`` keep the verified values everywhere.
    pending_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    pending_credit_code: Mapped[str | None] = mapped_column(String(18), nullable=True)
    change_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The account a licensor is paid into (when PAYMENT_RECEIVER is "licensor"); checked by
    # market.domain.bank_accounts. The account number is kept as digits only.
    bank_account_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    bank_name: Mapped[str | None] = mapped_column(String(200), nullable=True)  # 开户银行 (branch)
    bank_account_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    # why the account's name differs from the organisation's legal name (blank when equal)
    bank_name_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = created_at_column()

    users: Mapped[list[User]] = relationship(back_populates="org", order_by="User.id")

    @property
    def is_verified(self) -> bool:
        return self.status == OrgStatus.VERIFIED

    @property
    def has_pending_change(self) -> bool:
        return self.change_requested_at is not None

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_account_name and self.bank_name and self.bank_account_number)

    @property
    def is_buyer_kind(self) -> bool:
        return self.kind in BUYER_KINDS

    @property
    def is_licensor_kind(self) -> bool:
        return self.kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind} {self.status}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    # Bumped on every log-out, password change and reset: it is part of the login (and
    # remember-me) cookie and of reset tokens, so every earlier one stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    is_org_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # named by the organisation's admin: may sign contracts for the organisation
    is_signatory: Mapped[bool] = mapped_column(Boolean, default=False)
    membership: Mapped[Membership] = mapped_column(
        enum_column(Membership, "membership"), default=Membership.ACTIVE)
    locale: Mapped[str | None] = mapped_column(String(5), nullable=True)
    # the edition of the terms of use and privacy notice (domain/legal_texts.py) the user
    # accepted, and when; None for accounts made before consent was asked
    terms_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    org: Mapped[Organisation] = relationship(back_populates="users")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def kind(self) -> OrgKind:
        return self.org.kind

    @property
    def is_centre(self) -> bool:
        return self.org.kind == OrgKind.CENTRE and self.can_act

    @property
    def can_act(self) -> bool:
        """May publish or request: a verified organisation and an accepted member."""
        return self.org.is_verified and self.membership == Membership.ACTIVE

    @property
    def may_sign(self) -> bool:
        """May sign contracts for its organisation: an active member of a verified
        organisation who is its admin or was named signatory by the admin."""
        return self.can_act and (self.is_org_admin or self.is_signatory)

    def __repr__(self) -> str:
        return f"<User {self.id} org={self.org_id}>"


class LoginThrottle(db.Model):
    """Log-in attempts per account (known or not) in the current window, shared by every
    worker and server because it lives in the database (market/services/login_throttle.py)."""
    __tablename__ = "login_throttle"

    # a SHA-256 of the normalised email: the table keeps no address a stranger typed
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class BusinessLicenceScan(StoredFileColumns, db.Model):
    """The business licence (营业执照) or legal-person certificate an organisation uploaded at
    registration, for the centre to check against the name and credit code it verifies."""
    __tablename__ = "business_licence_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                            nullable=True)
