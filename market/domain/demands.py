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

# The board's budget facet: buckets of a demand's budget (its upper bound, else its lower
# bound), in fen: (key, low inclusive, high exclusive). A demand whose budget is to be
# negotiated is counted under BUDGET_NEGOTIABLE instead. The steps follow the sums an SME
# office signs off alone, with its board, and as a project (10万, 100万, 1000万 yuan).
BUDGET_NEGOTIABLE = "negotiable"
BUDGET_BUCKETS = (
    ("0-100k", 0, 10_000_000),
    ("100k-1m", 10_000_000, 100_000_000),
    ("1m-10m", 100_000_000, 1_000_000_000),
    ("10m+", 1_000_000_000, None),
)
BUDGET_FACET_VALUES = (BUDGET_NEGOTIABLE, *(key for key, _, _ in BUDGET_BUCKETS))


def budget_bucket(negotiable: bool, low_fen: int | None, high_fen: int | None) -> str:
    """The budget facet value of a demand."""
    amount = high_fen if high_fen is not None else low_fen
    if negotiable or amount is None:
        return BUDGET_NEGOTIABLE
    for key, low, high in BUDGET_BUCKETS:
        if amount >= low and (high is None or amount < high):
            return key
    return BUDGET_BUCKETS[0][0]
