"""Offline evaluation of the search engine on judged queries.

``evaluate(patent_csvs, queries_csv, workdir)`` builds a fresh index (same
schema, analyser and ranking as the app) from patent CSV files, runs every
query and returns recall/MRR/nDCG@10 over the judged queries plus latency
percentiles per query type.  Keyphrase queries run through :func:`search`
exactly as the search page runs them (top 10, facets, highlights);
SME demand texts run through :func:`demand_match` with ``query_detail``.

Two sets of figures are printed, for the engine and for a ranked substring scan
computed in the same run (the simple peer):

* plain (``recall_at_10`` ...): the top 10 as ranked, every unjudged record a miss;
* condensed (``condensed_recall_at_10`` ...): the records outside the query's judged
  scope (the patents whose ``source`` was not judged, read from the query's
  ``judged_scope`` / ``source`` column) are dropped from the ranked list, which is then
  cut at 10 (Sakai 2007, "condensed lists").  Only the dev rows of one source were judged,
  so the plain figures reward pushing unjudged rows down rather than ranking well.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .analysis import normalise_text
from .demand import demand_match
from .index import build_index, close_all, open_index
from .query import search

__all__ = ["load_patent_csv", "load_queries_csv", "evaluate", "metrics_at_k", "percentile",
           "judged_scope", "condensed", "SubstringScan"]

# how deep the condensed list is read: its 10 judged records come from the first CONDENSED_DEPTH
CONDENSED_DEPTH = 100  # the most one search page shows

_TYPE_MAP = {"发明": "invention", "实用新型": "utility_model", "外观设计": "design"}

# IPC section/class -> marketplace industry (display facet only; not used for ranking)
_IPC_INDUSTRY = [
    ("A01", "modern_agriculture"),
    ("A23", "modern_agriculture"),
    ("A61", "biomedicine"),
    ("C07K", "biomedicine"),
    ("C12", "biomedicine"),
    ("A", "other"),
    ("B", "high_end_equipment"),
    ("C", "new_materials"),
    ("E", "other"),
    ("F", "energy_environment"),
    ("G", "electronic_information"),
    ("H", "electronic_information"),
]


def _industry(ipcs: list[str]) -> str:
    for code in ipcs:
        c = code.strip().upper()
        for prefix, ind in _IPC_INDUSTRY:
            if c.startswith(prefix):
                return ind
    return "other"


def _year(s: str):
    s = (s or "").strip()
    return int(s[:4]) if len(s) >= 4 and s[:4].isdigit() else None


def load_patent_csv(path) -> Iterator[dict]:
    """Rows of a patents CSV as document dicts (the app contract), with
    neutral defaults for what the CSV does not have."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            ipcs = [c.strip() for c in (r.get("ipc") or "").split(";") if c.strip()]
            app = (r.get("application_number") or "").strip()
            yield {
                "id": r["id"],
                "application_number": app,
                "patent_number": ("ZL" + app) if app and app[:1].isdigit() else "",
                "publication_number": (r.get("publication_number") or "").strip(),
                "title": r.get("title") or "",
                "abstract": r.get("abstract") or "",
                "claims": "",
                "keywords": "",
                "owner": r.get("applicant") or "",
                "inventors": r.get("inventors") or "",
                "ipc": ipcs,
                "industry": _industry(ipcs),
                "patent_type": _TYPE_MAP.get((r.get("patent_type") or "").strip(), ""),
                "legal_status": "granted",
                "offer_kinds": [],
                "open_licence": False,
                "upfront_fee": 0,
                "royalty_bp": 0,
                "term_years": 0,
                "district": "",
                "owner_id": "",
                "filing_year": _year(r.get("filing_date") or ""),
                "listed_at": None,
            }


def load_queries_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    v = sorted(values)
    k = (len(v) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def metrics_at_k(ranked: list[str], relevant: dict[str, float], k: int = 10) -> tuple[float, float, float]:
    """(recall@k, reciprocal rank@k, nDCG@k) of one ranked id list."""
    top = ranked[:k]
    hit = [d for d in top if d in relevant]
    recall = len(hit) / len(relevant) if relevant else 0.0
    rr = 0.0
    for i, d in enumerate(top):
        if d in relevant:
            rr = 1.0 / (i + 1)
            break
    dcg = sum((2 ** relevant[d] - 1) / math.log2(i + 2) for i, d in enumerate(top) if d in relevant)
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return recall, rr, (dcg / idcg if idcg else 0.0)


def _judgements(row: dict) -> dict[str, float]:
    ids = [x for x in (row.get("relevant_ids") or "").split(";") if x]
    grades = [x for x in (row.get("relevance_grades") or "").split(";") if x]
    out = {}
    for i, d in enumerate(ids):
        try:
            out[d] = float(grades[i]) if i < len(grades) else 1.0
        except ValueError:
            out[d] = 1.0
    return out


def judged_scope(row: dict, sources: set[str]) -> str | None:
    """The patent ``source`` whose records were judged for the query ``row``: the first word
    of its ``judged_scope`` column (``"kppatent_zh_test rows in dev only"``) or else its
    ``source`` column, when that names a source of the corpus; None = no scope known."""
    scope = (row.get("judged_scope") or "").split()
    for candidate in (scope[0] if scope else "", (row.get("source") or "").strip()):
        if candidate in sources:
            return candidate
    return None


def condensed(ranked: list[str], scope: str | None, source_of: dict[str, str]) -> list[str]:
    """``ranked`` without the records outside the judged ``scope`` (unchanged without one)."""
    if scope is None:
        return ranked
    return [d for d in ranked if source_of.get(d) == scope]


class _Figures:
    """Per-query recall/RR/nDCG@10, plain and condensed, of one ranking method."""

    def __init__(self):
        self.plain: list[tuple[float, float, float]] = []
        self.cond: list[tuple[float, float, float]] = []
        self.zero = 0

    def add(self, ranked, relevant, scope, source_of, k=10):
        if not ranked:
            self.zero += 1
        self.plain.append(metrics_at_k(ranked, relevant, k))
        self.cond.append(metrics_at_k(condensed(ranked, scope, source_of), relevant, k))

    def as_dict(self, prefix: str = "") -> dict:
        out = {}
        for kind, rows in (("", self.plain), ("condensed_", self.cond)):
            for i, name in enumerate(("recall_at_10", "mrr_at_10", "ndcg_at_10")):
                values = [r[i] for r in rows]
                out[f"{prefix}{kind}{name}"] = round(statistics.fmean(values), 4) if values else 0.0
        n = len(self.plain)
        out[f"{prefix}zero_result"] = round(self.zero / n, 4) if n else 0.0
        return out


class SubstringScan:
    """The simple peer: a substring scan of title and abstract, title matches first, then by
    the number of occurrences in the abstract, then corpus order (as ``bench/search.py``'s
    FTS5 fallback for short queries ranks them)."""

    def __init__(self, docs: list[dict]):
        self.rows = [(d["id"], normalise_text(d.get("title") or ""),
                      normalise_text(d.get("abstract") or "")) for d in docs]

    def __call__(self, query: str) -> list[str]:
        q = re.sub(r"\s+", " ", normalise_text(query or "")).strip()
        if not q:
            return []
        found = []
        for pos, (doc_id, title, abstract) in enumerate(self.rows):
            in_title = q in title
            count = abstract.count(q)
            if in_title or count:
                found.append((not in_title, -count, pos, doc_id))
        found.sort()
        return [doc_id for *_, doc_id in found]


def _shown(res) -> list[str]:
    """The ids a result page shows, in order: the matches, then the related patents that
    fill the page after the last match (a demand result has none)."""
    return [h.id for h in res.hits] + [h.id for h in getattr(res, "related", ())]


def run_queries(index, queries: Iterable[dict], k: int = 10, source_of=None, scan=None) -> dict:
    """Run queries against an already built index; metrics + latencies. With ``source_of``
    (doc id -> source) the condensed figures are computed too; with ``scan`` (a
    :class:`SubstringScan`) the same figures for the substring scan, prefixed ``scan_``."""
    source_of = source_of or {}
    sources = set(source_of.values())
    lat: dict[str, list[float]] = {}
    engine, peer = _Figures(), _Figures()
    for row in queries:
        qtype = row.get("query_type") or "keyphrase"
        rel = _judgements(row)
        text = row.get("query") or ""
        t0 = time.perf_counter()
        if qtype == "sme_requirement":
            res = demand_match(index, row.get("query_detail") or text, top=k,
                               title=text if row.get("query_detail") else "")
        else:
            res = search(index, text, per_page=k)
        ms = (time.perf_counter() - t0) * 1000.0
        lat.setdefault(qtype, []).append(ms)
        if not rel:
            continue
        ranked = _shown(res)
        scope = judged_scope(row, sources)
        if scope is not None and qtype != "sme_requirement":
            # the same ranking read deeper, for the condensed list (untimed)
            deep = search(index, text, per_page=CONDENSED_DEPTH, facets=False, highlight=False)
            ranked = ranked + [d for d in _shown(deep) if d not in ranked]
        engine.add(ranked, rel, scope, source_of, k)
        if scan is not None and qtype != "sme_requirement":
            peer.add(scan(text), rel, scope, source_of, k)
    out = engine.as_dict()
    out["n"] = len(engine.plain)
    if scan is not None:
        out.update(peer.as_dict("scan_"))
    for qtype, v in sorted(lat.items()):
        out[f"{qtype}_n"] = len(v)
        out[f"{qtype}_p50_ms"] = round(percentile(v, 50), 2)
        out[f"{qtype}_p95_ms"] = round(percentile(v, 95), 2)
    return out


def _sources(patent_csvs) -> dict[str, str]:
    """doc id -> the ``source`` column of the patents CSVs (what was judged is per source)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    out = {}
    for path in patent_csvs:
        with open(path, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                out[r["id"]] = (r.get("source") or "").strip()
    return out


def evaluate(patent_csvs, queries_csv, workdir=None) -> dict:
    """Build a fresh index from ``patent_csvs`` (a path or a list of paths)
    in a temporary directory under ``workdir`` and evaluate ``queries_csv``,
    beside a substring scan of the same records."""
    if isinstance(patent_csvs, (str, Path)):
        patent_csvs = [patent_csvs]
    docs = []
    for p in patent_csvs:
        docs.extend(load_patent_csv(p))
    queries = load_queries_csv(queries_csv)
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="search-eval-", dir=workdir) as tmp:
        t0 = time.perf_counter()
        build_index(tmp, docs)
        build_s = time.perf_counter() - t0
        holder = open_index(tmp)
        try:
            # warm up: open the searcher, build the lookup table
            search(holder, "测试")
            demand_match(holder, "测试技术需求")
            out = run_queries(holder, queries, source_of=_sources(patent_csvs), scan=SubstringScan(docs))
        finally:
            holder.close()
            close_all()
    out["docs"] = len(docs)
    out["build_docs_per_s"] = round(len(docs) / build_s, 1) if build_s else 0.0
    return out
