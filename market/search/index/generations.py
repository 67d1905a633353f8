"""The index directory: generations, the ``current`` link and the writer lock.

Layout of an index directory::

    index_dir/
        current -> gen-20240101T101010-1234   (symlink, swapped atomically)
        gen-.../        a complete Whoosh index + meta.json + vocab.txt
        write.lock      flock: one writer at a time (threads and processes)
        journal.jsonl   single-document writes made while a rebuild runs
        rebuild.mark    present while a rebuild runs (writes then go to the journal too)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

from ..analysis import add_domain_words

CURRENT = "current"
LOCK_NAME = "write.lock"
JOURNAL = "journal.jsonl"
REBUILD_MARK = "rebuild.mark"


class IndexNotBuilt(FileNotFoundError):
    pass


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
        thread_lock = _thread_locks.setdefault(key, threading.RLock())
    if not thread_lock.acquire(timeout=timeout):
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
        thread_lock.release()


def current_generation(index_dir) -> Path | None:
    link = Path(index_dir) / CURRENT
    try:
        target = os.readlink(link)
    except (FileNotFoundError, OSError):
        return None
    gen = Path(index_dir) / target
    return gen if gen.is_dir() else None


def require_current_generation(index_dir, hint: str = "") -> Path:
    """The current generation of ``index_dir``; :class:`IndexNotBuilt` when there is none."""
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexNotBuilt(f"no search index in {index_dir}{hint}")
    return gen


def new_generation(index_dir: Path, stamp: str) -> Path:
    gen = index_dir / f"gen-{stamp}-{os.getpid()}"
    gen.mkdir()
    return gen


def swap_current(index_dir: Path, gen: Path) -> None:
    tmp = index_dir / f".current.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    os.symlink(gen.name, tmp)
    os.replace(tmp, index_dir / CURRENT)  # atomic
    # fsync the directory so the swap survives a crash
    fd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cleanup_generations(index_dir: Path, keep: int = 3) -> None:
    """Delete all but the newest ``keep`` generations (the previous one stays
    so readers in other processes can finish with it)."""
    current = current_generation(index_dir)
    gens = sorted(p for p in index_dir.glob("gen-*") if p.is_dir())
    keep_set = set(gens[-keep:])
    if current is not None:
        keep_set.add(current)
    for gen in gens:
        if gen not in keep_set:
            shutil.rmtree(gen, ignore_errors=True)


def write_meta(gen: Path, **meta) -> None:
    tmp = gen / "meta.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False))
    os.replace(tmp, gen / "meta.json")


def read_meta(gen: Path) -> dict:
    try:
        return json.loads((Path(gen) / "meta.json").read_text())
    except (FileNotFoundError, ValueError):
        return {}


def write_vocab(gen: Path, words: set[str]) -> None:
    """The domain words the generation was segmented with (readers and writers load them)."""
    (gen / "vocab.txt").write_text("\n".join(sorted(words)), encoding="utf-8")


def load_vocab(gen: Path) -> None:
    vocab = Path(gen) / "vocab.txt"
    if vocab.exists():
        add_domain_words(w for w in vocab.read_text(encoding="utf-8").split("\n") if w)
