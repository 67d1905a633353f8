"""What every PDF of the market shares: the embedded Chinese font, the base paragraph style and
the one door user text goes through to reach reportlab.

The font is a TrueType file reportlab subsets and embeds, so a contract reads the same in any
viewer (a CID font such as STSong-Light is not embedded: viewers without Adobe's GB1 pack show
blank tables). The default is WenQuanYi Micro Hei, vendored in ``market/fonts`` with its licence;
``PDF_FONT_PATH`` names another TrueType (not CFF) font with Chinese glyphs.

reportlab's ``Paragraph`` parses its text as markup (``<a href>``, ``<img src>``, ``<b>``...), so
documents build paragraphs only through :func:`para`, which escapes the text: links, images and
styling in a PDF can come only from this module's callers' own code, never from a user's field.
"""
from __future__ import annotations

import hashlib
import mmap
import struct
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from flask import Flask, current_app, has_app_context

if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

DEFAULT_FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"
# Characters every document prints: a font without them would draw empty boxes.
REQUIRED_GLYPHS = "合同收据沈阳知识产权交易平台0123456789"


class FontError(RuntimeError):
    """``PDF_FONT_PATH`` does not name a TrueType font with Chinese glyphs reportlab can embed."""


def init_app(app: Flask) -> None:
    """Check the configured font at start-up, so a missing or wrong file stops the app with a
    clear message instead of failing the first contract download. The check reads only the
    font's table directory and character map: reportlab parses the whole font (about 22 MB
    per worker) when the first PDF needs it (:func:`load_font`)."""
    check_font(str(app.config["PDF_FONT_PATH"]))


def _hint() -> str:
    return ("PDF_FONT_PATH must name a TrueType font (.ttf or .ttc, not a CFF .otf) with "
            f"Chinese glyphs; the default is the vendored {DEFAULT_FONT_PATH}")


@lru_cache(maxsize=4)
def check_font(path: str) -> None:
    """Raise FontError unless ``path`` is a TrueType font (face 0 of a collection) whose
    Unicode character map has every glyph of REQUIRED_GLYPHS."""
    if not Path(path).is_file():
        raise FontError(f"PDF font not found: {path}. {_hint()}")
    try:
        # Mapped, not read: only the pages of the directory and the map are touched.
        with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            glyphs = _unicode_glyphs(data, REQUIRED_GLYPHS)
    except (struct.error, ValueError, IndexError, OSError) as error:
        raise FontError(f"PDF font {path} cannot be embedded: {error}. {_hint()}") from error
    missing = [c for c in REQUIRED_GLYPHS if not glyphs.get(c)]
    if missing:
        raise FontError(f"PDF font {path} has no glyph for {''.join(missing)}. {_hint()}")


def _unicode_glyphs(data, chars: str) -> dict[str, int]:
    """Glyph ids of ``chars`` in face 0 of a TrueType font or collection (0 = none), read
    from its Unicode character map (format 4 or 12, what Chinese fonts carry). Raises
    ValueError for a file that is no TrueType font, struct.error for a truncated one.
    (fontTools would decode the whole map: 0.2 s and 18 MB kept by every worker at start-up,
    against 6 ms here.)"""
    face = struct.unpack_from(">I", data, 12)[0] if data[:4] == b"ttcf" else 0
    version, count = struct.unpack_from(">4sH", data, face)
    if version not in (b"\x00\x01\x00\x00", b"true"):
        raise ValueError("not a TrueType font (CFF outlines or another format)")
    tables = {tag: offset for tag, _, offset, _ in
              (struct.unpack_from(">4sIII", data, face + 12 + 16 * i) for i in range(count))}
    if b"glyf" not in tables or b"cmap" not in tables:
        raise ValueError("no TrueType outlines or no character map")
    cmap = tables[b"cmap"]
    best: dict[str, int] = {}
    for i in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        if platform == 0 or (platform == 3 and encoding in (1, 10)):
            found = _lookup(data, cmap + offset, chars)
            if sum(map(bool, found.values())) > sum(map(bool, best.values())):
                best = found
    if not best:
        raise ValueError("no Unicode character map reportlab can use")
    return best


def _lookup(data, table: int, chars: str) -> dict[str, int]:
    fmt = struct.unpack_from(">H", data, table)[0]
    if fmt == 12:
        groups = [struct.unpack_from(">III", data, table + 16 + 12 * i)
                  for i in range(struct.unpack_from(">I", data, table + 12)[0])]
        return {c: next((glyph + ord(c) - start for start, end, glyph in groups
                         if start <= ord(c) <= end), 0) for c in chars}
    if fmt != 4:
        return {}
    segments = struct.unpack_from(">H", data, table + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, table + 14)
    starts = struct.unpack_from(f">{segments}H", data, table + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, table + 16 + 4 * segments)
    range_base = table + 16 + 6 * segments
    ranges = struct.unpack_from(f">{segments}H", data, range_base)
    glyphs = {}
    for c in chars:
        code, glyph = ord(c), 0
        for n in range(segments):
            if starts[n] <= code <= ends[n]:
                if ranges[n] == 0:
                    glyph = (code + deltas[n]) & 0xFFFF
                else:
                    at = range_base + 2 * n + ranges[n] + 2 * (code - starts[n])
                    glyph = struct.unpack_from(">H", data, at)[0]
                    glyph = (glyph + deltas[n]) & 0xFFFF if glyph else 0
                break
        glyphs[c] = glyph
    return glyphs


@lru_cache(maxsize=4)
def load_font(path: str) -> str:
    """Register the TrueType font at ``path`` with reportlab (once per process, on the first
    PDF) and return its registered name. Raises FontError when the file is missing, not
    TrueType, or lacks Chinese glyphs."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    check_font(path)
    try:
        # Face 0 of a collection (.ttc); the only face of a .ttf.
        font = TTFont(_registered_name(path), path, subfontIndex=0)
    except Exception as error:  # a damaged file raises anything from TTFError to struct.error
        raise FontError(f"PDF font {path} cannot be embedded: {error}. {_hint()}") from error
    missing = [c for c in REQUIRED_GLYPHS if ord(c) not in font.face.charToGlyph]
    if missing:
        raise FontError(f"PDF font {path} has no glyph for {''.join(missing)}. {_hint()}")
    pdfmetrics.registerFont(font)
    # A <b> or <i> written by the app's own code stays in this font rather than
    # falling back to Helvetica (which has no Chinese).
    pdfmetrics.registerFontFamily(font.fontName, normal=font.fontName, bold=font.fontName,
                                  italic=font.fontName, boldItalic=font.fontName)
    return font.fontName


def _registered_name(path: str) -> str:
    return "MarketCJK-" + hashlib.sha256(path.encode()).hexdigest()[:8]


def font_name() -> str:
    """The registered name of the app's PDF font (the default one outside an app)."""
    path = current_app.config["PDF_FONT_PATH"] if has_app_context() else DEFAULT_FONT_PATH
    return load_font(str(path))


def base_style(name: str = "body", **overrides) -> ParagraphStyle:
    """A paragraph style in the embedded font that wraps Chinese between any two characters;
    documents derive their other styles from it (``ParagraphStyle(..., parent=...)``)."""
    from reportlab.lib.styles import ParagraphStyle
    return ParagraphStyle(name, fontName=font_name(), wordWrap="CJK", **overrides)


def plain(value: object) -> str:
    """``value`` as paragraph text that reportlab draws literally (no markup, no entities)."""
    return escape("" if value is None else str(value))


def para(value: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph showing ``value`` literally: the only way documents make paragraphs."""
    from reportlab.platypus import Paragraph
    return Paragraph(plain(value), style)
