"""What each email is about, and what its recipient may choose for it.

A user chooses per category (deal events, signatures, payments, needs and answers,
saved-search alerts): email at once, one daily digest, or the in-app inbox only. Legal and
security mail (password resets, account decisions, signature requests, payment
confirmations and receipts, the written notice of an open licence) is :data:`LEGAL`: it is
always sent at once, whatever the user chose. A notification kind not named here is legal
too: a new kind is emailed until someone decides it may be switched off."""
from __future__ import annotations

DEALS, SIGNATURES, PAYMENTS, NEEDS, ALERTS = "deals", "signatures", "payments", "needs", "alerts"
LEGAL = "legal"
CATEGORIES = (DEALS, SIGNATURES, PAYMENTS, NEEDS, ALERTS)  # the ones a user may switch

IMMEDIATELY, DIGEST, IN_APP = "immediately", "digest", "in_app"
CHOICES = (IMMEDIATELY, DIGEST, IN_APP)
DEFAULT_CHOICE = IMMEDIATELY

# notification kind (Notification.kind) -> category
KIND_CATEGORY = {
    "deal_request": DEALS, "deal_counter": DEALS, "deal_decline": DEALS,
    "deal_withdraw": DEALS, "deal_expire": DEALS, "deal_cancel": DEALS, "deal_closed": DEALS,
    "deal_ended": DEALS, "deal_stale": DEALS, "deal_message": DEALS,
    "deal_broker": DEALS,  # a broker's action to its principal, the other side's to the broker
    # the contract is ready / the other side signed: a signature request, legal
    "deal_accepted": LEGAL, "deal_signed": LEGAL,
    "deal_concluded": SIGNATURES,  # both signed: the news, not a request
    "deal_payment_due": PAYMENTS, "payment_overdue": PAYMENTS, "payment_reported": PAYMENTS,
    "payment_disputed": PAYMENTS,
    "payment_confirmed": LEGAL, "payment_paid_out": LEGAL,  # confirmations and receipts
    "open_licence_notice": LEGAL,  # the written notice under Patent Law art. 51
    "saved_search": ALERTS,
    # technology demands: moderation, matches both ways, answers
    "demand_submitted": NEEDS, "demand_published": NEEDS, "demand_returned": NEEDS,
    "demand_match": NEEDS, "demand_new_listing": NEEDS, "demand_answer": NEEDS,
    # questions about a listing and their answers: the conversation before any request
    "listing_question": NEEDS, "question_answered": NEEDS,
    # news of a listing the user follows
    "followed_terms_changed": ALERTS, "followed_withdrawn": ALERTS,
    "followed_exclusive_granted": ALERTS,
    # an exhibition's roadshow the user signed up for moved
    "roadshow_changed": ALERTS,
    # royalty reports: the reports and their reminders are deal news; a confirmed royalty
    # is a confirmation of payment; registration reminders stay legal (the assignment has
    # no effect until CNIPA registers it), as any kind not named here
    "royalty_reported": PAYMENTS, "royalty_report_due": DEALS, "royalty_report_overdue": DEALS,
    "royalty_payment_late": PAYMENTS, "royalty_confirmed": LEGAL,
}


def category_of(kind: str) -> str:
    return KIND_CATEGORY.get(kind, LEGAL)
