"""The typed search: what the search page and saved-search alerts run.

``search(index, q, ...)``:

1. a typed patent / application / publication number (``ZL 2017 1060 1862.3``,
   ``201710601862``, ``CN112604685B``) is answered as a number (:mod:`market.search.numbers`):
   that patent only (``exact_match_id``), or no hit and ``result.number`` saying what the
   number is (type, a wrong check character) so the page can say it is not listed here;
2. IPC symbols in the query (``G06F``, ``G06F 17/30``) become prefix
   constraints on the IPC field;
3. the rest is segmented like the documents and searched with OR semantics
   over ``title`` (boosted) and ``content`` (BM25F); the top candidates are
   re-ranked (:mod:`market.search.ranking`);
4. filters, total and facet counts come from the lookup table the searcher
   built when it opened (:mod:`market.search.facets`);
5. highlights are built from the stored title/abstract (:mod:`market.search.highlight`).

Demand matching is in :mod:`market.search.demand`, the ways to widen a search that found
nothing in :mod:`market.search.suggestions`.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass

from whoosh.reading import TermNotFound

from .analysis import (
    IPC_SEARCH_RE,
    normalise_ipc,
    normalise_text,
    query_number_keys,
    query_words,
    segment,
)
from .demand import extract_key_terms
from .facets import facet_counts, filter_docs, ipc_docs
from .highlight import highlight_terms, make_hits
from .index.generations import IndexNotBuilt
from .index.reader import Snapshot, with_snapshot
from .numbers import NumberQuery, parse_number_query
from .ranking import rank
from .related import related_docs
from .results import SearchResult

MAX_QUERY_TERMS = 15
SORTS = ("relevance", "newest", "fee")


def parse_query(q: str) -> tuple[list[str], list[str], str]:
    """-> (text terms, ipc codes, normalised free text without IPC codes and spaces)."""
    terms, codes, rest = _parse(q)
    return terms, codes, re.sub(r"\s+", "", rest)


def _parse(q: str) -> tuple[list[str], list[str], str]:
    norm = normalise_text(q or "").strip()
    codes = []

    def cut_ipc_code(m):
        code = normalise_ipc(m.group(0))
        if code:
            codes.append(code)
            return " "
        return m.group(0)

    rest = IPC_SEARCH_RE.sub(cut_ipc_code, norm)
    terms = []
    seen = set()
    for term in segment(rest, normalised=True):
        if term not in seen:
            seen.add(term)
            terms.append(term)
    return terms, codes, rest


def may_match_terms(q: str, doc_terms: set[str]) -> bool:
    """False only when the query ``q`` certainly matches none of the documents whose indexed
    text terms (title and content) are ``doc_terms``: it is made of words and none of them
    occurs there. Patent numbers, IPC codes and empty queries always need the real search."""
    if not (q or "").strip() or query_number_keys(q):
        return True
    terms, codes, _ = parse_query(q)
    return bool(codes) or not terms or not doc_terms.isdisjoint(terms)


def _term_docs(snap: Snapshot, terms: list[str]) -> dict[str, set[int]]:
    """docnums (live) containing each term in ``title`` or ``content``."""
    reader = snap.searcher.reader()  # its postings: no scorer set up (the searcher's are)
    out = {}
    for term in terms:
        docs: set[int] = set()
        for fieldname in ("title", "content"):
            try:
                matcher = reader.postings(fieldname, term)
            except TermNotFound:
                continue
            docs.update(matcher.all_ids())
        out[term] = docs
    return out


def _word_docs(snap: Snapshot, terms: list[str], rest: str) -> tuple[set[int], dict]:
    """Documents matching any word of the query text ``rest`` within word boundaries (see
    :func:`analysis.query_words`), and the postings of every term used for it."""
    words = query_words(rest, normalised=True)
    needed = list(dict.fromkeys(terms + [t for w, subs in words for t in (w, *subs)]))
    term_docs = _term_docs(snap, needed)
    matched: set[int] = set()
    for word, subs in words:
        matched |= term_docs[word]
        if subs:
            matched |= set.intersection(*(term_docs[t] for t in subs))
    return matched, term_docs


def _number_match(snap: Snapshot, q, number: NumberQuery | None = None) -> int | None:
    """The live document of a typed patent, application or publication number."""
    reader = snap.searcher.reader()
    keys = number.keys if number is not None else query_number_keys(q or "")
    for key in keys:
        docnum = snap.table.numbers.get(key)
        if docnum is not None and not reader.is_deleted(docnum):
            return docnum
    return None


@dataclass
class _Matched:
    docs: set[int]  # the live documents matching the words or codes and the filters
    terms: list[str]
    codes: list[str]
    phrase: str
    term_docs: dict[str, set[int]]  # term -> documents containing it


def _match(snap: Snapshot, q, filters) -> _Matched:
    terms, codes, rest = _parse(q or "")
    phrase = re.sub(r"\s+", "", rest)
    term_docs: dict[str, set[int]] = {}
    if len(terms) > MAX_QUERY_TERMS:
        # a pasted paragraph: keep the most specific terms
        terms = extract_key_terms(snap, q, MAX_QUERY_TERMS, normalised_terms=terms)[0]
        term_docs = _term_docs(snap, terms)
        matched = set().union(*term_docs.values())
    elif terms:
        matched, term_docs = _word_docs(snap, terms, rest)
    elif codes:
        matched = None
    else:
        matched = set(snap.searcher.reader().all_doc_ids())  # browse everything
    if codes:
        classified = ipc_docs(snap, codes)
        matched = classified if matched is None else matched & classified
    return _Matched(filter_docs(snap, matched, filters), terms, codes, phrase, term_docs)


def matching_ids(index, q: str = "", filters: dict | None = None) -> set[str]:
    """Ids of the documents the search ``q`` with ``filters`` finds, unranked (what a saved
    search's alert needs: which of the new listings match, not their order)."""
    number = parse_number_query(q)

    def run(snap: Snapshot) -> set[str]:
        docnum = _number_match(snap, q, number)
        if number is not None:
            docs = filter_docs(snap, {docnum}, filters) if docnum is not None else set()
        else:
            docs = filter_docs(snap, {docnum}, filters) if docnum is not None else \
                _match(snap, q, filters).docs
        return {snap.table.ids[n] or snap.searcher.stored_fields(n).get("id") for n in docs}
    try:
        return with_snapshot(index, run)
    except IndexNotBuilt:
        return set()


def _run_search(snap: Snapshot, q, filters, sort, page, per_page, facets, do_highlight):
    page = max(1, int(page or 1))
    per_page = max(1, min(100, int(per_page or 10)))
    sort = sort if sort in SORTS else "relevance"
    result = SearchResult(hits=[], total=0, facets={}, page=page, per_page=per_page, sort=sort)

    # 1. typed patent number -> straight to the patent, or "not listed here"; never text hits
    number = parse_number_query(q)
    result.number = number
    docnum = _number_match(snap, q, number)
    if number is not None and docnum is None:
        return result
    if docnum is not None:
        result.exact_match_id = snap.table.ids[docnum] or \
            snap.searcher.stored_fields(docnum).get("id")
        result.total = 1
        result.hits = make_hits(snap, [(docnum, None)], [], do_highlight)
        result.facets = facet_counts(snap, {docnum}) if facets else {}
        return result

    matched = _match(snap, q, filters)
    terms, final = matched.terms, matched.docs
    result.terms, result.ipc = terms, matched.codes
    result.total = len(final)
    if facets:
        result.facets = facet_counts(snap, final)
    if not final:
        return result

    want = page * per_page
    if sort == "relevance" and terms:
        scored = rank(snap, final, terms, matched.term_docs, matched.phrase, want)
    else:
        scored = [(d, None) for d in heapq.nsmallest(want, final, key=_sort_key(snap, sort))]
    page_docs = scored[(page - 1) * per_page : want]
    result.hits = make_hits(snap, page_docs, highlight_terms(q, terms), do_highlight)
    if sort == "relevance" and terms and len(final) < want:
        result.related = _related(snap, matched, scored, filters, page, per_page, do_highlight)
    return result


def _related(snap: Snapshot, matched: _Matched, scored, filters, page, per_page, do_highlight):
    """Hits for the places of the page after the last match (:mod:`.related`)."""
    start = max(0, (page - 1) * per_page - len(matched.docs))
    wanted = page * per_page - len(matched.docs)
    docs = related_docs(snap, [d for d, _ in scored], matched.docs, matched.terms, wanted,
                        filters)
    return make_hits(snap, docs[start:], [], do_highlight)


def _sort_key(snap: Snapshot, sort: str):
    table = snap.table
    if sort == "fee":
        return lambda d: (table.fee[d], -table.listed[d], d)
    # newest (also the default order when browsing)
    return lambda d: (-table.listed[d], -table.filing_year[d], d)


def search(
    index,
    q: str = "",
    filters: dict | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 10,
    *,
    facets: bool = True,
    highlight: bool = True,
) -> SearchResult:
    """Search the index (a directory path or a :class:`SearchIndex`)."""
    try:
        return with_snapshot(
            index, lambda snap: _run_search(snap, q, filters, sort, page, per_page, facets, highlight)
        )
    except IndexNotBuilt:
        return SearchResult(hits=[], total=0, facets={}, page=page, per_page=per_page, sort=sort,
                            error="index_not_built")
