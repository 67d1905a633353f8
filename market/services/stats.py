"""Figures read from the database for pages (the centre's indicators grow here)."""
from sqlalchemy import func, select

from ..extensions import db
from ..models import Organisation, OrgKind, OrgStatus


def headline_figures() -> dict:
    """Counts for the home page: verified universities/institutes and SMEs."""
    rows = db.session.execute(
        select(Organisation.kind, func.count()).where(Organisation.status == OrgStatus.VERIFIED)
        .group_by(Organisation.kind)).all()
    by_kind = {kind: n for kind, n in rows}
    return {
        "licensors": by_kind.get(OrgKind.UNIVERSITY, 0) + by_kind.get(OrgKind.INSTITUTE, 0),
        "smes": by_kind.get(OrgKind.SME, 0),
    }
