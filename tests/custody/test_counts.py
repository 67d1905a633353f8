"""The plan's custody indicator from hand-made agreements: overlapping, renewed, ended,
never accepted, terminated before they started, not started yet; and the agency count from
the register's entries, exits and suspensions."""
from datetime import UTC, date, datetime

import pytest

from market.models import OrgKind, OrgStatus
from market.services import agency_register, custody, custody_stats
from market.unit_of_work import commit

from .conftest import agree

pytestmark = pytest.mark.db
PLAN_START = date(2024, 1, 1)


@pytest.fixture()
def world(make_org):
    smes = [make_org(kind=OrgKind.SME) for _ in range(10)]
    a, b = make_org(kind=OrgKind.AGENCY), make_org(kind=OrgKind.AGENCY)
    made = {
        "overlaps_plan_start": agree(smes[0], a, date(2023, 6, 1), date(2024, 5, 31)),
        # one SME, two agencies at once: counted once
        "overlap_1": agree(smes[1], a, date(2024, 3, 1), date(2025, 2, 28)),
        "overlap_2": agree(smes[1], b, date(2024, 6, 1), date(2025, 5, 31)),
        "renewed": agree(smes[2], a, date(2024, 1, 1), date(2024, 12, 31),
                         renewals=[date(2025, 12, 31)]),
        "terminated": agree(smes[3], b, date(2024, 2, 1), date(2025, 1, 31),
                            terminated=date(2024, 4, 30)),
        "before_plan": agree(smes[4], a, date(2022, 1, 1), date(2023, 6, 30)),
        "never_accepted": agree(smes[5], a, date(2024, 1, 1), date(2024, 12, 31),
                                accepted=False),
        "declined": agree(smes[6], b, date(2024, 1, 1), date(2024, 12, 31), declined=True),
        "ended_before_start": agree(smes[7], a, date(2025, 1, 1), date(2025, 12, 31),
                                    terminated=date(2024, 12, 31)),
        "future": agree(smes[8], a, date(2026, 1, 1), date(2026, 12, 31)),
        "renewal_unanswered": agree(smes[9], b, date(2024, 1, 1), date(2024, 12, 31),
                                    renewal_proposed=date(2025, 12, 31)),
    }
    return made


def test_cumulative_and_current_counts(world):
    mid_2025 = custody_stats.counts(plan_start=PLAN_START, as_of=date(2025, 6, 30))
    # SMEs 0 (across the plan's start), 1 (twice at once), 2, 3 (ended early), 9
    assert mid_2025["cumulative"] == 5
    assert mid_2025["current"] == 1  # only the renewed one is still in force
    end_2024 = custody_stats.counts(plan_start=PLAN_START, as_of=date(2024, 12, 31),
                              period_start=date(2024, 7, 1))
    assert end_2024 == {"cumulative": 5, "current": 3, "in_period": 3}
    # before the plan, only the agreement that straddles its start counts from it
    assert custody_stats.counts(plan_start=PLAN_START, as_of=date(2024, 1, 15))["cumulative"] == 3
    # the agreement not started yet counts from its first day; the renewed one ended the day
    # before
    assert custody_stats.counts(plan_start=PLAN_START, as_of=date(2026, 1, 1)) == {
        "cumulative": 6, "current": 1, "in_period": 6}


def test_standing_read_from_the_events(world):
    on = date(2025, 6, 30)
    assert custody.standing(world["renewed"], on).state == custody.ACTIVE
    assert custody.standing(world["renewed"], on).ends_on == date(2025, 12, 31)
    terminated = custody.standing(world["terminated"], on)
    assert (terminated.state, terminated.ends_on) == (custody.ENDED, date(2024, 4, 30))
    assert custody.standing(world["never_accepted"], on).state == custody.PENDING
    assert custody.standing(world["declined"], on).state == custody.REFUSED
    assert custody.standing(world["future"], on).state == custody.SCHEDULED
    unanswered = custody.standing(world["renewal_unanswered"], on)
    assert unanswered.state == custody.EXPIRED and unanswered.pending.kind == "renewal_proposed"
    assert custody.standing(world["ended_before_start"], on).state == custody.ENDED


def test_per_agency_custody_counts(world):
    a = world["overlaps_plan_start"].agency_org_id
    b = world["overlap_2"].agency_org_id
    by_agency = custody_stats.custody_smes_by_agency(plan_start=PLAN_START, as_of=date(2025, 6, 30))
    assert by_agency[a] == (3, 1)  # SMEs 0, 1, 2 since the plan; SME 2 now
    assert by_agency[b] == (3, 0)  # SMEs 1, 3, 9


def _verified_on(make_org, day: date, **fields):
    return make_org(kind=OrgKind.AGENCY, verified_at=datetime(day.year, day.month, day.day,
                                                              2, tzinfo=UTC), **fields)


def test_agency_count_with_entries_exits_and_suspensions(make_org, make_user):
    centre = make_user(kind=OrgKind.CENTRE)
    _verified_on(make_org, date(2024, 3, 1))
    _verified_on(make_org, date(2023, 5, 1))           # before the plan: on it, not "entered"
    left = _verified_on(make_org, date(2025, 1, 10))
    back = _verified_on(make_org, date(2024, 6, 1))
    suspended = _verified_on(make_org, date(2024, 6, 1))
    _verified_on(make_org, date(2025, 9, 1))           # after the date asked about
    make_org(kind=OrgKind.AGENCY, status=OrgStatus.PENDING)
    make_org(kind=OrgKind.SME)
    agency_register.record_status(centre, left, kind="exit", effective_on=date(2025, 3, 1),
                                  reason="主动申请迁出")
    agency_register.record_status(centre, back, kind="suspension",
                                  effective_on=date(2025, 2, 1), reason="投诉查实")
    agency_register.record_status(centre, back, kind="reinstatement",
                                  effective_on=date(2025, 4, 1), reason="整改完成")
    agency_register.record_status(centre, suspended, kind="suspension",
                                  effective_on=date(2025, 5, 1), reason="年度考评不合格")
    commit()
    got = agency_register.indicator(plan_start=PLAN_START, as_of=date(2025, 6, 30))
    assert got == {"current": 3, "entered": 4, "exited": 1, "suspended": 1, "target": 30,
                   "met": False}
    # on 2025-02-15 the one reinstated later was suspended, the one that left still on it
    earlier = agency_register.indicator(plan_start=PLAN_START, as_of=date(2025, 2, 15))
    assert (earlier["current"], earlier["exited"], earlier["suspended"]) == (4, 0, 1)


def test_register_refuses_a_change_that_does_not_follow(make_org, make_user):
    centre = make_user(kind=OrgKind.CENTRE)
    agency = _verified_on(make_org, date(2024, 3, 1))
    with pytest.raises(agency_register.ServiceError):
        agency_register.record_status(centre, agency, kind="reinstatement",
                                      effective_on=date(2024, 5, 1), reason="x")
    with pytest.raises(agency_register.ServiceError):  # before its entry
        agency_register.record_status(centre, agency, kind="exit",
                                      effective_on=date(2024, 1, 1), reason="x")
