"""Register, log in and out, passwords."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..domain.legal_texts import TERMS_VERSION
from ..extensions import csrf, limiter
from ..forms_util import refusal_on, show_service_error
from ..labels import MAIL_CATEGORY_LABELS
from ..nav import landing_url
from ..permissions import login_required, public
from ..services import accounts, mail_prefs
from ..services.errors import LoginThrottled
from ..unit_of_work import commit, committing
from ..urls import safe_next
from .forms import (
    ChangePasswordForm,
    LoginForm,
    NotificationChoicesForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)

bp = Blueprint("auth", __name__, url_prefix="/account")


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit():
    return current_app.config["RESET_RATE_LIMIT"]


def _start_session(user) -> None:
    # A fresh session on log-in: nothing from before survives (no session fixation).
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("orgs.mine"))
    form = RegisterForm()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            user = accounts.register(org_fields=form.org_fields(), email=form.email.data,
                                     name=form.user_name.data, password=form.password.data,
                                     terms_version=TERMS_VERSION, licence=form.licence_file(),
                                     agency_code=form.agency_code())
        if outcome.committed:
            _start_session(user)
            if user.is_org_admin:
                flash(_("Your organisation is registered. The IP service centre will verify it "
                        "shortly; until then you can browse."), "success")
            else:
                flash(_("Your request to join %(org)s was sent to its admin.",
                        org=user.org.name), "success")
            return redirect(url_for("orgs.mine"))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except LoginThrottled as exc:
            commit()  # the attempt's count and audit row
            show_service_error(form, exc)
            return render_template("auth/login.html", form=form), 429
        commit()  # the attempt's count and audit row, success or failure
        if user is not None:
            _start_session(user)
            return redirect(safe_next(request.args.get("next"), landing_url(user)))
        form.password.errors = [_("Email or password is not right.")]
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.log_out(current_user._get_current_object())
    commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
            user = current_user._get_current_object()
        if outcome.committed:
            _start_session(user)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("orgs.mine"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422


@bp.route("/reset", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        commit()
        flash(_("If an account exists for that email, a reset link is on its way."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 200 if not form.errors else 422


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    if accounts.user_for_reset_token(token) is None:
        flash(_("This reset link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("auth.request_reset"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            accounts.reset_password(token, form.password.data)
        if outcome.committed:
            flash(_("Your password has been set. Please log in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 200 if not form.errors else 422


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    """The user's email choices per category (legal mail is always sent)."""
    form = NotificationChoicesForm(data=None if request.method == "POST"
                                   else mail_prefs.choices_of(current_user))
    if form.validate_on_submit():
        with committing(refusal_on(form)) as outcome:
            mail_prefs.set_choices(current_user, form.choices())
        if outcome.committed:
            flash(_("Your email choices have been saved."), "success")
            return redirect(url_for("auth.notifications"))
    return (render_template("auth/notifications.html", form=form),
            200 if not form.errors else 422)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # the signed token is the credential; mail clients post without a form (RFC 8058)
def unsubscribe(token: str):
    named = mail_prefs.read_unsubscribe_token(token)
    if named is None:
        abort(404)
    user, category = named
    if request.method == "POST":
        with committing() as outcome:
            mail_prefs.unsubscribe(user, category)
        if outcome.committed:
            return render_template("auth/unsubscribe.html", category=category, done=True,
                                   mail_category_labels=MAIL_CATEGORY_LABELS)
    return render_template("auth/unsubscribe.html", category=category, done=False,
                           mail_category_labels=MAIL_CATEGORY_LABELS)
