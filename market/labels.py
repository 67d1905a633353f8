"""Human labels for stored codes, translated: every code's and enum's wording is written here
once and imported where it is shown. Depends only on the models' enums (any layer may import
it); the Chinese lives in the .po file alone."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .domain.deadlines import STALE_DAYS
from .models import DealState

LABELS = {
    "university": _l("University"),
    "institute": _l("Research institute"),
    "sme": _l("SME"),
    "centre": _l("IP service centre"),
    "agency": _l("IP service agency"),
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
    "answer_private": _l("Answered privately"),
    "answer_public": _l("Answered publicly"),
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
    "licence_unspecified": _l("Licence (kind not given)"),
    "waived": _l("Waived (no upfront fee)"),
    "reduced": _l("Reduced (paid at signing)"),
    "net_sales": _l("Net sales"),
    "profit": _l("Profit"),
    "no_defect": _l("No defect found: the claims meet the conditions for grant"),
    "some_claims_defective": _l("Some claims do not meet the conditions for grant"),
    "all_claims_defective": _l("No claim meets the conditions for grant"),
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
    "change_lapsed": _l("Patent lapsed: offers closed"),
    # the centre's check of an owner's proof of legal status
    "proof_pending": _l("Waiting for the centre"),
    "proof_accepted": _l("Verified"),
    "proof_rejected": _l("Not verified"),
}

# The registration form words the SME choice more fully than the badge does.
ORG_KIND_CHOICE_LABELS = {
    "university": LABELS["university"],
    "institute": LABELS["institute"],
    "sme": _l("Small or medium enterprise (SME)"),
}

# deals: states, what happened, who did it
DEAL_STATE_LABELS = {
    "requested": _l("Requested"),
    "countered": _l("Counter-offer"),
    "accepted": _l("Terms agreed — awaiting signatures"),
    "awaiting_payment": _l("Awaiting payment"),
    "concluded": _l("Concluded"),
    "declined": _l("Declined"),
    "withdrawn": lazy_pgettext("deal", "Withdrawn"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired"),
    "ended": _l("Term ended"),
}
DEAL_ACTION_LABELS = {
    "request": _l("Request sent"),
    "take_open": _l("Written notice of taking the open licence"),
    "accept": _l("Accept"),
    "sign": _l("Signed the contract"),
    "counter": _l("Counter-offer"),
    "decline": _l("Decline"),
    "withdraw": _l("Withdraw"),
    "cancel": _l("Cancel"),
    "conclude": _l("Concluded"),
    "await_payment": _l("Waiting for the upfront payment"),
    "payment_confirmed": _l("Payment confirmed"),
    "flag_stale": _l("Flagged: no answer for %(days)d days", days=STALE_DAYS),
    "expire": _l("Expired without an answer"),
    "end_term": _l("Licence term ended"),
    "close": _l("Closed: the patent has been assigned"),
    "lapse": _l("Closed: the patent has lapsed"),
}
ROLE_LABELS = {
    "licensee": _l("Licensee"),
    "licensor": _l("Licensor"),
    "centre": LABELS["centre"],
    "system": _l("Platform"),
}

# payments: what a schedule row is for, where it stands, how it was paid
SCHEDULE_KIND_LABELS = {
    "upfront": _l("Upfront fee"),
    "deferred_upfront": _l("Deferred upfront fee"),
    "minimum_annual_royalty": _l("Minimum annual royalty"),
    "assignment_price": _l("Assignment price"),
}
SCHEDULE_STATUS_LABELS = {
    "due": _l("Not yet paid"), "paid": _l("Paid"), "overdue": _l("Overdue"),
    "part_paid": _l("Part paid"), "reported": _l("Paid, waiting for confirmation"),
    "disputed": _l("Transfer not found"),
    "refunded": _l("Refunded"), "cancelled": _l("Cancelled"),
}
PAYMENT_STATUS_LABELS = {
    "pending": _l("Waiting for the provider"), "succeeded": _l("Received"),
    "failed": _l("Failed"), "expired": DEAL_STATE_LABELS["expired"],
    "refunded": SCHEDULE_STATUS_LABELS["refunded"], "rejected": _l("Refused and refunded"),
    "reported": _l("Reported by the payer"), "disputed": _l("Disputed by the receiver"),
}
PROVIDER_LABELS = {"stripe": _l("Card or Alipay (Stripe)"), "offline": _l("Bank transfer")}

# search: the upfront-fee facet's buckets
FEE_BUCKET_LABELS = {"0": _l("No upfront fee"), "1-10k": _l("Up to ¥10,000"),
                     "10k-100k": _l("¥10,000–100,000"), "100k-1m": _l("¥100,000–1,000,000"),
                     "1m+": _l("Over ¥1,000,000")}

# indicators: the names of the plan's indicators
INDICATOR_LABELS = {
    "deals": _l("Patent transfers and licences"),
    "transfers": _l("Patent transfers (assignments)"),
    "licences": _l("Patent licences"),
    "contract_value": _l("Patent technology contract value"),
    "pledge_amount": _l("IP pledge financing amount"),
    "pledge_count": _l("IP pledge financing projects"),
    "pledge_patent_only": _l("Pledges of patents only"),
    "pledge_mixed": _l("Mixed patent and trademark pledges"),
    "open_licences": _l("Open licences taken"),
    "fast_licences": _l("Fast-licence deals"),
    "avg_days": _l("Average days from request to conclusion"),
    "smes": _l("SMEs that took up a university or institute patent (cumulative)"),
}


def _key(code):
    return getattr(code, "value", code)


def _from(table: dict, code) -> str:
    key = _key(code)
    return str(table.get(key, key))


def label(code) -> str:
    """The label of a stored code (a deal's state is worded as a deal's, not a listing's)."""
    if code is None:
        return ""
    if isinstance(code, DealState):
        return state_label(code)
    key = _key(code)
    if key in LABELS:
        return str(LABELS[key])
    return _from(DEAL_STATE_LABELS, key)


def state_label(state) -> str:
    return _from(DEAL_STATE_LABELS, state)


def action_label(action: str) -> str:
    return _from(DEAL_ACTION_LABELS, action)


def role_label(role: str) -> str:
    return _from(ROLE_LABELS, role)


def schedule_label(kind: str) -> str:
    return _from(SCHEDULE_KIND_LABELS, kind)


def schedule_status_label(status) -> str:
    return _from(SCHEDULE_STATUS_LABELS, status)


def payment_status_label(status) -> str:
    return _from(PAYMENT_STATUS_LABELS, status)


def provider_label(provider) -> str:
    return _from(PROVIDER_LABELS, provider)


def fee_bucket_label(bucket: str) -> str:
    return _from(FEE_BUCKET_LABELS, bucket)


def licence_kind_label(code: str) -> str:
    """A deal's kind in the indicators: a licence kind, an assignment, or "not given"."""
    return label("licence_unspecified" if code == "unspecified" else code)


# what an email is about (market.domain.mail_kinds) and what its recipient chose for it
MAIL_CATEGORY_LABELS = {
    "deals": _l("Deal events (requests, counter-offers, answers)"),
    "signatures": _l("Signatures (contract concluded)"),
    "payments": _l("Payments (due, overdue, reported)"),
    "needs": _l("Needs and answers"),
    "alerts": _l("Saved-search alerts"),
    "digest": _l("Daily digest emails"),
}
MAIL_CHOICE_LABELS = {
    "immediately": _l("Email immediately"),
    "digest": _l("Daily digest"),
    "in_app": _l("In-app only"),
}


def number_label(patent) -> str:
    """What a patent's shown number is: its patent number once granted, else its application
    number (ZL means granted)."""
    return str(_l("Patent number") if patent.is_granted else _l("Application number"))


# What a royalty reporting period still needs (services/royalty_reports.Task.kind).
ROYALTY_TASK_LABELS = {
    "report_due": _l("Report due"),
    "report_overdue": _l("Report overdue"),
    "payment_late": _l("Royalty paid late"),
}


def royalty_task_label(kind: str) -> str:
    return _from(ROYALTY_TASK_LABELS, kind)
