"""Fill empty Chinese msgstrs in the .po file from the ZH dicts of this folder and of the
domain modules (their ZH_MESSAGES). Run by ``make i18n``; never overwrites a translation."""
import importlib
import pkgutil
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PO = ROOT / "market" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def known() -> dict:
    table = {}
    for info in pkgutil.iter_modules([str(ROOT / "tools")]):
        if info.name.startswith("zh_"):
            table.update(importlib.import_module(f"tools.{info.name}").ZH)
    import market.domain
    for info in pkgutil.iter_modules(market.domain.__path__):
        module = importlib.import_module(f"market.domain.{info.name}")
        table.update(getattr(module, "ZH_MESSAGES", {}))
    return table


def main() -> int:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh")
    table, missing = known(), []
    for message in catalog:
        if not message.id:
            continue
        done = all(message.string) if isinstance(message.string, tuple) else message.string
        if done and not message.fuzzy:
            continue
        if message.id in table:
            value = table[message.id]
            message.string = value if not isinstance(message.id, tuple) else tuple(value)
            message.flags.discard("fuzzy")
        else:
            missing.append(message.id)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100)
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
