"""Custody agreements made by hand (dated in the past, which the service would refuse), and
the agencies and SMEs they bind."""
from datetime import UTC, date, datetime, timedelta

import pytest

from market.extensions import db
from market.models import CustodyAgreement, CustodyEvent, OrgKind

SCOPE = {"scope_patents": True, "scope_fee_reminders": True}


def agree(sme, agency, starts_on: date, ends_on: date, *, accepted: bool = True,
          declined: bool = False, renewals=(), renewal_proposed: date | None = None,
          terminated: date | None = None, fee_fen: int = 300_000, **scope) -> CustodyAgreement:
    """An agreement proposed by the SME and, unless told, accepted by the agency; then each
    renewal (a new last day) accepted, and the termination (its last day)."""
    agreement = CustodyAgreement(sme_org_id=sme.id, agency_org_id=agency.id,
                                 proposed_by_org_id=sme.id, starts_on=starts_on,
                                 ends_on=ends_on, fee_fen=fee_fen, **{**SCOPE, **scope})
    db.session.add(agreement)
    db.session.flush()
    at = datetime(starts_on.year, starts_on.month, starts_on.day, 2, tzinfo=UTC)

    def event(kind, by, hours=0, **fields):
        db.session.add(CustodyEvent(agreement_id=agreement.id, kind=kind, by_org_id=by.id,
                                    at=at + timedelta(hours=hours), **fields))

    event("proposed", sme, starts_on=starts_on, ends_on=ends_on, fee_fen=fee_fen)
    if declined:
        event("declined", agency, 5)
    elif accepted:
        event("accepted", agency, 5, starts_on=starts_on, ends_on=ends_on, fee_fen=fee_fen)
    for n, new_end in enumerate(renewals, start=1):
        event("renewal_proposed", agency, 24 * n, starts_on=ends_on, ends_on=new_end,
              fee_fen=fee_fen)
        event("renewed", sme, 24 * n + 1, starts_on=ends_on, ends_on=new_end, fee_fen=fee_fen)
    if renewal_proposed:
        event("renewal_proposed", agency, 200, starts_on=ends_on, ends_on=renewal_proposed,
              fee_fen=fee_fen)
    if terminated:
        event("terminated", sme, 300, ends_on=terminated, reason="不再需要")
    db.session.commit()
    db.session.expire(agreement)
    return agreement


@pytest.fixture()
def agency_user(make_user):
    return make_user(kind=OrgKind.AGENCY, name="沈阳知识产权服务有限公司")


@pytest.fixture()
def other_agency_user(make_user):
    return make_user(kind=OrgKind.AGENCY, name="辽宁专利代理事务所")


@pytest.fixture()
def centre_user(make_user):
    return make_user(kind=OrgKind.CENTRE)
