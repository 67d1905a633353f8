"""IP service agencies: the profile they show (services, industries, certified staff, the
CNIPA agency code of a patent agency) and their record on the platform, read from the
ledger (deals brokered, net of cancellations)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..domain.agencies import InvalidAgencyCode, normalise_agency_code
from ..domain.ipc import INDUSTRIES
from ..extensions import db
from ..models import (
    AgencyProfile,
    AgencyService,
    AgencyStaff,
    LedgerEntry,
    Organisation,
    OrgKind,
    StaffQualification,
    User,
)
from . import audit
from .errors import NotFound, PermissionDenied, ServiceError
from .ledger import CONCLUSION, DEAL_ENTRIES, REVERSAL


def check_agency_code(raw: str | None) -> str | None:
    """The normalised CNIPA agency code (None when blank). Raises ServiceError on the
    field ``cnipa_agency_code``."""
    try:
        return normalise_agency_code(raw)
    except InvalidAgencyCode as exc:
        raise ServiceError(exc.message, field=exc.field, code="agency_code") from exc


def start_profile(org: Organisation, agency_code: str | None) -> AgencyProfile:
    """The empty profile of a newly registered agency (a patent agency when it gave its code)."""
    code = check_agency_code(agency_code)
    profile = AgencyProfile(org_id=org.id, is_patent_agency=code is not None,
                            cnipa_agency_code=code, services=[], industries=[], description="")
    db.session.add(profile)
    return profile


def profile_of(org: Organisation) -> AgencyProfile:
    """The agency's profile (an empty one, not yet stored, for an agency without one)."""
    return org.agency_profile or AgencyProfile(org_id=org.id, is_patent_agency=False,
                                               services=[], industries=[], description="")


def _require_admin(user: User, org: Organisation) -> None:
    if not (user.org_id == org.id and user.is_org_admin and org.kind == OrgKind.AGENCY):
        raise PermissionDenied(_l("Only the agency's admin can change its profile."))


def update_profile(user: User, org: Organisation, *, services: list[str], industries: list[str],
                   description: str, agency_code: str | None) -> AgencyProfile:
    """Save what the agency offers. Raises PermissionDenied, ServiceError (a bad code or a
    value outside the lists)."""
    _require_admin(user, org)
    known = {s.value for s in AgencyService}
    if not set(services) <= known or not set(industries) <= set(INDUSTRIES):
        raise ServiceError(_l("Choose from the list."), field="services")
    code = check_agency_code(agency_code)
    profile = org.agency_profile
    if profile is None:
        profile = start_profile(org, None)
    profile.services = [s.value for s in AgencyService if s.value in services]
    profile.industries = [i for i in INDUSTRIES if i in industries]
    profile.description = (description or "").strip()[:2000]
    profile.cnipa_agency_code, profile.is_patent_agency = code, code is not None
    db.session.flush()
    audit.record("agency.profile", actor=user, target=org, agency_code=code)
    return profile


def add_staff(user: User, org: Organisation, *, name: str, qualification: StaffQualification,
              certificate_number: str) -> AgencyStaff:
    """List a certified member of staff. Raises PermissionDenied, ServiceError (listed)."""
    _require_admin(user, org)
    number = "".join((certificate_number or "").split()).upper()
    if not number:
        raise ServiceError(_l("Enter the certificate number."), field="certificate_number")
    if db.session.scalar(select(AgencyStaff.id).where(
            AgencyStaff.org_id == org.id, AgencyStaff.qualification == qualification,
            AgencyStaff.certificate_number == number)):
        raise ServiceError(_l("This certificate is already listed."),
                           field="certificate_number")
    staff = AgencyStaff(org_id=org.id, name=name.strip(), qualification=qualification,
                        certificate_number=number)
    db.session.add(staff)
    db.session.flush()
    audit.record("agency.staff_added", actor=user, target=org, staff_id=staff.id)
    return staff


def remove_staff(user: User, org: Organisation, staff_id: int) -> None:
    _require_admin(user, org)
    staff = db.session.get(AgencyStaff, staff_id)
    if staff is None or staff.org_id != org.id:
        raise NotFound(_l("Not found."))
    audit.record("agency.staff_removed", actor=user, target=org, staff_id=staff.id,
                 certificate_number=staff.certificate_number)
    db.session.delete(staff)


def staff_of(org_id: int) -> list[AgencyStaff]:
    return list(db.session.scalars(select(AgencyStaff).where(AgencyStaff.org_id == org_id)
                                   .order_by(AgencyStaff.qualification, AgencyStaff.name)))


@dataclass(frozen=True)
class Record:
    deals_brokered: int   # concluded deals with the agency as broker, net of cancellations
    value_fen: int        # their fixed value, net of refunds and cancellations


# deals a broker brought to conclusion, net of cancellations (a reversal row counts -1)
_NET_DEALS = func.coalesce(func.sum(LedgerEntry.sign).filter(
    LedgerEntry.entry.in_((CONCLUSION, REVERSAL))), 0)


def deals_brokered() -> dict[int, int]:
    """Deals brokered to conclusion per agency (its id), as each agency's record counts them."""
    return {agency_id: int(n) for agency_id, n in db.session.execute(
        select(LedgerEntry.broker_org_id, _NET_DEALS)
        .where(LedgerEntry.broker_org_id.is_not(None))
        .group_by(LedgerEntry.broker_org_id)).all()}


def record_of(org_id: int) -> Record:
    """The agency's record from the ledger: the deals its brokers brought to conclusion."""
    count, value = db.session.execute(select(
        _NET_DEALS,
        func.coalesce(func.sum(LedgerEntry.contract_value_fen).filter(
            LedgerEntry.entry.in_(DEAL_ENTRIES)), 0))
        .where(LedgerEntry.broker_org_id == org_id)).one()
    return Record(int(count), int(value))


def verified_agencies() -> list[Organisation]:
    """The agencies a principal may mandate."""
    return list(db.session.scalars(select(Organisation).where(
        Organisation.kind == OrgKind.AGENCY, Organisation.status == "verified")
        .order_by(Organisation.name)))
