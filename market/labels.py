"""Human labels for stored codes, translated (one place for every enum's wording)."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "university": _l("University"),
    "institute": _l("Research institute"),
    "sme": _l("SME"),
    "centre": _l("IP service centre"),
    "pending": _l("Pending verification"),
    "verified": _l("Verified"),
    "rejected": _l("Verification refused"),
    "micro": _l("Micro enterprise"),
    "small": _l("Small enterprise"),
    "medium": _l("Medium-sized enterprise"),
    "active": _l("Member"),
    "requested": _l("Asked to join"),
}


def label(code) -> str:
    if code is None:
        return ""
    key = getattr(code, "value", code)
    return str(LABELS.get(key, key))
