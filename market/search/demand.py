"""Demand matching ("describe your need"): key terms out of a demand paragraph, then the
patents that match them.

1. Key terms: the nouns of the demand (:func:`compounds.chunk` keeps technical compounds
   such as 低温储能, 热管理 whole), without demand and patent boilerplate
   (``analysis.DEMAND_STOPWORDS``: 改善, 效率, 方法, 系统 ...), scored by how often the
   demand uses them (its title counts ``TITLE_WEIGHT`` times) times how specific they are in
   the patent corpus (IDF from *our* index); the best ``DEMAND_TERMS``. The user can drop a
   term or add one and search again.
2. Matching: BM25F of every term computed term at a time (a compound scores where all its
   parts occur), times the coordination (the weighted share of the terms a patent holds);
   with four or more terms a patent must hold at least two of them.
3. Pseudo-relevance feedback: the IPC subclasses of the best ``PRF_DOCS`` hits lift the
   candidates of the same field (a battery demand keeps to H01M, not to fireworks).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .analysis import DEMAND_STOPWORDS, STOPWORDS, clean_token, query_words
from .compounds import chunk
from .facets import filter_docs
from .highlight import make_hits
from .index.generations import IndexNotBuilt
from .index.reader import Snapshot, with_snapshot
from .ranking import COORD_POWER, term_scores
from .results import DemandResult

DEMAND_TERMS = 12
TITLE_WEIGHT = 3  # a word of the demand's title counts as this many uses in its body
MIN_MATCHED = 2  # a hit holds at least this many key terms (when there are 4 or more)
PRF_DOCS = 5  # the best hits whose IPC subclasses re-rank the rest
PRF_DEPTH = 50  # how many candidates pseudo-relevance feedback re-ranks
PRF_BOOST = 0.5  # the most a shared IPC subclass multiplies a score by (1 + PRF_BOOST)
MAX_USER_TERMS = 10
_TERM_FLAGS = ("n", "vn", "eng", "l", "j", "x")
_NUMERIC = re.compile(r"^[0-9.%]+$")


@dataclass(frozen=True)
class KeyTerm:
    text: str  # what the page shows
    parts: tuple[str, ...]  # index terms that must all occur
    weight: float = 1.0


def _candidates(text: str) -> Counter:
    """(word, parts) -> uses, for the content words of ``text``."""
    out: Counter = Counter()
    for word, flag, parts in chunk(text):
        if not flag.startswith(_TERM_FLAGS) or word in DEMAND_STOPWORDS or word in STOPWORDS:
            continue
        if len(word) < 2 or _NUMERIC.match(word):
            continue
        parts = tuple(p for p in (clean_token(p) for p in parts) if p)
        if parts:
            out["".join(parts), parts] += 1
    return out


def _postings(snap: Snapshot, cache: dict, term: str) -> dict[int, float]:
    if term not in cache:
        cache[term] = term_scores(snap, term)
    return cache[term]


def _docs_of(snap: Snapshot, cache: dict, parts: tuple[str, ...]) -> set[int]:
    """The documents holding every part (kept in ``cache``: key terms and scoring both ask)."""
    key = ("&", *parts)
    if key not in cache:
        docs = set(_postings(snap, cache, parts[0]))
        for part in parts[1:]:
            docs &= _postings(snap, cache, part).keys()
        cache[key] = docs
    return cache[key]


def _cached(cache: dict, key: tuple, compute):
    """``cache[key]``, computed once (a second look at the same text in one snapshot, such
    as the key terms a published demand keeps, costs nothing)."""
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _doc_frequency(snap: Snapshot, cache: dict, word: str, parts: tuple[str, ...]) -> int:
    if len(parts) == 1:
        reader = snap.searcher.reader()
        return max(reader.doc_frequency("content", word), reader.doc_frequency("title", word))
    return len(_docs_of(snap, cache, parts))


def extract_key_terms(snap: Snapshot, text: str, top: int = DEMAND_TERMS, normalised_terms=None,
                      title: str = "", cache: dict | None = None):
    """Key terms of ``text`` (and of its ``title``, weighted higher) by TF-IDF with document
    frequencies from the index. Returns (terms best first, {term: weight})."""
    terms = key_terms(snap, text, top, title=title, cache=cache,
                      extra=[t for t in normalised_terms or () if len(t) >= 2])
    return [t.text for t in terms], {t.text: t.weight for t in terms}


def key_terms(snap: Snapshot, text: str, top: int = DEMAND_TERMS, *, title: str = "",
              cache: dict | None = None, extra=(), keep_unknown: bool = False) -> list[KeyTerm]:
    """The best ``top`` key terms. ``keep_unknown``: keep the words no patent holds yet,
    scored as the rarest (a demand kept to match listings published later needs them)."""
    cache = {} if cache is None else cache
    uses = _cached(cache, ("words", text), lambda: _candidates(text)).copy()
    for key, n in _cached(cache, ("words", title), lambda: _candidates(title)).items():
        uses[key] += TITLE_WEIGHT * n
    for word in extra:
        uses[word, (word,)] += 1
    n_docs = max(1, snap.doc_count)
    scored = []
    for (word, parts), count in uses.items():
        key = ("df", word, parts)
        if key not in cache:
            cache[key] = _doc_frequency(snap, cache, word, parts)
        df = cache[key]
        if df <= 0 and not keep_unknown:
            continue
        idf = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        scored.append(((1.0 + math.log(count)) * idf, word, parts))
    scored.sort(key=lambda x: (-x[0], x[1]))
    scored = scored[:top]
    if not scored:
        return []
    best = scored[0][0]
    return [KeyTerm(word, parts, score / best) for score, word, parts in scored]


def user_term(text: str) -> KeyTerm | None:
    """A term the user typed: its words must all occur."""
    parts = tuple(dict.fromkeys(w for w, _subs in query_words(text)))
    return KeyTerm("".join(parts), parts) if parts else None


def _score(snap: Snapshot, cache: dict, terms: list[KeyTerm]):
    """-> ({docnum: BM25F x coordination}, {term text: docnums holding it})."""
    total_weight = sum(t.weight for t in terms) or 1.0
    raw: dict[int, float] = {}
    coord: dict[int, float] = {}
    matched: dict[int, int] = {}
    term_docs = {}
    for term in terms:
        if len(term.parts) == 1:
            part_scores = _postings(snap, cache, term.parts[0])
            items = part_scores.items()
            term_docs[term.text] = part_scores.keys()
        else:
            docs = _docs_of(snap, cache, term.parts)
            items = [(d, sum(cache[p][d] for p in term.parts)) for d in docs]
            term_docs[term.text] = docs
        share, weight = term.weight / total_weight, term.weight
        raw_get, coord_get, matched_get = raw.get, coord.get, matched.get
        for d, score in items:
            raw[d] = raw_get(d, 0.0) + weight * score
            coord[d] = coord_get(d, 0.0) + share
            matched[d] = matched_get(d, 0) + 1
    need = MIN_MATCHED if len(terms) >= 4 else 1
    scores = {d: s * coord[d] ** COORD_POWER for d, s in raw.items() if matched[d] >= need}
    return scores, term_docs


def _subclasses(snap: Snapshot, docnum: int) -> set[str]:
    ipc = snap.searcher.stored_fields(docnum).get("ipc_display") or ""
    return {c.strip().replace(" ", "")[:4].upper() for c in ipc.split(";") if c.strip()}


def _feedback(snap: Snapshot, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Re-rank the first PRF_DEPTH by how much their IPC subclasses share those of the best
    PRF_DOCS hits (rank-weighted)."""
    head = ranked[:PRF_DEPTH]
    field_weight: Counter = Counter()
    for rank, (docnum, _score) in enumerate(head[:PRF_DOCS]):
        for sub in _subclasses(snap, docnum):
            field_weight[sub] += 1.0 / (rank + 1)
    if not field_weight:
        return ranked
    top = max(field_weight.values())
    rescored = []
    for docnum, score in head:
        share = max((field_weight[s] for s in _subclasses(snap, docnum)), default=0.0) / top
        rescored.append((docnum, score * (1.0 + PRF_BOOST * share)))
    rescored.sort(key=lambda x: -x[1])
    return rescored + ranked[PRF_DEPTH:]


def _run_demand(snap: Snapshot, text: str, top: int, filters, title: str, drop, add,
                cache: dict | None = None):
    cache = {} if cache is None else cache  # term -> postings, shareable with key_terms
    dropped = {d.strip() for d in drop or () if d and d.strip()}
    terms = [t for t in key_terms(snap, text, DEMAND_TERMS + len(dropped), title=title,
                                  cache=cache) if t.text not in dropped][:DEMAND_TERMS]
    for typed in list(add or ())[:MAX_USER_TERMS]:
        term = user_term(typed)
        if term and term.text not in dropped and all(t.text != term.text for t in terms):
            terms.append(term)
    labels = [t.text for t in terms]
    if not terms:
        return DemandResult(hits=[], terms=[], matched_terms=[], total=0)
    scores, term_docs = _score(snap, cache, terms)
    final = filter_docs(snap, set(scores), filters)
    if not final:
        return DemandResult(hits=[], terms=labels, matched_terms=[], total=0)
    ranked = sorted(((d, scores[d]) for d in final), key=lambda x: (-x[1], x[0]))
    ranked = _feedback(snap, ranked[:PRF_DEPTH])[:top]
    marks = [p for t in terms for p in (t.text, *t.parts) if len(p) >= 2]
    hits = make_hits(snap, ranked, marks, True)
    found = set()
    for hit in hits:
        hit.matched_terms = [t for t in labels if hit.docnum in term_docs[t]]
        found.update(hit.matched_terms)
    return DemandResult(hits=hits, terms=labels, matched_terms=[t for t in labels if t in found],
                        total=len(final))


def demand_match(index, text: str, top: int = 10, filters: dict | None = None, *,
                 title: str = "", drop=(), add=()) -> DemandResult:
    """Patents matching a technology-demand paragraph ``text`` (and its ``title``), without
    the key terms in ``drop`` and with the user's terms in ``add``."""
    try:
        return with_snapshot(index, lambda snap: _run_demand(snap, text, top, filters, title,
                                                             drop, add))
    except IndexNotBuilt:
        return DemandResult(hits=[], terms=[], matched_terms=[], total=0, error="index_not_built")
