"""Forms of the centre's pages: verification, pledge financing (one by one and CSV), hiding a
listing, an exhibition."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..services.pledges import COLUMN_LABELS


class ApproveForm(FlaskForm):
    pass


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the organisation)"),
                           validators=[DataRequired(), Length(max=1000)])


class PledgeForm(FlaskForm):
    pledgor = StringField(COLUMN_LABELS["pledgor"],
                          validators=[DataRequired(), Length(max=200)],
                          description=_l("A registered organisation is linked; any other name "
                                         "is kept as typed."))
    bank = StringField(COLUMN_LABELS["bank"], validators=[DataRequired(), Length(max=200)])
    patents = StringField(COLUMN_LABELS["patents"], validators=[DataRequired()],
                          description=_l("Separate several numbers with commas, for example "
                                         "201710601862.3, 95115608.X"))
    trademarks = StringField(COLUMN_LABELS["trademarks"],
                             validators=[Optional(), Length(max=1000)],
                             description=_l("For a mixed patent and trademark pledge, for "
                                            "example 12345678, 23456789"))
    amount = StringField(COLUMN_LABELS["amount_yuan"], validators=[DataRequired(), Length(max=30)])
    pledged_on = DateField(COLUMN_LABELS["date"], validators=[DataRequired()])


class PledgeConsentForm(FlaskForm):
    """The pledgee's consent for one of the pledge's platform patents (choices per pledge)."""
    patent_id = SelectField(_l("Patent"), coerce=int, validators=[DataRequired()])
    consent = FileField(_l("The pledgee's written consent (scan or PDF)"),
                        validators=[FileRequired()])


class PledgeReleaseForm(FlaskForm):
    released_on = DateField(_l("Date of the release"), validators=[DataRequired()])


class PledgeImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(), FileAllowed(["csv"])],
                     description=_l("UTF-8 or GBK; the columns below, headed in Chinese, "
                                    "English or by code; dates as YYYY-MM-DD. All or nothing: "
                                    "one bad row and no row is imported."))


class HideForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the owner)"),
                           validators=[DataRequired(), Length(max=1000)])


class ActionForm(FlaskForm):
    pass


class LegalStatusImportForm(FlaskForm):
    file = FileField(_l("CNIPA legal-status export (CSV or XLSX)"),
                     validators=[FileRequired(_l("Choose the file to import.")),
                                 FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file."))],
                     description=_l("Columns: application number, legal status, event, date of the "
                                    "record; optional: annual fee paid through. CNIPA's "
                                    "Chinese column names are read as well."))


class ProofDecisionForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong (shown to the owner)"),
                           validators=[Length(max=1000)])


class ExhibitionForm(FlaskForm):
    """An online exhibition: theme, dates, listings chosen by hand, organisations taking part,
    an optional roadshow session."""
    theme = StringField(_l("Theme"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Introduction"), validators=[Optional(), Length(max=5000)])
    starts_on = DateField(_l("Opens on"), validators=[DataRequired()])
    ends_on = DateField(_l("Closes on"), validators=[DataRequired()])
    listings = TextAreaField(_l("Featured listings"), validators=[DataRequired()],
                             description=_l("Application or patent numbers of listings on the "
                                            "market, one per line or separated by commas, in "
                                            "the order to show them."))
    organisations = SelectMultipleField(_l("Participating organisations"), coerce=int,
                                        validators=[Optional()],
                                        description=_l("Hold Ctrl (⌘ on a Mac) to choose "
                                                       "several."))
    roadshow_at = DateTimeLocalField(_l("Roadshow session (optional)"),
                                     validators=[Optional()], format="%Y-%m-%dT%H:%M")
    roadshow_place = StringField(_l("Roadshow place or online link"),
                                 validators=[Optional(), Length(max=300)])

    def numbers(self) -> list[str]:
        return [n.strip() for n in re.split(r"[,，;；\n]+", self.listings.data or "")
                if n.strip()]
