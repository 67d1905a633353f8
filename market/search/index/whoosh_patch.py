"""A speed-up patch to Whoosh: field lengths read from an in-memory byte array.

Whoosh reads a document's field length from the length column one ``struct`` read at a
time, both when writing postings (once per posting: ~1/3 of commit time) and when scoring
(once per scored document). :func:`install` makes each segment read its length column once
into a ``bytes`` object instead. Same values (the stored length byte), so scores and block
bounds are unchanged: without the patch the index is only slower.

Installed by ``market.search.init_app`` (and by the benchmarks, which run without the app),
not when this module is imported.
"""

from __future__ import annotations

LENGTHS_ATTRIBUTE = "_market_lengths"  # {field name: bytes} on a patched per-document reader


def install() -> None:
    """Patch Whoosh's per-document reader (once per process; forked writers inherit it)."""
    from whoosh.codec import whoosh3
    from whoosh.util.numeric import byte_to_length

    cls = whoosh3.W3PerDocReader
    if getattr(cls, "_market_length_cache", False):
        return
    length_of_byte = [byte_to_length(i) for i in range(256)]
    length_column_name = whoosh3._lenfield
    length_column = whoosh3.LENGTHS_COLUMN

    def read_length_bytes(self, fieldname: str) -> bytes:
        cache = self.__dict__.setdefault(LENGTHS_ATTRIBUTE, {})
        reader = self._cached_reader(length_column_name(fieldname), length_column)
        if reader is None:
            lengths = b""
        else:
            try:
                raw = bytes(reader._dbfile.get(reader._basepos, reader._count))
            except AttributeError:  # unexpected reader type: slow path
                raw = bytes(reader[i] for i in range(self._doccount))
            lengths = raw + bytes(max(0, self._doccount - len(raw)))
        cache[fieldname] = lengths
        return lengths

    def doc_field_length(self, docnum, fieldname, default=0):
        # the common path stays inline: this runs once per posting written and per scored document
        cache = self.__dict__.get(LENGTHS_ATTRIBUTE)
        lengths = cache.get(fieldname) if cache is not None else None
        if lengths is None:
            lengths = read_length_bytes(self, fieldname)
        if docnum >= len(lengths):
            if docnum > self._doccount:
                raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
            return default
        length_byte = lengths[docnum]
        return length_of_byte[length_byte] if length_byte else default

    cls.doc_field_length = doc_field_length
    cls._market_length_cache = True


def cached_length_bytes(leaf_reader, fieldname: str) -> bytes | None:
    """The length bytes of ``fieldname`` a patched segment reader has read (None when the
    patch is not installed or the field was not read yet)."""
    per_doc = getattr(leaf_reader, "_perdoc", None)
    return getattr(per_doc, LENGTHS_ATTRIBUTE, {}).get(fieldname)
