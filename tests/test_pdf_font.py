"""The PDF font is part of the app (vendored, embedded in every PDF) and a wrong
``PDF_FONT_PATH`` stops the app at start-up with a message that says what to fix."""
import subprocess
import sys
from pathlib import Path

import pytest
import reportlab

import market
from market import create_app
from market.config import TestConfig
from market.services.pdf import DEFAULT_FONT_PATH, FontError

DEFAULT_TTC = DEFAULT_FONT_PATH.read_bytes()


def test_the_default_font_is_vendored_with_its_licence():
    path = Path(TestConfig.PDF_FONT_PATH)
    assert path.is_file() and path.is_relative_to(Path(market.__file__).parent)
    licence = path.with_name("wqy-microhei.LICENSE.txt").read_text()
    assert "0.2.0-beta" in licence and "Apache License" in licence


@pytest.mark.parametrize("case, message", [
    ("missing", "PDF font not found"),
    ("not_a_font", "cannot be embedded"),
    ("no_chinese", "has no glyph for"),
])
def test_a_wrong_font_stops_the_app_at_start_up(tmp_path, case, message):
    path = {"missing": tmp_path / "nope.ttc",
            "not_a_font": tmp_path / "font.ttf",
            # reportlab's own Latin TrueType font: loads, but would draw Chinese as boxes
            "no_chinese": Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"}[case]
    if case == "not_a_font":
        path.write_text("not a font")
    with pytest.raises(FontError, match=message) as raised:
        create_app(TestConfig, PDF_FONT_PATH=str(path), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert "PDF_FONT_PATH" in str(raised.value)


@pytest.mark.parametrize("content", [b"OTTO" + bytes(64), b"ttcf\x00\x01\x00\x00\x00\x00\x00\x01",
                                     DEFAULT_TTC[:4096]])
def test_a_cff_or_truncated_font_stops_the_app_at_start_up(tmp_path, content):
    path = tmp_path / "font.ttc"
    path.write_bytes(content)
    with pytest.raises(FontError, match="cannot be embedded|has no glyph"):
        create_app(TestConfig, PDF_FONT_PATH=str(path), SQLALCHEMY_DATABASE_URI="sqlite://")


def test_start_up_checks_the_font_without_loading_reportlab():
    """reportlab parses the whole font (about 22 MB per worker): the first PDF does that."""
    code = ("import sys; from market import create_app; from market.config import TestConfig; "
            "create_app(TestConfig); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'openpyxl'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(market.__file__).parent.parent)
    assert out.stdout.strip() == "[]"
