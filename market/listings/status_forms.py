"""Forms of a listing's legal status: the annual fee's paid-through date, proof of status."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional


class PaidThroughForm(FlaskForm):
    paid_through = DateField(_l("Annual fee paid through"), validators=[Optional()],
                             description=_l("The last day of the last fee year paid (the day "
                                            "before a filing-date anniversary). Leave empty "
                                            "if not known."))


class ProofForm(FlaskForm):
    file = FileField(_l("Proof of legal status (JPEG, PNG or PDF, at most 5 MB)"), validators=[
        FileRequired(_l("Choose the document (an image or a PDF).")),
        FileAllowed(["png", "jpg", "jpeg", "pdf"], _l("Only PNG, JPEG or PDF files."))],
        description=_l("For example CNIPA's legal-status page or the latest annual-fee "
                       "receipt. The centre checks it."))
    note = StringField(_l("Note for the centre"), validators=[Optional(), Length(max=500)])
