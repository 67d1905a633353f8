"""Home page."""
from flask import Blueprint, render_template

from ..permissions import public
from ..services import stats

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    return render_template("main/home.html", figures=stats.headline_figures())
