"""The centre's audit log: every recorded action, newest first."""
from flask import render_template
from sqlalchemy import select

from ..extensions import db
from ..labels import audit_action_label, audit_target_label
from ..models import AuditEvent, User
from ..params import page_arg
from ..permissions import centre_required
from .blueprint import bp


@bp.route("/audit")
@centre_required
def audit_log():
    page = db.paginate(select(AuditEvent).order_by(AuditEvent.id.desc()),
                       page=page_arg(), per_page=50, error_out=False)
    actor_ids = {e.actor_user_id for e in page.items if e.actor_user_id}
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
    return render_template("centre/audit.html", page=page, actors=actors,
                           action_label=audit_action_label, target_label=audit_target_label)

