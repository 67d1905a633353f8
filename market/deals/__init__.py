"""Deal pages: taking an open licence, requests and negotiation, contracts, the inbox."""
from . import records, views  # noqa: F401  (records adds its routes to views.bp)
