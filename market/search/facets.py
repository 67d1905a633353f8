"""Filters and facet counts, answered from the lookup table a searcher builds when it opens
(:class:`market.search.index.reader.FacetTable`; no Whoosh ``groupedby``)."""

from __future__ import annotations

from collections import Counter

from whoosh import query as whoosh_query

from .analysis import normalise_ipc
from .index.documents import FIELD_SEP
from .index.reader import Snapshot
from .schema import FEE_BUCKETS, INDUSTRIES

FACETS = ("industry", "patent_type", "offer_kinds", "open_licence", "fee", "owner", "district")


def _as_set(value) -> set[str] | None:
    """A filter's values as a set of strings; None when the filter is not set."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return {str(x) for x in value if x is not None and str(x) != ""} or None
    return {str(value)}


def _truthy(value) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y")
    return bool(value)


def _is_set(value) -> bool:
    return value not in (None, "")


def ipc_docs(snap: Snapshot, codes: list[str]) -> set[int]:
    """Docnums classified under any of the IPC ``codes`` (prefixes)."""
    searcher = snap.searcher
    docs: set[int] = set()
    for code in codes:
        docs |= set(searcher.docs_for_query(whoosh_query.Prefix("ipc", code)))
    return docs


def filter_docs(snap: Snapshot, docs: set[int], filters: dict | None) -> set[int]:
    """The docnums of ``docs`` that pass ``filters`` (the search page's filter parameters)."""
    if not filters:
        return docs
    table = snap.table
    wanted_ids = _as_set(filters.get("ids"))
    if wanted_ids is not None:  # restrict to these documents (saved-search alerts)
        ids = table.ids
        docs = {d for d in docs if ids[d] in wanted_ids}
    docs = _filter_combos(table, docs, filters)
    docs = _filter_owners(table, docs, filters)
    docs = _filter_range(table.fee, docs, filters.get("fee_min"), filters.get("fee_max"),
                         -1, 1 << 62)
    docs = _filter_range(table.filing_year, docs, filters.get("filing_year_min"),
                         filters.get("filing_year_max"), 0, 9999)
    if filters.get("ipc"):
        codes = [c for c in (normalise_ipc(x) for x in _as_set(filters["ipc"]) or ()) if c]
        docs &= ipc_docs(snap, codes)
    return docs


def _filter_combos(table, docs: set[int], filters: dict) -> set[int]:
    """The filters on the (industry, type, status, offers, open licence, fee bucket,
    district) combination: decided once per combination, then looked up per document."""
    industries = _as_set(filters.get("industry"))
    patent_types = _as_set(filters.get("patent_type"))
    statuses = _as_set(filters.get("legal_status"))
    offer_kinds = _as_set(filters.get("offer_kinds"))
    open_licence = _truthy(filters.get("open_licence"))
    fee_buckets = _as_set(filters.get("fee"))
    districts = _as_set(filters.get("district"))
    passes = []
    for industry, patent_type, status, offers, is_open, fee_bucket, district in table.combos:
        passes.append(
            (industries is None or industry in industries)
            and (patent_types is None or patent_type in patent_types)
            and (statuses is None or status in statuses)
            and (offer_kinds is None or bool(offer_kinds.intersection(offers)))
            and (open_licence is None or is_open == open_licence)
            and (fee_buckets is None or fee_bucket in fee_buckets)
            and (districts is None or district in districts)
        )
    combo = table.combo
    if not all(passes):
        docs = {d for d in docs if passes[combo[d]]}
    return docs


def _filter_owners(table, docs: set[int], filters: dict) -> set[int]:
    names = _as_set(filters.get("owner"))
    owner_ids = _as_set(filters.get("owner_id"))
    if not (names or owner_ids):
        return docs
    allowed = set()
    for number, owner in enumerate(table.owners):
        name, _, owner_id = owner.partition(FIELD_SEP)
        if (names and (name in names or owner in names)) or (owner_ids and owner_id in owner_ids):
            allowed.add(number)
    owner_of = table.owner
    return {d for d in docs if owner_of[d] in allowed}


def _filter_range(values, docs: set[int], low, high, lowest: int, highest: int) -> set[int]:
    if not (_is_set(low) or _is_set(high)):
        return docs
    low = int(low) if _is_set(low) else lowest
    high = int(high) if _is_set(high) else highest
    return {d for d in docs if low <= values[d] <= high}


def facet_counts(snap: Snapshot, docs: set[int], owner_top: int = 20) -> dict:
    """How many of ``docs`` fall in each value of each facet (:data:`FACETS`)."""
    table = snap.table
    per_combo = Counter(map(table.combo.__getitem__, docs))
    industry, patent_type, offer_kinds = Counter(), Counter(), Counter()
    open_licence, fee, district = Counter(), Counter(), Counter()
    for combo_number, n in per_combo.items():
        ind, ptype, _status, offers, is_open, fee_bucket, dist = table.combos[combo_number]
        industry[ind] += n
        if ptype:
            patent_type[ptype] += n
        for kind in offers:
            offer_kinds[kind] += n
        open_licence["true" if is_open else "false"] += n
        fee[fee_bucket] += n
        if dist:
            district[dist] += n
    return {
        "industry": _facet(industry, INDUSTRIES),
        "patent_type": _facet(patent_type),
        "offer_kinds": _facet(offer_kinds),
        "open_licence": _facet(open_licence, ("true", "false")),
        "fee": _facet(fee, [bucket[0] for bucket in FEE_BUCKETS]),
        "owner": _owner_facet(table, docs, owner_top),
        "district": _facet(district),
    }


def _facet(counter: Counter, order=None) -> list[dict]:
    if order:
        return [{"value": k, "label": k, "count": counter[k]} for k in order if counter.get(k)]
    return [{"value": k, "label": k, "count": n} for k, n in counter.most_common()]


def _owner_facet(table, docs: set[int], owner_top: int) -> list[dict]:
    per_owner = Counter(map(table.owner.__getitem__, docs))
    owners = []
    for owner_number, n in per_owner.most_common(owner_top + 1):
        if owner_number == 0:
            continue
        name, _, owner_id = table.owners[owner_number].partition(FIELD_SEP)
        owners.append({"value": owner_id or name, "label": name, "count": n})
    return owners[:owner_top]
