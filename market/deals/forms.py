"""Forms of the deal pages. Field names match the services', so a refusal lands on its field."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..domain.terms import MAX_DEFERRAL_MONTHS, ROYALTY_BASES
from ..forms_util import CHOOSE, LicenceTermsFields, PercentField, YuanField, choices, strip


class TakeOpenForm(FlaskForm):
    legal_name = StringField(_l("Legal name of your organisation"), filters=[strip],
                             validators=[InputRequired(), Length(max=200)])
    credit_code = StringField(_l("Unified social credit code"), filters=[strip],
                              validators=[InputRequired(), Length(max=18)])
    address = StringField(_l("Registered address"), filters=[strip],
                          validators=[InputRequired(), Length(max=300)])
    field_of_use = StringField(_l("Where you will use the patent"), filters=[strip],
                               validators=[InputRequired(), Length(max=200)],
                               description=_l("The product or process, e.g. lithium battery anodes."))
    expected_start = DateField(_l("Expected start of use"), validators=[Optional()])
    confirm = BooleanField(_l("I have read the published terms and accept them on behalf of my "
                              "organisation."), validators=[InputRequired(
                                  _l("Confirm that you accept the terms."))])

    def details(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("legal_name", "credit_code", "address", "field_of_use", "expected_start")}


class TermsForm(LicenceTermsFields, FlaskForm):
    """Proposed terms (a request or a counter-offer) and a message."""

    licence_kind = SelectField(_l("Kind of licence"), validators=[Optional()], choices=[
        CHOOSE, *choices(["non_exclusive", "sole", "exclusive"])])
    upfront_mode = SelectField(_l("Upfront fee"), validators=[Optional()], choices=[
        *choices(["waived", "reduced", "due_at_signing", "deferred"])])
    upfront_fee_fen = YuanField(_l("Upfront fee amount (yuan)"))
    deferral_kind = SelectField(_l("Deferred until"), validators=[Optional()], choices=[
        CHOOSE, *choices(["months", "first_sales"])])
    deferral_months = IntegerField(_l("Months after signing"), validators=[
        Optional(), NumberRange(min=1, max=MAX_DEFERRAL_MONTHS)])
    royalty_bp = PercentField(_l("Royalty (percent)"))
    royalty_base = SelectField(_l("Royalty calculated on"), validators=[Optional()],
                               default="net_sales",
                               choices=[*choices(ROYALTY_BASES)])
    royalty_threshold_fen = YuanField(_l("Royalty only on annual sales above (yuan)"))
    min_annual_royalty_fen = YuanField(_l("Minimum annual royalty (yuan)"))
    term_years = IntegerField(_l("Term (years)"), validators=[Optional(), NumberRange(min=0, max=30)])
    territory = StringField(_l("Territory"), filters=[strip], validators=[Length(max=100)])
    field_of_use = StringField(_l("Field of use"), filters=[strip], validators=[Length(max=200)])
    price_fen = YuanField(_l("Price you propose (yuan)"), blank=None)
    message = TextAreaField(_l("Message"), filters=[strip], validators=[Length(max=5000)])

    def fill(self, source, licence_kind) -> None:
        """Start from the terms of an offer or a deal."""
        self.fill_terms(source)
        self.licence_kind.data = licence_kind.value if licence_kind else ""
        self.price_fen.data = getattr(source, "price_fen", None) or getattr(
            source, "asking_price_fen", None)

    def proposal(self) -> dict:
        return {"licence_kind": self.licence_kind.data, **self.terms_data(),
                "price_fen": self.price_fen.data}


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[InputRequired(), Length(max=1000)])


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), filters=[strip],
                         validators=[InputRequired(), Length(max=5000)])


class RecordForm(FlaskForm):
    record_number = StringField(_l("CNIPA record number"), filters=[strip],
                                validators=[InputRequired(), Length(max=60)])


class SignForm(FlaskForm):
    """The electronic signature: consent to the version shown (its hash), the signer's
    password (re-authentication) and full name as registered."""

    sha256 = HiddenField(validators=[InputRequired(), Length(min=64, max=64)])
    full_name = StringField(_l("Your full name"), filters=[strip],
                            validators=[InputRequired(), Length(max=100)],
                            description=_l("As registered on your account."))
    password = PasswordField(_l("Your password"), validators=[InputRequired(), Length(max=200)],
                             description=_l("Enter your password again to confirm it is you."))
    consent = BooleanField(
        _l("I have read this contract and sign it on behalf of my organisation, with my "
           "authority to do so. My electronic signature binds it as a handwritten one."),
        validators=[InputRequired(_l("Tick the box to confirm that you sign."))])


class ActionForm(FlaskForm):
    """A button that posts (CSRF only)."""


class BrokerTermsForm(TermsForm):
    """A broker's request for its principal: the principal first, then the terms."""

    principal = SelectField(_l("On behalf of"), coerce=int, validators=[InputRequired()],
                            description=_l("The SMEs whose live mandate lets your agency open "
                                           "requests. The principal signs the contract "
                                           "itself."))

    def fill_principals(self, orgs) -> None:
        self.principal.choices = [(org.id, org.name) for org in orgs]
