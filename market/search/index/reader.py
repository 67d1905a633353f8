"""Reading the index: the searcher holder, its snapshots and broken-index detection.

:class:`SearchIndex` holds an open searcher plus the facet lookup table of one index
directory and reopens them when the index changes; readers take reference-counted
snapshots so a searcher is only closed once nobody uses it. An index that cannot be read
is marked broken (:class:`IndexBroken`) and not reopened until it changes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from whoosh.reading import ReaderClosed

from ..schema import fee_bucket, make_weighting
from ..storage import open_generation
from .documents import FIELD_SEP, LIST_SEP, as_int
from .generations import IndexNotBuilt, current_generation, load_vocab, require_current_generation
from .kinds import kind_of

_log = logging.getLogger("market.search")
T = TypeVar("T")
DOC_FREQUENCY_CACHE = 200_000  # (field, term) document frequencies kept per snapshot


class IndexBroken(RuntimeError):
    """The current index cannot be read (a damaged or truncated file). Raised at once, without
    reopening the files, until the index changes (``flask search sync`` or ``reindex``
    rebuilds it). Not an OSError: callers that retry on OSError must not retry this."""


class FacetTable:
    """Per-docnum facet/sort data, decoded once per opened searcher from the ``facets``
    column (written by :func:`market.search.index.documents.prepare_document`)."""

    __slots__ = (
        "ids",
        "combo",
        "combos",
        "owner",
        "owners",
        "fee",
        "listed",
        "filing_year",
        "numbers",
    )

    def __init__(self, raw_values: list[bytes | None]):
        n = len(raw_values)
        ids = [""] * n
        combo = array("I", bytes(4 * n))
        owner = array("I", bytes(4 * n))
        fee = array("q", bytes(8 * n))
        listed = array("d", bytes(8 * n))
        filing_year = array("i", bytes(4 * n))
        numbers: dict[str, int] = {}
        combos: dict[tuple, int] = {}
        owners: dict[str, int] = {"": 0}
        for docnum, raw in enumerate(raw_values):
            if not raw:
                combo[docnum] = combos.setdefault(("other", "", "", (), False, "0", ""),
                                                  len(combos))
                continue
            fields = raw.decode("utf-8").split(FIELD_SEP)
            ids[docnum] = fields[0]
            upfront_fee = as_int(fields[6])
            key = (
                fields[1],  # industry
                fields[2],  # patent type
                fields[3],  # legal status
                tuple(fields[4].split(LIST_SEP)) if fields[4] else (),  # offer kinds
                fields[5] == "1",  # open licence
                fee_bucket(upfront_fee),
                fields[7],  # district
            )
            combo_number = combos.get(key)
            if combo_number is None:
                combo_number = combos[key] = len(combos)
            combo[docnum] = combo_number
            name = f"{fields[8]}{FIELD_SEP}{fields[9]}" if fields[9] else fields[8]
            owner_number = owners.get(name)
            if owner_number is None:
                owner_number = owners[name] = len(owners)
            owner[docnum] = owner_number
            fee[docnum] = upfront_fee
            try:
                listed[docnum] = float(fields[11])
            except ValueError:
                listed[docnum] = 0.0
            filing_year[docnum] = as_int(fields[10])
            if len(fields) > 14 and fields[14]:
                for number_key in fields[14].split(" "):
                    numbers[number_key] = docnum
        self.ids = ids
        self.combo = combo
        self.combos = [k for k, _ in sorted(combos.items(), key=lambda kv: kv[1])]
        self.owner = owner
        self.owners = [k for k, _ in sorted(owners.items(), key=lambda kv: kv[1])]
        self.fee = fee
        self.listed = listed
        self.filing_year = filing_year
        self.numbers = numbers


class Snapshot:
    """An open searcher of one index state plus its lookup table."""

    def __init__(self, gen: Path):
        self.gen = gen
        self.ix = open_generation(gen)
        try:
            self.searcher = self.ix.searcher(weighting=make_weighting())
            reader = self.searcher.reader()
            self.files = _file_stamps(gen, _segment_prefixes(reader))
            n = reader.doc_count_all()
            if reader.has_column("facets"):
                column = reader.column_reader("facets")
                raw = [column[i] for i in range(n)]
            else:
                raw = [None] * n
            self.kind = kind_of(gen)
            self.table = self.kind.table(raw)
        except BaseException:
            self.ix.close()
            raise
        self.doc_count = reader.doc_count()
        self.refs = 0
        self.retired = False
        self._lock = threading.Lock()
        self.opened_at = time.monotonic()
        self.norms_cache = {}  # (segment reader id, field) -> BM25 length normalisers
        self._doc_frequencies: dict[tuple[str, str], int] = {}

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Documents holding ``term`` in ``fieldname`` (deleted ones included, as Whoosh
        counts), kept for the snapshot's life: a lookup reads the index's term table (a few
        reads of the file), and the same words come back query after query (bounded by
        :data:`DOC_FREQUENCY_CACHE`, emptied when full)."""
        key = (fieldname, term)
        df = self._doc_frequencies.get(key)
        if df is None:
            df = self.searcher.reader().doc_frequency(fieldname, term)
            if len(self._doc_frequencies) >= DOC_FREQUENCY_CACHE:
                self._doc_frequencies.clear()  # threads share it: no eviction order to keep
            self._doc_frequencies[key] = df
        return df

    def acquire(self):
        with self._lock:
            self.refs += 1

    def release(self):
        with self._lock:
            self.refs -= 1
            close = self.retired and self.refs <= 0
        if close:
            self._close()

    def retire(self):
        with self._lock:
            self.retired = True
            close = self.refs <= 0
        if close:
            self._close()

    def _close(self):
        with contextlib.suppress(Exception):
            self.searcher.close()
        with contextlib.suppress(Exception):
            self.ix.close()

    def up_to_date(self) -> bool:
        try:
            return self.searcher.up_to_date()
        except (ReaderClosed, OSError, ValueError):
            return False

    def damaged(self) -> bool:
        """True when a file this searcher reads was changed in place since it was opened
        (truncated, overwritten). Whoosh never does that: it writes new segment files and
        deletes old ones (a deleted file stays readable through the open descriptor)."""
        now = _file_stamps(self.gen, tuple(self.files))
        return any(name in now and now[name][0] == inode and now[name] != (inode, *rest)
                   for name, (inode, *rest) in self.files.items())


def _segment_prefixes(reader) -> tuple[str, ...]:
    """File name prefixes of the segments ``reader`` reads (not of segments a concurrent
    writer is still writing: their files grow)."""
    prefixes = []
    for leaf, _ in reader.leaf_readers():
        segment = leaf.segment()  # None for an empty index
        if segment is not None:
            prefixes.append(segment.segment_id() + ".")
    return tuple(prefixes)


def _file_stamps(gen: Path, prefixes: tuple[str, ...]) -> dict[str, tuple[int, int, int]]:
    """(inode, size, mtime) of the files of ``gen`` whose names start with ``prefixes``."""
    stamps = {}
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(gen):
            if not prefixes or not entry.name.startswith(prefixes):
                continue
            with contextlib.suppress(FileNotFoundError):
                st = entry.stat()
                stamps[entry.name] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return stamps


def _state_key(gen: Path) -> tuple:
    """The index state on disk: its generation and table of contents (a commit writes a
    new ``_MAIN_<n>.toc``; a rebuild a new generation)."""
    with contextlib.suppress(FileNotFoundError):
        return gen.name, tuple(sorted(p.name for p in gen.glob("*.toc")))
    return gen.name, ()


class SearchIndex:
    """Holds the open searcher of an index directory and reopens it when
    the index changes (new generation swapped in, or documents written).

    Use ``with holder.snapshot() as snap:`` and read ``snap.searcher`` /
    ``snap.table`` inside the block."""

    def __init__(self, index_dir):
        self.index_dir = Path(index_dir)
        self._snap: Snapshot | None = None
        self._lock = threading.RLock()
        self._changed = False
        # (state key, reason) of an index found unreadable: refused without reopening it
        # until the index changes, so a damaged index costs one failed open per process
        self._broken: tuple[tuple, str] | None = None
        self.opens = 0  # searchers opened (tests check a broken index is not reopened)

    def _is_fresh(self, snap: Snapshot | None, gen: Path) -> bool:
        return snap is not None and snap.gen == gen and not self._changed and snap.up_to_date()

    def _current(self) -> Snapshot:
        gen = require_current_generation(self.index_dir)
        snap = self._snap
        if self._is_fresh(snap, gen):
            return snap
        with self._lock:
            snap = self._snap
            gen = current_generation(self.index_dir) or gen
            if self._is_fresh(snap, gen):
                return snap
            self._refuse_if_broken(gen)
            self._changed = False
            load_vocab(gen)
            try:
                new = self._open(gen)
            except Exception as exc:
                self._mark(gen, f"{type(exc).__name__}: {exc}")
                raise IndexBroken(self._broken[1]) from exc
            self._broken = None
            old, self._snap = self._snap, new
            if old is not None:
                old.retire()
            return new

    def _refuse_if_broken(self, gen: Path) -> None:
        if self._broken is not None and self._broken[0] == _state_key(gen):
            raise IndexBroken(self._broken[1])

    def _mark(self, gen: Path, reason: str) -> None:
        with self._lock:
            self._broken = (_state_key(gen), reason)
            old, self._snap = self._snap, None
        if old is not None:
            old.retire()
        _log.error("search index %s is unreadable (%s): searches fall back to the database "
                   "until `flask search sync` or `flask search reindex` rebuilds it", gen, reason)

    def is_broken(self) -> bool:
        """True while the current index is known to be unreadable."""
        gen = current_generation(self.index_dir)
        return gen is not None and self._broken is not None \
            and self._broken[0] == _state_key(gen)

    def verify(self) -> bool:
        """After a failed read: mark the index broken if a file of the open searcher was
        damaged under it (True), else leave it (the failure was the query's own)."""
        snap = self._snap
        if snap is None or not snap.damaged():
            return False
        self._mark(snap.gen, "an index file was changed in place (truncated or overwritten)")
        return True

    def _open(self, gen: Path) -> Snapshot:
        self.opens += 1
        for attempt in range(5):
            try:
                return Snapshot(gen)
            except (FileNotFoundError, ReaderClosed, OSError):
                # a concurrent write/merge replaced files under us: retry
                time.sleep(0.02 * (attempt + 1))
                gen = current_generation(self.index_dir) or gen
        return Snapshot(gen)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        snap = self._current()
        snap.acquire()
        try:
            yield snap
        finally:
            snap.release()

    def invalidate(self) -> None:
        """Force a reopen on next use (e.g. after ReaderClosed)."""
        self._changed = True

    def close(self) -> None:
        with self._lock:
            if self._snap is not None:
                self._snap.retire()
                self._snap = None


_holders: dict[str, SearchIndex] = {}
_holders_lock = threading.Lock()


def open_index(index_dir) -> SearchIndex:
    """The process-wide :class:`SearchIndex` of ``index_dir`` (cached)."""
    if isinstance(index_dir, SearchIndex):
        return index_dir
    key = str(Path(index_dir).resolve())
    with _holders_lock:
        holder = _holders.get(key)
        if holder is None:
            holder = _holders[key] = SearchIndex(key)
        return holder


def close_all() -> None:
    """Close every cached holder (tests, shutdown)."""
    with _holders_lock:
        holders = list(_holders.values())
        _holders.clear()
    for holder in holders:
        holder.close()


def notify_change(index_dir) -> None:
    """The index of ``index_dir`` was written: this process's holder reopens on next use."""
    holder = _holders.get(str(Path(index_dir).resolve()))
    if holder is not None:
        holder.invalidate()


def with_snapshot(index, read: Callable[[Snapshot], T]) -> T:
    """``read(snapshot)`` on ``index`` (a directory or a :class:`SearchIndex`), again on a
    fresh searcher when a rebuild or merge closed the one it had."""
    holder = open_index(index)
    for attempt in range(4):
        try:
            with holder.snapshot() as snap:
                return read(snap)
        except (ReaderClosed, OSError) as exc:
            # the searcher was closed, or its generation was removed by a
            # rebuild while we were reading: reopen on the current one
            if isinstance(exc, IndexNotBuilt) or attempt == 3:
                raise
            holder.invalidate()
