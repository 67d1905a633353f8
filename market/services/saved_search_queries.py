"""What the saved-search pages read: a user's saved searches and how many they keep.
Queries only; nothing here changes state."""
from sqlalchemy import func, select

from ..extensions import db
from ..models import SavedSearch


def of_user(user_id: int) -> list[SavedSearch]:
    """The user's saved searches, newest first."""
    return list(db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id)
                                   .order_by(SavedSearch.id.desc())))


def count_of_user(user_id: int) -> int:
    """How many searches the user keeps."""
    return db.session.scalar(select(func.count()).select_from(SavedSearch)
                             .where(SavedSearch.user_id == user_id))


def owned(saved_id: int, user_id: int) -> SavedSearch | None:
    """The saved search if it is the user's; None when it is missing or someone else's
    (the page answers 404 to both, so nobody learns which ids exist)."""
    saved = db.session.get(SavedSearch, saved_id)
    return saved if saved is not None and saved.user_id == user_id else None
