"""Index building, single-document writes and the searcher holder.

Layout of an index directory::

    index_dir/
        current -> gen-20240101T101010-1234   (symlink, swapped atomically)
        gen-.../        a complete Whoosh index + meta.json + vocab.txt
        write.lock      flock: one writer at a time (threads and processes)
        journal.jsonl   single-document writes made while a rebuild runs

* :func:`build_index` builds a complete index into a new ``gen-*`` directory
  (jieba segmentation in a process pool, one commit), replays writes that
  happened meanwhile, then points ``current`` at it with ``os.replace`` (atomic).
* :func:`add_documents`, :func:`update_document`, :func:`delete_document` take the
  flock (waiting, never raising LockError) and write to the current generation.
* :class:`SearchIndex` holds an open searcher plus the facet lookup table and
  reopens when the index changes; readers take reference-counted snapshots so a
  searcher is only closed once nobody uses it.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import gc
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import index as _wix
from whoosh.multiproc import MpWriter
from whoosh.reading import ReaderClosed

from .analysis import (
    PreTokenized,
    add_domain_words,
    ensure_jieba,
    ipc_keys,
    normalize_text,
    number_keys,
    segment,
)
from .schema import SCHEMA_VERSION, build_schema, fee_bucket, make_weighting
from .storage import open_generation

__all__ = [
    "prepare_document",
    "build_index",
    "add_documents",
    "update_document",
    "delete_document",
    "SearchIndex",
    "open_index",
    "IndexNotBuilt",
    "IndexBroken",
    "current_generation",
]

CURRENT = "current"
LOCK_NAME = "write.lock"
JOURNAL = "journal.jsonl"
REBUILD_MARK = "rebuild.mark"
_log = logging.getLogger("market.search")
FSEP = "\x1f"  # field separator in the facets column
LSEP = "\x1e"  # list separator inside a facet value

POOL_MIN_DOCS = 1500  # below this, segmenting in-process is faster than forking
MAX_SEGMENTS = 3  # `flask search sync` merges an index with more segments into one


class IndexNotBuilt(FileNotFoundError):
    pass


class IndexBroken(RuntimeError):
    """The current index cannot be read (a damaged or truncated file). Raised at once, without
    reopening the files, until the index changes (``flask search sync`` or ``reindex``
    rebuilds it). Not an OSError: callers that retry on OSError must not retry this."""


# --------------------------------------------------------------------------
# Whoosh speed-up: field lengths from an in-memory byte array
# --------------------------------------------------------------------------
def _install_length_cache() -> None:
    """Whoosh reads a document's field length from the length column one
    ``struct`` read at a time, both when writing postings (once per posting:
    ~1/3 of commit time) and when scoring (once per scored document).  Read
    each segment's length column once into a ``bytes`` object instead.  Same
    values (the stored length byte), so scores and block bounds are unchanged."""
    from whoosh.codec import whoosh3
    from whoosh.util.numeric import byte_to_length

    cls = whoosh3.W3PerDocReader
    if getattr(cls, "_market_length_cache", False):
        return
    b2l = [byte_to_length(i) for i in range(256)]
    lenfield = whoosh3._lenfield
    lencol = whoosh3.LENGTHS_COLUMN

    def doc_field_length(self, docnum, fieldname, default=0):
        cache = self.__dict__.get("_mk_lens")
        if cache is None:
            cache = self._mk_lens = {}
        arr = cache.get(fieldname)
        if arr is None:
            reader = self._cached_reader(lenfield(fieldname), lencol)
            if reader is None:
                arr = b""
            else:
                try:
                    raw = bytes(reader._dbfile.get(reader._basepos, reader._count))
                except AttributeError:  # unexpected reader type: slow path
                    raw = bytes(reader[i] for i in range(self._doccount))
                arr = raw + bytes(max(0, self._doccount - len(raw)))
            cache[fieldname] = arr
        if docnum >= len(arr):
            if docnum > self._doccount:
                raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
            return default
        lb = arr[docnum]
        return b2l[lb] if lb else default

    cls.doc_field_length = doc_field_length
    cls._market_length_cache = True


_install_length_cache()


# --------------------------------------------------------------------------
# documents -> field values
# --------------------------------------------------------------------------
_KW_SPLIT = re.compile(r"[,，;；、/\s|]+")


def _s(v) -> str:
    return "" if v is None else str(v)


def _ts(v) -> float:
    if v is None or v == "":
        return 0.0
    if isinstance(v, _dt.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=_dt.UTC)
        return v.timestamp()
    if isinstance(v, _dt.date):
        return _dt.datetime(v.year, v.month, v.day, tzinfo=_dt.UTC).timestamp()
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return _ts(_dt.datetime.fromisoformat(str(v)))
    except ValueError:
        return 0.0


def _int(v, default=0) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def prepare_document(doc: dict, tokenize: bool = True) -> dict:
    """Turn a document dict (the app contract) into picklable Whoosh field
    values.  With ``tokenize`` the text fields carry their jieba terms as
    tuples (``*_tokens``); without, the analyser segments them later (in the
    Whoosh sub-writer processes of a bulk build)."""
    title = _s(doc.get("title")).strip()
    abstract = _s(doc.get("abstract")).strip()
    keywords = _s(doc.get("keywords")).strip()
    claims = _s(doc.get("claims")).strip()
    owner = _s(doc.get("owner")).strip()
    inventors = _s(doc.get("inventors")).strip()

    parts = [p for p in (keywords, abstract, claims, owner, inventors) if p]
    if tokenize:
        t_title = tuple(segment(title))
        content_tokens = []
        for part in parts:
            content_tokens.extend(segment(part))
        content_tokens = tuple(content_tokens)
    else:
        t_title = content_tokens = None

    nums = set()
    for k in ("patent_number", "application_number", "publication_number", "id"):
        nums |= number_keys(_s(doc.get(k)))
    ipcs = [c for c in (doc.get("ipc") or []) if c and c.strip()]
    if isinstance(doc.get("ipc"), str):
        ipcs = [c for c in doc["ipc"].split(";") if c.strip()]
    ipc_terms = set()
    for c in ipcs:
        ipc_terms |= ipc_keys(c)

    offer = [k for k in (doc.get("offer_kinds") or []) if k]
    fee = _int(doc.get("upfront_fee"), 0)
    fy = doc.get("filing_year")
    facets = FSEP.join(
        [
            _s(doc.get("id")),
            _s(doc.get("industry")) or "other",
            _s(doc.get("patent_type")),
            _s(doc.get("legal_status")),
            LSEP.join(sorted(set(offer))),
            "1" if doc.get("open_licence") else "0",
            str(fee),
            _s(doc.get("district")),
            owner,
            _s(doc.get("owner_id")),
            str(_int(fy, 0)) if fy else "0",
            repr(_ts(doc.get("listed_at"))),
            str(_int(doc.get("royalty_bp"), 0)),
            str(_int(doc.get("term_years"), 0)),
            " ".join(sorted(nums)),
        ]
    )
    return {
        "id": _s(doc.get("id")),
        "title": title,
        "content": "\n".join(parts),
        "title_tokens": t_title,
        "content_tokens": content_tokens,
        "abstract": abstract,
        "ipc": " ".join(sorted(ipc_terms)),
        "ipc_display": "; ".join(c.strip() for c in ipcs),
        "owner": owner,
        "patent_number": _s(doc.get("patent_number")),
        "facets": facets.encode("utf-8"),
    }


def _whoosh_fields(p: dict) -> dict:
    if p["title_tokens"] is None:  # analysed by the writer
        title, content = p["title"], p["content"]
    else:
        title = PreTokenized(p["title"], p["title_tokens"])
        content = PreTokenized("", p["content_tokens"])
    return {
        "id": p["id"],
        "title": title,
        "_stored_title": p["title"],
        "content": content,
        "abstract": p["abstract"],
        "ipc": p["ipc"],
        "ipc_display": p["ipc_display"],
        "owner": p["owner"],
        "patent_number": p["patent_number"],
        "facets": p["facets"],
    }


def doc_keywords(docs: Iterable[dict]) -> set[str]:
    """Domain terms supplied with the documents (listing keywords)."""
    out = set()
    for d in docs:
        kw = _s(d.get("keywords"))
        if not kw:
            continue
        for w in _KW_SPLIT.split(normalize_text(kw)):
            w = w.strip()
            if 2 <= len(w) <= 12 and not w.isascii():
                out.add(w)
    return out


# --------------------------------------------------------------------------
# locking and generations
# --------------------------------------------------------------------------
_thread_locks: dict[str, threading.RLock] = {}
_thread_locks_guard = threading.Lock()


@contextlib.contextmanager
def write_lock(index_dir, timeout: float = 600.0):
    """Exclusive writer lock over ``index_dir`` (threads and processes).

    Waits (up to ``timeout`` seconds) instead of failing."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    key = str(index_dir.resolve())
    with _thread_locks_guard:
        tl = _thread_locks.setdefault(key, threading.RLock())
    if not tl.acquire(timeout=timeout):
        raise TimeoutError(f"search index writer lock busy: {index_dir}")
    try:
        with open(index_dir / LOCK_NAME, "a+") as fh:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(
                            f"search index writer lock busy: {index_dir}") from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        tl.release()


def current_generation(index_dir) -> Path | None:
    link = Path(index_dir) / CURRENT
    try:
        target = os.readlink(link)
    except (FileNotFoundError, OSError):
        return None
    p = Path(index_dir) / target
    return p if p.is_dir() else None


def _swap_current(index_dir: Path, gen: Path) -> None:
    tmp = index_dir / f".current.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    os.symlink(gen.name, tmp)
    os.replace(tmp, index_dir / CURRENT)  # atomic
    # fsync the directory so the swap survives a crash
    fd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _cleanup_generations(index_dir: Path, keep: int = 3) -> None:
    """Delete all but the newest ``keep`` generations (the previous one stays
    so readers in other processes can finish with it)."""
    cur = current_generation(index_dir)
    gens = sorted(p for p in index_dir.glob("gen-*") if p.is_dir())
    keep_set = set(gens[-keep:])
    if cur is not None:
        keep_set.add(cur)
    for g in gens:
        if g not in keep_set:
            shutil.rmtree(g, ignore_errors=True)


def _write_meta(gen: Path, **meta) -> None:
    tmp = gen / "meta.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False))
    os.replace(tmp, gen / "meta.json")


def read_meta(gen: Path) -> dict:
    try:
        return json.loads((Path(gen) / "meta.json").read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _load_vocab(gen: Path) -> None:
    f = Path(gen) / "vocab.txt"
    if f.exists():
        add_domain_words(w for w in f.read_text(encoding="utf-8").split("\n") if w)


# --------------------------------------------------------------------------
# bulk build
# --------------------------------------------------------------------------
# Whoosh codec for bulk builds (inline postings are broken in
# whoosh-reloaded 2.7.5: keep inlinelimit=1).
CODEC_ARGS = {"blocklimit": 128, "compression": 0, "inlinelimit": 1}


def _bulk_codec():
    from whoosh.codec.whoosh3 import W3Codec

    return W3Codec(**CODEC_ARGS)


def build_index(
    index_dir,
    docs: Iterable[dict],
    *,
    procs: int | None = None,
    chunk_size: int = 200,
    swap: bool = True,
    extra_words: Iterable[str] = (),
    limitmb: int = 256,
) -> Path:
    """Build a complete index of ``docs`` into a new generation directory of
    ``index_dir`` and (``swap=True``) make it current atomically.

    Segmentation runs in ``procs`` worker processes (default: CPU count) when
    there are enough documents; the main process only feeds Whoosh; one commit.
    Returns the generation directory."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    docs = list(docs)
    ensure_jieba()
    words = set(extra_words) | doc_keywords(docs)
    add_domain_words(sorted(words))

    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    gen = index_dir / f"gen-{stamp}-{os.getpid()}"
    gen.mkdir()
    (gen / "vocab.txt").write_text("\n".join(sorted(words)), encoding="utf-8")

    if swap:
        with write_lock(index_dir):
            (index_dir / REBUILD_MARK).write_text(gen.name)
            with contextlib.suppress(FileNotFoundError):
                (index_dir / JOURNAL).unlink()

    try:
        ix = _wix.create_in(str(gen), build_schema())
        # The build allocates millions of small objects that live until the
        # commit: the cyclic GC only burns time here (the forked sub-writers
        # inherit this setting).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        procs = procs or os.cpu_count() or 1
        parallel = procs > 1 and len(docs) >= POOL_MIN_DOCS
        if parallel:
            # Each sub-writer process segments, indexes and writes its own
            # segment (no serial final merge): the whole build runs in parallel.
            writer = MpWriter(ix, procs=procs, batchsize=chunk_size, multisegment=True,
                              limitmb=limitmb, codec=_bulk_codec())
        else:
            writer = ix.writer(limitmb=limitmb, codec=_bulk_codec())
        try:
            if parallel:
                for d in docs:
                    writer.add_document(**_whoosh_fields(prepare_document(d, tokenize=False)))
            else:
                for d in docs:
                    writer.add_document(**_whoosh_fields(prepare_document(d)))
        except BaseException:
            writer.cancel()
            if gc_was_enabled:
                gc.enable()
            raise
        writer.commit()
        if gc_was_enabled:
            gc.enable()
        with ix.searcher() as s_:
            built = s_.doc_count()
        ix.close()
        if built != len(docs):  # e.g. a sub-writer process died
            raise RuntimeError(f"search index build incomplete: {built} of {len(docs)} documents")
        _write_meta(
            gen,
            schema_version=SCHEMA_VERSION,
            doc_count=len(docs),
            built_at=stamp,
        )
        if swap:
            with write_lock(index_dir):
                _replay_journal(index_dir, gen)
                _swap_current(index_dir, gen)
                with contextlib.suppress(FileNotFoundError):
                    (index_dir / REBUILD_MARK).unlink()
                with contextlib.suppress(FileNotFoundError):
                    (index_dir / JOURNAL).unlink()
                _cleanup_generations(index_dir)
    except BaseException:
        if swap:
            with contextlib.suppress(FileNotFoundError):
                (index_dir / REBUILD_MARK).unlink()
        shutil.rmtree(gen, ignore_errors=True)
        raise
    return gen


# --------------------------------------------------------------------------
# single-document writes
# --------------------------------------------------------------------------
def _json_default(o):
    if isinstance(o, (_dt.datetime, _dt.date)):
        return {"__dt__": o.isoformat()}
    raise TypeError(repr(o))


def _json_hook(d):
    if "__dt__" in d and len(d) == 1:
        return _dt.datetime.fromisoformat(d["__dt__"])
    return d


def _apply_ops(gen: Path, ops: list[tuple[str, object]]) -> None:
    ix = open_generation(gen)
    try:
        writer = ix.writer(timeout=60.0, delay=0.05)
        try:
            for op, arg in ops:
                if op == "update":
                    writer.update_document(**_whoosh_fields(prepare_document(arg)))
                elif op == "delete":
                    writer.delete_by_term("id", str(arg))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
    finally:
        ix.close()


def segment_count(index_dir) -> int:
    """Segments of the current generation (each one costs every query a matcher)."""
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexNotBuilt(f"no search index in {index_dir}")
    ix = open_generation(gen)
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
        gen = current_generation(index_dir)
        if gen is None:
            raise IndexNotBuilt(f"no search index in {index_dir}")
        ix = open_generation(gen)
        try:
            before = len(ix._segments())  # noqa: SLF001
            if before <= max_segments:
                return before, before
            writer = ix.writer(timeout=60.0, delay=0.05, codec=_bulk_codec())
            writer.commit(optimize=True)
            after = len(ix._segments())  # noqa: SLF001
        finally:
            ix.close()
    _notify_change(index_dir)
    return before, after


def _replay_journal(index_dir: Path, gen: Path) -> None:
    j = index_dir / JOURNAL
    if not j.exists():
        return
    ops = []
    for line in j.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line, object_hook=_json_hook)
            ops.append((rec["op"], rec["arg"]))
    if ops:
        _apply_ops(gen, ops)


def _write_ops(index_dir, ops: list[tuple[str, object]]) -> None:
    index_dir = Path(index_dir)
    ensure_jieba()
    with write_lock(index_dir):
        gen = current_generation(index_dir)
        if gen is None:
            raise IndexNotBuilt(f"no search index in {index_dir}; build it first")
        _load_vocab(gen)
        _apply_ops(gen, ops)
        if (index_dir / REBUILD_MARK).exists():
            with open(index_dir / JOURNAL, "a", encoding="utf-8") as fh:
                for op, arg in ops:
                    fh.write(json.dumps({"op": op, "arg": arg}, default=_json_default) + "\n")
    _notify_change(index_dir)


def add_documents(index_dir, docs: Iterable[dict]) -> int:
    """Add or replace several documents (by id) in one commit."""
    ops = [("update", dict(d)) for d in docs]
    if ops:
        _write_ops(index_dir, ops)
    return len(ops)


def update_document(index_dir, doc: dict) -> None:
    """Add or replace one document (by ``id``)."""
    _write_ops(index_dir, [("update", dict(doc))])


def delete_document(index_dir, doc_id) -> None:
    """Remove one document by id (no error if it is not there)."""
    _write_ops(index_dir, [("delete", str(doc_id))])


# --------------------------------------------------------------------------
# searcher holder
# --------------------------------------------------------------------------
class Table:
    """Per-docnum facet/sort data, built once per opened searcher."""

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
        fyear = array("i", bytes(4 * n))
        numbers: dict[str, int] = {}
        combos: dict[tuple, int] = {}
        owners: dict[str, int] = {"": 0}
        for i, raw in enumerate(raw_values):
            if not raw:
                combo[i] = combos.setdefault(("other", "", "", (), False, "0", ""), len(combos))
                continue
            f = raw.decode("utf-8").split(FSEP)
            ids[i] = f[0]
            fv = _int(f[6])
            key = (
                f[1],
                f[2],
                f[3],
                tuple(f[4].split(LSEP)) if f[4] else (),
                f[5] == "1",
                fee_bucket(fv),
                f[7],
            )
            c = combos.get(key)
            if c is None:
                c = combos[key] = len(combos)
            combo[i] = c
            name = f"{f[8]}{FSEP}{f[9]}" if f[9] else f[8]
            o = owners.get(name)
            if o is None:
                o = owners[name] = len(owners)
            owner[i] = o
            fee[i] = fv
            try:
                listed[i] = float(f[11])
            except ValueError:
                listed[i] = 0.0
            fyear[i] = _int(f[10])
            if len(f) > 14 and f[14]:
                for k in f[14].split(" "):
                    numbers[k] = i
        self.ids = ids
        self.combo = combo
        self.combos = [k for k, _ in sorted(combos.items(), key=lambda kv: kv[1])]
        self.owner = owner
        self.owners = [k for k, _ in sorted(owners.items(), key=lambda kv: kv[1])]
        self.fee = fee
        self.listed = listed
        self.filing_year = fyear
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
                cr = reader.column_reader("facets")
                raw = [cr[i] for i in range(n)]
            else:
                raw = [None] * n
            self.table = Table(raw)
        except BaseException:
            self.ix.close()
            raise
        self.doc_count = reader.doc_count()
        self.refs = 0
        self.retired = False
        self._lock = threading.Lock()
        self.opened_at = time.monotonic()
        self.avg = {}

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

    def _current(self) -> Snapshot:
        gen = current_generation(self.index_dir)
        if gen is None:
            raise IndexNotBuilt(f"no search index in {self.index_dir}")
        snap = self._snap
        if snap is not None and snap.gen == gen and not self._changed and snap.up_to_date():
            return snap
        with self._lock:
            snap = self._snap
            gen = current_generation(self.index_dir) or gen
            if snap is not None and snap.gen == gen and not self._changed and snap.up_to_date():
                return snap
            self._refuse_if_broken(gen)
            self._changed = False
            _load_vocab(gen)
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
        h = _holders.get(key)
        if h is None:
            h = _holders[key] = SearchIndex(key)
        return h


def close_all() -> None:
    """Close every cached holder (tests, shutdown)."""
    with _holders_lock:
        hs = list(_holders.values())
        _holders.clear()
    for h in hs:
        h.close()


def _notify_change(index_dir) -> None:
    key = str(Path(index_dir).resolve())
    h = _holders.get(key)
    if h is not None:
        h.invalidate()
