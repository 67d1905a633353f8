"""The centre's "mail not delivered" list: messages the mail server refused for good (or that
ran out of retries), with a button that puts one back in the queue."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..mail_worker import deliver_soon
from ..models import OutboxEmail
from ..permissions import centre_required
from ..services import mail as mail_service
from ..unit_of_work import commit
from .blueprint import bp
from .forms import ActionForm


def mail_unconfigured() -> bool:
    """Production without a mail server: nothing the site sends reaches anyone."""
    config = current_app.config
    return config.get("ENV_NAME") == "production" and not config.get("MAIL_URL")


def undelivered_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxEmail)
                             .where(OutboxEmail.failed_at.is_not(None))) or 0


@bp.context_processor
def _mail_status():
    # Callables: the query runs only on the centre pages that show the notice.
    return {"mail_unconfigured": mail_unconfigured, "undelivered_count": undelivered_count}


@bp.route("/mail")
@centre_required
def undelivered_mail():
    return render_template("centre/mail.html", messages=mail_service.undelivered())


@bp.route("/mail/<int:message_id>/resend", methods=["POST"])
@centre_required
def resend_mail(message_id: int):
    message = db.get_or_404(OutboxEmail, message_id)
    if ActionForm().validate_on_submit():
        if mail_service.resend(message, current_user):
            commit()
            deliver_soon()  # an update, not an insert: the after-commit hook does not fire
            flash(_("The message is queued again; it is sent within a minute."), "success")
        else:
            flash(_("This message is no longer waiting: it was sent or queued again already."),
                  "info")
    return redirect(url_for("centre.undelivered_mail"))
