"""Listing pages: browse, the public listing page, my listings, create/edit, offers, import."""
import csv
import io
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..domain.engagement import MIN_COMPARABLE_DEALS, QUESTION_MAX_CHARS
from ..extensions import db, limiter
from ..forms_util import refusal_on, show_service_error, show_warnings
from ..models import Attachment, EvaluationReport, ListingStatus, Offer, OrgKind, Patent
from ..params import int_arg, page_arg
from ..permissions import member_org_id, public, role_required
from ..services import (
    deal_rules,
    exhibitions,
    follows,
    imports,
    legal_status,
    listing_queries,
    listings,
    price_guidance,
    questions,
    view_tally,
)
from ..services.errors import ServiceError
from ..services.uploads import scan_max_bytes
from ..stored_files import stored_file_response
from ..unit_of_work import commit, committing, flash_refusal
from ..urls import safe_next
from .forms import (
    ActionForm,
    AttachmentForm,
    EvaluationReportForm,
    ImportForm,
    NewListingForm,
    OfferForm,
    PatentForm,
)

bp = Blueprint("listings", __name__, url_prefix="/patents")
licensor_required = role_required(OrgKind.UNIVERSITY, OrgKind.INSTITUTE)


def _can_manage(patent: Patent) -> bool:
    return member_org_id(current_user) == patent.owner_org_id


def _visible_patent_or_404(patent_id: int) -> Patent:
    patent = db.get_or_404(Patent, patent_id)
    if patent.is_public or _can_manage(patent) or (
            current_user.is_authenticated and current_user.is_centre):
        return patent
    abort(404)


def _own_patent_or_404(patent_id: int) -> Patent:
    patent = db.get_or_404(Patent, patent_id)
    if patent.owner_org_id != current_user.org_id:
        abort(404)
    return patent


@bp.route("/")
@public
def browse():
    return render_template("listings/browse.html", page=listing_queries.published(page_arg()))


@bp.route("/<int:patent_id>")
@public
def detail(patent_id: int):
    patent = _visible_patent_or_404(patent_id)
    if not _can_manage(patent) and view_tally.record_view(patent):
        commit()
    return render_template("listings/detail.html", patent=patent, can_manage=_can_manage(patent),
                           summaries={o.id: listings.summaries(o) for o in patent.offers},
                           action_form=ActionForm(), attachment_form=AttachmentForm(),
                           status_line=legal_status.status_line(patent),
                           report_form=EvaluationReportForm(),
                           blockers={o.id: deal_rules.offer_blocker(current_user, o)
                                     for o in patent.offers},
                           qa_public=questions.public_answers(patent),
                           qa_visible=questions.visible_to(current_user, patent),
                           question_max=QUESTION_MAX_CHARS,
                           following=follows.is_following(current_user, patent),
                           guidance=price_guidance.for_offers(patent, patent.active_offers),
                           min_deals=MIN_COMPARABLE_DEALS,
                           exhibition=exhibitions.featuring(int_arg("exhibition"), patent.id))


@bp.route("/mine")
@licensor_required
def mine():
    org_id, status = current_user.org_id, request.args.get("status")
    return render_template("listings/mine.html",
                           page=listing_queries.owned_by(org_id, status, page_arg()),
                           requests=listing_queries.requests_per_patent(org_id),
                           counts=listing_queries.status_counts(org_id),
                           status=status, action_form=ActionForm())


@bp.route("/new", methods=["GET", "POST"])
@licensor_required
def new():
    form = NewListingForm()
    if form.validate_on_submit():
        with committing(refusal_on(form, listed=True)) as outcome:
            patent = listings.create_patent(current_user, form.patent_fields())
            listings.add_offer(current_user, patent, form.offer_fields())
            if request.form.get("publish"):
                listings.publish(current_user, patent)
        if outcome.committed:
            flash(_("The listing has been saved.") if patent.status == ListingStatus.DRAFT
                  else _("The listing is published."), "success")
            _flash_warnings(form.offer_fields())
            return redirect(url_for("listings.detail", patent_id=patent.id))
    return render_template("listings/new.html", form=form), 200 if not form.errors else 422


@bp.route("/<int:patent_id>/edit", methods=["GET", "POST"])
@licensor_required
def edit(patent_id: int):
    patent = _own_patent_or_404(patent_id)
    form = PatentForm(obj=patent)
    if request.method == "GET":
        form.ipc_codes.data = "; ".join(patent.ipc_codes)
        form.trl.data = str(patent.trl) if patent.trl else ""
        form.industry.data = patent.industry if patent.industry_overridden else ""
        form.patent_type.data = ""
    if form.validate_on_submit():
        with committing(refusal_on(form, listed=True)) as outcome:
            listings.update_patent(current_user, patent, form.patent_fields())
        if outcome.committed:
            flash(_("The listing has been saved."), "success")
            return redirect(url_for("listings.detail", patent_id=patent.id))
    return render_template("listings/edit.html", form=form, patent=patent), \
        200 if not form.errors else 422


@bp.route("/<int:patent_id>/offers/new", methods=["GET", "POST"])
@licensor_required
def new_offer(patent_id: int):
    patent = _own_patent_or_404(patent_id)
    form = OfferForm()
    if form.validate_on_submit():
        with committing(refusal_on(form, listed=True)) as outcome:
            listings.add_offer(current_user, patent, form.offer_fields())
        if outcome.committed:
            flash(_("The offer has been added."), "success")
            _flash_warnings(form.offer_fields())
            return redirect(url_for("listings.detail", patent_id=patent.id))
    return render_template("listings/offer_form.html", form=form, patent=patent, offer=None), \
        200 if not form.errors else 422


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@licensor_required
def edit_offer(offer_id: int):
    offer = db.get_or_404(Offer, offer_id)
    patent = _own_patent_or_404(offer.patent_id)
    form = OfferForm(obj=offer)
    if request.method == "GET":
        form.licence_kind.data = offer.licence_kind or ""
        form.deferral_kind.data = offer.deferral_kind or ""
        # terms above market norms: the same notice as when they were saved, by their fields
        show_warnings(form, listings.offer_warnings(form.offer_fields()))
    if form.validate_on_submit():
        with committing(refusal_on(form, listed=True)) as outcome:
            listings.update_offer(current_user, offer, form.offer_fields())
        if outcome.committed:
            flash(_("The terms have been changed. Deals already made keep their terms."),
                  "success")
            _flash_warnings(form.offer_fields())
            return redirect(url_for("listings.detail", patent_id=patent.id))
    return render_template("listings/offer_form.html", form=form, patent=patent, offer=offer), \
        200 if not form.errors else 422


@bp.route("/offers/<int:offer_id>/withdraw", methods=["POST"])
@licensor_required
def withdraw_offer(offer_id: int):
    offer = db.get_or_404(Offer, offer_id)
    _own_patent_or_404(offer.patent_id)
    if ActionForm().validate_on_submit():
        listings.withdraw_offer(current_user, offer)
        commit()
        flash(_("The offer has been withdrawn. Licences already taken stay in force."), "success")
    return redirect(url_for("listings.detail", patent_id=offer.patent_id))


@bp.route("/<int:patent_id>/<any(publish, withdraw):action>", methods=["POST"])
@licensor_required
def change_status(patent_id: int, action: str):
    patent = _own_patent_or_404(patent_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with committing(flash_refusal) as outcome:
        (listings.publish if action == "publish" else listings.withdraw)(current_user, patent)
    if outcome.committed:
        flash(_("The listing is published.") if action == "publish" else
              _("The listing has been withdrawn. Licences already taken stay in force."),
              "success")
    return redirect(safe_next(request.form.get("next"),
                              url_for("listings.detail", patent_id=patent.id)))


@bp.route("/<int:patent_id>/history")
@licensor_required
def history(patent_id: int):
    patent = _own_patent_or_404(patent_id)
    return render_template("listings/history.html", patent=patent,
                           changes=listing_queries.changes(patent),
                           field_label=_history_field_label)


def _history_field_label(name: str) -> str:
    """A changed field's name as the forms word it (history rows store field names)."""
    from wtforms.fields.core import UnboundField
    field = getattr(NewListingForm, name, None)
    if isinstance(field, UnboundField) and field.args:
        return str(field.args[0])
    return str(_HISTORY_FIELDS.get(name, name))


_HISTORY_FIELDS = {"status": _l("Status"), "active": _l("Active"), "filename": _l("File"),
                   "application_number": _l("Application number"),
                   "expiry_date": _l("Expiry date"), "contract": _l("Contract number"),
                   "industry_overridden": _l("Industry chosen by hand")}


@bp.route("/<int:patent_id>/attachments", methods=["POST"])
@licensor_required
def upload_attachment(patent_id: int):
    patent = _own_patent_or_404(patent_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        data = form.file.data.read(scan_max_bytes() + 1)
        with committing(flash_refusal) as outcome:
            listings.add_attachment(current_user, patent, form.file.data.filename, data)
        if outcome.committed:
            flash(_("The file has been added."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
    return redirect(url_for("listings.detail", patent_id=patent.id))


@bp.route("/<int:patent_id>/evaluation-report", methods=["POST"])
@licensor_required
def upload_evaluation_report(patent_id: int):
    patent = _own_patent_or_404(patent_id)
    form = EvaluationReportForm()
    if form.validate_on_submit():
        data = form.report_file.data.read(scan_max_bytes() + 1)
        with committing(flash_refusal) as outcome:
            listings.add_evaluation_report(
                current_user, patent, filename=form.report_file.data.filename, data=data,
                conclusion=form.conclusion.data, issued_on=form.issued_on.data)
        if outcome.committed:
            flash(_("The evaluation report has been added."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
    return redirect(url_for("listings.detail", patent_id=patent.id))


@bp.route("/evaluation-reports/<int:report_id>")
@public
def evaluation_report(report_id: int):
    """The report backs a public open licence: anyone who may see the listing may read it."""
    item = db.get_or_404(EvaluationReport, report_id)
    _visible_patent_or_404(item.patent_id)
    return stored_file_response(item, public=True, download=True)


def _flash_warnings(values: dict) -> None:
    """Terms saved above market norms: a visible notice, never a refusal."""
    for warning in listings.offer_warnings(values):
        flash(str(warning.message), "warning")


@bp.route("/attachments/<int:attachment_id>")
@public
def attachment(attachment_id: int):
    item = db.get_or_404(Attachment, attachment_id)
    _visible_patent_or_404(item.patent_id)
    return stored_file_response(item, public=True)


# --- bulk import ------------------------------------------------------------------------

def _import_limit() -> str:
    return current_app.config["IMPORT_RATE_LIMIT"]


def _user_key() -> str:
    """Uploads are limited per user (several users may share one office address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{request.remote_addr}"


@bp.route("/import", methods=["GET", "POST"])
@licensor_required
@limiter.limit(_import_limit, key_func=_user_key, methods=["POST"])
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        filename = form.file.data.filename or "upload.csv"
        try:
            preview = imports.preview(filename, data, current_user.org_id)
        except ServiceError as exc:
            show_service_error(form, exc)
        else:
            kept = imports.keep_preview(current_user, filename, data, timedelta(
                seconds=current_app.config["IMPORT_PREVIEW_MAX_AGE"]))
            commit()
            locale = str(get_locale())
            page = render_template("listings/import_preview.html", preview=preview,
                                   token=kept.token, filename=filename,
                                   action_form=ActionForm(),
                                   column_label=lambda f: imports.column_label(f, locale))
            return page, 200 if preview.good_count else 422  # nothing to import: refused
    return render_template("listings/import.html", form=form,
                           columns=imports.column_guide(str(get_locale()))), \
        200 if not form.errors else 422


@bp.route("/import/<token>", methods=["POST"])
@licensor_required
def import_confirm(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    # A number listed by someone else since the preview is refused too: the import inserts
    # with Core statements, which run at once, so the IntegrityError is raised in the block.
    with committing(refusals=(ServiceError, IntegrityError)) as outcome:
        kept = imports.take_preview(current_user, token)
        # Checked again: the database may have changed since the preview.
        imported = imports.import_file(current_user, kept.filename, kept.data)
        del kept  # the file (up to 20 MB) need not outlive the import
    if outcome.committed:
        flash(_("%(n)d listings imported; %(bad)d rows with errors were left out.",
                n=imported.created, bad=imported.left_out), "success")
        return redirect(url_for("listings.mine"))
    if isinstance(outcome.refusal, imports.PreviewGone):
        flash(str(outcome.refusal.message), "error")
        return redirect(url_for("listings.import_upload"), 303)
    flash(_("Nothing was imported: %(reason)s", reason=getattr(outcome.refusal, "message", "")
            or _("a patent in the file was listed by someone else meanwhile.")), "error")
    return redirect(url_for("listings.import_upload"))


@bp.route("/import/template.<any(csv, xlsx):fmt>")
@licensor_required
def import_template(fmt: str):
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(imports.template_rows())
        data = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads it as UTF-8
        mimetype = "text/csv; charset=utf-8"
    else:
        data = imports.template_xlsx()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=patent-import-template.{fmt}"})
