"""The search index: documents in (``documents``), the index directory and its generations
(``generations``), the bulk build, writes and compaction (``writer``), the searcher holder
(``reader``) and a speed-up patch to Whoosh (``whoosh_patch``, installed by
``market.search.init_app``). Files are read through ``market.search.storage``.

The names below are the index's public API (``from market.search import index as engine``
in ``market.search.service``, the tests and the benchmarks).
"""

from .documents import prepare_document
from .generations import IndexNotBuilt, current_generation
from .reader import IndexBroken, SearchIndex, Snapshot, close_all, open_index
from .writer import (
    MAX_SEGMENTS,
    add_documents,
    build_index,
    compact,
    delete_document,
    segment_count,
    update_document,
    write_ops,
)

__all__ = [
    "MAX_SEGMENTS",
    "IndexBroken",
    "IndexNotBuilt",
    "SearchIndex",
    "Snapshot",
    "add_documents",
    "build_index",
    "close_all",
    "compact",
    "current_generation",
    "delete_document",
    "open_index",
    "prepare_document",
    "segment_count",
    "update_document",
    "write_ops",
]
