"""Document kinds: what one index directory holds (listings, or technology demands).

The generations, the writer lock, the bulk build, single-document writes and the searcher
holder are the same for every kind; a kind brings its Whoosh schema (and its version), how
an app document becomes Whoosh field values, and the lookup table a searcher builds from
the ``facets`` column. A generation records its kind in ``meta.json`` (written by
:func:`market.search.index.build_index`), so writers and readers of an index directory
need not be told which kind it holds.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..schema import SCHEMA_VERSION, build_schema
from .documents import doc_keywords, prepare_document, whoosh_fields
from .generations import read_meta


@dataclass(frozen=True)
class DocKind:
    name: str
    schema_version: int
    build_schema: Callable
    fields: Callable[[dict], dict]  # app document -> ``writer.add_document`` keyword arguments
    table: Callable[[list], object]  # raw ``facets`` column values -> the lookup table
    keywords: Callable[[Iterable[dict]], set[str]] = lambda docs: set()


def _listing_table(raw):
    from .reader import FacetTable  # deferred: the cycle with .reader (it imports this module)
    return FacetTable(raw)


LISTING = DocKind(
    name="listing", schema_version=SCHEMA_VERSION, build_schema=build_schema,
    fields=lambda doc: whoosh_fields(prepare_document(doc)),
    table=_listing_table, keywords=doc_keywords)

_KINDS: dict[str, DocKind] = {"listing": LISTING}
# kinds defined outside this package, imported when a generation of theirs is first opened
_MODULES = {"demand": "market.search.demand_index"}


def register(kind: DocKind) -> DocKind:
    _KINDS[kind.name] = kind
    return kind


def kind_named(name: str) -> DocKind:
    if name not in _KINDS and name in _MODULES:
        importlib.import_module(_MODULES[name])
    return _KINDS[name]


def kind_of(gen: Path) -> DocKind:
    """The kind of a generation (one built before kinds existed holds listings)."""
    return kind_named(read_meta(gen).get("kind", LISTING.name))
