"""Limits and counts of technology demands (技术需求)."""

# The centre's count "answered within N days" of publication (the plan's 项目对接 asks for
# quick answers: two weeks is the turnaround a university office can keep).
ANSWERED_WITHIN_DAYS = 14
# How many listings the SME sees when its demand is published, and the matches kept
# per demand (the universities' inboxes are built from them).
MATCHES_SHOWN = 10
MATCHES_KEPT = 30
# A new listing reaches a demand when it holds at least this weighted share of the
# demand's key terms (and two of them when the demand has four or more).
LISTING_MIN_SHARE = 0.3
MAX_TITLE = 100
MAX_DESCRIPTION = 3000
MAX_PROPOSAL = 2000
MAX_ANSWER_PATENTS = 5
# A deadline is optional; when given it is at most this far ahead.
MAX_DEADLINE_DAYS = 730
# Budgets are integer fen; the form takes whole yuan up to this many.
MAX_BUDGET_YUAN = 100_000_000

WANTED_KINDS = ("any", "exclusive", "sole", "non_exclusive", "assignment")
CONTACT_PREFERENCES = ("platform", "phone", "email")
