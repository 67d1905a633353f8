"""The main navigation, by role. Later features add entries to NAV."""
from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .services.demand_queries import pending_demand_count
from .services.orgs import verification_count

# (endpoint, label, who): who is "all", "anonymous" (logged-out visitors: members reach
# the same page from their own entries), "user", "party" (a user who is not the centre's:
# the centre is never a party to a deal), "licensor", "buyer" (SMEs and larger enterprises),
# or an organisation kind.
NAV = [
    # members reach home by the brand and their organisation by their name in the header
    ("main.home", _l("Home"), "anonymous"),
    ("search.search", _l("Find patents"), "all"),
    ("listings.mine", _l("My listings"), "licensor"),
    ("deals.mine", _l("My deals"), "party"),
    ("payments.mine", _l("Payments"), "user"),
    ("search.saved", _l("Saved searches"), "buyer"),
    ("custody.mine", _l("IP custody"), "sme"),
    ("custody.mine", _l("IP custody"), "agency"),
    ("demands.mine", _l("My demands"), "sme"),
    ("demands.inbox", _l("Demands for us"), "licensor"),
    ("demands.board", _l("Technology demands"), "anonymous"),
    ("agencies.mandates_held", _l("Mandates"), "agency"),
    ("centre.home", _l("Centre"), "centre"),
]
# The centre's own bar, under the header on every page a centre user sees.
CENTRE_NAV = [
    ("centre.home", _l("Centre home")),
    ("centre.verification_queue", _l("Verification")),
    ("centre.deal_register", _l("Deal register")),
    ("centre.monitor", _l("Monitor")),
    ("centre.indicators", _l("Indicators")),
    ("centre.pledge_list", _l("Pledges")),
    ("centre.agency_register_page", _l("Agency register")),
    ("centre.legal_status_page", _l("Legal status")),
    ("centre.hidden_listings", _l("Moderation")),
    ("centre.audit_log", _l("Audit log")),
    ("centre.undelivered_mail", _l("Mail not delivered")),
]


def landing_url(user) -> str:
    """Where a user lands after logging in: the centre at its home (its work queues), everyone else at
    their organisation (what to do next: verification, members, listings)."""
    if user.is_centre:
        return url_for("centre.home")
    return url_for("orgs.mine")


def _visible(who: str) -> bool:
    if who == "all":
        return True
    if who == "anonymous":
        return not current_user.is_authenticated
    if not current_user.is_authenticated:
        return False
    if who == "user":
        return True
    if who == "party":
        return not current_user.is_centre
    if who == "licensor":
        return current_user.org.is_licensor_kind
    if who == "buyer":
        return current_user.org.is_buyer_kind and current_user.can_act
    return current_user.org.kind == who and current_user.can_act


def nav_items() -> list[dict]:
    items = []
    for endpoint, label, who in NAV:
        if endpoint in current_app.view_functions and _visible(who):
            url = url_for(endpoint)
            items.append({"url": url, "label": label,
                          "active": request.endpoint == endpoint})
    return items


def centre_nav_items() -> list[dict]:
    """The centre's bar (empty for everyone else)."""
    if not (current_user.is_authenticated and current_user.is_centre):
        return []
    waiting = {"centre.verification_queue": verification_count(),
               "centre.hidden_listings": pending_demand_count() or None}
    return [{"url": url_for(endpoint), "label": label, "count": waiting.get(endpoint),
             "active": request.endpoint == endpoint}
            for endpoint, label in CENTRE_NAV if endpoint in current_app.view_functions]
