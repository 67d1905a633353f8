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
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from flask import Flask, current_app, has_app_context
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

DEFAULT_FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"
# Characters every document prints: a font without them would draw empty boxes.
REQUIRED_GLYPHS = "合同收据沈阳知识产权交易平台0123456789"


class FontError(RuntimeError):
    """``PDF_FONT_PATH`` does not name a TrueType font with Chinese glyphs reportlab can embed."""


def init_app(app: Flask) -> None:
    """Load the configured font once at start-up, so a missing or wrong file stops the app
    with a clear message instead of failing the first contract download."""
    load_font(str(app.config["PDF_FONT_PATH"]))


@lru_cache(maxsize=4)
def load_font(path: str) -> str:
    """Register the TrueType font at ``path`` with reportlab (once per process) and return
    its registered name. Raises FontError when the file is missing, not TrueType, or lacks
    Chinese glyphs."""
    hint = ("PDF_FONT_PATH must name a TrueType font (.ttf or .ttc, not a CFF .otf) with "
            f"Chinese glyphs; the default is the vendored {DEFAULT_FONT_PATH}")
    if not Path(path).is_file():
        raise FontError(f"PDF font not found: {path}. {hint}")
    try:
        # Face 0 of a collection (.ttc); the only face of a .ttf.
        font = TTFont(_registered_name(path), path, subfontIndex=0)
    except Exception as error:  # a damaged file raises anything from TTFError to struct.error
        raise FontError(f"PDF font {path} cannot be embedded: {error}. {hint}") from error
    missing = [c for c in REQUIRED_GLYPHS if ord(c) not in font.face.charToGlyph]
    if missing:
        raise FontError(f"PDF font {path} has no glyph for {''.join(missing)}. {hint}")
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
    return ParagraphStyle(name, fontName=font_name(), wordWrap="CJK", **overrides)


def plain(value: object) -> str:
    """``value`` as paragraph text that reportlab draws literally (no markup, no entities)."""
    return escape("" if value is None else str(value))


def para(value: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph showing ``value`` literally: the only way documents make paragraphs."""
    return Paragraph(plain(value), style)
