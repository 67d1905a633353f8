"""Home page, and the terms of use and privacy notice."""
from flask import Blueprint, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.legal_texts import TERMS_VERSION
from ..extensions import db
from ..models import ListingStatus, Patent
from ..permissions import public
from ..services import stats

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    latest = db.session.scalars(
        select(Patent).where(Patent.status == ListingStatus.PUBLISHED, Patent.hidden.is_(False))
        .options(selectinload(Patent.offers), selectinload(Patent.owner))
        .order_by(Patent.published_at.desc(), Patent.id.desc()).limit(6)).all()
    return render_template("main/home.html", figures=stats.headline_figures(), latest=latest)


@bp.route("/legal/terms")
@public
def terms():
    return render_template("main/terms.html", version=TERMS_VERSION)


@bp.route("/legal/privacy")
@public
def privacy():
    return render_template("main/privacy.html", version=TERMS_VERSION)
