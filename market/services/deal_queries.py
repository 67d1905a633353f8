"""What the deal pages read: an organisation's deals. Queries only; nothing here changes
state (the transitions are services/deals.py)."""
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import false, or_, select

from ..extensions import db
from ..models import Deal, DealState


def of_org(org_id: int | None, state: str, page: int, per_page: int = 30) -> Pagination:
    """The deals the organisation is a party to, last changed first; ``state`` filters when
    it is one. No organisation (a member whose request to join waits): no deals."""
    query = select(Deal).where(or_(Deal.licensee_org_id == org_id, Deal.licensor_org_id == org_id)
                               if org_id is not None else false())
    if state in set(DealState):
        query = query.where(Deal.state == state)
    return db.paginate(query.order_by(Deal.state_changed_at.desc(), Deal.id.desc()),
                       page=page, per_page=per_page, error_out=False)
