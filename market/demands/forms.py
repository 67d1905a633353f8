"""The forms of the demand pages."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.dates import local_today
from ..domain.demands import (
    CONTACT_PREFERENCES,
    MAX_BUDGET_YUAN,
    MAX_DEADLINE_DAYS,
    MAX_DESCRIPTION,
    MAX_PROPOSAL,
    MAX_TITLE,
    WANTED_KINDS,
)
from ..domain.ipc import INDUSTRIES, InvalidIPC, parse_ipc_list
from ..forms_util import YuanField, choices, strip
from ..labels import LABELS

SUGGEST = ("", _l("Suggest from the text"))


class DemandForm(FlaskForm):
    title = StringField(_l("Title of the need"), filters=[strip],
                        validators=[DataRequired(), Length(max=MAX_TITLE)],
                        description=_l("One line, e.g. battery range lost at low temperature"))
    description = TextAreaField(
        _l("The problem to solve"), filters=[strip],
        validators=[DataRequired(), Length(min=20, max=MAX_DESCRIPTION)],
        description=_l("What the product does now, what goes wrong, what a solution must "
                       "achieve. Universities are matched on these words."))
    industry = SelectField(_l("Industry"), validators=[Optional()])
    ipc_codes = StringField(_l("IPC classes"), filters=[strip],
                            validators=[Optional(), Length(max=200)],
                            description=_l("Optional. Left empty, the platform suggests them "
                                           "from the patents your text matches."))
    budget_negotiable = BooleanField(_l("Budget to be negotiated"), default=True)
    budget_min = YuanField(_l("Budget from (yuan)"), blank=None)
    budget_max = YuanField(_l("Budget up to (yuan)"), blank=None)
    wanted_kind = SelectField(_l("Licence wanted"), validators=[DataRequired()])
    deadline = DateField(_l("Answers wanted by"), validators=[Optional()],
                         description=_l("Optional. The demand closes after this day."))
    visibility = SelectField(_l("Who may see it"), validators=[DataRequired()])
    contact_preference = SelectField(_l("How to contact you"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = [SUGGEST, *choices(INDUSTRIES)]
        self.wanted_kind.choices = [(k, LABELS[f"wanted_{k}"]) for k in WANTED_KINDS]
        self.visibility.choices = [("public", LABELS["demand_public"]),
                                   ("licensors", LABELS["demand_licensors"])]
        self.contact_preference.choices = [(c, LABELS[f"contact_{c}"])
                                           for c in CONTACT_PREFERENCES]

    def validate_ipc_codes(self, field):
        try:
            field.parsed = parse_ipc_list(field.data or "")
        except InvalidIPC as exc:
            raise ValidationError(str(exc)) from exc

    def validate_deadline(self, field):
        if field.data and not local_today() < field.data <= local_today() + timedelta(
                days=MAX_DEADLINE_DAYS):
            raise ValidationError(_l("Choose a day after today, within two years."))

    def validate_budget_max(self, field):
        if self.budget_negotiable.data:
            return
        low, high = self.budget_min.data, field.data
        if low is None and high is None:
            raise ValidationError(_l("Give a range, or tick “to be negotiated”."))
        for value in (low, high):
            if value is not None and not 0 < value <= MAX_BUDGET_YUAN * 100:
                raise ValidationError(_l("Give amounts above zero."))
        if low is not None and high is not None and low > high:
            raise ValidationError(_l("The upper end is below the lower end."))

    def fields_data(self) -> dict:
        negotiable = bool(self.budget_negotiable.data)
        return {"title": self.title.data, "description": self.description.data,
                "industry": self.industry.data or "",
                "ipc_codes": getattr(self.ipc_codes, "parsed", []),
                "budget_negotiable": negotiable,
                "budget_min_fen": None if negotiable else self.budget_min.data,
                "budget_max_fen": None if negotiable else self.budget_max.data,
                "wanted_kind": self.wanted_kind.data, "deadline": self.deadline.data,
                "visibility": self.visibility.data,
                "contact_preference": self.contact_preference.data}

    def fill(self, demand) -> None:
        for name in ("title", "description", "industry", "wanted_kind", "deadline",
                     "contact_preference", "budget_negotiable"):
            getattr(self, name).data = getattr(demand, name)
        self.visibility.data = demand.visibility.value
        self.ipc_codes.data = "; ".join(demand.ipc_codes or [])
        self.budget_min.data, self.budget_max.data = demand.budget_min_fen, demand.budget_max_fen


class AnswerForm(FlaskForm):
    patent_ids = SelectMultipleField(_l("Your patents that answer it"), coerce=int,
                                     widget=ListWidget(prefix_label=False),
                                     option_widget=CheckboxInput(), validators=[Optional()])
    collaboration = BooleanField(_l("We can develop this (research collaboration)"))
    proposal = TextAreaField(_l("Short proposal"), filters=[strip],
                             validators=[DataRequired(), Length(max=MAX_PROPOSAL)],
                             description=_l("How your patents or your team solve the problem; "
                                            "what you would propose."))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the SME)"), filters=[strip],
                           validators=[DataRequired(), Length(max=1000)])


class ActionForm(FlaskForm):
    pass
