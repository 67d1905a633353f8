"""What the listing pages read: the public catalogue, an owner's listings with their counts,
a listing's change history. Queries only; nothing here changes state."""
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Deal, ListingChange, ListingStatus, Patent


def published(page: int, per_page: int = 20) -> Pagination:
    """The public catalogue, newest first (hidden listings left out)."""
    return db.paginate(
        select(Patent).where(Patent.status == ListingStatus.PUBLISHED, Patent.hidden.is_(False))
        .options(selectinload(Patent.offers), selectinload(Patent.owner))
        .order_by(Patent.published_at.desc(), Patent.id.desc()),
        page=page, per_page=per_page, error_out=False)


def owned_by(org_id: int, status: str | None, page: int, per_page: int = 30) -> Pagination:
    """An organisation's listings, last changed first; ``status`` filters when it is one."""
    query = select(Patent).where(Patent.owner_org_id == org_id)
    if status in set(ListingStatus):
        query = query.where(Patent.status == status)
    return db.paginate(query.order_by(Patent.updated_at.desc(), Patent.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def requests_per_patent(org_id: int) -> dict[int, int]:
    """How many deals each of the organisation's patents has drawn, by patent id."""
    return dict(db.session.execute(
        select(Deal.patent_id, func.count()).join(Patent, Patent.id == Deal.patent_id)
        .where(Patent.owner_org_id == org_id).group_by(Deal.patent_id)).all())


def status_counts(org_id: int) -> dict[str, int]:
    """How many of the organisation's listings are in each status."""
    return dict(db.session.execute(
        select(Patent.status, func.count()).where(Patent.owner_org_id == org_id)
        .group_by(Patent.status)).all())


def changes(patent: Patent) -> list[ListingChange]:
    """A listing's change history, newest first."""
    return list(db.session.scalars(select(ListingChange)
                                   .where(ListingChange.patent_id == patent.id)
                                   .order_by(ListingChange.id.desc())))
