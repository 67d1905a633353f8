"""The feedback terms of a listing, counted when it is indexed and stored with it.

Related patents (:mod:`market.search.related`) weigh the terms of the best matches by how
rare they are in the catalogue (TF-IDF). The rarity changes with the catalogue, so it is
looked up when a search runs; the counts do not, and counting needs the text segmented,
which the index does anyway: the counts are taken from the terms the document is indexed
with and kept in a stored field (``feedback``), so a search segments nothing but its own
words.
"""

from __future__ import annotations

# The title and the opening of the abstract: what a patent says it is about.
FEEDBACK_CHARS = 400  # of each abstract
TITLE_WEIGHT = 2.0  # a title word counts twice (as in BM25F)

_COUNT_MARK = "*"  # "term*3" is a term counted 3 times; a bare term once (no term holds "*")


def feedback_counts(title_terms, title_weights, abstract_terms, abstract_weights) -> dict:
    """Weighted counts of the terms (as :func:`~market.search.analysis.segment_weighted`
    gives them: whole words 1.0, pieces of longer words less) of the title, counted
    :data:`TITLE_WEIGHT` times, and of the abstract's opening. Terms counted less than once
    are left out: only pieces of longer words, they are not what the document is about."""
    counts: dict[str, float] = {}
    get = counts.get  # (a plain dict: this runs for every document indexed)
    for term, weight in zip(title_terms, title_weights, strict=True):
        counts[term] = get(term, 0.0) + TITLE_WEIGHT * weight
    for term, weight in zip(abstract_terms, abstract_weights, strict=True):
        counts[term] = get(term, 0.0) + weight
    return {term: count for term, count in counts.items() if count >= 1.0}


def encode(counts: dict) -> str:
    """The stored form: terms separated by spaces (a term holds no whitespace), each with
    its count unless it is 1."""
    return " ".join(term if count == 1.0 else f"{term}{_COUNT_MARK}{count:g}"
                    for term, count in counts.items())


def decode(stored: str) -> dict[str, float]:
    counts = {}
    for item in stored.split():
        term, mark, count = item.rpartition(_COUNT_MARK)
        if mark:
            counts[term] = float(count)
        else:
            counts[item] = 1.0
    return counts
