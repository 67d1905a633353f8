"""The centre's own home and its register of every deal on the platform.

The home counts what waits for the centre (verifications, the monitor's lists, mail not
delivered, hidden listings) and links to each list; the register lists, filters and exports
all deals (parties only see their own under "My deals")."""
from flask import Response, render_template, request

from .. import labels
from ..domain.dates import local_today
from ..extensions import db
from ..models import DealState, OfferKind, Organisation
from ..params import int_arg, page_arg
from ..permissions import centre_required
from ..services import deal_queries, exports, moderation
from ..services import monitor as monitor_service
from ..services import orgs as org_service
from .blueprint import bp
from .mail import undelivered_count


@bp.route("/")
@centre_required
def home():
    report = monitor_service.report(monitor_service.MonitorFilter())
    queues = {
        "pending": len(org_service.pending_organisations()),
        "changes": len(org_service.pending_changes()),
        "unanswered": len(report["unanswered"]), "stuck": len(report["stuck"]),
        "overdue": len(report["overdue"]), "unrecorded": len(report["unrecorded"]),
        "undelivered": undelivered_count(), "hidden": len(moderation.hidden_listings()),
    }
    return render_template("centre/home.html", queues=queues, monitor_limit=monitor_service.LIMIT)


def _register_filter() -> deal_queries.RegisterFilter:
    return deal_queries.RegisterFilter(
        state=request.args.get("state") or None, kind=request.args.get("kind") or None,
        org_id=int_arg("org"), year=int_arg("year", low=2000, high=2100),
        q=request.args.get("q", "")[:100])


@bp.route("/deals")
@centre_required
def deal_register():
    f = _register_filter()
    return render_template(
        "centre/deals.html", f=f, page=deal_queries.register(f, page_arg()), labels=labels,
        states=list(DealState), kinds=list(OfferKind),
        years=deal_queries.register_years(),
        orgs=db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all())


@bp.route("/deals/export.csv")
@centre_required
def deal_register_export():
    body = exports.to_csv(deal_queries.register_table(_register_filter()))
    return Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="deals-{local_today().isoformat()}.csv"'})
