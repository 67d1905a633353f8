"""Fuzz the patent number parsers: only InvalidPatentNumber (a ValueError) may come out,
and a number that is accepted must be accepted again unchanged (normalising is idempotent).

    .venv/bin/python fuzz/fuzz_patent_numbers.py -runs=20000
"""
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["market"]):
    from market.domain import patent_numbers as pn


def test_one_input(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(64)
    for normalise in (pn.normalise_application_number, pn.normalise_publication_number):
        try:
            canonical = normalise(text)
        except pn.InvalidPatentNumber:
            continue
        assert normalise(canonical) == canonical, (text, canonical)
    kind, value = pn.looks_like_patent_number(text)  # never raises for str input
    assert kind in (None, "application", "publication"), kind
    assert isinstance(value, str)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
