"""The Chinese catalogue is the only place Chinese UI wording is written: every message the
code and templates use is in it, each with a reviewed (not fuzzy) translation that keeps the
message's placeholders. ``make i18n`` runs this file after updating the catalogue, so a
message without Chinese fails there with its list."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "market" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
# The keywords `make i18n` extracts with (besides Babel's defaults).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None,
            "lazy_pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="zh")


def _extracted() -> set[tuple]:
    """(context, msgid) of every message in market/ and templates/, as `make i18n` sees them."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for folder in ("market", "templates"):
        prefixed = [(pattern.removeprefix(f"{folder}/"), method)
                    for pattern, method in method_map if pattern.startswith(f"{folder}/")]
        for _, _, message, _, context in extract_from_dir(
                ROOT / folder, prefixed, options_map, keywords=KEYWORDS):
            found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def _untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return message.fuzzy or not all(strings)


def test_every_message_has_reviewed_chinese(catalog):
    missing = [f"{m.context or ''}|{m.id}" for m in catalog if m.id and _untranslated(m)]
    assert not missing, "no Chinese (or only a fuzzy guess) in messages.po for:\n" + \
        "\n".join(missing)


def test_translations_keep_the_placeholders(catalog):
    wrong = []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        wrong += [m.id for s in strings if sorted(set(PLACEHOLDER.findall(s))) != wanted]
    assert not wrong


def test_the_catalogue_holds_every_message_in_use(catalog):
    known = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog if m.id}
    missing = sorted(f"{c or ''}|{i}" for c, i in _extracted() - known)
    assert not missing, "run `make i18n`; not in messages.po:\n" + "\n".join(missing)


def test_one_english_word_two_meanings_two_chinese_words():
    """A withdrawn deal request (撤回) is not a listing taken down (撤下); the bank of the
    account a licensee pays into (开户银行) is not a pledgee bank (质权银行)."""
    from flask import Flask
    from flask_babel import Babel, force_locale, gettext, pgettext

    from market.labels import label
    from market.models import DealState

    app = Flask(__name__)
    Babel(app, default_translation_directories=str(PO.parent.parent.parent))
    with app.test_request_context(), force_locale("zh"):
        assert label(DealState.WITHDRAWN) == "已撤回"
        assert label("withdrawn") == "已撤下"
        assert pgettext("bank account", "Bank") == "开户银行"
        assert gettext("Bank") == "质权银行"
