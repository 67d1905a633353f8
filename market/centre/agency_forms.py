"""Forms of the centre's agency register."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..domain.dates import local_today
from ..forms_util import CHOOSE, choices, strip
from ..models.agency_register import COMPLAINT_OUTCOMES, CREDIT_NOTE_KINDS, GRADES, STATUS_EVENTS


class AgencyStatusForm(FlaskForm):
    kind = SelectField(_l("What to record"), validators=[DataRequired()],
                       choices=choices([f"agency_event_{k}" for k in STATUS_EVENTS], CHOOSE))
    effective_on = DateField(_l("Effective from"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (published on the disclosure page)"), filters=[strip],
                           validators=[DataRequired(), Length(max=1000)])

    def event_kind(self) -> str:
        return self.kind.data.removeprefix("agency_event_")


class ComplaintForm(FlaskForm):
    received_on = DateField(_l("Complaint received on"), validators=[DataRequired()])
    complainant = StringField(_l("Complainant"), filters=[strip],
                              validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("What the complaint says"), filters=[strip],
                            validators=[DataRequired(), Length(max=2000)])


class CloseComplaintForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), validators=[DataRequired()],
                          choices=choices([f"outcome_{k}" for k in COMPLAINT_OUTCOMES], CHOOSE))
    closed_on = DateField(_l("Closed on"), validators=[DataRequired()])
    note = StringField(_l("How it ended"), filters=[strip],
                       validators=[Optional(), Length(max=1000)])
    sanction = StringField(_l("Sanction (published)"), filters=[strip],
                           validators=[Optional(), Length(max=500)])

    def outcome_code(self) -> str:
        return self.outcome.data.removeprefix("outcome_")


class CriterionForm(FlaskForm):
    name = StringField(_l("Criterion"), filters=[strip],
                       validators=[DataRequired(), Length(max=100)])
    max_score = IntegerField(_l("Maximum score"), default=20,
                             validators=[DataRequired(), NumberRange(1, 100)])


class CreditNoteForm(FlaskForm):
    kind = SelectField(_l("Kind of note"), validators=[DataRequired()],
                       choices=choices([f"note_{k}" for k in CREDIT_NOTE_KINDS], CHOOSE))
    text = TextAreaField(_l("Note (published)"), filters=[strip],
                         validators=[DataRequired(), Length(max=1000)])

    def note_kind(self) -> str:
        return self.kind.data.removeprefix("note_")


def evaluation_form(criteria, *, blank: bool = False):
    """The year's evaluation: a score field per active criterion, the grade and a note."""
    class EvaluationForm(FlaskForm):
        year = IntegerField(_l("Year"), default=lambda: local_today().year - 1,
                            validators=[DataRequired(), NumberRange(2000, 2100)])
        grade = SelectField(_l("Overall grade"), validators=[DataRequired()],
                            choices=choices([f"grade_{g}" for g in GRADES], CHOOSE))
        note = StringField(_l("Remarks"), filters=[strip],
                           validators=[Optional(), Length(max=1000)])

        def scores(self) -> dict[int, int]:
            return {c.id: getattr(self, f"score_{c.id}").data for c in criteria}

        def grade_code(self) -> str:
            return self.grade.data.removeprefix("grade_")

    for criterion in criteria:
        setattr(EvaluationForm, f"score_{criterion.id}", IntegerField(
            _l("%(name)s (0–%(max)d)", name=criterion.name, max=criterion.max_score),
            validators=[InputRequired(), NumberRange(0, criterion.max_score)]))
    return EvaluationForm(formdata=None) if blank else EvaluationForm()
