"""Offline evaluation of the search engine on judged queries.

``evaluate(patent_csvs, queries_csv, workdir)`` builds a fresh index (same
schema, analyser and ranking as the app) from patent CSV files, runs every
query and returns recall/MRR/nDCG@10 over the judged queries plus latency
percentiles per query type.  Keyphrase queries run through :func:`search`
exactly as the search page runs them (top 10, facets, highlights);
SME demand texts run through :func:`demand_match` with ``query_detail``.
"""

from __future__ import annotations

import csv
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .demand import demand_match
from .index import build_index, close_all, open_index
from .query import search

__all__ = ["load_patent_csv", "load_queries_csv", "evaluate", "metrics_at_k", "percentile"]

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


def run_queries(index, queries: Iterable[dict], k: int = 10) -> dict:
    """Run queries against an already built index; metrics + latencies."""
    lat: dict[str, list[float]] = {}
    rec, mrr, ndcg = [], [], []
    zero = 0
    judged = 0
    for row in queries:
        qtype = row.get("query_type") or "keyphrase"
        rel = _judgements(row)
        t0 = time.perf_counter()
        if qtype == "sme_requirement":
            res = demand_match(index, row.get("query_detail") or row.get("query") or "", top=k)
        else:
            res = search(index, row.get("query") or "", per_page=k)
        ms = (time.perf_counter() - t0) * 1000.0
        lat.setdefault(qtype, []).append(ms)
        ranked = [h.id for h in res.hits]
        if rel:
            judged += 1
            if not ranked:
                zero += 1
            r, rr, nd = metrics_at_k(ranked, rel, k)
            rec.append(r)
            mrr.append(rr)
            ndcg.append(nd)
    out = {
        "recall_at_10": round(statistics.fmean(rec), 4) if rec else 0.0,
        "mrr_at_10": round(statistics.fmean(mrr), 4) if mrr else 0.0,
        "ndcg_at_10": round(statistics.fmean(ndcg), 4) if ndcg else 0.0,
        "zero_result": round(zero / judged, 4) if judged else 0.0,
        "n": judged,
    }
    for qtype, v in sorted(lat.items()):
        out[f"{qtype}_n"] = len(v)
        out[f"{qtype}_p50_ms"] = round(percentile(v, 50), 2)
        out[f"{qtype}_p95_ms"] = round(percentile(v, 95), 2)
    return out


def evaluate(patent_csvs, queries_csv, workdir=None) -> dict:
    """Build a fresh index from ``patent_csvs`` (a path or a list of paths)
    in a temporary directory under ``workdir`` and evaluate ``queries_csv``."""
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
            out = run_queries(holder, queries)
        finally:
            holder.close()
            close_all()
    out["docs"] = len(docs)
    out["build_docs_per_s"] = round(len(docs) / build_s, 1) if build_s else 0.0
    return out
