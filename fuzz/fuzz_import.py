"""Fuzz the portfolio import: reading a file (CSV/XLSX bytes) and checking its rows.

iter_table may refuse a file with ImportFileError; check_row reports problems as field
errors and must never raise. Anything else is a crash. No database is touched (check_row
builds a transient Patent for the offer rules), but the lazy translated messages need an
app context: an in-memory SQLite app.

    .venv/bin/python fuzz/fuzz_import.py -runs=20000
"""
import logging
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["market"]):
    from market.services import imports

from market import create_app  # noqa: E402 - after the instrumented import
from market.config import TestConfig  # noqa: E402

KEYS = [key for key, _, _ in imports.COLUMNS]
# words the checker understands, so the fuzzer gets past the first refusals quickly
HINTS = ["2019100012345.6", "CN107357845A", "开放许可", "普通许可", "独占许可", "转让", "免除", "延期",
         "签约时支付", "有效", "审中", "2020-01-31", "2021/06/01", "3", "2.5%", "1000", "是",
         "C01B 32/184", "一种石墨烯复合材料", "张三；李四", ""]


def _cell(fdp: atheris.FuzzedDataProvider) -> str:
    if fdp.ConsumeBool():
        return HINTS[fdp.ConsumeIntInRange(0, len(HINTS) - 1)]
    return fdp.ConsumeUnicodeNoSurrogates(24)


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    name = ("x.csv", "x.xlsx", "x.txt", "", "x.pdf")[fdp.ConsumeIntInRange(0, 4)]
    if fdp.ConsumeBool():
        try:
            list(imports.iter_table(name, fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 2048))))
        except imports.ImportFileError:
            pass
        return
    row = {key: _cell(fdp) for key in KEYS if fdp.ConsumeBool()}
    result = imports.check_row(2, row)
    assert result.ok == (not result.errors)
    for error in result.errors:
        str(error.message)  # every message renders


def main() -> None:
    logging.disable(logging.WARNING)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        atheris.Setup(sys.argv, test_one_input)
        atheris.Fuzz()


if __name__ == "__main__":
    main()
