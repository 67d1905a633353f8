"""Technology contract registration (技术合同认定登记): either party of a concluded deal
records the number and date the provincial science authority gave the contract. Registration
is optional here; until it is entered the deal page says what it unlocks (``relief_note``)."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..domain.dates import local_date, local_today
from ..extensions import db
from ..models import Deal, DealState, OfferKind, TechContractRegistration, User
from ..models.base import utcnow
from . import audit
from .errors import NotFound, PermissionDenied, ServiceError

# Income tax relief on technology transfer needs an assignment or a licence of this many years
# (DOMAIN.md: technology contract registration).
CIT_RELIEF_MIN_YEARS = 5
REGISTRABLE_STATES = (DealState.CONCLUDED, DealState.ENDED)
_NUMBER = re.compile(r"[0-9A-Z][0-9A-Z-]{5,39}")
_SPACES = re.compile(r"[\s　]+")


def of(deal: Deal) -> TechContractRegistration | None:
    return db.session.scalar(select(TechContractRegistration).where(
        TechContractRegistration.deal_id == deal.id))


def relief_note(deal: Deal):
    """The one line that says what registering the contract unlocks for this deal."""
    if deal.kind == OfferKind.ASSIGNMENT or (deal.term_years or 0) >= CIT_RELIEF_MIN_YEARS:
        return _l("Register this contract as a technology contract with the "
                  "provincial science authority: the income from it can then be exempt from "
                  "VAT, and from corporate income tax up to CNY 5 million a year (the excess "
                  "halved).")
    return _l("Register this contract as a technology contract with the "
              "provincial science authority: the licence income can then be exempt from VAT "
              "(the corporate income tax relief needs a licence of %(years)d years or more).",
              years=CIT_RELIEF_MIN_YEARS)


def may_record(deal: Deal, user) -> bool:
    from .deals import LICENSEE, LICENSOR, role_of
    return (deal.state in REGISTRABLE_STATES and user is not None
            and role_of(deal, user) in (LICENSEE, LICENSOR) and user.can_act)


def record(deal: Deal, user: User, *, number: str, registered_on: date) -> \
        TechContractRegistration:
    """Record (or correct) the registration of ``deal``. Raises NotFound for strangers,
    PermissionDenied for others than the verified parties, ServiceError for a deal not
    concluded, a malformed number or a date before the conclusion or in the future."""
    from .deals import LICENSEE, LICENSOR, role_of
    role = role_of(deal, user)
    if role is None:
        raise NotFound(_l("Deal not found."))
    if role not in (LICENSEE, LICENSOR) or not user.can_act:
        raise PermissionDenied(_l("Only the parties to the contract record its registration."))
    if deal.state not in REGISTRABLE_STATES or deal.concluded_at is None:
        raise ServiceError(_l("A contract is registered after it has been concluded."),
                           code="not_concluded")
    number = _SPACES.sub("", number or "").upper()
    if not _NUMBER.fullmatch(number):
        raise ServiceError(_l("Enter the registration number as on the registration "
                              "certificate: 6 to 40 letters, digits or hyphens."),
                           field="number")
    if registered_on > local_today():
        raise ServiceError(_l("The date cannot be in the future."), field="registered_on")
    if registered_on < local_date(deal.concluded_at):
        raise ServiceError(_l("The registration cannot be earlier than the contract's "
                              "conclusion (%(date)s).",
                              date=format_date(local_date(deal.concluded_at))),
                           field="registered_on")
    row = of(deal)
    before = None
    if row is None:
        row = TechContractRegistration(deal_id=deal.id, number=number,
                                       registered_on=registered_on,
                                       recorded_by_user_id=user.id)
        db.session.add(row)
    else:
        before = {"number": row.number, "registered_on": row.registered_on.isoformat()}
        row.number, row.registered_on = number, registered_on
        row.recorded_by_user_id, row.updated_at = user.id, utcnow()
    db.session.flush()
    audit.record("deal.tech_contract_registered", actor=user, target=deal, number=number,
                 registered_on=registered_on.isoformat(), before=before)
    return row
