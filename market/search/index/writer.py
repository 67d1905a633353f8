"""Writing the index: the bulk build, single-document writes and compaction.

* :func:`build_index` builds a complete index into a new generation directory
  (jieba segmentation in Whoosh sub-writer processes, one commit), replays writes that
  happened meanwhile (the journal), then points ``current`` at it (atomic).
* :func:`write_ops` (and :func:`add_documents`, :func:`update_document`,
  :func:`delete_document`) take the writer lock (waiting, never raising LockError) and
  write to the current generation.
* :func:`compact` merges a generation with too many segments into one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import pickle
import shutil
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.multiproc import MpWriter, SubWriterTask

from ..analysis import add_domain_words, ensure_jieba
from ..storage import open_generation
from .generations import (
    JOURNAL,
    REBUILD_MARK,
    cleanup_generations,
    load_vocab,
    new_generation,
    require_current_generation,
    swap_current,
    write_lock,
    write_meta,
    write_vocab,
)
from .kinds import LISTING, DocKind, kind_named, kind_of
from .reader import notify_change

POOL_MIN_DOCS = 1500  # below this, segmenting in-process is faster than forking
MAX_SEGMENTS = 3  # `flask search sync` merges an index with more segments into one

# Whoosh codec for bulk builds (inline postings are broken in
# whoosh-reloaded 2.7.5: keep inlinelimit=1).
CODEC_ARGS = {"blocklimit": 128, "compression": 0, "inlinelimit": 1}


def _bulk_codec():
    from whoosh.codec.whoosh3 import W3Codec

    return W3Codec(**CODEC_ARGS)


# --------------------------------------------------------------------------
# bulk build
# --------------------------------------------------------------------------
def build_index(
    index_dir,
    docs: Iterable[dict],
    *,
    procs: int | None = None,
    chunk_size: int = 200,
    swap: bool = True,
    extra_words: Iterable[str] = (),
    limitmb: int = 256,
    kind: DocKind = LISTING,
) -> Path:
    """Build a complete index of ``docs`` into a new generation directory of
    ``index_dir`` and (``swap=True``) make it current atomically.

    Segmentation runs in ``procs`` worker processes (default: CPU count) when
    there are enough documents; the main process only feeds Whoosh; one commit.
    ``kind`` says what the documents are (listings unless told). Returns the generation
    directory."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    docs = list(docs)
    ensure_jieba()
    words = set(extra_words) | kind.keywords(docs)
    add_domain_words(sorted(words))

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    gen = new_generation(index_dir, stamp)
    write_vocab(gen, words)
    if swap:
        _start_rebuild(index_dir, gen)
    try:
        _write_generation(gen, docs, procs or os.cpu_count() or 1, chunk_size, limitmb, kind)
        write_meta(gen, kind=kind.name, schema_version=kind.schema_version,
                   doc_count=len(docs), built_at=stamp)
        if swap:
            _finish_rebuild(index_dir, gen)
    except BaseException:
        if swap:
            with contextlib.suppress(FileNotFoundError):
                (index_dir / REBUILD_MARK).unlink()
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return gen


def _start_rebuild(index_dir: Path, gen: Path) -> None:
    """From now on, single-document writes are journalled for the new generation too."""
    with write_lock(index_dir):
        (index_dir / REBUILD_MARK).write_text(gen.name)
        with contextlib.suppress(FileNotFoundError):
            (index_dir / JOURNAL).unlink()


def _finish_rebuild(index_dir: Path, gen: Path) -> None:
    with write_lock(index_dir):
        _replay_journal(index_dir, gen)
        swap_current(index_dir, gen)
        with contextlib.suppress(FileNotFoundError):
            (index_dir / REBUILD_MARK).unlink()
        with contextlib.suppress(FileNotFoundError):
            (index_dir / JOURNAL).unlink()
        cleanup_generations(index_dir)


def _write_generation(gen: Path, docs: list[dict], procs: int, chunk_size: int,
                      limitmb: int, kind: DocKind) -> None:
    ix = whoosh_index.create_in(str(gen), kind.build_schema())
    # The build allocates millions of small objects that live until the
    # commit: the cyclic GC only burns time here (the forked sub-writers
    # inherit this setting).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    parallel = procs > 1 and len(docs) >= POOL_MIN_DOCS
    if parallel:
        # Each sub-writer process prepares (segments), indexes and writes its own
        # segment (no serial final merge): the whole build runs in parallel.
        writer = _PreparingMpWriter(ix, kind.name, procs=procs, batchsize=chunk_size,
                                    multisegment=True, limitmb=limitmb, codec=_bulk_codec())
    else:
        writer = ix.writer(limitmb=limitmb, codec=_bulk_codec())
    try:
        if parallel:
            for doc in docs:
                writer.add_document(**doc)  # the app document: its sub-writer prepares it
        else:
            for doc in docs:
                writer.add_document(**kind.fields(doc))
    except BaseException:
        writer.cancel()
        if gc_was_enabled:
            gc.enable()
        raise
    writer.commit()
    if gc_was_enabled:
        gc.enable()
    with ix.searcher() as searcher:
        built = searcher.doc_count()
    ix.close()
    if built != len(docs):  # e.g. a sub-writer process died
        raise RuntimeError(f"search index build incomplete: {built} of {len(docs)} documents")


class _PreparingTask(SubWriterTask):
    """A Whoosh sub-writer process that is given app documents and turns them into field
    values itself (``kind.fields``: segmentation, and what is derived from it, such as the
    stored feedback terms) the way a single-document write does, so a bulk build and a
    write index a document alike and the text is segmented once, in parallel."""

    def __init__(self, *args, kind_name: str):
        super().__init__(*args)
        self.kind_name = kind_name

    def _process_file(self, filename, doc_count):
        # as SubWriterTask._process_file, with the document prepared first
        fields = kind_named(self.kind_name).fields
        writer = self.writer
        tempstorage = writer.temp_storage()
        with tempstorage.open_file(filename).raw_file() as f:
            for _ in range(doc_count):
                code, doc = pickle.load(f)  # noqa: S301 - the job file our parent wrote  # nosec B301
                assert code == 0  # Whoosh's only job code: add a document
                writer.add_document(**fields(doc))
        tempstorage.delete_file(filename)


class _PreparingMpWriter(MpWriter):
    """Whoosh's multi-process writer with :class:`_PreparingTask` sub-writers:
    ``add_document(**app_document)``."""

    def __init__(self, ix, kind_name: str, **kwargs):
        super().__init__(ix, **kwargs)
        self.kind_name = kind_name

    def _new_task(self):
        task = _PreparingTask(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                              self.subargs, self.multisegment, kind_name=self.kind_name)
        self.tasks.append(task)
        task.start()
        return task


# --------------------------------------------------------------------------
# single-document writes
# --------------------------------------------------------------------------
def _json_default(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return {"__dt__": value.isoformat()}
    raise TypeError(repr(value))


def _json_hook(obj):
    if "__dt__" in obj and len(obj) == 1:
        return dt.datetime.fromisoformat(obj["__dt__"])
    return obj


def _apply_ops(gen: Path, ops: list[tuple[str, object]]) -> None:
    fields = kind_of(gen).fields
    ix = open_generation(gen)
    try:
        writer = ix.writer(timeout=60.0, delay=0.05)
        try:
            for op, arg in ops:
                if op == "update":
                    writer.update_document(**fields(arg))
                elif op == "delete":
                    writer.delete_by_term("id", str(arg))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    finally:
        ix.close()


def _replay_journal(index_dir: Path, gen: Path) -> None:
    journal = index_dir / JOURNAL
    if not journal.exists():
        return
    ops = []
    for line in journal.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line, object_hook=_json_hook)
            ops.append((record["op"], record["arg"]))
    if ops:
        _apply_ops(gen, ops)


def write_ops(index_dir, ops: list[tuple[str, object]]) -> None:
    """Apply ``("update", document)`` and ``("delete", id)`` operations in one commit."""
    index_dir = Path(index_dir)
    ensure_jieba()
    with write_lock(index_dir):
        gen = require_current_generation(index_dir, "; build it first")
        load_vocab(gen)
        _apply_ops(gen, ops)
        if (index_dir / REBUILD_MARK).exists():
            with open(index_dir / JOURNAL, "a", encoding="utf-8") as fh:
                for op, arg in ops:
                    fh.write(json.dumps({"op": op, "arg": arg}, default=_json_default) + "\n")
    notify_change(index_dir)


def add_documents(index_dir, docs: Iterable[dict]) -> int:
    """Add or replace several documents (by id) in one commit."""
    ops = [("update", dict(d)) for d in docs]
    if ops:
        write_ops(index_dir, ops)
    return len(ops)


def update_document(index_dir, doc: dict) -> None:
    """Add or replace one document (by ``id``)."""
    write_ops(index_dir, [("update", dict(doc))])


def delete_document(index_dir, doc_id) -> None:
    """Remove one document by id (no error if it is not there)."""
    write_ops(index_dir, [("delete", str(doc_id))])


# --------------------------------------------------------------------------
# compaction
# --------------------------------------------------------------------------
def segment_count(index_dir) -> int:
    """Segments of the current generation (each one costs every query a matcher)."""
    ix = open_generation(require_current_generation(index_dir))
    try:
        return len(ix._segments())  # noqa: SLF001 - whoosh has no public count
    finally:
        ix.close()


def compact(index_dir, max_segments: int = MAX_SEGMENTS) -> tuple[int, int]:
    """Merge the current generation into one segment when it has more than
    ``max_segments``; returns the segment count (before, after).

    Batched writes (bulk imports) leave several large segments that Whoosh's
    merge-small policy never joins, and every query pays a matcher per segment:
    one segment answers a typical query about 2.5x faster. A merge rewrites the
    whole index (seconds per 10,000 listings), so it runs from ``flask search
    sync`` (the timer), never inside a request. Readers keep their snapshot."""
    with write_lock(index_dir):
        ix = open_generation(require_current_generation(index_dir))
        try:
            before = len(ix._segments())  # noqa: SLF001
            if before <= max_segments:
                return before, before
            writer = ix.writer(timeout=60.0, delay=0.05, codec=_bulk_codec())
            writer.commit(optimize=True)
            after = len(ix._segments())  # noqa: SLF001
        finally:
            ix.close()
    notify_change(index_dir)
    return before, after
