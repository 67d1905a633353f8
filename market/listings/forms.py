"""Forms of the listing pages. Field names match the service's, so a rule's refusal lands
on the field it names."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..domain.ipc import INDUSTRIES
from ..domain.open_licence import EVALUATION_CONCLUSIONS
from ..domain.terms import DEFAULT_TERRITORY, MAX_DEFERRAL_MONTHS, ROYALTY_BASES
from ..forms_util import CHOOSE, LicenceTermsFields, PercentField, YuanField, choices, strip
from ..labels import LABELS

UPFRONT_CHOICES = ["waived", "reduced", "due_at_signing", "deferred"]


class PatentFieldsMixin:
    application_number = StringField(
        _l("Application number"), filters=[strip], validators=[InputRequired()],
        description=_l("For example 201710601862.3; ZL, CN, spaces and a missing dot are fine."))
    publication_number = StringField(_l("Publication number"), filters=[strip],
                                     description=_l("Optional, e.g. CN107357845A"))
    grant_number = StringField(_l("Grant announcement number"), filters=[strip],
                               description=_l("Optional, e.g. CN107357845B"))
    title = StringField(_l("Title"), filters=[strip],
                        validators=[InputRequired(), Length(max=300)])
    abstract = TextAreaField(_l("Abstract"), filters=[strip], validators=[Length(max=20000)])
    claims = TextAreaField(_l("Claims (optional)"), filters=[strip],
                           validators=[Length(max=50000)])
    ipc_codes = StringField(_l("IPC codes"), filters=[strip],
                            description=_l("Several codes separated by ; e.g. G06F 17/30; H04L 9/32"))
    patent_type = SelectField(_l("Patent type"), validators=[Optional()], choices=[
        SelectChoice("", _l("From the application number")),
        *choices(["invention", "utility_model", "design"])])
    legal_status = SelectField(_l("Legal status"), validators=[InputRequired()],
                               choices=[CHOOSE, SelectChoice("granted", LABELS["legal_granted"]),
                                        SelectChoice("pending", LABELS["legal_pending"])])
    filing_date = DateField(_l("Filing date"), validators=[InputRequired()])
    grant_date = DateField(_l("Grant date"), validators=[Optional()])
    inventors = StringField(_l("Inventors"), filters=[strip], validators=[Length(max=500)])
    keywords = StringField(_l("Keywords"), filters=[strip], validators=[Length(max=500)],
                           description=_l("Separated by ; — they help SMEs find the patent."))
    trl = SelectField(_l("Technology readiness level (TRL)"), validators=[Optional()], choices=[
        SelectChoice("", _l("— not stated —")),
        *[SelectChoice(str(n), LABELS[f"trl{n}"]) for n in range(1, 10)]])
    industry = SelectField(_l("Industry"), validators=[Optional()], choices=[
        SelectChoice("", _l("Derived from the IPC codes")), *choices(INDUSTRIES)],
        description=_l("Leave as derived unless the IPC codes mislead."))

    def patent_fields(self) -> dict:
        names = ("application_number", "publication_number", "grant_number", "title",
                 "abstract", "claims", "ipc_codes", "patent_type", "legal_status", "filing_date",
                 "grant_date", "inventors", "keywords", "trl", "industry")
        return {name: getattr(self, name).data for name in names}


class OfferFieldsMixin(LicenceTermsFields):
    kind = SelectField(_l("What you offer"), choices=[
        *choices(["open_licence", "licence", "assignment"])])
    licence_kind = SelectField(_l("Kind of licence"), validators=[Optional()], choices=[
        CHOOSE, *choices(["non_exclusive", "sole", "exclusive"])],
        description=_l("Only for a licence on request. An open licence is always "
                       "non-exclusive."))
    upfront_mode = SelectField(_l("Upfront fee"), choices=[
        *choices(UPFRONT_CHOICES)])
    upfront_fee_fen = YuanField(_l("Upfront fee amount (yuan)"))
    deferral_kind = SelectField(_l("Deferred until"), validators=[Optional()], choices=[
        CHOOSE, *choices(["months", "first_sales"])])
    deferral_months = IntegerField(_l("Months after signing"), validators=[
        Optional(), NumberRange(min=1, max=MAX_DEFERRAL_MONTHS)])
    royalty_bp = PercentField(_l("Royalty (percent)"),
                              description=_l("0 for none. An open licence: at most 20 percent of "
                                             "net sales or 40 percent of profit."))
    royalty_base = SelectField(_l("Royalty calculated on"), default="net_sales",
                               choices=[*choices(ROYALTY_BASES)])
    royalty_threshold_fen = YuanField(_l("Royalty only on annual sales above (yuan)"),
                                      description=_l("Leave empty for royalty on all sales."))
    min_annual_royalty_fen = YuanField(_l("Minimum annual royalty (yuan)"))
    term_years = IntegerField(_l("Term (years)"), default=5,
                              validators=[Optional(), NumberRange(min=0, max=30)])
    territory = StringField(_l("Territory"), default=DEFAULT_TERRITORY, filters=[strip],
                            validators=[Length(max=100)])
    field_of_use = StringField(_l("Field of use"), filters=[strip], validators=[Length(max=200)],
                               description=_l("Optional: limit the licence to a field."))
    asking_price_fen = YuanField(_l("Asking price (yuan)"), blank=None,
                                 description=_l("Leave empty for “price on request”."))
    declared_on = DateField(_l("Declared to CNIPA on"), validators=[Optional()],
                            description=_l("An open licence is declared to CNIPA, which announces "
                                           "it (Patent Law art. 50)."))
    cnipa_announcement_number = StringField(
        _l("CNIPA announcement number"), filters=[strip], validators=[Length(max=40)],
        description=_l("Leave empty while the declaration awaits CNIPA's announcement; it can "
                       "be taken once announced."))

    def offer_fields(self) -> dict:
        return {"kind": self.kind.data, "licence_kind": self.licence_kind.data or None,
                **self.terms_data(), "asking_price_fen": self.asking_price_fen.data,
                "declared_on": self.declared_on.data,
                "cnipa_announcement_number": self.cnipa_announcement_number.data}


class NewListingForm(PatentFieldsMixin, OfferFieldsMixin, FlaskForm):
    pass


class PatentForm(PatentFieldsMixin, FlaskForm):
    pass


class OfferForm(OfferFieldsMixin, FlaskForm):
    pass


class ActionForm(FlaskForm):
    """A button that posts (CSRF only)."""


class ImportForm(FlaskForm):
    file = FileField(_l("Portfolio file (.csv or .xlsx)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx", "txt"], _l("Upload a .csv or .xlsx file."))])




class AttachmentForm(FlaskForm):
    file = FileField(_l("Image or PDF (at most 5 MB)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["png", "jpg", "jpeg", "pdf"], _l("Only PNG, JPEG or PDF files."))])


class EvaluationReportForm(FlaskForm):
    """A patent evaluation report (专利权评价报告) and the conclusion read from it."""

    report_file = FileField(_l("Evaluation report (PDF or scan)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["png", "jpg", "jpeg", "pdf"], _l("Only PNG, JPEG or PDF files."))])
    conclusion = SelectField(_l("Conclusion of the report"), validators=[InputRequired()],
                             choices=[CHOOSE, *choices(EVALUATION_CONCLUSIONS)])
    issued_on = DateField(_l("Date of the report"), validators=[Optional()])
