"""Whoosh storage that reads index files with ``os.pread`` instead of memory maps.

Whoosh's ``FileStorage`` memory-maps each segment file. When a mapped file is truncated
(a damaged disk, a full disk during a copy, a hand edit) the next read of a missing page
kills the whole process with SIGBUS: the dev server and every gunicorn worker that had the
index open die. Read with ``pread`` instead: a truncated file gives short reads, Whoosh
raises, and the site falls back to the database (``market.search.service``).

``FileStorage(path, supports_mmap=False)`` alone is not enough: Whoosh then reads every part
of a segment through one shared file object (seek, then read), and the searcher is shared by
the threads of a process. Here ``pread`` takes the position with each read and each thread
keeps its own position in each file, so no thread moves another's.
"""
from __future__ import annotations

import io
import os
import pickle
import threading
from array import array
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import FileIndex
from whoosh.system import IS_LITTLE

# Bytes read at once for a pickled value (a posting block's header is ~40 bytes)
PICKLE_CHUNK = 256


class _Window:
    """A read-only file-like view of ``length`` bytes at ``offset`` of the open file ``fd``
    (``length`` None: to the end of the file). Reads never move ``fd``'s position, and the
    window's own position is per thread: Whoosh's posting readers seek, then read, on a file
    that every thread searching the same searcher shares."""

    def __init__(self, fd: int, offset: int = 0, length: int | None = None, owner: bool = False):
        self.fd, self.offset, self.length, self.owner = fd, offset, length, owner
        self._local = threading.local()
        self.closed = False

    @property
    def pos(self) -> int:
        return getattr(self._local, "pos", 0)

    @pos.setter
    def pos(self, value: int) -> None:
        self._local.pos = value

    def _end(self) -> int:
        if self.length is not None:
            return self.length
        return os.fstat(self.fd).st_size - self.offset

    def pread(self, position: int, size: int) -> bytes:
        size = max(0, min(size, self._end() - position))
        return os.pread(self.fd, size, self.offset + position) if size else b""

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self._end() - self.pos
        data = self.pread(self.pos, size)
        self.pos += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        start = self.pos
        chunk = self.pread(start, 8192 if size is None or size < 0 else size)
        cut = chunk.find(b"\n")
        line = chunk if cut < 0 else chunk[:cut + 1]
        self.pos = start + len(line)
        return line

    def seek(self, position: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.pos, os.SEEK_END: self._end()}[whence]
        self.pos = base + position
        return self.pos

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        if not self.closed and self.owner:
            os.close(self.fd)
        self.closed = True


class PreadFile(StructFile):
    """Whoosh's structured file over a :class:`_Window`: ``get`` (the positional reads the
    codec uses for terms, postings and columns) goes straight to ``pread``."""

    def __init__(self, window: _Window, name=None):
        super().__init__(window, name=name)
        self.is_real = False  # no fileno: Whoosh must not mmap or array.fromfile it

    def subset(self, offset, length, name=None):
        window = self.file
        return PreadFile(_Window(window.fd, window.offset + offset, length), name or self._name)

    def get(self, position, length):
        return self.file.pread(position, length)

    def read_pickle(self):
        """The pickled value at the current position, unpickled from memory. Whoosh's own
        ``pickle.load(file)`` reads the file an opcode at a time (a read call each; a
        posting block's header costs about ten): read a chunk at once, then a larger one
        when the value runs past it."""
        window = self.file
        start, size = window.pos, PICKLE_CHUNK
        while True:
            data = window.pread(start, size)
            buffer = io.BytesIO(data)
            try:
                value = pickle.load(buffer)  # noqa: S301 - Whoosh's own index data  # nosec B301
            except (EOFError, pickle.UnpicklingError):
                if len(data) < size:  # the file ends inside it: damaged
                    raise
                size *= 8
                continue
            window.pos = start + buffer.tell()
            return value

    def get_array(self, position, typecode, length):
        values = array(typecode)
        values.frombytes(self.get(position, length * values.itemsize))
        if IS_LITTLE:
            values.byteswap()
        return values


class PreadStorage(FileStorage):
    """A ``FileStorage`` whose files are read with ``pread`` (no memory map)."""

    def __init__(self, path):
        super().__init__(str(path), supports_mmap=False)

    def open_file(self, name, **kwargs):
        fd = os.open(self._fpath(name), os.O_RDONLY)
        return PreadFile(_Window(fd, owner=True), name=name)


def open_generation(gen: Path) -> FileIndex:
    """Open the Whoosh index in ``gen`` for reading and writing, without memory maps."""
    return PreadStorage(gen).open_index()
