"""The centre's view of the price guidance: what licences were concluded for, by industry
and licence kind (the same figures a listing and the request form show)."""
from flask import render_template

from ..domain.engagement import MIN_COMPARABLE_DEALS
from ..permissions import centre_required
from ..services import price_guidance
from .blueprint import bp


@bp.route("/price-guidance")
@centre_required
def price_guidance_page():
    return render_template("centre/price_guidance.html", rows=price_guidance.by_industry(),
                           min_deals=MIN_COMPARABLE_DEALS)
