"""What the deal pages read: an organisation's deals, and the centre's register of every
deal. Queries only; nothing here changes state (the transitions are services/deals.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from ..domain.dates import local_date, local_day_start, local_today
from ..extensions import db
from ..labels import label
from ..models import Deal, DealState, Mandate, OfferKind, Patent
from .indicator_tables import COUNT, MONEY, TEXT, Table

REGISTER_EXPORT_LIMIT = 50_000  # rows in one CSV export (the whole register for years)


def of_org(org_id: int | None, state: str, page: int, per_page: int = 30) -> Pagination:
    """The deals the organisation is a party to, or brokers under a live mandate of a party
    (an agency), last changed first; ``state`` filters when it is one. No organisation (a
    member whose request to join waits): no deals."""
    query = select(Deal).where(or_(Deal.licensee_org_id == org_id, Deal.licensor_org_id == org_id,
                                   _brokered_by(org_id))
                               if org_id is not None else false())
    if state in set(DealState):
        query = query.where(Deal.state == state)
    return db.paginate(query.order_by(Deal.state_changed_at.desc(), Deal.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def _brokered_by(org_id: int):
    """The deals ``org_id`` brokers while a mandate of one of their parties is live (a
    revoked or ended mandate hides them at once, as the deal page does)."""
    today = local_today()
    return and_(Deal.broker_org_id == org_id, exists().where(
        Mandate.agency_org_id == org_id,
        Mandate.principal_org_id.in_((Deal.licensee_org_id, Deal.licensor_org_id)),
        Mandate.revoked_at.is_(None), Mandate.valid_from <= today, Mandate.valid_until >= today))


@dataclass(frozen=True)
class RegisterFilter:
    """The centre's register: every deal, by state, kind, party, year created and text."""
    state: str | None = None
    kind: str | None = None
    org_id: int | None = None
    year: int | None = None
    q: str = ""

    def args(self) -> dict:
        """The filter as query-string arguments (links, pagination, export)."""
        return {k: v for k, v in (("state", self.state), ("kind", self.kind),
                                  ("org", self.org_id), ("year", self.year),
                                  ("q", self.q)) if v}


def _register_query(f: RegisterFilter) -> Select:
    query = select(Deal).join(Deal.patent)
    if f.state in set(DealState):
        query = query.where(Deal.state == f.state)
    if f.kind in set(OfferKind):
        query = query.where(Deal.kind == f.kind)
    if f.org_id:
        query = query.where(or_(Deal.licensor_org_id == f.org_id,
                                Deal.licensee_org_id == f.org_id))
    if f.year:
        query = query.where(Deal.created_at >= local_day_start(date(f.year, 1, 1)),
                            Deal.created_at < local_day_start(date(f.year + 1, 1, 1)))
    text = f.q.strip()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(or_(Patent.title.ilike(like), Patent.application_number.ilike(like),
                                Deal.contract_number.ilike(like)))
    return query.options(selectinload(Deal.patent), selectinload(Deal.licensor),
                         selectinload(Deal.licensee)).order_by(Deal.created_at.desc(),
                                                               Deal.id.desc())


def register_years() -> list[int]:
    """The years deals were created in, newest first (this year at least)."""
    first = db.session.scalar(select(func.min(Deal.created_at)))
    this_year = local_today().year
    return list(range(this_year, (local_date(first).year if first else this_year) - 1, -1))


def register(f: RegisterFilter, page: int, per_page: int = 50) -> Pagination:
    """Every deal on the platform that matches ``f``, newest first."""
    return db.paginate(_register_query(f), page=page, per_page=per_page, error_out=False)


def register_table(f: RegisterFilter) -> Table:
    """The register as an exportable table (the CSV the centre files or analyses)."""
    deals = db.session.scalars(_register_query(f).limit(REGISTER_EXPORT_LIMIT))
    return Table("deals", str(_l("Deal register")), [
        (_l("Deal"), COUNT), (_l("Contract number"), TEXT), (_l("Application number"), TEXT),
        (_l("Patent"), TEXT), (_l("Licensor"), TEXT), (_l("Licensee"), TEXT),
        (_l("Licensee kind"), TEXT), (_l("Kind"), TEXT), (_l("Licence kind"), TEXT), (_l("State"), TEXT),
        (_l("Created"), TEXT), (_l("Concluded"), TEXT),
        (_l("Upfront fee or price (yuan)"), MONEY)],
        [[d.id, d.contract_number, d.patent.application_number, d.patent.title,
          d.licensor.name, d.licensee.name, label(d.licensee.kind), label(d.kind), label(d.licence_kind),
          label(d.state), local_date(d.created_at).isoformat(),
          local_date(d.concluded_at).isoformat() if d.concluded_at else None,
          d.price_fen if d.kind == OfferKind.ASSIGNMENT else d.upfront_fee_fen]
         for d in deals])
