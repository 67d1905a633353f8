"""Demand pages: the board, posting and editing a demand, its page (matches and answers
side by side), a university's 需求 inbox and its answer form."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import labels
from ..domain.demands import BUDGET_FACET_VALUES, WANTED_KINDS
from ..domain.ipc import INDUSTRIES
from ..forms_util import refusal_on
from ..models import Demand, DemandState, OrgKind
from ..params import int_arg
from ..permissions import public, role_required
from ..search.demand_search import SORTS
from ..services import demand_matching, demand_queries, demands, exhibitions
from ..services.errors import NotFound
from ..unit_of_work import committing, flash_refusal
from .forms import ActionForm, AnswerForm, DemandForm

bp = Blueprint("demands", __name__, url_prefix="/demands")
sme_required = role_required(OrgKind.SME)
sme_member = role_required(OrgKind.SME, verified=False)
licensor_required = role_required(OrgKind.UNIVERSITY, OrgKind.INSTITUTE)
owner_or_centre = role_required(OrgKind.SME, OrgKind.CENTRE)


def _demand_or_404(demand_id: int) -> Demand:
    try:
        return demands.visible_demand(demand_id, current_user)
    except NotFound:
        abort(404)


def _own_demand_or_404(demand_id: int) -> Demand:
    demand = _demand_or_404(demand_id)
    if demands.role_of(demand, current_user) != demands.OWNER:
        abort(404)
    return demand


@bp.route("/")
@public
def board():
    args = request.args
    choice = {"q": args.get("q", "").strip(),
              "industry": _one_of(args.get("industry"), INDUSTRIES),
              "wanted_kind": _one_of(args.get("wanted_kind"), WANTED_KINDS),
              "budget": _one_of(args.get("budget"), BUDGET_FACET_VALUES),
              "sort": _one_of(args.get("sort"), SORTS) or "relevance"}
    page = args.get("page", 1, type=int) or 1
    found = demand_queries.board(current_user, page=max(1, page), **choice)

    def board_url(**change) -> str:
        """This board with ``change`` made to the choices (an empty value drops one)."""
        wanted = {**choice, **change}
        if wanted["sort"] == "relevance":
            wanted["sort"] = ""
        return url_for("demands.board", **{k: v for k, v in wanted.items() if v})
    return render_template("demands/board.html", found=found, page=page, board_url=board_url,
                           **choice)


def _one_of(value, allowed) -> str:
    return value if value in allowed else ""


@bp.route("/mine")
@sme_member
def mine():
    return render_template("demands/mine.html", demands=demand_queries.mine(current_user.org_id))


@bp.route("/new", methods=["GET", "POST"])
@sme_required
def new():
    form = DemandForm()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            demand = demands.create(current_user, demand_matching.with_suggestions(form.fields_data()))
            if "submit" in request.form:
                demands.submit(demand, current_user)
        if outcome.committed:
            flash(_("Your demand was sent to the centre for review.") if "submit" in request.form
                  else _("Your draft is saved. Check the suggested industry and IPC, then send "
                         "it for review."), "success")
            return redirect(url_for("demands.detail", demand_id=demand.id))
    return render_template("demands/edit.html", form=form, demand=None), \
        422 if form.errors else 200


@bp.route("/<int:demand_id>/edit", methods=["GET", "POST"])
@sme_required
def edit(demand_id: int):
    demand = _own_demand_or_404(demand_id)
    if demand.state != DemandState.DRAFT:
        flash(_("Only a draft can be changed."), "error")
        return redirect(url_for("demands.detail", demand_id=demand.id))
    form = DemandForm()
    if request.method == "GET":
        form.fill(demand)
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            demands.update(demand, current_user, demand_matching.with_suggestions(form.fields_data()))
            if "submit" in request.form:
                demands.submit(demand, current_user)
        if outcome.committed:
            flash(_("Your demand was sent to the centre for review.") if "submit" in request.form
                  else _("Your draft is saved."), "success")
            return redirect(url_for("demands.detail", demand_id=demand.id))
    return render_template("demands/edit.html", form=form, demand=demand), \
        422 if form.errors else 200


@bp.route("/<int:demand_id>/submit", methods=["POST"])
@sme_required
def submit(demand_id: int):
    demand = _own_demand_or_404(demand_id)
    if ActionForm().validate_on_submit():
        with committing(flash_refusal) as outcome:
            demands.submit(demand, current_user)
        if outcome.committed:
            flash(_("Your demand was sent to the centre for review."), "success")
    return redirect(url_for("demands.detail", demand_id=demand_id))


@bp.route("/<int:demand_id>/close", methods=["POST"])
@owner_or_centre
def close(demand_id: int):
    demand = _demand_or_404(demand_id)
    if demands.role_of(demand, current_user) not in (demands.OWNER, demands.CENTRE):
        abort(404)
    if ActionForm().validate_on_submit():
        with committing(flash_refusal) as outcome:
            demands.close(demand, current_user)
        if outcome.committed:
            flash(_("The demand is closed."), "success")
    return redirect(url_for("demands.detail", demand_id=demand_id))


@bp.route("/<int:demand_id>")
@public
def detail(demand_id: int):
    demand = _demand_or_404(demand_id)
    role = demands.role_of(demand, current_user)
    own = role == demands.OWNER
    return render_template(
        "demands/detail.html", demand=demand, role=role, own=own,
        matches=demand_queries.top_matches(demand) if role in (demands.OWNER, demands.CENTRE)
        else [],
        answers=demands.answers_for(demand, current_user),
        actions=demands.allowed_actions(demand, current_user), action_form=ActionForm(),
        may_answer=role == demands.LICENSOR and demand.is_open)


@bp.route("/inbox")
@licensor_required
def inbox():
    return render_template("demands/inbox.html", rows=demand_queries.inbox(current_user.org_id))


@bp.route("/<int:demand_id>/answer", methods=["GET", "POST"])
@licensor_required
def answer(demand_id: int):
    demand = _demand_or_404(demand_id)
    patents = demands.answerable_patents(current_user)
    form = AnswerForm()
    form.patent_ids.choices = [(p.id, f"{p.title} · {p.shown_number}") for p in patents]
    if request.method == "GET":
        form.patent_ids.data = demand_queries.matched_patent_ids(demand, current_user.org_id)
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            reply = demands.answer(demand, current_user, patent_ids=form.patent_ids.data or [],
                                   proposal=form.proposal.data,
                                   collaboration=bool(form.collaboration.data))
            # started from an online exhibition (``?exhibition=``, kept on the form's URL)
            exhibitions.record_lead(exhibitions.featuring(
                int_arg("exhibition"), *(p.id for p in reply.patents)), answer=reply)
        if outcome.committed:
            flash(_("Your answer was sent to the SME."), "success")
            return redirect(url_for("demands.detail", demand_id=demand.id))
    answered = any(a.org_id == current_user.org_id for a in demand.answers)
    return render_template("demands/answer.html", form=form, demand=demand,
                           answered=answered, has_patents=bool(patents)), \
        422 if form.errors else 200


@bp.context_processor
def _demand_helpers():
    return {"demand_state_label": labels.demand_state_label}
