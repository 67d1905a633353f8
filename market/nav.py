"""The main navigation, by role. Later features add entries to NAV."""
from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# (endpoint, label, who): who is "all", "user", or an organisation kind.
NAV = [
    ("main.home", _l("Home"), "all"),
    ("search.search", _l("Find patents"), "all"),
    ("listings.mine", _l("My listings"), "licensor"),
    ("deals.mine", _l("My deals"), "user"),
    ("payments.mine", _l("Payments"), "user"),
    ("search.saved", _l("Saved searches"), "sme"),
    ("orgs.mine", _l("My organisation"), "user"),
    ("centre.verification_queue", _l("Verification"), "centre"),
    ("centre.indicators", _l("Indicators"), "centre"),
    ("centre.audit_log", _l("Audit log"), "centre"),
]


def _visible(who: str) -> bool:
    if who == "all":
        return True
    if not current_user.is_authenticated:
        return False
    if who == "user":
        return True
    if who == "licensor":
        return current_user.org.is_licensor_kind
    return current_user.org.kind == who and current_user.can_act


def nav_items() -> list[dict]:
    items = []
    for endpoint, label, who in NAV:
        if endpoint in current_app.view_functions and _visible(who):
            url = url_for(endpoint)
            items.append({"url": url, "label": label,
                          "active": request.endpoint == endpoint})
    return items
