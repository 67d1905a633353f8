"""The contract's versions and signatures: freezing the agreed text, who may sign it,
re-authenticating the signer, recording the signature, and the one stored PDF.

The state changes (sign, conclude, withdraw) are :mod:`market.services.deals`'s: this module
keeps the records they rest on and calls the contract only through its interface
(``contracts.contract_data``, ``data_sha256``, ``render_contract_pdf``).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..domain.dates import local_today
from ..extensions import db
from ..models import (
    ContractDocument,
    ContractVersion,
    Deal,
    DealState,
    OfferKind,
    Signature,
    User,
)
from ..models.base import utcnow
from . import audit, contracts, login_throttle, tx_cache
from .errors import PermissionDenied, ServiceError
from .passwords import verify_password

LICENSEE, LICENSOR = "licensee", "licensor"
_VERSION = "signing.current_version"  # tx_cache kind: deal id -> its current version
_SIGNED = "signing.signed_roles"  # tx_cache kind: version id -> the roles that signed it


class SignatureRefused(ServiceError):
    """The signature cannot be taken (already signed, another version, no authority)."""


def already_signed() -> SignatureRefused:
    return SignatureRefused(_l("Your side has already signed this contract."),
                            code="already_signed")


def is_second_signature(error: IntegrityError) -> bool:
    """Whether ``error`` is the signatures' unique index refusing a side's second signature
    of one version (PostgreSQL names the index, SQLite its columns)."""
    text = str(error.orig)
    return "uq_signature_contract_version_id" in text or "signature.contract_version_id" in text


# --- versions ----------------------------------------------------------------------------

_LAST_NUMBER = select(func.max(ContractVersion.number)).where(
    ContractVersion.deal_id == bindparam("deal_id"))


def freeze(deal: Deal) -> ContractVersion:
    """Freeze the contract as the deal's terms stand now: the next version number, its
    canonical data and their SHA-256. Called when terms are agreed."""
    number = (db.session.scalar(_LAST_NUMBER, {"deal_id": deal.id}) or 0) + 1
    data = contracts.contract_data(deal)
    data["version"] = number
    if not data.get("contract_number"):  # the number both sides sign is the one it keeps
        data["contract_number"] = deal.contract_number or contract_number(deal)
    version = ContractVersion(deal_id=deal.id, number=number, data=data,
                              data_sha256=contracts.data_sha256(data), created_at=utcnow())
    db.session.add(version)  # written by the transition's flush
    tx_cache.put(_VERSION, deal.id, version)
    return version


def contract_number(deal: Deal) -> str:
    """The contract's number: the platform's prefix, the year it was drawn up, the deal."""
    return f"SYIP-{local_today().year}-{deal.id:06d}"


_CURRENT_VERSION = select(ContractVersion).where(
    ContractVersion.deal_id == bindparam("deal_id"), ContractVersion.voided_at.is_(None)
).order_by(ContractVersion.number.desc()).limit(1)
_SIGNED_ROLES = select(Signature.role).where(
    Signature.contract_version_id == bindparam("version_id"))


def current_version(deal: Deal) -> ContractVersion | None:
    """The version the parties sign now (or signed): the latest one not voided. Read once
    per transaction (the signature and the conclusion both ask)."""
    version = tx_cache.get(_VERSION, deal.id)
    if version is tx_cache.MISSING:
        version = db.session.scalar(_CURRENT_VERSION, {"deal_id": deal.id})
        if deal.id is not None:
            tx_cache.put(_VERSION, deal.id, version)
    return version


def void_current(deal: Deal) -> ContractVersion | None:
    """New terms were proposed: the current version (signed or not) no longer counts. Its
    signatures stay recorded."""
    version = current_version(deal)
    tx_cache.forget(_VERSION, deal.id)
    if version is not None:
        version.voided_at = utcnow()
    return version


def versions(deal: Deal) -> list[ContractVersion]:
    return list(db.session.scalars(select(ContractVersion).where(
        ContractVersion.deal_id == deal.id).order_by(ContractVersion.number)))


# --- who signs ---------------------------------------------------------------------------

def required_roles(deal: Deal) -> tuple[str, ...]:
    """The sides whose signatures conclude ``deal``: both, except for an open licence, which
    the licensee takes by its signature and written notice (Patent Law art. 51)."""
    return (LICENSEE,) if deal.kind == OfferKind.OPEN_LICENCE else (LICENSOR, LICENSEE)


def signed_roles(version: ContractVersion | None) -> set[str]:
    if version is None:
        return set()
    roles = tx_cache.get(_SIGNED, version.id)
    if roles is tx_cache.MISSING:
        roles = frozenset(db.session.scalars(_SIGNED_ROLES, {"version_id": version.id}))
        tx_cache.put(_SIGNED, version.id, roles)
    return set(roles)


def has_signed(deal: Deal, role: str) -> bool:
    """Whether ``role`` has signed the deal's current version."""
    return role in signed_roles(current_version(deal))


def all_signed(deal: Deal, version: ContractVersion | None = None) -> bool:
    """Whether every required side has signed ``version`` (default: the current one)."""
    return set(required_roles(deal)) <= signed_roles(version or current_version(deal))


def may_sign_now(deal: Deal, user: User, role: str | None) -> bool:
    """Whether ``user`` (acting in ``role``) may sign ``deal`` now: the deal awaits
    signatures, its side must sign and has not, and the user has its organisation's
    authority (admin, or named signatory)."""
    return (deal.state == DealState.ACCEPTED and role in required_roles(deal)
            and user.may_sign and not has_signed(deal, role))


# --- re-authentication -------------------------------------------------------------------

@dataclass(frozen=True)
class Reauthenticated:
    """Proof that ``user_id`` gave its password and its full name just now."""

    user_id: int
    signer_name: str


def normalise_name(name: str) -> str:
    return " ".join((name or "").split())


def reauthenticate(user: User, password: str, full_name: str
                   ) -> tuple[Reauthenticated | None, list[ServiceError]]:
    """Check the signer's current password (a wrong one is counted in the log-in throttle
    of the account, so a signing form cannot be used to guess it; a right one is refused
    too while the account is throttled) and its typed full name against the registered
    one. Returns the proof, or None and the errors (each naming its field). The caller
    commits at once when there are errors: a wrong password's count must stay. The right
    password of an account with no wrong one in the window writes nothing."""
    errors: list[ServiceError] = []
    ok = verify_password(user.password_hash, password or "")
    if ok:
        counted, retry_at = login_throttle.blocked_until(user.email)
    else:
        counted, retry_at = 1, login_throttle.count_attempt(user.email)
    if retry_at is not None:
        errors.append(ServiceError(
            _l("Too many wrong passwords for this account. Try again in %(minutes)d minutes.",
               minutes=login_throttle.minutes_until(retry_at)), field="password",
            code="throttled"))
    elif not ok:
        audit.record("signing.wrong_password", actor=user)
        errors.append(ServiceError(_l("The password is not right."), field="password",
                                   code="wrong_password"))
    typed = normalise_name(full_name)
    if typed != normalise_name(user.name):
        errors.append(ServiceError(
            _l("Type your full name exactly as registered on your account (%(name)s).",
               name=user.name), field="full_name", code="wrong_name"))
    if errors:
        return None, errors
    if counted:
        login_throttle.forget(user.email)  # earlier wrong passwords: the account starts afresh
    return Reauthenticated(user.id, typed), []


# --- the signature -----------------------------------------------------------------------

def record_signature(deal: Deal, user: User, role: str, proof: Reauthenticated, *,
                     sha256: str, ip: str = "", user_agent: str = ""
                     ) -> tuple[Signature, ContractVersion]:
    """Write ``user``'s signature for ``role`` on the current version, whose hash must be
    ``sha256`` (the one the signer was shown); returns it and the version. Call under the
    deal's lock. Raises
    PermissionDenied (no authority, no proof) or SignatureRefused (another version, or this
    side has signed already). The row is written by the transition's flush: under the lock
    a concurrent submit sees this one; were it to race past, the unique index refuses it
    there (:func:`is_second_signature`, ``deals._typed_flush_errors``)."""
    if proof is None or proof.user_id != user.id:
        raise PermissionDenied(_l("Confirm your password and full name to sign."))
    if role not in required_roles(deal):
        raise PermissionDenied(_l("The patentee does not sign an open licence: the licensee "
                                  "takes it by its signature and written notice."))
    if not user.may_sign:
        raise PermissionDenied(_l("Only your organisation's admin or a member it named as "
                                  "signatory can sign contracts. Ask your admin to sign, or "
                                  "to name you signatory on the members page."),
                               code="not_signatory")
    version = current_version(deal)
    if version is None or version.data_sha256 != sha256:
        raise SignatureRefused(_l("The contract has changed since you opened it. Read the "
                                  "current version and sign again."), code="stale_version")
    if role in signed_roles(version):
        raise already_signed()
    signature = Signature(contract_version_id=version.id, deal_id=deal.id, role=role, org_id=user.org_id,
                          user_id=user.id, signer_name=proof.signer_name,
                          org_name=user.org.name, sha256=version.data_sha256,
                          signed_at=utcnow(), ip=(ip or "")[:45],
                          user_agent=(user_agent or "")[:300])
    db.session.add(signature)
    tx_cache.put(_SIGNED, version.id, frozenset(signed_roles(version) | {role}))
    db.session.expire(version, ["signatures"])
    return signature, version


def signature_rows(version: ContractVersion) -> list[dict]:
    """The signatures of ``version`` as the contract PDF prints them (licensor first)."""
    order = {LICENSOR: 0, LICENSEE: 1}
    return [{"role": s.role, "org_name": s.org_name, "signer_name": s.signer_name,
             "signed_at": s.signed_at.isoformat(), "sha256": s.sha256}
            for s in sorted(signatures(version), key=lambda s: order.get(s.role, 2))]


def signatures(version: ContractVersion | None) -> list[Signature]:
    if version is None:
        return []
    return list(db.session.scalars(select(Signature).where(
        Signature.contract_version_id == version.id).order_by(Signature.id)))


# --- the concluded contract's PDF --------------------------------------------------------

def draft_pdf(deal: Deal) -> bytes:
    """The current version with the signatures it has so far (not stored: a draft)."""
    version = current_version(deal)
    if version is None:
        raise ServiceError(_l("No contract has been drawn up for this deal yet."))
    return contracts.render_contract_pdf(version.data, signature_rows(version))


def contract_document(deal: Deal) -> ContractDocument:
    """The stored PDF of the concluded contract, rendered and kept at the first download
    (every later download returns the same bytes). A deal concluded before contracts were
    signed on the platform has its version frozen then. Raises ServiceError for a deal not
    concluded."""
    if deal.contract_number is None or deal.concluded_at is None:
        raise ServiceError(_l("Only a concluded deal has a contract."))
    version = current_version(deal)
    if version is None:
        version = freeze(deal)
        db.session.flush()  # its id names the stored PDF
    stored = _stored(version)
    if stored is not None:
        return stored
    body = contracts.render_contract_pdf(version.data, signature_rows(version))
    document = ContractDocument(contract_version_id=version.id, pdf=body,
                                pdf_sha256=hashlib.sha256(body).hexdigest(), created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except IntegrityError:  # another download stored it first: that one is the contract
        return _stored(version)
    return document


def _stored(version: ContractVersion) -> ContractDocument | None:
    return db.session.scalar(select(ContractDocument).where(
        ContractDocument.contract_version_id == version.id))


# --- what the deal page shows ------------------------------------------------------------

@dataclass(frozen=True)
class Overview:
    """The contract as the deal page shows it to one user."""

    version: ContractVersion | None
    signatures: list[Signature]
    waiting: tuple[str, ...]  # sides whose signature is still needed
    can_sign: bool
    why_not: object | None  # why this user cannot sign now (None when it can, or no need)
    earlier: int  # versions voided by new terms


def why_not_sign(deal: Deal, user: User, role: str | None):
    """Why ``user`` cannot sign ``deal`` now, or None when it can."""
    if deal.state != DealState.ACCEPTED or role not in (LICENSOR, LICENSEE):
        return _l("This contract is not waiting for a signature.")
    if role not in required_roles(deal):
        return _l("The patentee does not sign an open licence: the licensee takes it by its "
                  "signature and written notice.")
    if has_signed(deal, role):
        return _l("Your side has signed this contract.")
    if not user.may_sign:
        return _l("Only your organisation's admin or a member it named as "
                  "signatory can sign contracts. Ask your admin to sign, or "
                  "to name you signatory on the members page.")
    return None


def overview(deal: Deal, user: User, role: str | None) -> Overview:
    version = current_version(deal)
    signed = signatures(version)
    done = {s.role for s in signed}
    waiting = tuple(r for r in required_roles(deal) if r not in done) \
        if deal.state == DealState.ACCEPTED else ()
    why = why_not_sign(deal, user, role) if role in waiting else None
    earlier = db.session.scalar(select(func.count()).select_from(ContractVersion).where(
        ContractVersion.deal_id == deal.id, ContractVersion.voided_at.is_not(None)))
    return Overview(version, signed, waiting, role in waiting and why is None, why, earlier)
