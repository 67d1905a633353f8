"""Build ``market/data/demo_patents.csv.gz`` from the shared developer file (run once; the
output is committed). Only the ``kppatent_zh_test`` rows (KPPatent-ZH, MIT licence) may be
shipped; the CCF rows never may.

The rule (deterministic): of the KPPatent-ZH rows that have an abstract, every row whose
title or abstract mentions 电池, 传感器 or 材料 (so a newcomer's first searches find
something), then the others in order of ``id``, up to ``LIMIT`` rows; the result is sorted by
``id``. Text is copied untouched.

    .venv/bin/python scripts/build_demo_patents.py [/work/shared/data/patents_dev.csv]
"""
import csv
import gzip
import io
import sys
from pathlib import Path

LIMIT = 360
WORDS = ("电池", "传感器", "材料")
COLUMNS = ("id", "title", "abstract", "patent_type", "publication_number")
OUT = Path(__file__).resolve().parent.parent / "market" / "data" / "demo_patents.csv.gz"


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/patents_dev.csv"
    with open(source, encoding="utf-8", newline="") as handle:
        rows = sorted((r for r in csv.DictReader(handle)
                       if r["source"] == "kppatent_zh_test" and r["abstract"].strip()),
                      key=lambda r: r["id"])
    topical = [r for r in rows if any(w in r["title"] + r["abstract"] for w in WORDS)]
    chosen = topical + [r for r in rows if r not in topical][:max(0, LIMIT - len(topical))]
    chosen.sort(key=lambda r: r["id"])
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([r[c] for c in COLUMNS] for r in chosen)
    # mtime=0: the same input gives the same bytes
    OUT.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), mtime=0))
    print(f"{len(chosen)} rows ({len(topical)} topical) -> {OUT}")


if __name__ == "__main__":
    main()
