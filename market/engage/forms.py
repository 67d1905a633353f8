"""Forms of the question pages. Field names match the service's, so a refusal lands on the
field it names."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..domain.engagement import ANSWER_MAX_CHARS, QUESTION_MAX_CHARS, QUESTION_MIN_CHARS
from ..forms_util import strip


class QuestionForm(FlaskForm):
    body = TextAreaField(
        _l("Your question"), filters=[strip],
        validators=[InputRequired(), Length(min=QUESTION_MIN_CHARS, max=QUESTION_MAX_CHARS)],
        description=_l("The owner answers you privately, or publicly on this page (without "
                       "your name). No request is opened. At most %(n)d characters.",
                       n=QUESTION_MAX_CHARS))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Your answer"), filters=[strip],
                           validators=[InputRequired(), Length(max=ANSWER_MAX_CHARS)])
    public = BooleanField(_l("Show the question and this answer on the listing (the asker's "
                             "name is not shown)"))
