"""What every blueprint's forms share: input filters, choice lists, the money, royalty and
credit-code fields, the organisation's fields (registration and profile), reading and filling
the licence-terms fields, and putting a service's refusal on its field. Blueprints import
these from here, never from each other."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from .domain.money import InvalidAmount, format_yuan_short, parse_yuan
from .domain.terms import EDITABLE_TERM_FIELDS
from .domain.uscc import InvalidCreditCode, normalise_uscc
from .labels import LABELS
from .models import DISTRICTS, SmeSize
from .services.errors import ServiceError
from .services.imports import percent_to_bp

CHOOSE = SelectChoice("", _l("— choose —"))
SIZE_CHOICES = [
    CHOOSE,
    *[SelectChoice(size.value, LABELS[size.value]) for size in SmeSize],
]


def district_choices():
    """Shenyang's districts by their names (proper names, marked as Chinese on any page)."""
    return [CHOOSE] + [SelectChoice(d, d, render_kw={"lang": "zh-CN"}) for d in DISTRICTS]


def strip(value):
    return value.strip() if isinstance(value, str) else value


class CreditCodeField(StringField):
    """A unified social credit code, normalised and checked with python-stdnum."""

    def pre_validate(self, form):
        if self.data:
            try:
                self.data = normalise_uscc(self.data)
            except InvalidCreditCode as exc:
                raise ValidationError(str(exc.message)) from exc


def choices(codes, blank=None):
    out = [blank] if blank else []
    return out + [SelectChoice(code, LABELS.get(code, code)) for code in codes]


class YuanField(Field):
    """An amount typed in yuan ("1,234.50", "¥5000"), held as integer fen."""

    widget = TextInput()

    def __init__(self, *args, blank=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.blank = blank

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data in (None, 0) else format_yuan_short(self.data).lstrip("¥")

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = self.blank
            return
        try:
            self.data = parse_yuan(text)
        except InvalidAmount as exc:
            self.data = self.blank
            raise ValueError(str(exc.message)) from exc


class PercentField(Field):
    """A royalty typed as a percentage ("3", "2.5"), held as integer basis points."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if not self.data:
            return ""
        whole, part = divmod(self.data, 100)
        return f"{whole}" if not part else f"{whole}.{part:02d}".rstrip("0")

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = 0
            return
        try:
            self.data = percent_to_bp(text)
        except ValueError as exc:
            self.data = 0
            raise ValueError(_l("Write the royalty as a percentage, for example 3 or 2.5.")) \
                from exc


class OrgFieldsMixin:
    """An organisation's own fields, on the registration form and on its profile."""

    name = StringField(_l("Organisation name (Chinese)"), filters=[strip],
                       validators=[DataRequired(), Length(max=200)])
    district = SelectField(_l("District or county"), validators=[DataRequired()])
    address = StringField(_l("Address"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    legal_representative = StringField(
        _l("Legal representative"), filters=[strip], validators=[Optional(), Length(max=100)],
        description=_l("As on the business licence; contracts print it."))
    contact_name = StringField(_l("Contact person"), filters=[strip],
                               validators=[DataRequired(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), filters=[strip],
                                validators=[DataRequired(), Length(max=40)])
    contact_email = EmailField(_l("Contact email"), filters=[strip],
                               validators=[DataRequired(), Email(), Length(max=254)])
    sme_size = SelectField(_l("Enterprise size (declared)"), choices=SIZE_CHOICES,
                           validators=[Optional()])

    def org_fields(self) -> dict:
        return {"name": self.name.data, "district": self.district.data,
                "address": self.address.data,
                "legal_representative": self.legal_representative.data or None,
                "contact_name": self.contact_name.data,
                "contact_phone": self.contact_phone.data,
                "contact_email": self.contact_email.data.lower(),
                "sme_size": SmeSize(self.sme_size.data) if self.sme_size.data else None}


class LicenceTermsFields:
    """Reads and fills a form's licence-terms fields, one per name in EDITABLE_TERM_FIELDS.
    Each form declares the fields itself, where they belong in its order (the error summary
    lists errors in field order); their wording differs a little between the forms."""

    def terms_data(self) -> dict:
        values = {name: getattr(self, name).data for name in EDITABLE_TERM_FIELDS}
        values["deferral_kind"] = values["deferral_kind"] or None
        return values

    def fill_terms(self, source) -> None:
        """Start from the terms of an offer or a deal."""
        for name in EDITABLE_TERM_FIELDS:
            getattr(self, name).data = getattr(source, name)


def show_warnings(form, warnings) -> None:
    """Put non-blocking notices (``TermError``-like: field, message) next to their fields;
    the form macro shows ``field.warnings`` without marking the field invalid."""
    for warning in warnings:
        field = getattr(form, warning.field, None)
        if field is not None:
            field.warnings = [*getattr(field, "warnings", []), str(warning.message)]


def show_service_error(form, error: ServiceError) -> None:
    """Put a service's refusal next to the field it names, or in the form's error summary;
    either way ``form.errors`` is set, so the page answers 422."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)] if isinstance(field.errors, list) \
            else [str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def show_service_errors(form, error: ServiceError) -> None:
    """Like ``show_service_error``, for a refusal that may list several field errors
    (``error.errors``, e.g. rejected terms): each goes next to its field."""
    for each in getattr(error, "errors", None) or [error]:
        show_service_error(form, each)


def refusal_on(form, *, listed: bool = False):
    """An ``on_refusal`` for ``unit_of_work.committing``: the refusal goes on ``form`` (each
    of its listed field errors too when ``listed``), so the page answers 422."""
    show = show_service_errors if listed else show_service_error
    return lambda error: show(form, error)
