"""Demand matching benchmark, both directions: prints ONE JSON line.

    .venv/bin/python bench/demands.py            # data from ../shared/data
    SHARED_DATA=/path/to/data .venv/bin/python bench/demands.py

With the 12k real patents (``patents_dev.csv``) indexed as listings and 2,000 published
demands (the 296 real SME technology-demand texts of ``queries_dev.csv``, plus variants made
of their sentences reshuffled, as bench/search.py makes its 120k corpus), it times what the
app runs:

* ``demand_to_listings``: a demand the centre publishes, matched against the listings
  (:func:`market.search.demand_terms.match_demand`: the demand matcher's top 30 and the
  demand's key terms, from one index snapshot), over every real demand text;
* ``listing_to_demands``: a listing newly published, cut as the index cuts it and looked up
  in the open demands' key terms (:class:`market.search.demand_terms.DemandTermIndex`), over
  500 listings drawn from the corpus (with abstracts where they have one);
* ``demand_search``: the demand board's search (:func:`market.search.demand_search.
  search_demands`, facets and first page included) over the 2,000 demands in their own
  index, for every judged keyphrase query, every other one with a facet chosen.
  ``--search-only`` runs this part alone (no listing index: a short run).

Figures: wall-clock p50/p95 in milliseconds (the targets), the same runs' CPU time p95
(``*_cpu_p95_ms``: what a run costs on an idle core; the wall figures include waiting for the
CPU on a shared machine, whose load average is printed too), the set-up (index build, the
demands' key terms) and how many demands a listing reaches on average.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from market.domain.demands import LISTING_MIN_SHARE, MATCHES_KEPT  # noqa: E402
from market.search.demand_index import DEMAND  # noqa: E402
from market.search.demand_search import Viewer, search_demands  # noqa: E402
from market.search.demand_terms import (  # noqa: E402
    DemandMatch,
    DemandTermIndex,
    lasting_terms,
    listing_terms,
    match_demand,
)
from market.search.evaluate import load_patent_csv, load_queries_csv, percentile  # noqa: E402
from market.search.index import build_index, close_all, open_index  # noqa: E402
from market.search.index.reader import with_snapshot  # noqa: E402

DATA = Path(os.environ.get("SHARED_DATA") or (ROOT.parent / "shared" / "data"))
N_DEMANDS = 2000
N_LISTINGS = 500
_SENT = re.compile(r"(?<=[。；;！？!?，,])")


def demand_texts(rows, n: int, seed: int = 11) -> list[str]:
    """The real demand texts, then variants of their sentences reshuffled, ``n`` in all."""
    real = [r["query_detail"] for r in rows if r.get("query_detail")]
    sentences = [s for t in real for s in _SENT.split(t) if s.strip()]
    rnd = random.Random(seed)
    out = list(real)
    while len(out) < n:
        k = len([s for s in _SENT.split(rnd.choice(real)) if s.strip()])
        out.append("".join(rnd.choice(sentences) for _ in range(max(2, k))))
    return out[:n]


class Timer:
    """Wall-clock and CPU milliseconds of each run."""

    def __init__(self):
        self.wall, self.cpu = [], []

    def __enter__(self):
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall.append((time.perf_counter() - self._wall) * 1000)
        self.cpu.append((time.process_time() - self._cpu) * 1000)

    def figures(self, name: str) -> dict:
        return {f"{name}_runs": len(self.wall),
                f"{name}_p50_ms": round(percentile(self.wall, 50), 2),
                f"{name}_p95_ms": round(percentile(self.wall, 95), 2),
                f"{name}_cpu_p95_ms": round(percentile(self.cpu, 95), 2)}


def demand_documents(texts: list[str], seed: int = 3) -> list[dict]:
    """The demand index's documents of ``texts``: a title cut from the text, facet values
    drawn at random, one in five restricted to universities and institutes."""
    from market.domain.demands import WANTED_KINDS
    from market.search.schema import INDUSTRIES
    rnd = random.Random(seed)
    docs = []
    for n, text in enumerate(texts):
        negotiable = rnd.random() < 0.4
        high = None if negotiable else rnd.choice((5, 50, 500, 5000)) * 1_000_000
        docs.append({"id": str(n + 1), "title": _SENT.split(text)[0][:40], "description": text,
                     "owner": "企业", "owner_org_id": n % 97 + 1,
                     "visibility": "licensors" if rnd.random() < 0.2 else "public",
                     "industry": rnd.choice(INDUSTRIES), "wanted_kind": rnd.choice(WANTED_KINDS),
                     "budget_negotiable": negotiable, "budget_min_fen": None,
                     "budget_max_fen": high, "published_at": 1.7e9 + n * 60, "card": {}})
    return docs


def demand_search_figures(rows, texts: list[str]) -> dict:
    tmp = tempfile.mkdtemp(prefix="bench-demand-search-")
    t0 = time.perf_counter()
    build_index(tmp, demand_documents(texts), kind=DEMAND)
    out = {"demand_index_build_s": round(time.perf_counter() - t0, 1)}
    holder = open_index(tmp)
    search_demands(holder, "锂电池")  # open the searcher and its lookup table
    queries = [r["query"] for r in rows if r.get("query_type") == "keyphrase" and r["query"]]
    timer, viewer = Timer(), Viewer(False)
    for n, q in enumerate(queries):
        filters = {"budget": "negotiable"} if n % 2 else {}
        with timer:
            search_demands(holder, q, filters, viewer=viewer)
    out.update(timer.figures("demand_search"))
    return out


def main() -> None:
    rows = load_queries_csv(DATA / "queries_dev.csv")
    if "--search-only" in sys.argv[1:]:
        texts = demand_texts(rows, N_DEMANDS)
        out = {"demands": len(texts), **demand_search_figures(rows, texts)}
        out["load_average_1min"] = round(os.getloadavg()[0], 2)
        close_all()
        print(json.dumps(out, ensure_ascii=False))
        return
    docs = list(load_patent_csv(DATA / "patents_dev.csv"))
    out: dict = {"listings": len(docs)}

    tmp = tempfile.mkdtemp(prefix="bench-demands-")
    t0 = time.perf_counter()
    build_index(tmp, docs)
    out["index_build_s"] = round(time.perf_counter() - t0, 1)
    holder = open_index(tmp)
    match_demand(holder, "测试锂电池低温续航")  # open the searcher and its lookup table

    texts = demand_texts(rows, N_DEMANDS)
    out["demands"] = len(texts)
    t0 = time.perf_counter()
    stored = with_snapshot(holder, lambda snap: [
        DemandMatch(None, lasting_terms(snap, t)).stored_terms() for t in texts])
    demands = DemandTermIndex(LISTING_MIN_SHARE)
    for demand_id, terms in enumerate(stored):
        demands.add(demand_id, terms)
    out["demand_terms_build_s"] = round(time.perf_counter() - t0, 1)

    real = [r["query_detail"] for r in rows if r.get("query_detail")]
    timer = Timer()
    for text in real:
        with timer:
            match_demand(holder, text, top=MATCHES_KEPT)
    out.update(timer.figures("demand_to_listings"))

    rnd = random.Random(5)
    with_abstract = [d for d in docs if d["abstract"]]
    sample = rnd.sample(with_abstract, N_LISTINGS // 2) + rnd.sample(docs, N_LISTINGS // 2)
    timer, reached = Timer(), []
    for d in sample:
        with timer:
            found = demands.match(listing_terms(d["title"], d["abstract"]))
        reached.append(len(found))
    out.update(timer.figures("listing_to_demands"))
    out["demands_reached_per_listing_mean"] = round(sum(reached) / len(reached), 2)
    out.update(demand_search_figures(rows, texts))
    out["load_average_1min"] = round(os.getloadavg()[0], 2)
    close_all()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
