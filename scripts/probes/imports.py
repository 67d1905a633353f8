"""Probe: hostile portfolio files posted to /patents/import of a running instance.

    python scripts/probes/imports.py http://127.0.0.1:8000

Logs in as a demo university (CSRF off on the audit instance), posts a dimension bomb, a
shared-string bomb, a million empty rows, a CSV over the row limit and a NUL byte in a cell.
One line per check; exit 1 when any answer is a 5xx, a 2xx (the file was not refused), or
slower than SLOW seconds. Stdlib and requests only: the files are built here.
"""
import io
import sys
import time
import zipfile

import requests

EMAIL, PASSWORD = "neut@demo.ipmarket.cn", "shenyang-demo-2026"
SLOW = 5.0
HEADER = "申请号,公开（公告）号,专利名称,摘要,IPC分类号,法律状态,申请日"
NS = "http://schemas.openxmlformats.org/"
MIME = "application/vnd.openxmlformats-"
SML = MIME + "officedocument.spreadsheetml."
REL = NS + "officeDocument/2006/relationships/"


def xlsx(sheet_rows: str, dimension: str = "", shared_mb: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", f'<Types xmlns="{NS}package/2006/content-types">'
                   f'<Default Extension="rels" ContentType="{MIME}package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{SML}sheet.main+xml"/>'
                   f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SML}worksheet+xml"/>'
                   f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SML}sharedStrings+xml"/>'
                   "</Types>")
        z.writestr("_rels/.rels", f'<Relationships xmlns="{NS}package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{REL}officeDocument" Target="xl/workbook.xml"/>'
                   "</Relationships>")
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{NS}spreadsheetml/2006/main" '
                   f'xmlns:r="{NS}officeDocument/2006/relationships">'
                   '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{NS}package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{REL}worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{REL}sharedStrings" Target="sharedStrings.xml"/>'
                   "</Relationships>")
        header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{v}</t></is></c>'
                         for i, v in enumerate(HEADER.split(",")))
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{NS}spreadsheetml/2006/main">'
                   f'{dimension}<sheetData><row r="1">{header}</row>{sheet_rows}</sheetData></worksheet>')
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(f'<sst xmlns="{NS}spreadsheetml/2006/main"><si><t>'.encode())
            for _ in range(shared_mb):
                member.write(b"A" * 1024 * 1024)
            member.write(b"</t></si></sst>")
    return out.getvalue()


def files() -> dict:
    return {
        "dimension bomb (A1:XFD1048576)": (
            "bomb.xlsx", xlsx("", '<dimension ref="A1:XFD1048576"/>')),
        "shared string of 200 MB": ("strings.xlsx", xlsx(
            '<row r="2"><c r="A2" t="s"><v>0</v></c></row>', shared_mb=200)),
        "1M empty rows (xlsx)": ("empty.xlsx", xlsx(
            "".join(f'<row r="{n}"/>' for n in range(2, 1_000_002)))),
        "1M empty rows (csv)": ("empty.csv", (HEADER + "\n" + ",,,\n" * 1_000_000).encode()),
        "CSV over the row limit": ("rows.csv", (HEADER + "\n" + "".join(
            f"2019{n:09d},,一种焊接机器人,,,有效,2019-05-06\n" for n in range(50_001))).encode()),
        "NUL byte in a cell": ("nul.csv", (
            HEADER + "\n201910000001.0,,一种焊接\x00机器人,本发明涉及焊接机器人。,"
            "B25J 9/16,审中,2019-05-06\n").encode()),
    }


def main() -> int:
    base = sys.argv[1].rstrip("/")
    session = requests.Session()
    login = session.post(f"{base}/account/login", data={"email": EMAIL, "password": PASSWORD},
                         allow_redirects=False, timeout=30)
    if login.status_code != 302:
        print(f"FAIL log in as {EMAIL}: {login.status_code}")
        return 1
    failed = False
    for check, (name, data) in files().items():
        start = time.perf_counter()
        try:
            response = session.post(f"{base}/patents/import", files={"file": (name, data)},
                                    timeout=60)
            status = response.status_code
        except requests.RequestException as exc:
            status = f"no answer ({type(exc).__name__})"
        seconds = time.perf_counter() - start
        ok = isinstance(status, int) and 400 <= status < 500 and seconds <= SLOW
        failed |= not ok
        print(f"{'ok  ' if ok else 'FAIL'} import {check}: {status} in {seconds:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
