"""Forms of the organisation pages: its profile and its members."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
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


class BankAccountForm(FlaskForm):
    """The account the organisation is paid into (checked by market.domain.bank_accounts)."""

    account_name = StringField(_l("Account name"), filters=[strip],
                               validators=[DataRequired(_l("Enter the account name.")),
                                           Length(max=200)],
                               description=_l("Normally the organisation's legal name, exactly "
                                              "as the bank holds it."))
    bank_name = StringField(_l("Bank and branch"), filters=[strip],
                            validators=[DataRequired(_l("Enter the bank and branch.")),
                                        Length(max=200)],
                            description=_l("The bank's full name with the branch, as on the account's "
                                           "opening papers."))
    account_number = StringField(_l("Account number"), filters=[strip],
                                 validators=[DataRequired(_l("Enter the account number.")),
                                             Length(max=60)],
                                 description=_l("8 to 30 digits; spaces are fine."))
    name_note = TextAreaField(_l("Why the account name differs (only if it does)"),
                              filters=[strip], validators=[Optional(), Length(max=500)])
