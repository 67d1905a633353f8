"""Forms of the centre's verification queue."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class ApproveForm(FlaskForm):
    pass


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the organisation)"),
                           validators=[DataRequired(), Length(max=1000)])
