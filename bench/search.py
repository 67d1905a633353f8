"""Search benchmark: prints ONE JSON line.

    .venv/bin/python bench/search.py            # data from ../shared/data
    SHARED_DATA=/path/to/data .venv/bin/python bench/search.py
    .venv/bin/python bench/search.py --size 12k # only the dev data (a minute, not ten)

Measures, on the real dev data (12k patents) and a 120k corpus made from it
(rows replicated with new ids, abstract sentences shuffled between rows):

* index build speed vs jieba's own ``cut_for_search`` speed in the same run;
* "page" latency: keyphrase queries as the search page runs them (top 10,
  facet counts, highlights);
* demand-paragraph latency (``demand_match``);
* the SQLite FTS5 (trigram tokenizer) peer on the same data: build speed,
  latency, recall/MRR@10 on the dev keyphrase queries;
* our recall/MRR@10 on the same queries.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from market.search.analysis import ensure_jieba  # noqa: E402
from market.search.demand import demand_match  # noqa: E402
from market.search.evaluate import (  # noqa: E402
    _judgements,
    load_patent_csv,
    load_queries_csv,
    metrics_at_k,
    percentile,
)
from market.search.index import build_index, close_all, open_index, whoosh_patch  # noqa: E402
from market.search.query import search  # noqa: E402

DATA = Path(os.environ.get("SHARED_DATA") or (ROOT.parent / "shared" / "data"))


def _text(d: dict) -> str:
    return "\n".join(x for x in (d["title"], d["abstract"], d["owner"], d["inventors"]) if x)


def jieba_speed(docs) -> float:
    jieba = ensure_jieba()
    texts = [_text(d) for d in docs]
    t0 = time.perf_counter()
    for t in texts:
        for _ in jieba.cut_for_search(t):
            pass
    return len(texts) / (time.perf_counter() - t0)


_SENT = re.compile(r"(?<=[。；;！？!?])")


def make_120k(docs, factor=10, seed=7):
    rnd = random.Random(seed)
    sentences = []
    for d in docs:
        sentences.extend(s for s in _SENT.split(d["abstract"]) if s)
    out = list(docs)
    for c in range(1, factor):
        for d in docs:
            n = len([s for s in _SENT.split(d["abstract"]) if s])
            nd = dict(d)
            nd["id"] = f"{d['id']}-r{c}"
            nd["application_number"] = nd["patent_number"] = nd["publication_number"] = ""
            nd["abstract"] = "".join(rnd.choice(sentences) for _ in range(n)) if n else ""
            out.append(nd)
    return out


def time_build(docs) -> tuple[float, str]:
    tmp = tempfile.mkdtemp(prefix="bench-search-")
    t0 = time.perf_counter()
    build_index(tmp, docs)
    return len(docs) / (time.perf_counter() - t0), tmp


def page_latency(index_dir, queries):
    holder = open_index(index_dir)
    search(holder, "测试")  # open + lookup table
    lat, rec, mrr = [], [], []
    for row in queries:
        t0 = time.perf_counter()
        res = search(holder, row["query"], per_page=10)  # facets + highlights
        lat.append((time.perf_counter() - t0) * 1000)
        rel = _judgements(row)
        if rel:
            r, rr, _ = metrics_at_k([h.id for h in res.hits], rel)
            rec.append(r)
            mrr.append(rr)
    return lat, rec, mrr


def demand_latency(index_dir, demands):
    holder = open_index(index_dir)
    lat = []
    for row in demands:
        t0 = time.perf_counter()
        demand_match(holder, row.get("query_detail") or row["query"], top=10)
        lat.append((time.perf_counter() - t0) * 1000)
    return lat


# ---------------------------------------------------------------- FTS5 peer
def fts5_build(docs):
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, abstract, tokenize='trigram')"
    )
    t0 = time.perf_counter()
    with con:
        con.executemany(
            "INSERT INTO fts(id, title, abstract) VALUES (?, ?, ?)",
            ((d["id"], d["title"], d["abstract"]) for d in docs),
        )
    return con, len(docs) / (time.perf_counter() - t0)


def fts5_query(con, q: str) -> list[str]:
    q = q.strip()
    if len(q) >= 3:
        phrase = '"' + q.replace('"', '""') + '"'
        rows = con.execute(
            "SELECT id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 10", (phrase,)
        ).fetchall()
    else:
        # SQLite's trigram index silently finds nothing for < 3 characters:
        # force a scan; title matches first, then by occurrences in the abstract.
        like = f"%{q}%"
        rows = con.execute(
            "SELECT id FROM fts WHERE title||'' LIKE ? OR abstract||'' LIKE ? "
            "ORDER BY (title||'' LIKE ?) DESC, "
            "(length(abstract) - length(replace(abstract, ?, ''))) DESC, rowid LIMIT 10",
            (like, like, like, q),
        ).fetchall()
    return [r[0] for r in rows]


def fts5_eval(con, queries):
    lat, rec, mrr = [], [], []
    for row in queries:
        t0 = time.perf_counter()
        ids = fts5_query(con, row["query"])
        lat.append((time.perf_counter() - t0) * 1000)
        rel = _judgements(row)
        if rel:
            r, rr, _ = metrics_at_k(ids, rel)
            rec.append(r)
            mrr.append(rr)
    return lat, rec, mrr


def mean(v):
    return round(sum(v) / len(v), 4) if v else 0.0


def main():
    import argparse
    import shutil

    parser = argparse.ArgumentParser(description="Search benchmark (one JSON line).")
    parser.add_argument("--size", choices=("12k", "120k", "both"), default="both",
                        help="the dev data, the 120k corpus made from it, or both (default)")
    size = parser.parse_args().size
    whoosh_patch.install()  # as the app's init_app does
    docs = list(load_patent_csv(DATA / "patents_dev.csv"))
    queries = load_queries_csv(DATA / "queries_dev.csv")
    kq = [q for q in queries if q["query_type"] == "keyphrase"]
    dq = [q for q in queries if q["query_type"] == "sme_requirement"]
    out = {"docs_12k": len(docs)}

    out["jieba_docs_per_s"] = round(jieba_speed(docs), 1)
    if size in ("12k", "both"):
        rate, ix12 = time_build(docs)
        out["docs_per_s_12k"] = round(rate, 1)
        out["build_vs_jieba"] = round(rate / out["jieba_docs_per_s"], 3)

        lat, rec, mrr = page_latency(ix12, kq)
        out["page_p50_ms_12k"] = round(percentile(lat, 50), 2)
        out["page_p95_ms_12k"] = round(percentile(lat, 95), 2)
        out["recall_at_10"] = mean(rec)
        out["mrr_at_10"] = mean(mrr)
        dl = demand_latency(ix12, dq)
        out["demand_p95_ms_12k"] = round(percentile(dl, 95), 2)

        con, frate = fts5_build(docs)
        out["fts5_docs_per_s_12k"] = round(frate, 1)
        flat, frec, fmrr = fts5_eval(con, kq)
        out["fts5_p50_ms_12k"] = round(percentile(flat, 50), 2)
        out["fts5_p95_ms_12k"] = round(percentile(flat, 95), 2)
        out["fts5_recall_at_10"] = mean(frec)
        out["fts5_mrr_at_10"] = mean(fmrr)
        con.close()
        close_all()
        shutil.rmtree(ix12, ignore_errors=True)

    if size in ("120k", "both"):
        big = make_120k(docs)
        out["docs_120k"] = len(big)
        rate, ix120 = time_build(big)
        out["docs_per_s_120k"] = round(rate, 1)
        lat, _, _ = page_latency(ix120, kq)
        out["page_p50_ms_120k"] = round(percentile(lat, 50), 2)
        out["page_p95_ms_120k"] = round(percentile(lat, 95), 2)
        dl = demand_latency(ix120, dq)
        out["demand_p50_ms_120k"] = round(percentile(dl, 50), 2)
        out["demand_p95_ms_120k"] = round(percentile(dl, 95), 2)
        close_all()
        shutil.rmtree(ix120, ignore_errors=True)
    print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
