"""The query layer: typed searches, facets, highlights and demand matching.

``search(index, q, ...)`` — what the search page runs:

1. a typed patent / application / publication number (``ZL 2017 1060 1862.3``,
   ``201710601862``, ``CN112604685B``) goes straight to that patent
   (``exact_match_id``);
2. IPC symbols in the query (``G06F``, ``G06F 17/30``) become prefix
   constraints on the IPC field;
3. the rest is segmented like the documents and searched with OR semantics
   over ``title`` (boosted) and ``content`` (BM25F); the top candidates are
   re-ranked with a coordination factor (share of query terms matched) and a
   boost when the whole query appears verbatim in the title;
4. filters, total and facet counts come from the lookup table the searcher
   built when it opened (no Whoosh ``groupedby``);
5. highlights are built from the stored title/abstract, HTML-escaped, with
   ``<mark>`` around matched terms.

``demand_match(index, text, top=10)`` — picks 10-15 key terms out of a long
demand paragraph by TF-IDF with document frequencies from *our* index and
searches with them (weighted OR).
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as Q
from whoosh.reading import ReaderClosed, TermNotFound

from .analysis import (
    IPC_SEARCH_RE,
    STOPWORDS,
    normalize_ipc,
    normalize_text,
    query_number_keys,
    segment,
    segment_words,
)
from .index import IndexNotBuilt, SearchIndex, Snapshot, open_index
from .schema import FEE_BUCKETS, INDUSTRIES

__all__ = [
    "Hit",
    "SearchResult",
    "DemandResult",
    "search",
    "demand_match",
    "suggest_wider",
    "extract_key_terms",
    "highlight",
    "may_match_terms",
    "matching_ids",
    "FACETS",
]

# ranking knobs (tuned on the dev set, kept deliberately simple)
TITLE_BOOST = 1.25
COORD_POWER = 2.0
PHRASE_BONUS = 0.5  # whole query verbatim in the title
RERANK_DEPTH = 50
MAX_QUERY_TERMS = 15
DEMAND_TERMS = 12

FACETS = ("industry", "patent_type", "offer_kinds", "open_licence", "fee", "owner", "district")
SORTS = ("relevance", "newest", "fee")
SNIPPET_CHARS = 120


@dataclass
class Hit:
    id: str
    score: float | None
    title: str  # escaped HTML, <mark>ed
    snippet: str  # escaped HTML, <mark>ed (abstract fragment)
    owner: str = ""  # escaped HTML
    ipc: str = ""
    matched_terms: list[str] = field(default_factory=list)
    docnum: int = -1


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[dict[str, Any]]]
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    exact_match_id: str | None = None
    terms: list[str] = field(default_factory=list)
    ipc: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1


@dataclass
class DemandResult:
    hits: list[Hit]
    terms: list[str]  # the key terms searched, best first
    matched_terms: list[str]  # key terms found in at least one returned hit
    total: int
    error: str | None = None


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _as_set(v) -> set[str] | None:
    if v is None or v == "" or v == []:
        return None
    if isinstance(v, (list, tuple, set, frozenset)):
        return {str(x) for x in v if x is not None and str(x) != ""} or None
    return {str(v)}


def _truthy(v) -> bool | None:
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes", "on", "y")
    return bool(v)


def _parse_query(q: str) -> tuple[list[str], list[str], str]:
    """-> (text terms, ipc codes, normalised free text without IPC codes)."""
    norm = normalize_text(q or "").strip()
    codes = []

    def _cut(m):
        c = normalize_ipc(m.group(0))
        if c:
            codes.append(c)
            return " "
        return m.group(0)

    rest = IPC_SEARCH_RE.sub(_cut, norm)
    terms = []
    seen = set()
    for t in segment(rest, normalized=True):
        if t not in seen:
            seen.add(t)
            terms.append(t)
    return terms, codes, re.sub(r"\s+", "", rest)


def may_match_terms(q: str, doc_terms: set[str]) -> bool:
    """False only when the query ``q`` certainly matches none of the documents whose indexed
    text terms (title and content) are ``doc_terms``: it is made of words and none of them
    occurs there. Patent numbers, IPC codes and empty queries always need the real search."""
    if not (q or "").strip() or query_number_keys(q):
        return True
    terms, codes, _ = _parse_query(q)
    return bool(codes) or not terms or not doc_terms.isdisjoint(terms)


def _term_sets(snap: Snapshot, terms: list[str]) -> dict[str, set[int]]:
    """docnums (live) containing each term in ``title`` or ``content``."""
    s = snap.searcher
    out = {}
    for t in terms:
        ids: set[int] = set()
        for fieldname in ("title", "content"):
            try:
                m = s.postings(fieldname, t)
            except TermNotFound:
                continue
            ids.update(m.all_ids())
        out[t] = ids
    return out


def _ipc_set(snap: Snapshot, codes: list[str]) -> set[int]:
    s = snap.searcher
    docs: set[int] = set()
    for c in codes:
        docs |= set(s.docs_for_query(Q.Prefix("ipc", c)))
    return docs


def _all_live(snap: Snapshot) -> set[int]:
    return set(snap.searcher.reader().all_doc_ids())


def _filter_docs(snap: Snapshot, docs: set[int], filters: dict | None) -> set[int]:
    if not filters:
        return docs
    tb = snap.table
    f_ids = _as_set(filters.get("ids"))
    if f_ids is not None:  # restrict to these documents (saved-search alerts)
        ids = tb.ids
        docs = {d for d in docs if ids[d] in f_ids}
    f_ind = _as_set(filters.get("industry"))
    f_type = _as_set(filters.get("patent_type"))
    f_status = _as_set(filters.get("legal_status"))
    f_offer = _as_set(filters.get("offer_kinds"))
    f_open = _truthy(filters.get("open_licence"))
    f_fee = _as_set(filters.get("fee"))
    f_dist = _as_set(filters.get("district"))
    ok = []
    for ind, pt, st, offer, openl, fb, dist in tb.combos:
        good = (
            (f_ind is None or ind in f_ind)
            and (f_type is None or pt in f_type)
            and (f_status is None or st in f_status)
            and (f_offer is None or bool(f_offer.intersection(offer)))
            and (f_open is None or openl == f_open)
            and (f_fee is None or fb in f_fee)
            and (f_dist is None or dist in f_dist)
        )
        ok.append(good)
    combo = tb.combo
    if not all(ok):
        docs = {d for d in docs if ok[combo[d]]}
    f_owner = _as_set(filters.get("owner"))
    f_owner_id = _as_set(filters.get("owner_id"))
    if f_owner or f_owner_id:
        allowed = set()
        for i, name in enumerate(tb.owners):
            nm, _, oid = name.partition("\x1f")
            if (f_owner and (nm in f_owner or name in f_owner)) or (f_owner_id and oid in f_owner_id):
                allowed.add(i)
        own = tb.owner
        docs = {d for d in docs if own[d] in allowed}
    fmin, fmax = filters.get("fee_min"), filters.get("fee_max")
    if fmin not in (None, "") or fmax not in (None, ""):
        lo = int(fmin) if fmin not in (None, "") else -1
        hi = int(fmax) if fmax not in (None, "") else 1 << 62
        fee = tb.fee
        docs = {d for d in docs if lo <= fee[d] <= hi}
    ymin, ymax = filters.get("filing_year_min"), filters.get("filing_year_max")
    if ymin not in (None, "") or ymax not in (None, ""):
        lo = int(ymin) if ymin not in (None, "") else 0
        hi = int(ymax) if ymax not in (None, "") else 9999
        fy = tb.filing_year
        docs = {d for d in docs if lo <= fy[d] <= hi}
    if filters.get("ipc"):
        codes = [c for c in (normalize_ipc(x) for x in _as_set(filters["ipc"]) or ()) if c]
        docs &= _ipc_set(snap, codes)
    return docs


def _facet_counts(snap: Snapshot, docs: set[int], owner_top: int = 20) -> dict:
    tb = snap.table
    cc = Counter(map(tb.combo.__getitem__, docs))
    ind, pt, offer, openl, fee, dist = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    for c, n in cc.items():
        i, p, _st, ok, ol, fb, d = tb.combos[c]
        ind[i] += n
        if p:
            pt[p] += n
        for k in ok:
            offer[k] += n
        openl["true" if ol else "false"] += n
        fee[fb] += n
        if d:
            dist[d] += n
    oc = Counter(map(tb.owner.__getitem__, docs))
    owners = []
    for o, n in oc.most_common(owner_top + 1):
        if o == 0:
            continue
        name, _, oid = tb.owners[o].partition("\x1f")
        owners.append({"value": oid or name, "label": name, "count": n})
    owners = owners[:owner_top]

    def lst(counter, order=None):
        if order:
            return [{"value": k, "label": k, "count": counter[k]} for k in order if counter.get(k)]
        return [{"value": k, "label": k, "count": n} for k, n in counter.most_common()]

    return {
        "industry": lst(ind, INDUSTRIES),
        "patent_type": lst(pt),
        "offer_kinds": lst(offer),
        "open_licence": lst(openl, ("true", "false")),
        "fee": lst(fee, [b[0] for b in FEE_BUCKETS]),
        "owner": owners,
        "district": lst(dist),
    }


# --------------------------------------------------------------------------
# highlighting
# --------------------------------------------------------------------------
def _hl_pattern(terms: Iterable[str]) -> re.Pattern | None:
    ts = sorted({t for t in terms if t and (len(t) >= 2 or not t.isascii())}, key=len, reverse=True)
    if not ts:
        return None
    return re.compile("|".join(re.escape(t) for t in ts))


def highlight(text: str, pattern: re.Pattern | None, max_chars: int | None = None) -> str:
    """HTML-escaped ``text`` with <mark> around matches of ``pattern``
    (matched on the normalised text; offsets map 1:1 to the original).
    With ``max_chars``, a fragment around the densest match is returned."""
    if not text:
        return ""
    norm = normalize_text(text)
    spans = [m.span() for m in pattern.finditer(norm)] if pattern is not None else []
    start, end = 0, len(text)
    if max_chars and len(text) > max_chars:
        if spans:
            best, best_n = spans[0][0], 0
            j = 0
            for i, (s, _e) in enumerate(spans):
                while spans[j][0] < s - max_chars // 2 and j < i:
                    j += 1
                # matches inside the window starting shortly before s
                n = sum(1 for s2, _ in spans[i:] if s2 < s + max_chars - 10)
                if n > best_n:
                    best, best_n = s, n
            start = max(0, best - 20)
        end = min(len(text), start + max_chars)
        start = max(0, min(start, end - max_chars))
    out = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s < pos:
            continue
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    res = "".join(out)
    if start > 0:
        res = "…" + res
    if end < len(text):
        res += "…"
    return res


def _make_hits(snap: Snapshot, scored: list[tuple[int, float | None]], hl_terms, do_highlight=True):
    pattern = _hl_pattern(hl_terms) if do_highlight else None
    hits = []
    s = snap.searcher
    for docnum, score in scored:
        f = s.stored_fields(docnum)
        title = f.get("title", "")
        abstract = f.get("abstract", "")
        hits.append(
            Hit(
                id=f.get("id", ""),
                score=score,
                title=highlight(title, pattern),
                snippet=highlight(abstract, pattern, SNIPPET_CHARS),
                owner=html.escape(f.get("owner", "") or ""),
                ipc=html.escape(f.get("ipc_display", "") or ""),
                docnum=docnum,
            )
        )
    return hits


# --------------------------------------------------------------------------
# search
# --------------------------------------------------------------------------
def _text_query(terms: list[str], weights: dict[str, float] | None = None) -> Q.Query:
    subs = []
    for t in terms:
        w = weights.get(t, 1.0) if weights else 1.0
        subs.append(Q.Term("title", t, boost=TITLE_BOOST * w))
        subs.append(Q.Term("content", t, boost=w))
    return Q.Or(subs)


def _rank(snap, tq, final, terms, sets, phrase, want, weights=None):
    """Top ``want`` (docnum, score) by BM25F + coordination + title phrase."""
    depth = max(RERANK_DEPTH, want)
    res = snap.searcher.search(tq, limit=depth, filter=final)
    cands = [(h.docnum, h.score) for h in res]
    if len(terms) > 1 or phrase:
        total_w = sum((weights or {}).get(t, 1.0) for t in terms) or 1.0
        ranked = []
        for docnum, score in cands:
            if len(terms) > 1:
                mw = sum((weights or {}).get(t, 1.0) for t in terms if docnum in sets[t])
                score *= (mw / total_w) ** COORD_POWER
            if phrase and len(terms) > 1:
                title = normalize_text(snap.searcher.stored_fields(docnum).get("title", ""))
                if phrase in title:
                    score *= 1.0 + PHRASE_BONUS
            ranked.append((docnum, score))
        ranked.sort(key=lambda x: -x[1])
        cands = ranked
    if len(cands) < want and len(final) > len(cands):
        # beyond the scored depth (only for deep pages): whoosh order
        res = snap.searcher.search(tq, limit=want, filter=final)
        seen = {d for d, _ in cands}
        cands += [(h.docnum, h.score) for h in res if h.docnum not in seen]
    return cands[:want]


def _number_match(snap: Snapshot, q) -> int | None:
    """The live document of a typed patent, application or publication number."""
    reader = snap.searcher.reader()
    for key in query_number_keys(q or ""):
        d = snap.table.numbers.get(key)
        if d is not None and not reader.is_deleted(d):
            return d
    return None


@dataclass
class _Matched:
    docs: set[int]  # the live documents matching the words or codes and the filters
    terms: list[str]
    codes: list[str]
    phrase: str
    sets: dict[str, set[int]]  # term -> documents containing it


def _match(snap: Snapshot, q, filters) -> _Matched:
    terms, codes, phrase = _parse_query(q or "")
    if len(terms) > MAX_QUERY_TERMS:
        # a pasted paragraph: keep the most specific terms
        terms = extract_key_terms(snap, q, MAX_QUERY_TERMS, normalized_terms=terms)[0]
    sets: dict[str, set[int]] = {}
    if terms:
        sets = _term_sets(snap, terms)
        matched = set().union(*sets.values())
    elif codes:
        matched = None
    else:
        matched = _all_live(snap)  # browse everything
    if codes:
        ipc_docs = _ipc_set(snap, codes)
        matched = ipc_docs if matched is None else matched & ipc_docs
    return _Matched(_filter_docs(snap, matched, filters), terms, codes, phrase, sets)


def matching_ids(index, q: str = "", filters: dict | None = None) -> set[str]:
    """Ids of the documents the search ``q`` with ``filters`` finds, unranked (what a saved
    search's alert needs: which of the new listings match, not their order)."""
    def run(snap: Snapshot) -> set[str]:
        d = _number_match(snap, q)
        docs = _filter_docs(snap, {d}, filters) if d is not None else \
            _match(snap, q, filters).docs
        return {snap.table.ids[n] or snap.searcher.stored_fields(n).get("id") for n in docs}
    try:
        return _with_snapshot(index, run)
    except IndexNotBuilt:
        return set()


def _run_search(snap: Snapshot, q, filters, sort, page, per_page, facets, highlight_):
    page = max(1, int(page or 1))
    per_page = max(1, min(100, int(per_page or 10)))
    sort = sort if sort in SORTS else "relevance"
    result = SearchResult(hits=[], total=0, facets={}, page=page, per_page=per_page, sort=sort)

    # 1. typed patent number -> straight to the patent
    d = _number_match(snap, q)
    if d is not None:
        result.exact_match_id = snap.table.ids[d] or snap.searcher.stored_fields(d).get("id")
        result.total = 1
        result.hits = _make_hits(snap, [(d, None)], [], highlight_)
        result.facets = _facet_counts(snap, {d}) if facets else {}
        return result

    matched = _match(snap, q, filters)
    terms, sets, phrase, final = matched.terms, matched.sets, matched.phrase, matched.docs
    result.terms, result.ipc = terms, matched.codes
    result.total = len(final)
    if facets:
        result.facets = _facet_counts(snap, final)
    if not final:
        return result

    want = page * per_page
    if sort == "relevance" and terms:
        tq = _text_query(terms)
        scored = _rank(snap, tq, final, terms, sets, phrase, want)
    else:
        tb = snap.table
        if sort == "fee":
            key = lambda d: (tb.fee[d], -tb.listed[d], d)  # noqa: E731
        else:  # newest (also the default order when browsing)
            key = lambda d: (-tb.listed[d], -tb.filing_year[d], d)  # noqa: E731
        import heapq

        scored = [(d, None) for d in heapq.nsmallest(want, final, key=key)]
    page_docs = scored[(page - 1) * per_page : want]
    result.hits = _make_hits(snap, page_docs, _hl_terms(q, terms), highlight_)
    return result


def _hl_terms(q: str, terms: list[str]) -> list[str]:
    out = list(terms)
    out += re.findall(r"[a-z0-9]{2,}", normalize_text(q or ""))
    return out


def _with_snapshot(index, fn):
    holder = open_index(index) if not isinstance(index, SearchIndex) else index
    for attempt in range(4):
        try:
            with holder.snapshot() as snap:
                return fn(snap)
        except (ReaderClosed, OSError) as e:
            # the searcher was closed, or its generation was removed by a
            # rebuild while we were reading: reopen on the current one
            if isinstance(e, IndexNotBuilt) or attempt == 3:
                raise
            holder.invalidate()


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
        return _with_snapshot(
            index, lambda snap: _run_search(snap, q, filters, sort, page, per_page, facets, highlight)
        )
    except IndexNotBuilt:
        return SearchResult(hits=[], total=0, facets={}, page=page, per_page=per_page, sort=sort,
                            error="index_not_built")


# --------------------------------------------------------------------------
# demand matching
# --------------------------------------------------------------------------
_NUMERIC = re.compile(r"^[0-9.%]+$")


def extract_key_terms(snap: Snapshot, text: str, top: int = DEMAND_TERMS, normalized_terms=None):
    """Key terms of ``text`` by TF-IDF with document frequencies from the index.

    Returns (terms best first, {term: weight})."""
    words = segment_words(text)
    if normalized_terms:
        words += [t for t in normalized_terms if len(t) >= 2]
    tf = Counter(w for w in words if len(w) >= 2 and not _NUMERIC.match(w) and w not in STOPWORDS)
    if not tf:
        return [], {}
    reader = snap.searcher.reader()
    n = max(1, snap.doc_count)
    scored = []
    for w, c in tf.items():
        df = reader.doc_frequency("content", w)
        if df <= 0:
            continue
        idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        scored.append(((1.0 + math.log(c)) * idf, w))
    scored.sort(key=lambda x: (-x[0], x[1]))
    top_terms = scored[:top]
    if not top_terms:
        return [], {}
    mx = top_terms[0][0]
    weights = {w: s / mx for s, w in top_terms}
    return [w for _, w in top_terms], weights


def _norms(snap: Snapshot, leaf, offset: int, fieldname: str, avgfl: float):
    """Per-document BM25 length normalisers K1*((1-B)+B*len/avgfl) of one
    segment, cached on the snapshot."""
    key = (id(leaf), fieldname)
    cache = snap.avg
    arr = cache.get(key)
    if arr is None:
        from whoosh.util.numeric import byte_to_length

        from .schema import BM25_B, BM25_K1

        b = BM25_B.get(fieldname, 0.75)
        table = [BM25_K1 * ((1 - b) + b * byte_to_length(i) / avgfl) for i in range(256)]
        n = leaf.doc_count_all()
        leaf.doc_field_length(0, fieldname) if n else None  # primes the byte cache
        raw = getattr(getattr(leaf, "_perdoc", None), "_mk_lens", {}).get(fieldname)
        if raw is None:
            from whoosh.util.numeric import length_to_byte

            raw = bytes(length_to_byte(leaf.doc_field_length(i, fieldname)) for i in range(n))
        arr = cache[key] = [table[x] for x in raw] + [table[0]] * max(0, n - len(raw))
    return arr


def _taat_scores(snap: Snapshot, terms: list[str], weights: dict[str, float]):
    """BM25F scores of every matching document, term at a time (same formula
    and statistics as Whoosh's BM25F), plus per-term docnum sets."""
    from .schema import BM25_K1

    s = snap.searcher
    reader = s.reader()
    scores: dict[int, float] = {}
    sets: dict[str, set[int]] = {t: set() for t in terms}
    k1p = BM25_K1 + 1.0
    for fieldname, fboost in (("title", TITLE_BOOST), ("content", 1.0)):
        avgfl = s.avg_field_length(fieldname) or 1.0
        for t in terms:
            if not reader.doc_frequency(fieldname, t):
                continue
            mult = s.idf(fieldname, t) * fboost * weights.get(t, 1.0) * k1p
            tset = sets[t]
            for leaf, offset in reader.leaf_readers():
                try:
                    m = leaf.postings(fieldname, t)
                except TermNotFound:
                    continue
                norms = _norms(snap, leaf, offset, fieldname, avgfl)
                while m.is_active():
                    d = m.id()
                    w = m.weight()
                    gd = d + offset
                    scores[gd] = scores.get(gd, 0.0) + mult * w / (w + norms[d])
                    tset.add(gd)
                    m.next()
    return scores, sets


def _run_demand(snap: Snapshot, text: str, top: int, filters):
    terms, weights = extract_key_terms(snap, text, DEMAND_TERMS)
    if not terms:
        return DemandResult(hits=[], terms=[], matched_terms=[], total=0)
    scores, sets = _taat_scores(snap, terms, weights)
    final = _filter_docs(snap, set(scores), filters)
    if not final:
        return DemandResult(hits=[], terms=terms, matched_terms=[], total=0)
    total_w = sum(weights.values()) or 1.0
    coord = {}
    for t in terms:
        w = weights.get(t, 1.0) / total_w
        for d in sets[t]:
            coord[d] = coord.get(d, 0.0) + w
    ranked = sorted(final, key=lambda d: -(scores[d] * coord[d] ** COORD_POWER))[:top]
    scored = [(d, scores[d] * coord[d] ** COORD_POWER) for d in ranked]
    hits = _make_hits(snap, scored, terms, True)
    allm = []
    for h in hits:
        h.matched_terms = [t for t in terms if h.docnum in sets[t]]
        for t in h.matched_terms:
            if t not in allm:
                allm.append(t)
    return DemandResult(hits=hits, terms=terms, matched_terms=[t for t in terms if t in allm], total=len(final))


def demand_match(index, text: str, top: int = 10, filters: dict | None = None) -> DemandResult:
    """Patents matching a long technology-demand paragraph."""
    try:
        return _with_snapshot(index, lambda snap: _run_demand(snap, text, top, filters))
    except IndexNotBuilt:
        return DemandResult(hits=[], terms=[], matched_terms=[], total=0, error="index_not_built")


# --------------------------------------------------------------------------
# wider-search suggestions for empty results
# --------------------------------------------------------------------------
def suggest_wider(index, q: str = "", filters: dict | None = None, limit: int = 5) -> list[dict]:
    """Ways to widen a search that found nothing: drop one filter, drop all
    filters, or search fewer terms.  Each suggestion has ``kind``, ``q``,
    ``filters`` and the ``total`` it would find; best first."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    out: list[dict] = []

    def total(qq, ff):
        return search(index, qq, ff, facets=False, highlight=False, per_page=1).total

    for k in list(filters):
        ff = {kk: vv for kk, vv in filters.items() if kk != k}
        n = total(q, ff)
        if n:
            out.append({"kind": "drop_filter", "filter": k, "q": q, "filters": ff, "total": n})
    if filters:
        n = total(q, {})
        if n:
            out.append({"kind": "drop_all_filters", "q": q, "filters": {}, "total": n})
    terms, codes, _ = _parse_query(q)
    parts = [p for p in re.split(r"\s+", (q or "").strip()) if p]
    if len(parts) > 1:
        for i in range(len(parts)):
            qq = " ".join(parts[:i] + parts[i + 1 :])
            n = total(qq, filters)
            if n:
                out.append({"kind": "fewer_terms", "q": qq, "filters": filters, "total": n})
    elif len(terms) > 1:
        longest = sorted(terms, key=len, reverse=True)
        for t in longest[:3]:
            n = total(t, filters)
            if n:
                out.append({"kind": "fewer_terms", "q": t, "filters": filters, "total": n})
    out.sort(key=lambda s: -s["total"])
    seen, res = set(), []
    for s in out:
        key = (s["q"], tuple(sorted(s["filters"].items(), key=str)))
        if key not in seen:
            seen.add(key)
            res.append(s)
    return res[:limit]
