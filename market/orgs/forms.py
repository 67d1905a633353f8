"""Forms for organisation members."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length

from ..auth.forms import strip


class InviteForm(FlaskForm):
    name = StringField(_l("Colleague's name"), filters=[strip],
                       validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("Colleague's email"), filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=254)])


class MemberDecisionForm(FlaskForm):
    decision = HiddenField(validators=[AnyOf(["approve", "decline", "make_admin",
                                              "remove_admin"])])
