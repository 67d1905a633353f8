"""Forms of the payment pages."""
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms_util import YuanField, strip


class ConfirmReceiptForm(FlaskForm):
    """The receiver records a bank transfer: amount, date received, the bank's reference."""

    amount = YuanField(_l("Amount received (yuan)"), blank=None,
                       validators=[InputRequired(_l("Enter the amount received."))],
                       description=_l("What actually arrived. Less than the balance is "
                                      "recorded as a part payment."))
    received_on = DateField(_l("Date received"),
                            validators=[InputRequired(_l("Enter the date received."))])
    bank_reference = StringField(_l("Bank reference of the transfer"), filters=[strip],
                                 validators=[InputRequired(_l("Enter the bank's reference of the transfer.")),
                                             Length(max=100)],
                                 description=_l("As shown on your bank statement."))


class ReportTransferForm(FlaskForm):
    """The payer says it transferred money, with the bank's voucher. ``token`` is new on
    every form shown: the same form posted twice is one report."""

    token = HiddenField()
    amount = YuanField(_l("Amount transferred (yuan)"), blank=None,
                       validators=[InputRequired(_l("Enter the amount you transferred."))],
                       description=_l("A part of the balance is fine; the rest stays due."))
    paid_on = DateField(_l("Date of the transfer"),
                        validators=[InputRequired(_l("Enter the date of the transfer."))])
    bank_reference = StringField(_l("Bank's serial number (optional)"), filters=[strip],
                                 validators=[Optional(), Length(max=100)],
                                 description=_l("As printed on the voucher; it helps the "
                                                "receiver find the transfer."))
    voucher = FileField(_l("Bank voucher (JPEG, PNG or PDF)"),
                        validators=[FileRequired(_l("Choose the bank voucher (an image or a PDF)."))],
                        render_kw={"accept": "image/jpeg,image/png,application/pdf"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.token.data:
            self.token.data = secrets.token_urlsafe(18)


class ConfirmReportForm(FlaskForm):
    amount = YuanField(_l("Amount that arrived (yuan)"), blank=None,
                       validators=[InputRequired(_l("Enter the amount received."))],
                       description=_l("Check your bank statement: enter what actually "
                                      "arrived, even if it differs from the report."))


class DisputeForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong"), filters=[strip],
                           validators=[DataRequired(_l("Say what is wrong, so the payer can put it right.")),
                                       Length(max=1000)],
                           description=_l("The payer reads this and can report the payment "
                                          "again."))


class PayoutForm(FlaskForm):
    paid_out_on = DateField(_l("Date paid out"),
                            validators=[InputRequired(_l("Enter the date paid out."))])
    bank_reference = StringField(_l("Bank reference of the pay-out"), filters=[strip],
                                 validators=[InputRequired(_l("Enter the bank's reference of the transfer.")),
                                             Length(max=100)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=1000)])


class ActionForm(FlaskForm):
    """A button that posts (CSRF only)."""
