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
    "membership_active": _l("Member"),
    "membership_requested": _l("Asked to join"),
    # listings
    "invention": _l("Invention"),
    "utility_model": _l("Utility model"),
    "design": _l("Design"),
    "legal_granted": _l("Granted, in force"),
    "legal_pending": _l("Under examination"),
    "legal_terminated": _l("Terminated"),
    "legal_withdrawn": _l("Withdrawn or rejected"),
    "withdrawn": _l("Withdrawn"),
    "draft": _l("Draft"),
    "published": _l("Published"),
    "open_licence": _l("Open licence"),
    "licence": _l("Licence on request"),
    "assignment": _l("Assignment"),
    "exclusive": _l("Exclusive licence"),
    "sole": _l("Sole licence"),
    "non_exclusive": _l("Non-exclusive licence"),
    "waived": _l("Waived (no upfront fee)"),
    "due_at_signing": _l("Paid at signing"),
    "deferred": _l("Deferred"),
    "months": _l("A number of months after signing"),
    "first_sales": _l("First sales"),
    "high_end_equipment": _l("High-end equipment"),
    "new_materials": _l("New materials"),
    "biomedicine": _l("Biomedicine"),
    "electronic_information": _l("Electronic information"),
    "modern_agriculture": _l("Modern agriculture"),
    "energy_environment": _l("Energy and environment"),
    "other": _l("Other"),
    "trl1": _l("1 · Basic principles observed"),
    "trl2": _l("2 · Technology concept formulated"),
    "trl3": _l("3 · Proof of concept"),
    "trl4": _l("4 · Validated in the laboratory"),
    "trl5": _l("5 · Validated in a relevant environment"),
    "trl6": _l("6 · Prototype demonstrated"),
    "trl7": _l("7 · Prototype in operation"),
    "trl8": _l("8 · System complete and qualified"),
    "trl9": _l("9 · Proven in production"),
    # what happened to a listing (ListingChange.action)
    "change_created": _l("Listing created"),
    "change_imported": _l("Imported from a file"),
    "change_updated": _l("Patent details changed"),
    "change_offer_added": _l("Offer added"),
    "change_terms_changed": _l("Offer terms changed"),
    "change_offer_withdrawn": _l("Offer withdrawn"),
    "change_published": _l("Published"),
    "change_withdrawn": _l("Taken off the market"),
    "change_attachment_added": _l("Attachment added"),
    "change_assigned": _l("Patent assigned: listing closed"),
}


def label(code) -> str:
    """The label of a stored code; deal states are worded once, in services.deal_events."""
    if code is None:
        return ""
    key = getattr(code, "value", code)
    if key in LABELS:
        return str(LABELS[key])
    from .services.deal_events import STATE_LABELS
    return str(STATE_LABELS.get(key, key))
