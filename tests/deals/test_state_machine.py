"""The (state, action, role) table: every triple, allowed and refused, through ``transition``."""
import pytest

from market.extensions import db
from market.models import Deal, DealEvent, DealState, LicenceKind, OfferKind
from market.services import deals
from market.services.deals import ROLES, TRANSITIONS, TransitionNotAllowed

pytestmark = pytest.mark.db

ACTIONS = sorted({action for (_, action) in TRANSITIONS})
STATES = [None, *DealState]


def _deal(patent, licensee, state):
    deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=OfferKind.LICENCE,
                licence_kind=LicenceKind.NON_EXCLUSIVE, licensor_org_id=patent.owner_org_id,
                licensee_org_id=licensee.org_id, royalty_bp=300, term_years=2)
    if state is not None:
        deal.state = state  # the test builds the state it starts from
        db.session.add(deal)
        db.session.flush()
    return deal


@pytest.mark.parametrize("state", STATES, ids=lambda s: getattr(s, "value", "new"))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_triple(state, action, make_listing, university, sme):
    patent = make_listing(university.org, offers=[{"kind": OfferKind.LICENCE,
                                                   "licence_kind": LicenceKind.NON_EXCLUSIVE}])
    for role in ROLES:
        deal = _deal(patent, sme, state)
        rule = TRANSITIONS.get((state, action))
        allowed = rule is not None and role in rule.roles
        if allowed:
            event = deals.transition(deal, action, actor=None, role=role)
            assert (event.from_state, event.action, event.actor_role) == (
                state.value if state else None, action, role)
            # accepting rests in ACCEPTED: the contract waits for the signatures
            assert event.to_state == rule.target_for(role).value
            assert deal.state == rule.target_for(role)
        else:
            with pytest.raises(TransitionNotAllowed):
                deals.transition(deal, action, actor=None, role=role)
            assert deal.state == state
            assert db.session.query(DealEvent).filter_by(deal_id=deal.id).count() == 0 \
                if deal.id else True
        db.session.rollback()


def test_table_targets_are_states_and_roles_known():
    for (before, _action), rule in TRANSITIONS.items():
        assert before is None or before in DealState
        assert rule.roles and rule.roles <= set(ROLES)
    terminal = {DealState.DECLINED, DealState.WITHDRAWN, DealState.CANCELLED, DealState.EXPIRED}
    assert not [key for key in TRANSITIONS if key[0] in terminal]


def test_allowed_actions_follow_the_table(requested, sme, university, centre, make_user):
    deal = requested()
    assert deals.allowed_actions(deal, university) == ["accept", "counter", "decline"]
    assert deals.allowed_actions(deal, sme) == ["withdraw"]
    assert deals.allowed_actions(deal, centre) == ["cancel"]
    assert deals.allowed_actions(deal, make_user()) == []  # a stranger


def test_state_is_assigned_only_by_transition():
    import pathlib
    import re
    root = pathlib.Path(deals.__file__).resolve().parents[1]
    offenders = [str(p) for p in root.rglob("*.py")
                 if re.search(r"\.state\s*=[^=]", p.read_text(encoding="utf-8"))
                 and p.name != "deals.py" and "deal" in p.read_text(encoding="utf-8").lower()
                 and re.search(r"deal\.state\s*=[^=]", p.read_text(encoding="utf-8"))]
    assert not offenders
