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
    found, text = problems(data, *expected)
    assert not found, "\n".join(found) + f"\n--- pdftotext read:\n{text[:3000]}"
    return text


def problems(data: bytes, *expected: str) -> tuple[list[str], str]:
    """What makes ``data`` fail the check (empty when it passes), and the text pdftotext read.
    Also used by the audit's probe (scripts/probes/pdf.py) on a running instance."""
    if not data.startswith(b"%PDF-"):
        return [f"not a PDF: {data[:40]!r}"], ""
    found = []
    reader = PdfReader(io.BytesIO(data))
    fonts = {}
    for page in reader.pages:
        found += _collect(page.get("/Resources"), fonts, set())
        if "/Annots" in page:
            found.append(f"page {page.page_number + 1} has annotations (links?)")
    if not fonts:
        found.append("the PDF uses no font at all")
    unembedded = sorted(name for name, font in fonts.items() if not _embedded(font))
    if unembedded:
        found.append(f"fonts not embedded (blank text in many viewers): {unembedded}")
    if b"/URI" in data or b"/Launch" in data:
        found.append("the PDF holds a link action")
    text = pdftotext(data)
    flat = _squeeze(text)
    missing = [e for e in expected if _squeeze(e) not in flat]
    if missing:
        found.append(f"pdftotext does not read {missing}")
    return found, text


def pdftotext(data: bytes) -> str:
    """The text poppler's ``pdftotext`` reads (Debian poppler-utils; CI installs it)."""
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext not found: install Debian's poppler-utils (.ci/run does)"
    return subprocess.run([exe, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def _collect(resources, fonts: dict, seen: set) -> list[str]:
    """Gather the fonts of a resource dictionary and of the form XObjects it draws; returns
    the images found (the app draws none)."""
    if resources is None:
        return []
    found = []
    resources = resources.get_object()
    for key, ref in (resources.get("/Font") or {}).items():
        font = ref.get_object()
        fonts[f"{key} {font.get('/BaseFont')}"] = font
    for key, ref in (resources.get("/XObject") or {}).items():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            found.append(f"the PDF draws an image ({key})")
        elif id(xobject) not in seen:
            seen.add(id(xobject))
            found += _collect(xobject.get("/Resources"), fonts, seen)
    return found


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
