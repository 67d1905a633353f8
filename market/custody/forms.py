"""Forms of custody agreements: the proposal, a renewal, an end, a refusal."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms_util import CreditCodeField, YuanField, strip


class ProposeForm(FlaskForm):
    # an SME chooses an agency on the register; an agency names the SME by its credit code
    agency = SelectField(_l("Service agency"), coerce=int, validators=[Optional()])
    sme_credit_code = CreditCodeField(_l("The SME's unified social credit code"),
                                      filters=[strip], validators=[Optional(), Length(max=30)])
    scope_patents = BooleanField(_l("Custody of patents"), default=True)
    scope_marks = BooleanField(_l("Custody of trademarks"))
    scope_fee_reminders = BooleanField(_l("Annual-fee reminders"), default=True)
    scope_portfolio_review = BooleanField(_l("Portfolio review"))
    starts_on = DateField(_l("First day of custody"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day of custody"), validators=[DataRequired()])
    fee = YuanField(_l("Fee for the term (yuan)"),
                    description=_l("Zero for a free service."))
    note = TextAreaField(_l("Note to the other side"), filters=[strip],
                         validators=[Optional(), Length(max=2000)])

    def scope(self) -> dict[str, bool]:
        return {name: bool(getattr(self, f"scope_{name}").data)
                for name in ("patents", "marks", "fee_reminders", "portfolio_review")}


class RenewForm(FlaskForm):
    ends_on = DateField(_l("New last day of custody"), validators=[DataRequired()])
    fee = YuanField(_l("Fee for the added term (yuan)"))


class TerminateForm(FlaskForm):
    last_day = DateField(_l("Last day of custody"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), filters=[strip],
                         validators=[DataRequired(), Length(max=500)])


class DeclineForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=500)])


class AcceptForm(FlaskForm):
    pass
