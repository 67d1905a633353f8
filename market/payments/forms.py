"""Forms of the payment pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..forms_util import YuanField, strip


class ConfirmReceiptForm(FlaskForm):
    """The licensor confirms a bank transfer: amount, date received, the bank's reference."""

    amount = YuanField(_l("Amount received (yuan)"), blank=None,
                       validators=[InputRequired(_l("Enter the amount received."))])
    received_on = DateField(_l("Date received"),
                            validators=[InputRequired(_l("Enter the date received."))])
    bank_reference = StringField(_l("Bank reference of the transfer"), filters=[strip],
                                 validators=[InputRequired(_l("Enter the bank's reference of the transfer.")),
                                             Length(max=100)],
                                 description=_l("As shown on your bank statement."))


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=1000)])


class ActionForm(FlaskForm):
    """A button that posts (CSRF only)."""
