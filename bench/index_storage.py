"""What reading the index without memory maps costs: prints ONE JSON line.

    .venv/bin/python bench/index_storage.py            # data from ../shared/data
    SHARED_DATA=/path/to/data .venv/bin/python bench/index_storage.py

Builds the index of the dev patents (12k) once, then runs the keyphrase queries as the
search page does (top 10, facets, highlights) alternately through Whoosh's memory-mapped
``FileStorage`` and through ``market.search.storage.PreadStorage`` (what the app uses: a
truncated segment file raises instead of killing the process with SIGBUS), several rounds
each in the same process, so both see the same machine load. Figures in milliseconds.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh import index as whoosh_index  # noqa: E402

from market.search import index as engine  # noqa: E402
from market.search.evaluate import load_patent_csv, load_queries_csv, percentile  # noqa: E402
from market.search.index import reader, whoosh_patch  # noqa: E402
from market.search.query import search  # noqa: E402
from market.search.storage import open_generation  # noqa: E402

DATA = Path(os.environ.get("SHARED_DATA") or (ROOT.parent / "shared" / "data"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
OPENERS = {"mmap": lambda gen: whoosh_index.open_dir(str(gen)), "pread": open_generation}


def run(index_dir: str, queries: list[str], mode: str) -> tuple[list[float], float]:
    reader.open_generation = OPENERS[mode]  # what Snapshot opens the index with
    engine.close_all()
    holder = engine.open_index(index_dir)
    t0 = time.perf_counter()
    search(holder, "测试")  # open + lookup table
    opened = (time.perf_counter() - t0) * 1000
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        search(holder, q, per_page=10)
        lat.append((time.perf_counter() - t0) * 1000)
    return lat, opened


def main() -> None:
    whoosh_patch.install()  # as the app's init_app does
    docs = list(load_patent_csv(DATA / "patents_dev.csv"))
    queries = [q["query"] for q in load_queries_csv(DATA / "queries_dev.csv")
               if q["query_type"] == "keyphrase"]
    index_dir = tempfile.mkdtemp(prefix="bench-storage-")
    try:
        engine.build_index(index_dir, docs)
        lat = {mode: [] for mode in OPENERS}
        opened = {mode: [] for mode in OPENERS}
        for _ in range(ROUNDS):
            for mode in OPENERS:
                values, open_ms = run(index_dir, queries, mode)
                lat[mode] += values
                opened[mode].append(open_ms)
        out = {"docs": len(docs), "queries": len(queries), "rounds": ROUNDS}
        for mode in OPENERS:
            out[f"{mode}_page_p50_ms"] = round(percentile(lat[mode], 50), 2)
            out[f"{mode}_page_p95_ms"] = round(percentile(lat[mode], 95), 2)
            out[f"{mode}_open_ms"] = round(min(opened[mode]), 1)
        out["p50_cost"] = round(out["pread_page_p50_ms"] / out["mmap_page_p50_ms"], 3)
        out["p95_cost"] = round(out["pread_page_p95_ms"] / out["mmap_page_p95_ms"], 3)
        print(json.dumps(out), flush=True)
    finally:
        engine.close_all()
        shutil.rmtree(index_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
