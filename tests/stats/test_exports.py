"""CSV, XLSX and PDF exports carry the page's numbers; formulas are neutralised."""
import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from market.services import exports
from market.services.indicator_tables import TEXT, Table

from ..pdf_check import check_pdf

pytestmark = pytest.mark.db


def _csv_rows(response):
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_of_every_table_has_the_numbers(client, login_as, ledger_world):
    login_as("centre")
    response = client.get("/centre/indicators/export/industry.csv?year=2024&view=booked")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert 'filename="indicators-2024-booked-industry.csv"' in response.headers["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][1:] == ["专利转让", "专利许可", "合计", "合同金额（元）"] or len(rows[0]) == 5
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert by_name["新材料"] == ["0", "2", "2", "30000.00"]
    assert by_name["生物医药"] == ["0", "0", "0", "-40000.00"]  # a number, not neutralised
    summary = _csv_rows(client.get("/centre/indicators/export/summary.csv?year=2024&view=booked"))
    assert summary[1][2:5] == ["3", "2", "50.00"]
    for key in ("monthly", "licensor", "district", "licence_kind", "top_patents"):
        assert client.get(f"/centre/indicators/export/{key}.csv?year=2024").status_code == 200
    assert client.get("/centre/indicators/export/nope.csv?year=2024").status_code == 404
    assert client.get("/centre/indicators/export/all.csv?year=2024").status_code == 404


def test_xlsx_workbook_opens_with_numbers_as_numbers(client, login_as, ledger_world):
    login_as("centre")
    response = client.get("/centre/indicators/export/all.xlsx?year=2024&view=booked")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    assert len(book.sheetnames) == 7
    industry = book.worksheets[2]
    values = {row[0]: row[1:] for row in industry.iter_rows(min_row=2, values_only=True)}
    assert values["新材料"] == (0, 2, 2, 30000)
    assert values["生物医药"][3] == -40000
    licensor = {row[0]: row for row in book.worksheets[3].iter_rows(min_row=2, values_only=True)}
    assert licensor["东北大学"][-2:] == (3, pytest.approx(33.33))
    one = load_workbook(io.BytesIO(
        client.get("/centre/indicators/export/monthly.xlsx?year=2024&view=booked").get_data()))
    assert one.worksheets[0]["A2"].value == "2024-01"
    assert one.worksheets[0]["C2"].value == -1


def test_formula_injection_is_neutralised_in_csv_and_xlsx():
    table = Table("t", "t", [("name", TEXT), ("n", "count"), ("value", "money")], [
        ["=HYPERLINK(\"http://evil\")", -3, -150],
        ["+1+1", 1, 0], ["-2", 2, 0], ["@SUM(A1)", 3, 0], ["\tx", 4, 0], ["\r=1", 5, 0],
        ["ok", 6, 0]])
    rows = exports.export_rows(table)
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://evil\")", "'+1+1", "'-2",
                                        "'@SUM(A1)", "'\tx", "'\r=1", "ok"]
    assert rows[1][1:] == [-3, Decimal("-1.50")]
    parsed = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"))))
    assert parsed[1] == ["'=HYPERLINK(\"http://evil\")", "-3", "-1.50"]
    sheet = load_workbook(io.BytesIO(exports.to_xlsx([table]))).active
    assert sheet["A2"].value == "'=HYPERLINK(\"http://evil\")" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -3 and sheet["C2"].value == -1.5


def test_pledgor_names_from_users_are_neutralised(client, login_as, ledger_world, make_org):
    from market.extensions import db
    from market.models import Patent
    patent = db.session.get(Patent, ledger_world["p1"].id)
    patent.title = "=cmd|' /C calc'!A0"
    db.session.commit()
    login_as("centre")
    rows = _csv_rows(client.get("/centre/indicators/export/top_patents.csv?year=2024"))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"


def test_pdf_return_in_chinese(client, login_as, ledger_world):
    login_as("centre")
    response = client.get("/centre/indicators/report.pdf?year=2024&lang=en&view=booked")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    check_pdf(response.get_data(), "主要指标统计表", "2024年度", "专利技术合同成交额", "190,000.00",
              "东北大学", "33.33")
