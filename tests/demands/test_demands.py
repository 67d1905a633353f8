"""Technology demands: the lifecycle table, moderation, matching both ways, answers, and
turning an answer into a licence request."""
import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import (
    Demand,
    DemandAnswer,
    DemandEvent,
    DemandMatch,
    DemandState,
    LicenceKind,
    Notification,
    OfferKind,
    OrgKind,
    SearchOutbox,
)
from market.services import demand_queries, demands
from market.services.demands import TRANSITIONS, TransitionNotAllowed
from market.services.errors import ServiceError
from market.unit_of_work import commit

from ..conftest import log_in, post_form

pytestmark = pytest.mark.db

S = DemandState
BATTERY = dict(title="锂电池低温续航衰减", description=(
    "我公司生产电动叉车，冬季零下二十度时锂电池容量衰减严重，续航下降一半。"
    "希望找到锂电池低温加热或电解液改性的技术，提高锂电池低温放电性能。"))
FIELDS = dict(industry="new_materials", ipc_codes=[], budget_negotiable=True,
              budget_min_fen=None, budget_max_fen=None, wanted_kind="exclusive", deadline=None,
              visibility="public", contact_preference="platform")


def _fields(**extra):
    return {**FIELDS, **BATTERY, **extra}


def _reindex(app):
    app.extensions["market.search"].reindex()


@pytest.fixture()
def battery_listing(make_listing, university):
    return make_listing(university.org, title="一种锂电池低温加热装置及其控制方法",
                        abstract="本发明涉及锂电池低温加热装置，提高锂电池在低温环境下的放电性能和续航。",
                        keywords="锂电池；低温；加热", ipc_codes=["H01M 10/615"],
                        offers=[{"kind": OfferKind.LICENCE,
                                 "licence_kind": LicenceKind.NON_EXCLUSIVE}])


def _published(sme, centre, **extra) -> Demand:
    demand = demands.create(sme, _fields(**extra))
    demands.submit(demand, sme)
    commit()
    demands.approve(demand, centre)
    commit()  # the after-commit hook matches it
    return demand


# --- the table --------------------------------------------------------------------------------

ALL_ACTIONS = sorted({action for _state, action in TRANSITIONS})
ROLES = (demands.OWNER, demands.LICENSOR, demands.CENTRE, demands.SYSTEM)


def test_transition_table(app, make_org):
    """Every (state, action, role): allowed ones move the demand and write one event;
    the others raise and leave the state."""
    org_id = make_org(kind=OrgKind.SME).id
    for state in (None, *S):
        for action in ALL_ACTIONS:
            for role in ROLES:
                demand = Demand(owner_org_id=org_id, **_fields(), state=state)
                if state is not None:
                    db.session.add(demand)
                    db.session.flush()
                rule = TRANSITIONS.get((state, action))
                if rule is not None and role in rule.roles:
                    demands.transition(demand, action, actor=None, role=role)
                    assert demand.state == rule.target, (state, action, role)
                    events = db.session.scalars(select(DemandEvent).where(
                        DemandEvent.demand_id == demand.id)).all()
                    assert [(e.action, e.to_state) for e in events] == \
                        [(action, rule.target.value)]
                else:
                    with pytest.raises(TransitionNotAllowed):
                        demands.transition(demand, action, actor=None, role=role)
                    assert demand.state == state, (state, action, role)
                db.session.rollback()


def test_the_table_allows_what_the_issue_names():
    assert TRANSITIONS[S.DRAFT, "submit"].target == S.PENDING
    assert TRANSITIONS[S.PENDING, "approve"].roles == {demands.CENTRE}
    assert TRANSITIONS[S.PUBLISHED, "answer"].roles == {demands.LICENSOR}
    assert (S.CLOSED, "submit") not in TRANSITIONS and (S.EXPIRED, "answer") not in TRANSITIONS


def test_the_lifecycle_of_a_demand(app, sme, centre, university, battery_listing):
    _reindex(app)
    demand = demands.create(sme, _fields())
    assert demand.state == S.DRAFT
    demands.submit(demand, sme)
    commit()
    assert demand.state == S.PENDING
    assert demand in demands.pending_demands()
    demands.reject(demand, centre, "请补充具体的温度指标。")
    commit()
    assert (demand.state, demand.rejection_reason) == (S.DRAFT, "请补充具体的温度指标。")
    demands.submit(demand, sme)
    demands.approve(demand, centre)
    commit()
    assert demand.state == S.PUBLISHED and demand.published_at is not None
    demands.answer(demand, university, patent_ids=[battery_listing.id],
                   proposal="我校的低温加热装置可直接用于叉车电池包。", collaboration=False)
    commit()
    assert demand.state == S.ANSWERED and demand.first_answered_at is not None
    demands.close(demand, sme)
    commit()
    assert demand.state == S.CLOSED
    assert [e.action for e in demand.events] == ["create", "submit", "reject", "submit",
                                                 "approve", "answer", "close"]


def test_strangers_and_universities_cannot_moderate(app, sme, university, make_user):
    demand = demands.create(sme, _fields())
    demands.submit(demand, sme)
    commit()
    other_sme = make_user(kind=OrgKind.SME)
    for user in (university, other_sme, sme):
        with pytest.raises(ServiceError):
            demands.approve(demand, user)
    db.session.rollback()
    assert db.session.get(Demand, demand.id).state == S.PENDING


def test_expiry_after_the_deadline(app, sme, centre):
    from datetime import date, timedelta
    demand = _published(sme, centre, deadline=date.today() + timedelta(days=3))
    assert demands.expire_due(date.today() + timedelta(days=2)) == 0
    assert demands.expire_due(date.today() + timedelta(days=4)) == 1
    assert demand.state == S.EXPIRED


# --- matching both ways ------------------------------------------------------------------------

def test_a_published_demand_reaches_the_universitys_inbox(app, sme, centre, university,
                                                          battery_listing, make_listing):
    other = make_listing(title="一种石墨烯涂料", abstract="用于船舶防腐的石墨烯涂料。")
    _reindex(app)
    demand = _published(sme, centre)
    rows = demand_queries.inbox(university.org_id)
    assert [r.demand.id for r in rows] == [demand.id]
    assert [p.id for p in rows[0].patents] == [battery_listing.id]
    assert demand_queries.inbox(other.owner_org_id) == []
    assert [p.id for p, _s in demand_queries.top_matches(demand)] == [battery_listing.id]
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == university.id, Notification.kind == "demand_match")).all()
    assert len(told) == 1 and demand.title in told[0].title
    assert demand.key_terms  # kept for the other direction


def test_a_new_listing_tells_the_sme_whose_demand_it_fits(app, sme, centre, make_listing,
                                                          make_org):
    make_listing(title="一种石墨烯涂料", abstract="用于船舶防腐的石墨烯涂料。")
    _reindex(app)
    demand = _published(sme, centre)
    assert demand_queries.top_matches(demand) == []
    uni = make_org(kind=OrgKind.UNIVERSITY)
    fits = make_listing(uni, title="锂电池低温放电性能的电解液改性方法",
                        abstract="一种电解液添加剂，改善锂电池低温放电性能，提高冬季续航。")
    misses = make_listing(uni, title="一种玉米种植方法", abstract="提高玉米产量。")
    db.session.add_all([SearchOutbox(patent_id=fits.id), SearchOutbox(patent_id=misses.id)])
    commit()  # the index syncs after commit and reports the newly published listings
    matches = db.session.scalars(select(DemandMatch).where(
        DemandMatch.demand_id == demand.id)).all()
    assert [(m.patent_id, m.found_by) for m in matches] == [(fits.id, "listing")]
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == sme.id, Notification.kind == "demand_new_listing")).all()
    assert [n.body for n in told] == [fits.title]


# --- answers and access -----------------------------------------------------------------------

def test_an_answer_twice_is_refused(app, sme, centre, university, battery_listing):
    _reindex(app)
    demand = _published(sme, centre)
    client = app.test_client()
    log_in(client, university)
    url = f"/demands/{demand.id}/answer"
    form = {"patent_ids": str(battery_listing.id), "proposal": "可以合作。"}
    assert post_form(client, url, form).status_code == 302
    second = post_form(client, url, form, token_from=f"/demands/{demand.id}")
    assert second.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(DemandAnswer)) == 1


def test_a_university_answers_only_with_its_own_listings(app, sme, centre, university,
                                                         make_listing):
    foreign = make_listing(title="锂电池")
    demand = _published(sme, centre)
    with pytest.raises(ServiceError):
        demands.answer(demand, university, patent_ids=[foreign.id], proposal="x",
                       collaboration=False)
    db.session.rollback()
    reply = demands.answer(demand, university, patent_ids=[], proposal="我们可以开发。",
                           collaboration=True)
    commit()
    assert reply.collaboration and reply.patents == []


def test_who_sees_which_answers(app, sme, centre, university, make_user, battery_listing):
    demand = _published(sme, centre)
    demands.answer(demand, university, patent_ids=[battery_listing.id], proposal="甲",
                   collaboration=False)
    other_uni = make_user(kind=OrgKind.INSTITUTE)
    demands.answer(demand, other_uni, patent_ids=[], proposal="乙", collaboration=True)
    commit()
    assert [a.proposal for a in demands.answers_for(demand, sme)] == ["甲", "乙"]
    assert [a.proposal for a in demands.answers_for(demand, university)] == ["甲"]
    assert [a.proposal for a in demands.answers_for(demand, other_uni)] == ["乙"]
    assert demands.answers_for(demand, make_user(kind=OrgKind.SME)) == []


def test_a_restricted_demand_is_hidden_from_anonymous_and_other_smes(app, sme, centre,
                                                                     university, make_user):
    demand = _published(sme, centre, visibility="licensors")
    anonymous, other_sme = app.test_client(), app.test_client()
    log_in(other_sme, make_user(kind=OrgKind.SME))
    uni = app.test_client()
    log_in(uni, university)
    for client, status in ((anonymous, 404), (other_sme, 404), (uni, 200)):
        assert client.get(f"/demands/{demand.id}").status_code == status
        assert (demand.title in client.get("/demands/").get_data(as_text=True)) == \
            (status == 200)


def test_an_answer_turns_into_a_prefilled_request(app, sme, centre, university,
                                                  battery_listing):
    demand = _published(sme, centre)
    demands.answer(demand, university, patent_ids=[battery_listing.id], proposal="甲",
                   collaboration=False)
    commit()
    client = app.test_client()
    log_in(client, sme)
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    offer = battery_listing.offers[0]
    link = f"/deals/request/{offer.id}?demand={demand.id}"
    assert link in page
    form = client.get(link).get_data(as_text=True)
    assert 'value="exclusive" selected' in form or 'selected value="exclusive"' in form
    assert demand.title in form


def test_the_board_searches_and_counts_by_industry(app, sme, centre):
    battery = _published(sme, centre)
    corn = _published(sme, centre, title="玉米秸秆还田机械", industry="modern_agriculture",
                      description="需要一种适合辽宁地区的玉米秸秆粉碎还田机械，降低作业油耗。")
    client = app.test_client()
    page = client.get("/demands/?q=锂电池").get_data(as_text=True)
    assert "<mark>锂电池</mark>低温续航衰减" in page and "玉米秸秆还田机械" not in page
    assert f'href="/demands/{corn.id}"' not in page
    page = client.get("/demands/?industry=modern_agriculture").get_data(as_text=True)
    assert "玉米秸秆还田机械" in page and "锂电池低温续航衰减" not in page
    assert f'href="/demands/{battery.id}"' not in page


def test_the_centre_approving_twice_publishes_once(app, sme, centre):
    demand = demands.create(sme, _fields())
    demands.submit(demand, sme)
    commit()
    client = app.test_client()
    log_in(client, centre)
    url = f"/centre/demands/{demand.id}/approve"
    first = post_form(client, url, {}, token_from="/centre/listings/hidden")
    second = post_form(client, url, {}, token_from="/centre/listings/hidden",
                       follow_redirects=True)
    assert first.status_code == 302
    assert "此需求当前不能这样操作" in second.get_data(as_text=True) or \
        "can no longer be changed" in second.get_data(as_text=True)
    db.session.expire_all()
    approvals = db.session.scalars(select(DemandEvent).where(
        DemandEvent.demand_id == demand.id, DemandEvent.action == "approve")).all()
    assert len(approvals) == 1


def test_the_daily_command_expires_and_matches(app, runner, sme, centre, battery_listing):
    from datetime import timedelta

    from market.domain.dates import local_today
    late = _published(sme, centre, deadline=local_today() + timedelta(days=1))
    late.deadline = local_today() - timedelta(days=1)  # as if the days had passed
    unmatched = _published(sme, centre)  # published while the index was not built
    assert unmatched.matched_at is None
    _reindex(app)
    result = runner.invoke(args=["demands", "daily"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("expired 1,")  # (the expiry's commit matched the other)
    db.session.expire_all()
    assert db.session.get(Demand, late.id).state == S.EXPIRED
    assert [p.id for p, _s in demand_queries.top_matches(db.session.get(Demand, unmatched.id))] \
        == [battery_listing.id]


def test_the_centres_counts(app, sme, centre, university, battery_listing):
    from datetime import timedelta

    from market.services import deals

    from ..factories import proposal_of
    quick, slow, silent = (_published(sme, centre, title=t) for t in ("甲", "乙", "丙"))
    for demand in (quick, slow):
        demands.answer(demand, university, patent_ids=[battery_listing.id], proposal="可以",
                       collaboration=False)
    slow.first_answered_at = slow.published_at + timedelta(days=30)
    commit()
    assert demand_queries.counts() == {"posted": 3, "answered_quickly": 1, "to_deals": 0,
                                       "pending": 0}
    offer = battery_listing.offers[0]
    deals.request_deal(sme, offer, proposal_of(offer), "")
    commit()
    assert demand_queries.counts()["to_deals"] == 2  # both demands it answered led to it
    assert silent.first_answered_at is None


def test_the_same_form_sent_twice_makes_one_draft(app, sme):
    """A double submit (or a reload after a lost answer) of the new-demand form returns the
    draft the first one made; a different demand is a new draft."""
    first = demands.create(sme, _fields())
    commit()
    again = demands.create(sme, _fields())
    commit()
    other = demands.create(sme, _fields(title="另一个需求"))
    commit()
    assert again.id == first.id and other.id != first.id
    assert db.session.scalar(select(func.count()).select_from(Demand)) == 2


def test_an_empty_industry_and_ipc_are_suggested_from_the_listings(app, battery_listing):
    """What the SME leaves empty is filled from the listings its text matches; what it chose
    is kept; with nothing to go by the industry is "other"."""
    from market.services import demand_matching
    _reindex(app)
    filled = demand_matching.with_suggestions(_fields(industry="", ipc_codes=[]))
    assert filled["ipc_codes"] and filled["ipc_codes"][0].startswith("H01M")
    assert filled["industry"] not in ("", "other")
    kept = demand_matching.with_suggestions(_fields(industry="biomedicine", ipc_codes=[]))
    assert kept["industry"] == "biomedicine"
    nothing = demand_matching.with_suggestions(_fields(industry="", ipc_codes=[], title="",
                                                       description=" "))
    assert nothing["industry"] == "other" and nothing["ipc_codes"] == []
