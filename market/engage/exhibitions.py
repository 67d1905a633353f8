"""The public pages of the centre's online exhibitions, and signing up for a roadshow."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..extensions import db
from ..models import Exhibition
from ..permissions import login_required, public
from ..services import exhibitions
from ..unit_of_work import commit

bp = Blueprint("exhibitions", __name__, url_prefix="/exhibitions")


@bp.route("/")
@public
def index():
    return render_template("engage/exhibitions.html", items=exhibitions.on_show(),
                           past=exhibitions.past())


@bp.route("/<int:exhibition_id>")
@public
def detail(exhibition_id: int):
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    show = exhibitions.showcase(exhibition)
    return render_template(
        "engage/exhibition.html", exhibition=exhibition, listings=show.listings,
        search_total=show.search_total, search_args=show.search_args,
        participants=exhibitions.participants(exhibition),
        demands=exhibitions.demands_to_answer(current_user, exhibition, show.listings),
        signed_up=exhibitions.signed_up(current_user, exhibition))


@bp.route("/<int:exhibition_id>/roadshow", methods=["POST"])
@login_required
def roadshow(exhibition_id: int):
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    if exhibition.roadshow_at is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    exhibitions.sign_up(current_user, exhibition)
    commit()
    flash(_("You are signed up for the roadshow."), "success")
    return redirect(url_for("exhibitions.detail", exhibition_id=exhibition.id))
