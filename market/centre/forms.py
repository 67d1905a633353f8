"""Forms of the centre's pages: verification, pledge financing (one by one and CSV), hiding a
listing, an exhibition."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    DateTimeLocalField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..domain.dates import LOCAL_ZONE
from ..domain.ipc import INDUSTRIES
from ..forms_util import choices
from ..models import OfferKind
from ..services.pledges import COLUMN_LABELS
from ..services.search_queries import SearchRequest

ANY = SelectChoice("", _l("Any"))


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
    """An online exhibition: theme, dates, listings chosen by hand and/or by a search (words
    and the search page's filters), organisations taking part, an optional roadshow session."""
    theme = StringField(_l("Theme"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Introduction"), validators=[Optional(), Length(max=5000)])
    starts_on = DateField(_l("Opens on"), validators=[DataRequired()])
    ends_on = DateField(_l("Closes on"), validators=[DataRequired()])
    listings = TextAreaField(_l("Featured listings chosen by hand"), validators=[Optional()],
                             description=_l("Application or patent numbers of listings on the "
                                            "market, one per line or separated by commas, in "
                                            "the order to show them. They come first."))
    search_query = StringField(_l("Search words"), validators=[Optional(), Length(max=200)],
                               description=_l("Listings matching these words (as on the search "
                                              "page) and the filters below are shown after "
                                              "those chosen by hand, always the current ones."))
    search_industry = SelectField(_l("Industry"), validators=[Optional()])
    search_offer_kind = SelectField(_l("Offer"), validators=[Optional()])
    search_ipc = StringField(_l("IPC class"), validators=[Optional(), Length(max=100)],
                             description=_l("E.g. C01B or H01M 10/05"))
    organisations = SelectMultipleField(_l("Participating organisations"), coerce=int,
                                        validators=[Optional()],
                                        description=_l("Hold Ctrl (⌘ on a Mac) to choose "
                                                       "several."))
    roadshow_at = DateTimeLocalField(_l("Roadshow session (optional)"),
                                     validators=[Optional()], format="%Y-%m-%dT%H:%M")
    roadshow_place = StringField(_l("Roadshow place or online link"),
                                 validators=[Optional(), Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.search_industry.choices = choices(INDUSTRIES, blank=ANY)
        self.search_offer_kind.choices = choices([kind.value for kind in OfferKind], blank=ANY)

    def search(self) -> tuple[str, dict]:
        """The words and filters, read as the search page reads its arguments."""
        args = MultiDict([("q", self.search_query.data or ""),
                          ("industry", self.search_industry.data or ""),
                          ("offer_kinds", self.search_offer_kind.data or ""),
                          ("ipc", self.search_ipc.data or "")])
        request = SearchRequest.from_args(args)
        return request.q, request.filters

    def fill(self, draft) -> None:
        """Start the edit form from the exhibition as it stands."""
        for name in ("theme", "description", "starts_on", "ends_on", "roadshow_place"):
            getattr(self, name).data = getattr(draft, name)
        self.listings.data = "\n".join(draft.numbers)
        self.organisations.data = list(draft.org_ids)
        self.roadshow_at.data = (draft.roadshow_at.astimezone(LOCAL_ZONE).replace(tzinfo=None)
                                 if draft.roadshow_at else None)
        self.search_query.data = draft.query
        for field, key in ((self.search_industry, "industry"),
                           (self.search_offer_kind, "offer_kinds"), (self.search_ipc, "ipc")):
            value = draft.filters.get(key) or ""
            field.data = value if isinstance(value, str) else ", ".join(value)

    def numbers(self) -> list[str]:
        return [n.strip() for n in re.split(r"[,，;；\n]+", self.listings.data or "")
                if n.strip()]
