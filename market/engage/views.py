"""Around a listing before any deal: questions (asked by verified users, answered by the
owner's members) and following it (any logged-in user)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..extensions import db, limiter
from ..forms_util import refusal_on
from ..models import ListingQuestion, OrgKind, Patent
from ..params import int_arg
from ..permissions import login_required, member_org_id, role_required
from ..services import exhibitions, follows, questions
from ..unit_of_work import commit, committing
from .forms import AnswerForm, QuestionForm

bp = Blueprint("engage", __name__, url_prefix="/patents")
askers_required = role_required(*questions.ASKERS)


def _question_limit() -> str:
    return current_app.config["QUESTION_RATE_LIMIT"]


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else \
        f"ip:{request.remote_addr}"


def _askable_or_404(patent_id: int) -> Patent:
    """A public listing of another organisation (one's own is answered, not asked about)."""
    patent = db.get_or_404(Patent, patent_id)
    if not patent.is_public or patent.owner_org_id == member_org_id(current_user):
        abort(404)
    return patent


@bp.route("/<int:patent_id>/ask", methods=["GET", "POST"])
@askers_required
@limiter.limit(_question_limit, key_func=_user_key, methods=["POST"])
def ask(patent_id: int):
    patent = _askable_or_404(patent_id)
    form = QuestionForm()
    exhibition = exhibitions.featuring(int_arg("exhibition"), patent.id)
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            question = questions.ask(current_user, patent, form.body.data)
            exhibitions.record_lead(exhibition, question=question)
        if outcome.committed:
            flash(_("Your question has been sent to %(org)s. You will be told when it is "
                    "answered.", org=patent.owner.name), "success")
            return redirect(url_for("listings.detail", patent_id=patent.id,
                                    _anchor=f"question-{question.id}"))
    return render_template("engage/ask.html", form=form, patent=patent,
                           mine=questions.visible_to(current_user, patent)), \
        200 if not form.errors else 422


@bp.route("/questions/<int:question_id>/answer", methods=["GET", "POST"])
@role_required(OrgKind.UNIVERSITY, OrgKind.INSTITUTE)
def answer(question_id: int):
    question = db.get_or_404(ListingQuestion, question_id)
    if question.patent.owner_org_id != member_org_id(current_user):
        abort(404)
    form = AnswerForm(obj=question if request.method == "GET" else None)
    if request.method == "GET" and question.visibility is not None:
        form.public.data = question.visibility == "public"
    if form.validate_on_submit():
        with committing(refusal_on(form, listed=False)) as outcome:
            questions.answer(current_user, question, form.answer.data, form.public.data)
        if outcome.committed:
            flash(_("Your answer has been published on the listing.") if form.public.data
                  else _("Your answer has been sent to the asker only."), "success")
            return redirect(url_for("listings.detail", patent_id=question.patent_id,
                                    _anchor=f"question-{question.id}"))
    return render_template("engage/answer.html", form=form, question=question), \
        200 if not form.errors else 422


# --- following a listing ----------------------------------------------------------------

def _followable_or_404(patent_id: int) -> Patent:
    """A listing the user may see: public, or its own organisation's."""
    patent = db.get_or_404(Patent, patent_id)
    if not patent.is_public and patent.owner_org_id != member_org_id(current_user):
        abort(404)
    return patent


@bp.route("/<int:patent_id>/<any(follow, unfollow):action>", methods=["POST"])
@login_required
def follow(patent_id: int, action: str):
    patent = _followable_or_404(patent_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    (follows.follow if action == "follow" else follows.unfollow)(current_user, patent)
    commit()
    flash(_("You follow this listing: you will be told when its terms change, an exclusive "
            "licence is granted or it is withdrawn.") if action == "follow"
          else _("You no longer follow this listing."), "success")
    return redirect(url_for("listings.detail", patent_id=patent.id))


@bp.route("/following")
@login_required
def following():
    return render_template("engage/following.html", patents=follows.followed_by(current_user))
