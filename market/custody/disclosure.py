"""/disclosure/agencies: the public disclosure (公示) of the service agencies on the
register: verified details, standing, record, sanctions and the centre's credit notes."""
from flask import Blueprint, abort, render_template

from ..permissions import public
from ..services import agency_register
from ..services.errors import NotFound

bp = Blueprint("disclosure", __name__, url_prefix="/disclosure")


@bp.get("/agencies")
@public
def agencies():
    rows = [(a, agency_register.state_of(a)) for a in agency_register.verified_agencies()]
    return render_template("disclosure/agencies.html", rows=rows)


@bp.get("/agencies/<int:agency_id>")
@public
def agency(agency_id: int):
    try:
        org = agency_register.get_agency(agency_id)
    except NotFound:
        abort(404)
    return render_template("disclosure/agency.html", agency=org,
                           record=agency_register.record_of(org))
