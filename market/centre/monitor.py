"""The centre's deal monitor: deals that stall, by organisation and period."""
from datetime import date

from flask import render_template, request
from sqlalchemy import select

from .. import labels
from ..extensions import db
from ..models import Organisation
from ..params import int_arg
from ..permissions import centre_required
from ..services import annual_fees
from ..services import monitor as monitor_service
from .blueprint import bp


def _monitor_filter() -> monitor_service.MonitorFilter:
    def day(name):
        try:
            return date.fromisoformat(request.args.get(name, "").strip())
        except ValueError:
            return None
    return monitor_service.MonitorFilter(org_id=int_arg("org"),
                                         start=day("start"), end=day("end"))


@bp.route("/monitor", endpoint="monitor")
@centre_required
def monitor_page():
    f = _monitor_filter()
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("centre/monitor.html", report=monitor_service.report(f), f=f,
                           orgs=orgs, days_since=monitor_service.days_since,
                           limits=monitor_service, labels=labels,
                           fees=annual_fees.report(), fee_note=annual_fees.surcharge_note)
