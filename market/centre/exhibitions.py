"""The centre's exhibitions: open one (theme, dates, listings chosen by hand and/or by a
search, organisations, a roadshow), edit it, and see what each led to (questions, requests,
open licences taken, demand answers, roadshow sign-ups)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ..domain.dates import LOCAL_ZONE, local_today
from ..extensions import db
from ..forms_util import refusal_on
from ..models import Exhibition, Organisation, OrgKind, OrgStatus
from ..permissions import centre_required
from ..services import exhibition_edits, exhibitions
from ..unit_of_work import committing
from .blueprint import bp
from .forms import ExhibitionForm


@bp.route("/exhibitions")
@centre_required
def exhibition_list():
    return render_template("centre/exhibitions.html", items=exhibitions.all_exhibitions(),
                           counts=exhibitions.lead_counts())


def _participant_choices(exhibition: Exhibition | None = None) -> list[tuple[int, str]]:
    """Verified universities and institutes (and, when editing, those taking part already,
    so the form keeps them)."""
    taking_part = [item.org_id for item in exhibition.organisations] if exhibition else []
    orgs = db.session.scalars(select(Organisation).where(or_(
        Organisation.kind.in_((OrgKind.UNIVERSITY, OrgKind.INSTITUTE))
        & (Organisation.status == OrgStatus.VERIFIED),
        Organisation.id.in_(taking_part))).order_by(Organisation.name))
    return [(org.id, org.name) for org in orgs]


def _draft(form: ExhibitionForm) -> exhibitions.ExhibitionDraft:
    roadshow_at = form.roadshow_at.data
    query, filters = form.search()
    return exhibitions.ExhibitionDraft(
        theme=form.theme.data.strip(), description=(form.description.data or "").strip(),
        starts_on=form.starts_on.data, ends_on=form.ends_on.data, numbers=form.numbers(),
        org_ids=form.organisations.data or [],
        roadshow_at=roadshow_at.replace(tzinfo=LOCAL_ZONE) if roadshow_at else None,
        roadshow_place=(form.roadshow_place.data or "").strip(), query=query, filters=filters)


@bp.route("/exhibitions/new", methods=["GET", "POST"])
@centre_required
def exhibition_new():
    form = ExhibitionForm()
    form.organisations.choices = _participant_choices()
    if form.validate_on_submit():
        with committing(refusal_on(form, listed=True)) as outcome:
            exhibition = exhibitions.create(current_user, _draft(form))
        if outcome.committed:
            flash(_("The exhibition is open."), "success")
            return redirect(url_for("exhibitions.detail", exhibition_id=exhibition.id))
    return render_template("centre/exhibition_form.html", form=form, exhibition=None), \
        200 if not form.errors else 422


@bp.route("/exhibitions/<int:exhibition_id>/edit", methods=["GET", "POST"])
@centre_required
def exhibition_edit(exhibition_id: int):
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    form = ExhibitionForm()
    form.organisations.choices = _participant_choices(exhibition)
    if request.method == "GET":
        form.fill(exhibition_edits.draft_of(exhibition))
    if form.validate_on_submit():
        with committing(refusal_on(form, listed=True)) as outcome:
            changed = exhibition_edits.update(current_user, exhibition, _draft(form))
        if outcome.committed:
            flash(_("The exhibition has been updated.") if changed
                  else _("Nothing was changed."), "success")
            return redirect(url_for("centre.exhibition_leads", exhibition_id=exhibition.id))
    return render_template("centre/exhibition_form.html", form=form, exhibition=exhibition,
                           ended=exhibition.ends_on < local_today()), \
        200 if not form.errors else 422


@bp.route("/exhibitions/<int:exhibition_id>")
@centre_required
def exhibition_leads(exhibition_id: int):
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    return render_template("centre/exhibition_leads.html", exhibition=exhibition,
                           counts=exhibitions.lead_counts().get(exhibition.id, {}),
                           search_args=exhibitions.search_request(exhibition).args(),
                           signups=exhibitions.signups(exhibition))
