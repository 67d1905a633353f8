"""Following a listing: one row per user however often it is posted; followers are told when
the terms change, an exclusive licence is concluded on it, or it is withdrawn; the owner's
own members and former followers are not."""
import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import ListingFollow, Notification, OfferKind, OrgKind
from market.services import deals, follows, listings
from market.unit_of_work import commit

from ..conftest import csrf_token, log_in
from ..factories import EXCLUSIVE, NO_LOGIN, proposal_of, sign_contract

pytestmark = pytest.mark.db


def _kinds(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user.id).order_by(Notification.id)))


def test_double_submit_keeps_one_row(app, client, make_user, make_listing):
    patent = make_listing()
    user = make_user(kind=OrgKind.SME)
    log_in(client, user)
    token = csrf_token(client, f"/patents/{patent.id}")
    for _ in range(2):
        response = client.post(f"/patents/{patent.id}/follow", data={"csrf_token": token})
        assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ListingFollow)) == 1
    page = client.get(f"/patents/{patent.id}").get_data(as_text=True)
    assert f'action="/patents/{patent.id}/unfollow"' in page and "/follow\"" not in page
    assert patent.title in client.get("/patents/following").get_data(as_text=True)
    client.post(f"/patents/{patent.id}/unfollow", data={"csrf_token": token})
    assert db.session.scalar(select(func.count()).select_from(ListingFollow)) == 0


def test_a_hidden_or_draft_listing_cannot_be_followed(app, client, make_user, make_listing):
    from market.models import ListingStatus
    draft = make_listing(status=ListingStatus.DRAFT)
    log_in(client, make_user(kind=OrgKind.SME))
    token = csrf_token(client, "/patents/following")
    assert client.post(f"/patents/{draft.id}/follow",
                       data={"csrf_token": token}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ListingFollow)) == 0


def test_followers_hear_of_terms_and_withdrawal(app, make_user, make_listing):
    owner = make_user(kind=OrgKind.UNIVERSITY)
    colleague = make_user(owner.org, admin=False, password=None)
    patent = make_listing(owner.org, offers=[EXCLUSIVE])
    follower, former = (make_user(kind=OrgKind.SME, password=None) for _ in range(2))
    for user in (follower, former, colleague):
        follows.follow(user, patent)
    follows.unfollow(former, patent)
    commit()
    listings.update_offer(owner, patent.offers[0], {**proposal_of(patent.offers[0]),
                                                    "royalty_bp": 500})
    listings.withdraw(owner, patent)
    commit()
    assert _kinds(follower) == ["followed_terms_changed", "followed_withdrawn"]
    assert _kinds(former) == [] and _kinds(colleague) == []


def _conclude(owner, licensee, offer):
    deal = deals.request_deal(licensee, offer, proposal_of(offer), "")
    deals.accept(deal, owner)
    sign_contract(deal, owner, licensee)
    commit()
    return deal


def test_exclusive_licence_concluded_tells_followers(app, make_user, make_listing):
    owner = make_user(kind=OrgKind.UNIVERSITY)
    exclusive = make_listing(owner.org, offers=[EXCLUSIVE])
    non_exclusive = make_listing(owner.org, offers=[{
        "kind": OfferKind.LICENCE, "licence_kind": "non_exclusive", "royalty_bp": 100}])
    follower = make_user(kind=OrgKind.SME, password=NO_LOGIN)
    licensee = make_user(kind=OrgKind.SME)
    for patent in (exclusive, non_exclusive):
        follows.follow(follower, patent)
    commit()
    _conclude(owner, licensee, non_exclusive.offers[0])
    assert _kinds(follower) == []  # a non-exclusive licence is no news to followers
    deal = _conclude(owner, licensee, exclusive.offers[0])
    assert deal.state == "concluded"
    notes = db.session.scalars(select(Notification).where(
        Notification.user_id == follower.id)).all()
    assert [(n.kind, n.link) for n in notes] == \
        [("followed_exclusive_granted", f"/patents/{exclusive.id}")]
