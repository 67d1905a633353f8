"""Following a listing: a logged-in user is told when its terms change, an exclusive licence
is granted on it, or it is withdrawn. Services flush; the request commits. The notices are
written in the transaction of the change they report (the outbox sends their emails after
commit), so a change rolled back tells no one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Deal, LicenceKind, ListingFollow, Membership, Patent, User
from . import notifications

_DIALECT_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def follow(user: User, patent: Patent) -> None:
    """``user`` follows ``patent``; following twice (a double submit, two tabs) keeps one
    row: the insert does nothing on the unique (listing, user) pair."""
    insert = _DIALECT_INSERT[db.session.get_bind().dialect.name]
    db.session.execute(insert(ListingFollow).values(patent_id=patent.id, user_id=user.id)
                       .on_conflict_do_nothing(index_elements=["patent_id", "user_id"]))


def unfollow(user: User, patent: Patent) -> None:
    db.session.execute(delete(ListingFollow).where(ListingFollow.patent_id == patent.id,
                                                   ListingFollow.user_id == user.id))


def is_following(user, patent: Patent) -> bool:
    if not user.is_authenticated:
        return False
    return bool(db.session.scalar(select(exists().where(
        ListingFollow.patent_id == patent.id, ListingFollow.user_id == user.id))))


def followed_by(user: User) -> list[Patent]:
    return list(db.session.scalars(select(Patent).join(
        ListingFollow, ListingFollow.patent_id == Patent.id).where(
        ListingFollow.user_id == user.id).order_by(ListingFollow.id.desc())))


def _followers(patent: Patent) -> list[User]:
    """Active followers outside the owner's organisation (it made the change)."""
    return list(db.session.scalars(select(User).join(
        ListingFollow, ListingFollow.user_id == User.id).where(
        ListingFollow.patent_id == patent.id, User.org_id != patent.owner_org_id,
        User.membership == Membership.ACTIVE).order_by(User.id)))


def _tell(patent: Patent, kind: str, title, body="") -> int:
    return notifications.notify_users(_followers(patent), kind, title, body,
                                      f"/patents/{patent.id}")


def terms_changed(patent: Patent) -> int:
    """An offer of ``patent`` was added, changed or withdrawn."""
    return _tell(patent, "followed_terms_changed",
                 _l("The terms of “%(title)s” have changed", title=patent.title),
                 _l("See the listing for the offers as they stand now."))


def withdrawn(patent: Patent) -> int:
    """``patent`` was taken off the market (by its owner, or after an assignment)."""
    return _tell(patent, "followed_withdrawn",
                 _l("“%(title)s” has been withdrawn from the market", title=patent.title),
                 _l("Licences already taken stay in force."))


def deal_concluded(deal: Deal) -> int:
    """Called where a deal concludes: an exclusive licence tells the listing's followers
    (nobody else may now take a licence for that territory and field)."""
    if deal.licence_kind != LicenceKind.EXCLUSIVE:
        return 0
    return _tell(deal.patent, "followed_exclusive_granted",
                 _l("An exclusive licence has been granted on “%(title)s”",
                    title=deal.patent.title),
                 _l("Territory: %(territory)s. No other licence can be granted for that "
                    "territory and field of use.",
                    territory=deal.territory or "—"))
