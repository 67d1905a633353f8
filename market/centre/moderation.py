"""The centre's moderation: hidden listings, hiding and showing one again, and the technology
demands waiting for review (approve, or return to the SME with a reason)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.demands import ANSWERED_WITHIN_DAYS
from ..extensions import db
from ..forms_util import refusal_on
from ..models import Demand, Patent
from ..permissions import centre_required
from ..services import demand_queries, demands
from ..services import moderation as moderation_service
from ..unit_of_work import commit, committing, flash_refusal
from .blueprint import bp
from .forms import ActionForm, HideForm


@bp.route("/listings/hidden")
@centre_required
def hidden_listings():
    query = request.args.get("q", "").strip()
    return render_template("centre/hidden.html", hidden=moderation_service.hidden_listings(),
                           query=query, found=moderation_service.find_listings(query),
                           action_form=ActionForm(), pending_demands=demands.pending_demands(),
                           demand_counts=demand_queries.counts(),
                           answered_within_days=ANSWERED_WITHIN_DAYS)


@bp.route("/listings/<int:patent_id>/hide", methods=["GET", "POST"])
@centre_required
def hide_listing(patent_id: int):
    patent = db.get_or_404(Patent, patent_id)
    form = HideForm()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            moderation_service.hide(current_user, patent, form.reason.data)
        if outcome.committed:
            flash(_("The listing is hidden; its owner has been told why."), "success")
            return redirect(url_for("centre.hidden_listings"))
    elif request.method == "GET" and patent.hidden:
        form.reason.data = patent.hidden_reason
    return render_template("centre/hide.html", patent=patent, form=form), \
        422 if form.errors else 200


@bp.route("/listings/<int:patent_id>/unhide", methods=["POST"])
@centre_required
def unhide_listing(patent_id: int):
    patent = db.get_or_404(Patent, patent_id)
    if ActionForm().validate_on_submit():
        moderation_service.unhide(current_user, patent)
        commit()
        flash(_("The listing is shown again; its owner has been told."), "success")
    return redirect(url_for("centre.hidden_listings"))


# --- technology demands: the same queue ------------------------------------------------------

@bp.route("/demands/<int:demand_id>/approve", methods=["POST"])
@centre_required
def approve_demand(demand_id: int):
    demand = db.get_or_404(Demand, demand_id)
    if ActionForm().validate_on_submit():
        with committing(flash_refusal) as outcome:
            demands.approve(demand, current_user)
        if outcome.committed:
            flash(_("The demand is published; its owner has been told."), "success")
    return redirect(url_for("centre.hidden_listings"))


@bp.route("/demands/<int:demand_id>/reject", methods=["GET", "POST"])
@centre_required
def reject_demand(demand_id: int):
    demand = db.get_or_404(Demand, demand_id)
    form = HideForm()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            demands.reject(demand, current_user, form.reason.data)
        if outcome.committed:
            flash(_("The demand went back to its owner with your reason."), "success")
            return redirect(url_for("centre.hidden_listings"))
    return render_template("centre/reject_demand.html", demand=demand, form=form), \
        422 if form.errors else 200
