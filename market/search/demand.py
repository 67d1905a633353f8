"""Demand matching ("describe your need"): picks 10-15 key terms out of a long demand
paragraph by TF-IDF with document frequencies from *our* index and searches with them
(weighted OR, scored term at a time)."""

from __future__ import annotations

import math
import re
from collections import Counter

from .analysis import STOPWORDS, segment_words
from .facets import filter_docs
from .highlight import make_hits
from .index.generations import IndexNotBuilt
from .index.reader import Snapshot, with_snapshot
from .ranking import COORD_POWER, term_at_a_time_scores
from .results import DemandResult

DEMAND_TERMS = 12

_NUMERIC = re.compile(r"^[0-9.%]+$")


def extract_key_terms(snap: Snapshot, text: str, top: int = DEMAND_TERMS, normalised_terms=None):
    """Key terms of ``text`` by TF-IDF with document frequencies from the index.

    Returns (terms best first, {term: weight})."""
    words = segment_words(text)
    if normalised_terms:
        words += [t for t in normalised_terms if len(t) >= 2]
    tf = Counter(w for w in words if len(w) >= 2 and not _NUMERIC.match(w) and w not in STOPWORDS)
    if not tf:
        return [], {}
    reader = snap.searcher.reader()
    n = max(1, snap.doc_count)
    scored = []
    for word, count in tf.items():
        df = reader.doc_frequency("content", word)
        if df <= 0:
            continue
        idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        scored.append(((1.0 + math.log(count)) * idf, word))
    scored.sort(key=lambda x: (-x[0], x[1]))
    top_terms = scored[:top]
    if not top_terms:
        return [], {}
    best = top_terms[0][0]
    weights = {word: score / best for score, word in top_terms}
    return [word for _, word in top_terms], weights


def _run_demand(snap: Snapshot, text: str, top: int, filters) -> DemandResult:
    terms, weights = extract_key_terms(snap, text, DEMAND_TERMS)
    if not terms:
        return DemandResult(hits=[], terms=[], matched_terms=[], total=0)
    scores, term_docs = term_at_a_time_scores(snap, terms, weights)
    final = filter_docs(snap, set(scores), filters)
    if not final:
        return DemandResult(hits=[], terms=terms, matched_terms=[], total=0)
    total_weight = sum(weights.values()) or 1.0
    coord = {}
    for term in terms:
        share = weights.get(term, 1.0) / total_weight
        for d in term_docs[term]:
            coord[d] = coord.get(d, 0.0) + share
    ranked = sorted(final, key=lambda d: -(scores[d] * coord[d] ** COORD_POWER))[:top]
    scored = [(d, scores[d] * coord[d] ** COORD_POWER) for d in ranked]
    hits = make_hits(snap, scored, terms, True)
    found = []
    for hit in hits:
        hit.matched_terms = [t for t in terms if hit.docnum in term_docs[t]]
        for term in hit.matched_terms:
            if term not in found:
                found.append(term)
    return DemandResult(hits=hits, terms=terms, matched_terms=[t for t in terms if t in found],
                        total=len(final))


def demand_match(index, text: str, top: int = 10, filters: dict | None = None) -> DemandResult:
    """Patents matching a long technology-demand paragraph."""
    try:
        return with_snapshot(index, lambda snap: _run_demand(snap, text, top, filters))
    except IndexNotBuilt:
        return DemandResult(hits=[], terms=[], matched_terms=[], total=0, error="index_not_built")
