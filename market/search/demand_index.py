"""The demand index's document kind: its Whoosh schema, fields and lookup table.

Technology demands are searched with the listings' engine (same Chinese analyser, same
ranking of ``title`` and ``content``) in an index directory of their own
(:class:`market.search.demand_search.DemandSearchService`). The text fields have the
listing schema's names and analyser, so the listing query code (word boundaries,
BM25F re-ranking, highlights) runs on it unchanged; the facet column holds what the board
filters and counts on, visibility and owner included (a searcher never needs the database
to know what a viewer may see).
"""
from __future__ import annotations

from array import array

from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from ..domain.demands import budget_bucket
from .analysis import PreTokenized, chinese_analyzer, ipc_keys, segment_weighted
from .index.documents import FIELD_SEP, text_or_empty, timestamp
from .index.kinds import DocKind, register

# Bumped when the fields change: `flask search sync` rebuilds a demand index of another version.
DEMAND_SCHEMA_VERSION = 1
SNIPPET_STORED = 300  # characters of the description a result card can show


def build_demand_schema() -> Schema:
    ana = chinese_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=ana, phrase=False, stored=True),
        content=TEXT(analyzer=ana, phrase=False),  # the description
        abstract=STORED(),  # the description's start, for the snippet
        ipc=KEYWORD(lowercase=False, scorable=False),
        owner=STORED(),
        card=STORED(),
        facets=COLUMN(VarBytesColumn()),
    )


def demand_fields(doc: dict) -> dict:
    """``writer.add_document`` arguments of a demand document
    (:func:`market.search.demand_search.demand_document`)."""
    title = text_or_empty(doc.get("title")).strip()
    description = text_or_empty(doc.get("description")).strip()
    ipc_terms = set()
    for code in doc.get("ipc") or []:
        ipc_terms |= ipc_keys(code)
    fields = {
        "id": text_or_empty(doc.get("id")),
        "title": PreTokenized(title, *segment_weighted(title)), "_stored_title": title,
        "content": PreTokenized("", *segment_weighted(description)),
        "abstract": description[:SNIPPET_STORED],
        "ipc": " ".join(sorted(ipc_terms)),
        "owner": text_or_empty(doc.get("owner")),
        "card": dict(doc.get("card") or {}),
        "facets": facets_column(doc).encode("utf-8"),
    }
    return fields


def facets_column(doc: dict) -> str:
    """id, visibility, owner organisation, industry, budget bucket, wanted kind, published
    (read back by position in :class:`DemandTable`)."""
    return FIELD_SEP.join([
        text_or_empty(doc.get("id")),
        text_or_empty(doc.get("visibility")) or "public",
        text_or_empty(doc.get("owner_org_id")) or "0",
        text_or_empty(doc.get("industry")) or "other",
        budget_bucket(bool(doc.get("budget_negotiable")), doc.get("budget_min_fen"),
                      doc.get("budget_max_fen")),
        text_or_empty(doc.get("wanted_kind")) or "any",
        repr(timestamp(doc.get("published_at"))),
    ])


class DemandTable:
    """Per-docnum board data of a demand searcher: who may see it, its facet values (as a
    number into ``combos``: (industry, budget bucket, wanted kind)) and publication time."""

    __slots__ = ("ids", "restricted", "owner", "combo", "combos", "published")

    def __init__(self, raw_values: list[bytes | None]):
        n = len(raw_values)
        self.ids = [""] * n
        self.restricted = bytearray(b"\x01" * n)  # a document without data shows to no one
        self.owner = array("q", bytes(8 * n))
        self.combo = array("I", bytes(4 * n))
        self.published = array("d", bytes(8 * n))
        combos: dict[tuple, int] = {}
        for docnum, raw in enumerate(raw_values):
            if not raw:
                self.combo[docnum] = combos.setdefault(("other", "", ""), len(combos))
                continue
            fields = raw.decode("utf-8").split(FIELD_SEP)
            self.ids[docnum] = fields[0]
            self.restricted[docnum] = fields[1] != "public"
            self.owner[docnum] = int(fields[2]) if fields[2].isdigit() else 0
            self.combo[docnum] = combos.setdefault((fields[3], fields[4], fields[5]),
                                                   len(combos))
            try:
                self.published[docnum] = float(fields[6])
            except ValueError:
                self.published[docnum] = 0.0
        self.combos = [key for key, _ in sorted(combos.items(), key=lambda kv: kv[1])]


DEMAND = register(DocKind(
    name="demand", schema_version=DEMAND_SCHEMA_VERSION, build_schema=build_demand_schema,
    fields=demand_fields,
    table=DemandTable))
