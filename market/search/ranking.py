"""Ranking: the candidates by Whoosh's BM25F (computed here a postings block at a time,
with Whoosh's formula), scored by BM25F proper and re-ranked by coordination (the share of
query terms a document matches) and a title-phrase bonus; and the same BM25F computed term
at a time for long demand queries and related patents."""

from __future__ import annotations

import heapq
import math

from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

from .analysis import normalise_text
from .index.reader import Snapshot
from .index.whoosh_patch import cached_length_bytes
from .schema import BM25_B, BM25_K1

# ranking knobs (tuned on the dev set, kept deliberately simple)
TITLE_BOOST = 1.25
COORD_POWER = 2.0
PHRASE_BONUS = 0.5  # whole query verbatim in the title
RERANK_DEPTH = 50

# BM25F proper (bm25f_scores): the textbook k1 and b, a title occurrence worth two of the
# abstract's (the title is a short summary the applicant wrote of the whole patent)
BM25F_K1 = 1.2
# (field, weight, b)
BM25F_FIELDS = (("title", 2.0, 0.75), ("content", 1.0, 0.75))


def rank(snap: Snapshot, final, terms, term_docs, phrase, want, weights=None):
    """Top ``want`` (docnum, score) of the docnums ``final`` by BM25F + coordination +
    title phrase; ``term_docs`` maps each term to the docnums containing it.

    The candidates are the best by Whoosh's BM25F (:func:`candidates`); they are then
    scored by BM25F proper (:func:`bm25f_scores`)."""
    weights = weights or {}
    top = candidates(snap, terms, final, max(RERANK_DEPTH, want), weights)
    scored = bm25f_scores(snap, [d for d, _ in top], terms, weights)
    if len(terms) > 1 or phrase:
        scored = _rerank(snap, scored, terms, term_docs, phrase, weights)
    else:
        scored.sort(key=lambda x: -x[1])
    if len(scored) < want and len(final) > len(scored):
        # documents holding none of the terms (none should): after the others
        seen = {d for d, _ in scored}
        scored += [(d, 0.0) for d in sorted(final) if d not in seen]
    return scored[:want]


def candidates(snap: Snapshot, terms: list[str], final, depth: int,
               weights: dict[str, float]) -> list[tuple[int, float]]:
    """The ``depth`` documents of ``final`` with the highest BM25F as Whoosh sums it (one
    saturated score per field, the title boosted: :func:`term_scores`), best first (ties:
    the lower docnum, as Whoosh's collector). Computed here rather than by Whoosh's
    searcher, which scores every document holding a term, one posting at a time through
    its matchers, before it drops those outside ``final``: the common pieces of a query
    word (氧化 of 氧化钼) hold thousands."""
    scores: dict[int, float] = {}
    get = scores.get
    for term in terms:
        weight = weights.get(term, 1.0)
        for docnum, score in term_scores(snap, term, within=final).items():
            scores[docnum] = get(docnum, 0.0) + weight * score
    return heapq.nsmallest(depth, scores.items(), key=lambda x: (-x[1], x[0]))


def bm25f_scores(snap: Snapshot, docnums: list[int], terms: list[str],
                 weights: dict[str, float]) -> list[tuple[int, float]]:
    """(docnum, score) of ``docnums`` by BM25F as Robertson, Zaragoza & Taylor (2004) define
    it: a term's occurrences in each field, weighted by the field and normalised by the
    field's length, are added up *before* the one saturation k1 and one IDF (over
    documents holding the term in any field). Summing a saturated score per field (as
    Whoosh does) counts a word in the title and the abstract almost twice and lets a
    title mention outweigh a document that is about the word. Textbook constants."""
    if not docnums:
        return []
    searcher = snap.searcher
    reader = searcher.reader()  # its postings: no Whoosh scorer set up (unused here)
    order = sorted(docnums)
    pseudo_tf: dict[str, dict[int, float]] = {}
    for term in terms:
        tf = pseudo_tf[term] = {}
        for fieldname, field_weight, field_b in BM25F_FIELDS:
            try:
                matcher = reader.postings(fieldname, term)
            except TermNotFound:
                continue
            avgfl = searcher.avg_field_length(fieldname) or 1.0
            for docnum in order:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                    if not matcher.is_active():
                        break
                if matcher.id() == docnum:
                    length = searcher.doc_field_length(docnum, fieldname, 0)
                    norm = (1 - field_b) + field_b * length / avgfl
                    tf[docnum] = tf.get(docnum, 0.0) + field_weight * matcher.weight() / norm
    n = searcher.doc_count_all()
    term_weight = {}
    for term in terms:
        df = any_field_df(snap, term)
        term_weight[term] = weights.get(term, 1.0) * math.log(1 + (n - df + 0.5) / (df + 0.5))
    out = []
    for docnum in docnums:
        score = 0.0
        for term in terms:
            x = pseudo_tf[term].get(docnum)
            if x:
                score += term_weight[term] * x * (BM25F_K1 + 1) / (x + BM25F_K1)
        out.append((docnum, score))
    return out


def any_field_df(snap: Snapshot, term: str) -> int:
    """Documents holding ``term`` in the title or the content (an upper bound without the
    overlap: the larger of the two field counts is the usual stand-in)."""
    return max(snap.doc_frequency(f, term) for f, *_ in BM25F_FIELDS)


def _rerank(snap: Snapshot, candidates, terms, term_docs, phrase, weights):
    """Coordination and the title phrase bonus; with several terms, the documents holding
    the query verbatim (title or abstract) come first: its words in that order say more than
    the same words scattered (计算 and 算机 apart are not 计算机)."""
    total_weight = sum(weights.get(t, 1.0) for t in terms) or 1.0
    ranked = []
    for docnum, score in candidates:
        verbatim = False
        if len(terms) > 1:
            matched_weight = sum(weights.get(t, 1.0) for t in terms if docnum in term_docs[t])
            score *= (matched_weight / total_weight) ** COORD_POWER
        if phrase and len(terms) > 1:
            stored = snap.searcher.stored_fields(docnum)
            title = normalise_text(stored.get("title", ""))
            if phrase in title:
                score *= 1.0 + PHRASE_BONUS
                verbatim = True
            else:
                verbatim = phrase in normalise_text(stored.get("abstract", "") or "")
        ranked.append((docnum, score, verbatim))
    ranked.sort(key=lambda x: (not x[2], -x[1]))
    return [(docnum, score) for docnum, score, _ in ranked]


def _length_normalisers(snap: Snapshot, leaf, fieldname: str, avgfl: float):
    """Per-document BM25 length normalisers K1*((1-B)+B*len/avgfl) of one
    segment, cached on the snapshot."""
    key = (id(leaf), fieldname)
    cache = snap.norms_cache
    normalisers = cache.get(key)
    if normalisers is None:
        b = BM25_B.get(fieldname, 0.75)
        by_byte = [BM25_K1 * ((1 - b) + b * byte_to_length(i) / avgfl) for i in range(256)]
        n = leaf.doc_count_all()
        leaf.doc_field_length(0, fieldname) if n else None  # primes the byte cache
        raw = cached_length_bytes(leaf, fieldname)
        if raw is None:  # the Whoosh patch is not installed
            raw = bytes(length_to_byte(leaf.doc_field_length(i, fieldname)) for i in range(n))
        normalisers = cache[key] = [by_byte[x] for x in raw] + [by_byte[0]] * max(0, n - len(raw))
    return normalisers


def term_scores(snap: Snapshot, term: str, within=None) -> dict[int, float]:
    """BM25F score of ``term`` (title boosted, same formula as Whoosh's) for every live or
    deleted document holding it (only those in ``within``, a set of docnums, when given);
    callers filter with the live set."""
    searcher = snap.searcher
    reader = searcher.reader()
    scores: dict[int, float] = {}
    k1_plus_one = BM25_K1 + 1.0
    n = searcher.doc_count_all()
    for fieldname, field_boost in (("title", TITLE_BOOST), ("content", 1.0)):
        df = snap.doc_frequency(fieldname, term)
        if not df:
            continue
        avgfl = searcher.avg_field_length(fieldname) or 1.0
        idf = math.log(n / (df + 1)) + 1  # Whoosh's (whoosh.scoring.WeightingModel.idf)
        mult = idf * field_boost * k1_plus_one
        for leaf, offset in reader.leaf_readers():
            try:
                matcher = leaf.postings(fieldname, term)
            except TermNotFound:
                continue
            normalisers = _length_normalisers(snap, leaf, fieldname, avgfl)
            get = scores.get
            for docnum, weight in _postings_items(matcher):
                key = docnum + offset
                if within is None or key in within:
                    scores[key] = get(key, 0.0) + mult * weight / (weight + normalisers[docnum])
    return scores


def _postings_items(matcher):
    """(docnum, weight) of every posting, a block at a time when the matcher is Whoosh 3's
    leaf matcher (its id and weight arrays; a posting at a time costs ~3x more), else
    through the public interface (a segment with deletions wraps it in a filter)."""
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            yield from zip(matcher._ids, matcher._weights, strict=True)
            matcher._next_block()
        return
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()
