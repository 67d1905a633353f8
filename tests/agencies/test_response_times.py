"""The register's response times from hand-made events: custody proposals answered, and on
brokered deals the broker's next action after the other side's request or counter-offer —
two figures with their counts, one query each whatever the number of agencies."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from market.extensions import db
from market.models import Deal, DealEvent, DealState, OfferKind, OrgKind
from market.services import agency_register

from ..factories import EXCLUSIVE, make_custody_agreement

pytestmark = pytest.mark.db

T0 = datetime(2026, 3, 2, 1, tzinfo=UTC)


@pytest.fixture()
def agency(make_org):
    return make_org(kind=OrgKind.AGENCY, name="沈阳知桥知识产权服务有限公司")


def brokered_deal(make_listing, agency, moves, *, licensee=None):
    """A deal brokered by ``agency`` with one event per ``(hours after T0, role, action,
    by_broker)``; the broker's events carry the agency as the service writes them."""
    patent = make_listing(offers=[EXCLUSIVE])
    deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=OfferKind.LICENCE,
                licensor_org_id=patent.owner_org_id, licensee_org_id=licensee.id,
                state=DealState.REQUESTED, broker_org_id=agency.id, created_at=T0)
    db.session.add(deal)
    db.session.flush()
    for hours, role, action, by_broker in moves:
        db.session.add(DealEvent(
            deal_id=deal.id, actor_role=role, action=action, to_state="requested",
            payload={"broker_org_id": agency.id} if by_broker else {},
            at=T0 + timedelta(hours=hours)))
    db.session.commit()
    return deal


def test_custody_and_deal_answers_are_two_figures_with_counts(
        make_listing, make_org, agency, sme):
    other = make_org(kind=OrgKind.AGENCY)
    # custody: SME proposals answered after 5 hours (the factory's), twice
    for year in (2025, 2026):
        make_custody_agreement(db.session, sme.org, agency, date(year, 1, 5), date(year, 12, 31))
    # the SME's broker: the university counters (t=10), the broker answers at t=16 (6 h);
    # the university counters again (t=20), the broker answers at t=30 (10 h)
    brokered_deal(make_listing, agency, [
        (0, "licensee", "request", True), (10, "licensor", "counter", False),
        (16, "licensee", "counter", True), (20, "licensor", "counter", False),
        (30, "licensee", "accept", True)], licensee=sme.org)
    # the patentee's broker: the SME's request at t=0, a stale flag by the system meanwhile,
    # the broker counters at t=2 (2 h); then the SME answers and the principal itself
    # accepts: no figure for the broker
    brokered_deal(make_listing, agency, [
        (0, "licensee", "request", False), (1, "system", "flag_stale", False),
        (2, "licensor", "counter", True), (3, "licensee", "counter", False),
        (8, "licensor", "accept", False)], licensee=sme.org)
    # another agency's deal does not count for this one
    brokered_deal(make_listing, other, [
        (0, "licensor", "counter", False), (100, "licensee", "counter", True)],
        licensee=sme.org)
    times = agency_register.response_times(agency.id)
    assert times["custody"] == agency_register.ResponseTimes(5.0, 2)
    assert times["deals"] == agency_register.ResponseTimes(6.0, 3)  # median of 2, 6, 10
    assert agency_register.response_times(other.id)["deals"] == \
        agency_register.ResponseTimes(100.0, 1)
    rows = {r.agency.id: r for r in agency_register.register(plan_start=date(2025, 1, 1))}
    assert (rows[agency.id].custody_response.count, rows[agency.id].deal_response.count) == (2, 3)
    assert rows[other.id].custody_response == agency_register.ResponseTimes(None, 0)


def test_the_broker_following_its_own_side_is_no_answer(make_listing, agency, sme):
    """The broker's moves after its principal's own (same side) or with nothing asked."""
    brokered_deal(make_listing, agency, [
        (0, "licensee", "request", True), (4, "licensee", "withdraw", True)], licensee=sme.org)
    brokered_deal(make_listing, agency, [
        (0, "licensee", "request", False), (3, "licensee", "counter", True)], licensee=sme.org)
    assert agency_register.response_times(agency.id)["deals"] == \
        agency_register.ResponseTimes(None, 0)


def test_the_register_reads_each_figure_in_one_query(app, make_listing, make_org, sme):
    """Adding agencies adds no query: the figures are grouped, not read per agency."""
    def queries_for_register():
        seen = []
        engine = db.engine

        def count(*_args):
            seen.append(1)
        event.listen(engine, "before_cursor_execute", count)
        try:
            agency_register.register(plan_start=date(2025, 1, 1))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    first = make_org(kind=OrgKind.AGENCY)
    brokered_deal(make_listing, first, [(0, "licensor", "counter", False),
                                        (2, "licensee", "counter", True)], licensee=sme.org)
    db.session.expire_all()
    one = queries_for_register()
    for _ in range(3):
        agency = make_org(kind=OrgKind.AGENCY)
        make_custody_agreement(db.session, sme.org, agency, date(2026, 1, 5), date(2026, 12, 31))
        brokered_deal(make_listing, agency, [(0, "licensor", "counter", False),
                                             (2, "licensee", "counter", True)], licensee=sme.org)
    db.session.expire_all()
    assert queries_for_register() == one
