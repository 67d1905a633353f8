"""The check every test that downloads a PDF runs on it: it reads on any machine.

- every font is embedded (a subset is fine): a font the viewer has to supply, such as
  reportlab's STSong-Light, shows as blank text without Adobe's language packs; only the
  PDF standard 14 Latin fonts (Helvetica...) may stay unembedded;
- ``pdftotext`` (poppler, which this machine runs WITHOUT poppler-data) reads the expected text;
- no link annotation and no image: the app draws neither, so any one came from user text.
"""
import io
import re
import shutil
import subprocess

from pypdf import PdfReader

STANDARD_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats",
}
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def check_pdf(data: bytes, *expected: str) -> str:
    """Assert ``data`` is a PDF whose fonts are all embedded, with no link or image, and whose
    text as ``pdftotext`` reads it holds every ``expected`` string (whitespace ignored, as
    table cells wrap). Returns that text."""
    assert data.startswith(b"%PDF-"), data[:40]
    reader = PdfReader(io.BytesIO(data))
    fonts = {}
    for page in reader.pages:
        _collect(page.get("/Resources"), fonts, set())
        assert "/Annots" not in page, f"page {page.page_number + 1} has annotations (links?)"
    assert fonts, "the PDF uses no font at all"
    unembedded = sorted(name for name, font in fonts.items() if not _embedded(font))
    assert not unembedded, f"fonts not embedded (blank text in many viewers): {unembedded}"
    assert b"/URI" not in data and b"/Launch" not in data, "the PDF holds a link action"
    text = pdftotext(data)
    flat = _squeeze(text)
    missing = [e for e in expected if _squeeze(e) not in flat]
    assert not missing, f"pdftotext does not read {missing} in:\n{text[:3000]}"
    return text


def pdftotext(data: bytes) -> str:
    """The text poppler's ``pdftotext`` reads (Debian poppler-utils; CI installs it)."""
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext not found: install Debian's poppler-utils (.ci/run does)"
    return subprocess.run([exe, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def _collect(resources, fonts: dict, seen: set) -> None:
    """Every font of a resource dictionary and of the form XObjects it draws; images fail."""
    if resources is None:
        return
    resources = resources.get_object()
    for key, ref in (resources.get("/Font") or {}).items():
        font = ref.get_object()
        fonts[f"{key} {font.get('/BaseFont')}"] = font
    for key, ref in (resources.get("/XObject") or {}).items():
        xobject = ref.get_object()
        assert xobject.get("/Subtype") != "/Image", f"the PDF draws an image ({key})"
        if id(xobject) not in seen:
            seen.add(id(xobject))
            _collect(xobject.get("/Resources"), fonts, seen)


def _embedded(font) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True  # glyphs are drawn by the PDF's own content streams
    if subtype == "/Type0":  # composite (CID) font: the outlines hang on its descendant
        return all(_embedded(d.get_object()) for d in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    if descriptor is not None and any(k in descriptor.get_object() for k in FONT_FILES):
        return True
    base = str(font.get("/BaseFont", "")).lstrip("/")
    return subtype in ("/Type1", None) and base in STANDARD_14 and descriptor is None


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)
