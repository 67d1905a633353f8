"""Human labels for stored codes, translated: every code's and enum's wording is written here
once and imported where it is shown. Depends only on the models' enums (any layer may import
it); the Chinese lives in the .po file alone."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .domain.deadlines import STALE_DAYS
from .models import DealState

LABELS = {
    "university": _l("University"),
    "institute": _l("Research institute"),
    "sme": _l("SME"),
    "enterprise": _l("Larger enterprise"),
    "centre": _l("IP service centre"),
    "agency": _l("IP service agency"),
    # agencies: services, staff qualifications, mandate scopes
    "brokering": _l("Technology brokering"),
    "custody": _l("IP custody"),
    "valuation": _l("Valuation"),
    "agency_filing": _l("Patent agency (filing)"),
    "tech_broker": _l("Registered technology broker"),
    "patent_attorney": _l("Patent attorney"),
    "negotiate": _l("Negotiate only (counter, accept, decline)"),
    "negotiate_draft": _l("Negotiate and draft (also open requests)"),
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
    # technology demands (技术需求)
    "wanted_any": _l("Any licence or assignment"),
    "wanted_exclusive": _l("Exclusive licence"),
    "wanted_sole": _l("Sole licence"),
    "wanted_non_exclusive": _l("Non-exclusive licence"),
    "wanted_assignment": _l("Assignment"),
    # the demand board's budget facet (market.domain.demands.BUDGET_BUCKETS)
    "budget_negotiable": _l("Budget to be negotiated"),
    "budget_0-100k": _l("Up to ¥100,000"),
    "budget_100k-1m": _l("¥100,000–1,000,000"),
    "budget_1m-10m": _l("¥1,000,000–10,000,000"),
    "budget_10m+": _l("Over ¥10,000,000"),
    "demand_public": _l("Public"),
    "demand_licensors": _l("Verified universities and institutes only"),
    "contact_platform": _l("Through the platform only"),
    "contact_phone": _l("By phone (the organisation's contact number)"),
    "contact_email": _l("By email (the organisation's contact email)"),
    # the centre's check of an owner's proof of legal status
    "proof_pending": _l("Waiting for the centre"),
    "proof_accepted": _l("Verified"),
    "proof_rejected": _l("Not verified"),
    # IP custody and the agency register
    "custody_pending": _l("Waiting for an answer"),
    "custody_refused": _l("Declined"),
    "custody_scheduled": _l("Agreed, not started yet"),
    "custody_active": _l("In force"),
    "custody_expired": _l("Term over"),
    "custody_ended": _l("Ended"),
    "custody_event_proposed": _l("Proposed"),
    "custody_event_accepted": _l("Accepted"),
    "custody_event_declined": _l("Declined"),
    "custody_event_renewal_proposed": _l("Renewal proposed"),
    "custody_event_renewed": _l("Renewed"),
    "custody_event_renewal_declined": _l("Renewal declined"),
    "custody_event_terminated": _l("Ended early"),
    "scope_patents": _l("Custody of patents"),
    "scope_marks": _l("Custody of trademarks"),
    "scope_fee_reminders": _l("Annual-fee reminders"),
    "scope_portfolio_review": _l("Portfolio review"),
    "agency_active": _l("On the register"),
    "agency_suspended": _l("Suspended"),
    "agency_exited": _l("Left the register"),
    "agency_event_exit": _l("Exit from the register"),
    "agency_event_suspension": _l("Suspension"),
    "agency_event_reinstatement": _l("Reinstatement"),
    "outcome_upheld": _l("Upheld"),
    "outcome_dismissed": _l("Dismissed"),
    "outcome_mediated": _l("Settled by mediation"),
    "outcome_withdrawn": _l("Withdrawn by the complainant"),
    "grade_excellent": _l("Excellent"),
    "grade_good": _l("Good"),
    "grade_pass": _l("Pass"),
    "grade_fail": _l("Fail"),
    "note_commendation": _l("Commendation"),
    "note_warning": _l("Warning"),
    "note_note": _l("Note"),
}

# The registration form words the SME choice more fully than the badge does.
ORG_KIND_CHOICE_LABELS = {
    "university": LABELS["university"],
    "institute": LABELS["institute"],
    "sme": _l("Small or medium enterprise (SME)"),
    "enterprise": _l("Larger enterprise (above the SME size standard)"),
    "agency": _l("IP service agency (broker, custody, patent agency)"),
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
    "broker_fee": _l("Broker's fee"),
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
    "custody_smes": _l("SMEs under IP custody (cumulative since the plan's start)"),
    "custody_current": _l("SMEs under IP custody at the period's end"),
    "agencies": _l("Service agencies on the register"),
    "agencies_exited": _l("Service agencies that left the register"),
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


DEMAND_STATE_LABELS = {
    "draft": _l("Draft"), "pending": _l("Waiting for the centre's review"),
    "published": _l("Published"), "answered": _l("Answered"), "closed": _l("Closed"),
    "expired": _l("Expired"),
}


def demand_state_label(state) -> str:
    return _from(DEMAND_STATE_LABELS, state)


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


# the centre's audit log: what each recorded action is, in words (deal actions: "deal.<action>")
AUDIT_ACTION_LABELS = {
    "api_token.created": _l("API token created"),
    "centre_user.created": _l("Centre account created"),
    "deal.payment": _l("Deal: payment step"),
    "deal.recorded": _l("Deal: licence recorded with CNIPA"),
    "deal.registered": _l("Deal: assignment registered with CNIPA"),
    "deal.tech_contract_registered": _l("Deal: technology contract registered"),
    "exhibition.edited": _l("Exhibition edited"),
    "exhibition.opened": _l("Exhibition opened"),
    "legal_status.imported": _l("Legal status imported"),
    "legal_status.proof_uploaded": _l("Legal-status proof uploaded"),
    "legal_status.proof_accepted": _l("Legal-status proof accepted"),
    "legal_status.proof_rejected": _l("Legal-status proof not accepted"),
    "listing.hidden": _l("Listing hidden"),
    "listing.unhidden": _l("Listing shown again"),
    "login.failure": _l("Failed log-in"),
    "login.success": _l("Logged in"),
    "login.throttled": _l("Log-in blocked after repeated failures"),
    "logout": _l("Logged out"),
    "mail.resend": _l("Email sent again"),
    "membership.approved": _l("Member approved"),
    "membership.declined": _l("Member declined"),
    "membership.invited": _l("Member invited"),
    "membership.requested": _l("Asked to join an organisation"),
    "org.bank_account": _l("Bank account changed"),
    "org.change_approved": _l("Organisation change approved"),
    "org.change_refused": _l("Organisation change refused"),
    "org.change_requested": _l("Organisation change requested"),
    "org.change_withdrawn": _l("Organisation change withdrawn"),
    "org.registered": _l("Organisation registered"),
    "org.rejected": _l("Organisation verification refused"),
    "org.updated": _l("Organisation details updated"),
    "org.verified": _l("Organisation verified"),
    "password.changed": _l("Password changed"),
    "password.reset": _l("Password reset"),
    "password.reset_requested": _l("Password reset requested"),
    "patent.annual_fee": _l("Annual fee recorded"),
    "patent.lapsed": _l("Patent lapsed"),
    "payment.confirmed": _l("Payment confirmed"),
    "payment.disputed": _l("Payment disputed"),
    "payment.paid_out": _l("Payment paid out"),
    "payment.recorded": _l("Payment recorded"),
    "payment.refunded": _l("Payment refunded"),
    "payment.reported": _l("Payment reported by the payer"),
    "payment.unexpected_refunded": _l("Unexpected payment refunded"),
    "pledge.consent_recorded": _l("Pledgee's consent recorded"),
    "pledge.recorded": _l("Pledge recorded"),
    "pledge.released": _l("Pledge released"),
    "role.changed": _l("Member's role changed"),
    "role.signatory": _l("Signatory named"),
    "royalty.paid": _l("Royalties paid"),
    "royalty.reported": _l("Royalty report filed"),
    "signing.wrong_password": _l("Signature refused: wrong password"),
}

# what an audit row is about (the model's class name, as the audit service stores it)
AUDIT_TARGET_LABELS = {
    "Deal": _l("Deal"),
    "Organisation": _l("Organisation"),
    "Patent": _l("Patent"),
    "User": _l("User"),
    "PledgeDeal": _l("Pledge"),
    "PaymentScheduleItem": _l("Payment item"),
    "Payment": lazy_pgettext("noun", "Payment"),
    "OutboxEmail": _l("Email"),
    "ApiToken": _l("API token"),
    "DealMessage": _l("Message"),
    "Exhibition": _l("Exhibition"),
}


def audit_action_label(code: str) -> str:
    """An audit action in words; a deal's action reads as the deal page words it."""
    if code in AUDIT_ACTION_LABELS:
        return str(AUDIT_ACTION_LABELS[code])
    if code.startswith("deal.") and code[5:] in DEAL_ACTION_LABELS:
        return _("Deal: %(action)s", action=action_label(code[5:]))
    return code  # an action recorded before it was worded here


def audit_target_label(target_type: str | None) -> str:
    return _from(AUDIT_TARGET_LABELS, target_type) if target_type else ""


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
