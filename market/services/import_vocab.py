"""The words the bulk import accepts for each enumerated column: built from the SAME label
tables the listing form shows (market.labels, the forms' choice lists, domain enums), in
Chinese and English, plus the stored codes and a few documented synonyms. Matching ignores
case, spaces and full/half-width forms. One place: a label changed for the form is accepted
by the import at once, and listed in its error messages and in the template's drop-downs."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask_babel import force_locale, get_locale

from ..domain.terms import DEFERRAL_KINDS, ROYALTY_BASES
from ..labels import LABELS

LOCALES = ("zh", "en")
UPFRONT_CODES = ("waived", "reduced", "due_at_signing", "deferred", *DEFERRAL_KINDS)


def normalise(text: str) -> str:
    """'  Open Licence ', 'non-exclusive' and 'NON_EXCLUSIVE' as the lookup keys read them:
    case, spaces, hyphens and underscores do not count."""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return "".join(text.split()).replace("_", "").replace("-", "")


@dataclass(frozen=True)
class Choice:
    value: object        # what the import stores (a code, or a tuple of codes)
    label_key: str       # the LABELS key the form shows for it


@dataclass(frozen=True)
class Vocabulary:
    """One enumerated column: its choices in form order and their accepted spellings."""
    column: str
    choices: tuple[Choice, ...]
    synonyms: tuple[tuple[str, object], ...] = ()  # documented short forms and old words
    also: tuple[tuple[str, object], ...] = ()  # (LABELS key, value): accepted, not listed

    def labels(self, locale: str) -> list[str]:
        """The form's labels in that language, in form order (for errors and drop-downs)."""
        with force_locale(locale):
            return [str(LABELS[c.label_key]) for c in self.choices]


def _label_forms(label: str) -> set[str]:
    """A label and its head: '免除（无首付）' is also written '免除', '6 · 样机演示' also '6'."""
    forms = {label}
    for cut in ("（", "(", " · ", "·"):
        head = label.split(cut)[0].strip()
        if head:
            forms.add(head)
    return forms


LEGAL_STATUS = Vocabulary("legal_status", (
    Choice("granted", "legal_granted"), Choice("pending", "legal_pending")),
    synonyms=(("有效", "granted"), ("授权", "granted"), ("已授权", "granted"),
              ("在审", "pending"), ("审中", "pending"), ("实审", "pending"),
              ("公开", "pending"), ("失效", "terminated"), ("终止", "terminated"),
              ("撤回", "withdrawn"), ("驳回", "withdrawn")))
OFFER = Vocabulary("offer", (
    Choice(("open_licence", None), "open_licence"), Choice(("licence", None), "licence"),
    Choice(("assignment", None), "assignment")))
LICENCE_KIND = Vocabulary("licence_kind", (
    Choice("non_exclusive", "non_exclusive"), Choice("sole", "sole"),
    Choice("exclusive", "exclusive")))
UPFRONT_MODE = Vocabulary("upfront_mode", (
    Choice("waived", "waived"), Choice("reduced", "reduced"),
    Choice("due_at_signing", "due_at_signing"), Choice("months", "deferred"),
    Choice("first_sales", "first_sales")),
    also=(("months", "months"),),
    synonyms=(("deferred", "months"), ("延期", "months"), ("延期支付", "months"),
              ("免首付", "waived"), ("减免", "reduced"), ("签约支付", "due_at_signing"),
              ("首次销售后支付", "first_sales")))
ROYALTY_BASE = Vocabulary("royalty_base", tuple(Choice(code, code) for code in ROYALTY_BASES),
                          synonyms=(("销售额", "net_sales"),))
TRL = Vocabulary("trl", tuple(Choice(str(n), f"trl{n}") for n in range(1, 10)))
VOCABULARIES = {v.column: v for v in (LEGAL_STATUS, OFFER, LICENCE_KIND, UPFRONT_MODE,
                                      ROYALTY_BASE, TRL)}

_lookups: dict[str, dict[str, object]] = {}


def lookup(column: str) -> dict[str, object]:
    """normalised spelling -> stored value, for one column (built once per process: the
    translations do not change while it runs)."""
    table = _lookups.get(column)
    if table is None:
        table = _lookups[column] = _build(VOCABULARIES[column])
    return table


def _build(vocab: Vocabulary) -> dict[str, object]:
    table: dict[str, object] = {}
    for word, value in vocab.synonyms:
        table[normalise(word)] = value
    for key, value in vocab.also:
        for locale in LOCALES:
            with force_locale(locale):
                for form in _label_forms(str(LABELS[key])):
                    table[normalise(form)] = value
    for choice in vocab.choices:
        codes = choice.value if isinstance(choice.value, tuple) else (choice.value,)
        table[normalise(choice.label_key)] = choice.value
        for code in codes:
            if code:
                table.setdefault(normalise(code), choice.value)
        for locale in LOCALES:
            with force_locale(locale):
                for form in _label_forms(str(LABELS[choice.label_key])):
                    table[normalise(form)] = choice.value
    if vocab is OFFER:  # the licence kinds alone, and as the listing page shows them
        for kind, _value in lookup("licence_kind").items():
            table.setdefault(kind, ("licence", _value))
        for locale in LOCALES:
            with force_locale(locale):
                head = str(LABELS["licence"])
                for choice in LICENCE_KIND.choices:
                    kind_label = str(LABELS[choice.label_key])
                    for sep in (" · ", "·", "/", "／", "-", "—", "：", ":"):
                        table[normalise(f"{head}{sep}{kind_label}")] = ("licence", choice.value)
    return table


def parse(column: str, text: str):
    """The stored value of a cell's word, or KeyError."""
    return lookup(column)[normalise(text)]


def valid_values(column: str) -> str:
    """The valid values as the user's language shows them, with the codes: for the error."""
    vocab = VOCABULARIES[column]
    locale = str(get_locale() or "zh")
    labels = vocab.labels("en" if locale.startswith("en") else "zh")
    codes = [c.label_key if not isinstance(c.value, str) else c.value for c in vocab.choices]
    separator = ", " if locale.startswith("en") else "、"
    return separator.join(f"{label} ({code})" if normalise(label) != code else label
                          for label, code in zip(labels, codes, strict=True))


def zh_label(key: str) -> str:
    """A label as the Chinese form shows it."""
    with force_locale("zh"):
        return str(LABELS[key])
