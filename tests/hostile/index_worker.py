"""Child process of test_index: searches through the app while the index is damaged.

Usage: ``python tests/hostile/index_worker.py MODE Q1 Q2 ...`` with ``INDEX_DATABASE_URL``
and ``INDEX_DIR`` in the environment. MODE ``live``: the first search opens the index, then
this process truncates every segment file of it (as a damaged disk would) and searches on.
MODE ``restart``: the index was damaged before this process started. Prints one JSON line
per search, then ``{"opened": N}``: how many times a searcher was opened. A SIGBUS kills the
process before the last line (pytest itself stays alive).
"""
import json
import os
import sys
from pathlib import Path

from market import create_app
from market.config import TestConfig
from market.search import index as engine


def truncate_segments(index_dir: str) -> None:
    for segment in engine.current_generation(index_dir).glob("*.seg"):
        os.truncate(segment, segment.stat().st_size // 2)


def main(mode: str, queries: list[str]) -> None:
    opened = []
    real_init = engine.Snapshot.__init__

    def counting_init(self, gen: Path):
        opened.append(gen)
        real_init(self, gen)

    engine.Snapshot.__init__ = counting_init
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=os.environ["INDEX_DATABASE_URL"],
                     SEARCH_INDEX_DIR=os.environ["INDEX_DIR"], SEARCH_SYNC_AFTER_COMMIT=False,
                     SEARCH_PAGE_CACHE=False)
    client = app.test_client()
    for n, q in enumerate(queries):
        with app.app_context():
            response = client.get("/search/", query_string={"q": q})
        page = response.get_data(as_text=True)
        print(json.dumps({"q": q, "status": response.status_code,
                          "degraded": "search-degraded" in page, "page": page},
                         ensure_ascii=False), flush=True)
        if mode == "live" and n == 0:
            truncate_segments(os.environ["INDEX_DIR"])
    print(json.dumps({"opened": len(opened)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
