"""Related patents: the rest of a page that the matches of a search do not fill.

A rare word finds a few patents; more patents on the same subject use other words for it
(a patent about a 涂覆材料层 is about a 涂料 without naming it). Pseudo-relevance feedback
(Rocchio 1971; "more like these"): the terms that weigh most (TF-IDF) in the best
:data:`FEEDBACK_DOCS` matches, without the query's own terms, are searched with BM25 and
the best patents that do not match the query follow the matches, marked as related. The
matches themselves and their order are untouched, and the work is done only when the
matches end on the page asked for.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter

from .analysis import DEMAND_STOPWORDS, segment_weighted
from .facets import filter_docs
from .feedback import FEEDBACK_CHARS, feedback_counts
from .feedback import decode as decode_feedback
from .index.reader import Snapshot
from .ranking import any_field_df, term_scores

# Few documents on principle: the best matches are the most likely on topic. Title words
# count twice (as in BM25F). Terms: 20, the order of Lucene's MoreLikeThis (25) and of RM3's
# usual 10-30; with 10 the three patents' vocabulary is thin and few related patents share
# 2 of the terms (dev eval, condensed recall@10 / MRR@10 with 10, 15, 20, 30 terms: 0.452 /
# 0.539, 0.463 / 0.545, 0.467 / 0.547, 0.467 / 0.547, better on both halves of the queries).
# Every term searched costs a postings walk: 20 instead of 10 for a short result list.
FEEDBACK_DOCS = 3
FEEDBACK_TERMS = 20
MIN_SHARED_TERMS = 2
MAX_DF_SHARE = 0.05  # a word in more than 1 patent in 20 says little about a subject
MAX_DF_FLOOR = 50  # ... except in a small catalogue, where every word is in a large share
VECTOR_CACHE = 2000  # documents' vectors kept per index snapshot (a few kB each)


def related_docs(snap: Snapshot, best: list[int], exclude: set[int], query_terms: list[str],
                 want: int, filters: dict | None = None) -> list[tuple[int, float]]:
    """Up to ``want`` (docnum, score) of live documents outside ``exclude`` (the matches)
    most like the documents ``best`` (the top matches, best first), passing ``filters``."""
    if want <= 0 or not best:
        return []
    expansion = feedback_terms(snap, best[:FEEDBACK_DOCS], set(query_terms))
    scores: Counter = Counter()
    shared: Counter = Counter()
    for term, weight in expansion:
        for docnum, score in term_scores(snap, term).items():
            scores[docnum] += weight * score
            shared[docnum] += 1
    # one word in common is a coincidence (a small catalogue has few words besides)
    scores = Counter({d: s for d, s in scores.items() if shared[d] >= MIN_SHARED_TERMS})
    reader = snap.searcher.reader()
    if reader.has_deletions():
        live = {d for d in scores if d not in exclude and not reader.is_deleted(d)}
    else:
        live = scores.keys() - exclude
    live = filter_docs(snap, live, filters)
    return heapq.nlargest(want, ((d, scores[d]) for d in live), key=lambda x: (x[1], -x[0]))


def feedback_terms(snap: Snapshot, docnums: list[int], skip: set[str]) -> list[tuple[str, float]]:
    """The :data:`FEEDBACK_TERMS` terms of the centroid of the documents' length-normalised
    TF-IDF vectors (title and the opening of the abstract), without the terms in ``skip``."""
    centroid: Counter = Counter()
    max_df = max(MAX_DF_FLOOR, MAX_DF_SHARE * snap.doc_count)
    for docnum in docnums:
        for term, weight in _vector(snap, docnum).items():
            if term not in skip and term not in DEMAND_STOPWORDS and \
                    any_field_df(snap, term) <= max_df:  # 方法, 制备, 系统 ...; common words
                centroid[term] += weight / len(docnums)
    return centroid.most_common(FEEDBACK_TERMS)


def _vector(snap: Snapshot, docnum: int) -> dict[str, float]:
    """The document's TF-IDF vector from the term counts stored with it (counted when it
    was indexed: :mod:`.feedback`), kept for the snapshot's life: the best matches of one
    search are often the best of the next (a bounded cache; the IDF is the snapshot's)."""
    cache = snap.norms_cache.setdefault("related_vectors", {})
    vector = cache.get(docnum)
    if vector is not None:
        return vector
    counts = _counts(snap.searcher.stored_fields(docnum))
    n = max(1, snap.doc_count)
    vector = {}
    for term, count in counts.items():
        df = any_field_df(snap, term)
        if df:
            vector[term] = (1.0 + math.log(count)) * math.log(1.0 + (n - df + 0.5) / (df + 0.5))
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    vector = {term: w / norm for term, w in vector.items()}
    if len(cache) >= VECTOR_CACHE:
        cache.clear()  # (threads share the snapshot: no eviction order to keep in step)
    cache[docnum] = vector
    return vector


def _counts(stored: dict) -> dict[str, float]:
    """The document's feedback term counts: stored with it, or (an index built before they
    were, searched until the sync rebuilds it) counted from its title and abstract."""
    if "feedback" in stored:
        return decode_feedback(stored["feedback"] or "")
    title, weights = segment_weighted(stored.get("title", "") or "")
    opening = segment_weighted((stored.get("abstract", "") or "")[:FEEDBACK_CHARS])
    return feedback_counts(title, weights, *opening)

