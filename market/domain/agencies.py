"""Rules for IP service agencies: the CNIPA patent agency code and mandate limits."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

# A mandate runs for at most three years (the plan's own span); the principal grants a
# new one after, so a forgotten mandate cannot let a broker act for ever.
MAX_MANDATE_DAYS = 3 * 366

# The code CNIPA gives a patent agency (专利代理机构代码): five digits, the first two the
# province's (21 for Liaoning), e.g. 21101. It carries no check digit.
_AGENCY_CODE = re.compile(r"\d{5}")


class InvalidAgencyCode(ValueError):
    """A CNIPA agency code that is not five digits; ``message`` says so to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
        self.field = "cnipa_agency_code"


def normalise_agency_code(raw: str | None) -> str | None:
    """The five-digit CNIPA agency code from what a user typed (full-width digits and spaces
    folded), None when blank. Raises InvalidAgencyCode for anything but five digits."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", raw or "")
                   if not ch.isspace() and unicodedata.category(ch)[0] != "C")
    if not text:
        return None
    if not _AGENCY_CODE.fullmatch(text):
        raise InvalidAgencyCode(_l("The CNIPA agency code is five digits, e.g. 21101."))
    return text
