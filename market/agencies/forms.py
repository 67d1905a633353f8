"""Forms of the agency pages: the profile, its certified staff, and mandates."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.ipc import INDUSTRIES
from ..forms_util import CHOOSE, YuanField, choices, strip
from ..models import AgencyService, MandateScope, StaffQualification


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes (usable on a phone, unlike a multiple select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AgencyProfileForm(FlaskForm):
    services = CheckboxesField(_l("Services offered"),
                               choices=choices([s.value for s in AgencyService]))
    industries = CheckboxesField(_l("Industries"), choices=choices(INDUSTRIES))
    description = TextAreaField(_l("About the agency"), filters=[strip],
                                validators=[Length(max=2000)])
    cnipa_agency_code = StringField(
        _l("CNIPA patent agency code"), filters=[strip],
        description=_l("Patent agencies only: the five-digit code CNIPA gave the agency "
                       "(e.g. 21101). Leave blank for other agencies."))


class StaffForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[InputRequired(), Length(max=100)])
    qualification = SelectField(_l("Qualification"), validators=[InputRequired()],
                                choices=choices([q.value for q in StaffQualification]))
    certificate_number = StringField(_l("Certificate number"), filters=[strip],
                                     validators=[InputRequired(), Length(max=40)])


class MandateForm(FlaskForm):
    agency = SelectField(_l("Agency"), validators=[InputRequired()])
    scope = RadioField(_l("What the agency's brokers may do"), validators=[InputRequired()],
                       default=MandateScope.NEGOTIATE_AND_DRAFT.value,
                       choices=choices([s.value for s in MandateScope]))
    valid_from = DateField(_l("From"), validators=[InputRequired()])
    valid_until = DateField(_l("Until (last day)"), validators=[InputRequired()])
    patents = TextAreaField(
        _l("Only these patents (optional)"), filters=[strip], validators=[Optional()],
        description=_l("Application or patent numbers, one per line. Leave blank for every "
                       "deal of your organisation."))
    fee = YuanField(_l("Broker's fee per concluded deal (yuan, optional)"), blank=None,
                    description=_l("Paid by your organisation to the agency for each deal "
                                   "its brokers bring to conclusion; the deal shows it."))

    def fill_agencies(self, agencies) -> None:
        self.agency.choices = [CHOOSE, *[(str(org.id), org.name) for org in agencies]]
