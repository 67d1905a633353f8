"""The Whoosh schema of the patent/listing index.

Text goes into two fields: ``title`` (boosted at query time) and
``content`` = keywords + abstract + claims + owner + inventors.
Positions are not stored (phrase/exact matching is done when re-ranking the
top candidates), which keeps the index small and the build fast.

Facet/sort data (industry, type, offer kinds, fee, owner, district, dates)
and the normalised patent/application/publication number keys are
kept in one per-document column (``facets``, JSON) that the searcher reads
once when it opens to build an in-memory lookup table.
"""

from __future__ import annotations

from whoosh import scoring
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from ..domain.ipc import INDUSTRIES as PLAN_INDUSTRIES
from .analysis import chinese_analyzer

# Bumped when the fields change: `flask search sync` rebuilds an index of another version.
# 2: ``card`` (what a result card shows), sub-word weights in the postings
# 3: ``feedback`` (the term counts related patents weigh; market.search.feedback)
SCHEMA_VERSION = 3

INDUSTRIES = tuple(PLAN_INDUSTRIES)  # the plan's industries, in the domain's order
PATENT_TYPES = ("invention", "utility_model", "design")
OFFER_KINDS = ("open_licence", "licence", "assignment")
LEGAL_STATUSES = ("pending", "granted", "terminated", "withdrawn")

# upfront fee buckets, in fen: (key, low inclusive, high exclusive)
FEE_BUCKETS = (
    ("0", 0, 1),  # no upfront fee
    ("1-10k", 1, 1_000_000),  # up to CNY 10,000
    ("10k-100k", 1_000_000, 10_000_000),
    ("100k-1m", 10_000_000, 100_000_000),
    ("1m+", 100_000_000, None),
)


def fee_bucket(fee: int) -> str:
    for key, lo, hi in FEE_BUCKETS:
        if fee >= lo and (hi is None or fee < hi):
            return key
    return "0"


def build_schema() -> Schema:
    ana = chinese_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=ana, phrase=False, stored=True),
        content=TEXT(analyzer=ana, phrase=False),
        abstract=STORED(),
        # normalised IPC symbols ("G06F17/30") plus their subclass ("G06F")
        ipc=KEYWORD(lowercase=False, scorable=False),
        ipc_display=STORED(),
        owner=STORED(),
        patent_number=STORED(),
        # what a result card shows besides title, abstract and owner (see
        # market.search.index.documents.listing_card): the page renders from it
        card=STORED(),
        # the counted terms of the title and the abstract's opening (see
        # market.search.feedback): related patents read them instead of segmenting
        feedback=STORED(),
        facets=COLUMN(VarBytesColumn()),
    )


# BM25F parameters (per field B); see ranking.py for the query-side knobs
BM25_K1 = 2.0
BM25_B = {"title": 0.75, "content": 0.5}


def make_weighting():
    return scoring.BM25F(
        B=0.75, K1=BM25_K1, **{f"{name}_B": b for name, b in BM25_B.items()}
    )
