"""Forms for accounts: registration, log-in, passwords."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from ..domain.agencies import InvalidAgencyCode, normalise_agency_code
from ..domain.mail_kinds import CATEGORIES, CHOICES
from ..forms_util import CreditCodeField, OrgFieldsMixin, district_choices, strip
from ..labels import MAIL_CATEGORY_LABELS, MAIL_CHOICE_LABELS, ORG_KIND_CHOICE_LABELS
from ..models import OrgKind
from ..services.passwords import MAX_LENGTH, MIN_LENGTH, password_problems

KIND_CHOICES = [SelectChoice(kind.value, ORG_KIND_CHOICE_LABELS[kind.value])
                for kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE, OrgKind.SME, OrgKind.ENTERPRISE,
                             OrgKind.AGENCY)]


def check_password_policy(form, field):
    # The person's own words on the form count as guessable (the service checks again with
    # the account's email, name and organisation).
    words = [getattr(form, name).data for name in ("email", "user_name", "name")
             if isinstance(getattr(getattr(form, name, None), "data", None), str)]
    for problem in password_problems(field.data or "", words):
        raise ValidationError(str(problem))


class RegisterForm(OrgFieldsMixin, FlaskForm):
    kind = SelectField(_l("Type of organisation"), choices=KIND_CHOICES,
                       validators=[DataRequired()])
    credit_code = CreditCodeField(_l("Unified social credit code"),
                                  description=_l("18 characters, as on the business licence."),
                                  validators=[DataRequired()])
    cnipa_agency_code = StringField(
        _l("CNIPA patent agency code"), filters=[strip],
        description=_l("Patent agencies only: the five-digit code CNIPA gave the agency "
                       "(e.g. 21101). Leave blank for other agencies."))
    user_name = StringField(_l("Your name"), filters=[strip], validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Your email (used to log in)"), filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Password"), description=_l("At least %(min)d characters. A passphrase is best.",
                                       min=MIN_LENGTH),
        validators=[DataRequired(), Length(max=MAX_LENGTH), check_password_policy])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password",
                                        message=_l("The passwords do not match."))])
    business_licence = FileField(
        _l("Business licence (scan or PDF)"),
        description=_l("The business licence, or the legal-person certificate of a university "
                       "or institute, for the centre to check the name and credit code. "
                       "JPEG, PNG or PDF. Not needed to join an organisation already "
                       "registered."))
    consent = BooleanField(
        _l("I have read and accept the terms of use and the privacy notice."),
        validators=[DataRequired(message=_l(
            "Registering needs your consent to the terms of use and privacy notice."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = district_choices()

    def licence_file(self) -> tuple[str | None, bytes]:
        upload = self.business_licence.data
        if not upload or not getattr(upload, "filename", None):
            return None, b""
        return upload.filename, upload.read()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data == OrgKind.SME.value and not self.sme_size.data:
            self.sme_size.errors = [*self.sme_size.errors, _l("An SME declares its size.")]
            ok = False
        if self.kind.data == OrgKind.AGENCY.value:
            try:
                self.cnipa_agency_code.data = normalise_agency_code(self.cnipa_agency_code.data)
            except InvalidAgencyCode as exc:
                self.cnipa_agency_code.errors = [*self.cnipa_agency_code.errors, exc.message]
                ok = False
        return ok

    def agency_code(self) -> str | None:
        return self.cnipa_agency_code.data if self.kind.data == OrgKind.AGENCY.value else None

    def org_fields(self) -> dict:
        return {**super().org_fields(), "kind": OrgKind(self.kind.data),
                "credit_code": self.credit_code.data}


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"),
                             description=_l("At least %(min)d characters.", min=MIN_LENGTH),
                             validators=[DataRequired(), Length(max=MAX_LENGTH),
                                         check_password_policy])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password",
                                        message=_l("The passwords do not match."))])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Email()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"),
                             description=_l("At least %(min)d characters.", min=MIN_LENGTH),
                             validators=[DataRequired(), Length(max=MAX_LENGTH),
                                         check_password_policy])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password",
                                        message=_l("The passwords do not match."))])


class NotificationChoicesForm(FlaskForm):
    """One choice per category of email (:mod:`market.domain.mail_kinds`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in CATEGORIES:
            getattr(self, category).choices = [
                SelectChoice(choice, MAIL_CHOICE_LABELS[choice]) for choice in CHOICES]

    def category_fields(self):
        return [getattr(self, category) for category in CATEGORIES]

    def choices(self) -> dict[str, str]:
        return {category: getattr(self, category).data for category in CATEGORIES}


for _category in CATEGORIES:
    setattr(NotificationChoicesForm, _category, RadioField(
        MAIL_CATEGORY_LABELS[_category], validators=[InputRequired(
            message=_l("Choose how you want to hear about this."))]))

