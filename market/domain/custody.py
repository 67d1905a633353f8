"""Limits of IP custody agreements and of the agency register (plan tasks 9 and 15)."""

CUSTODY_SME_TARGET = 1000   # SMEs under custody, cumulative over the plan (task 9)
AGENCY_TARGET = 30          # service agencies gathered on the platform (task 15)
MAX_TERM_YEARS = 5          # one agreement (or renewal) runs at most this long
MAX_FEE_FEN = 100_000_000_00  # ¥100 million: far above any custody fee; catches typing errors
