"""Forms of the organisation pages: its profile and its members."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from ..forms_util import CreditCodeField, OrgFieldsMixin, district_choices, strip


class InviteForm(FlaskForm):
    name = StringField(_l("Colleague's name"), filters=[strip],
                       validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Colleague's email"), filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=254)])


class MemberDecisionForm(FlaskForm):
    decision = HiddenField(validators=[AnyOf(["approve", "decline", "make_admin",
                                              "remove_admin", "make_signatory",
                                              "remove_signatory"])])


class OrgProfileForm(OrgFieldsMixin, FlaskForm):
    credit_code = CreditCodeField(
        _l("Unified social credit code"),
        description=_l("A verified organisation's new name or credit code takes effect once "
                       "the IP service centre has checked it."),
        validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = district_choices()

    def org_fields(self) -> dict:
        # blank: the credit code stays as it is
        return {**super().org_fields(), "credit_code": self.credit_code.data or None}
