"""Import round trip: a file written with the listing form's own labels (Chinese or
English, CSV or XLSX) imports clean; a bad value is one error that lists the valid values;
the templates carry their instructions and drop-downs."""
import csv
import io

import pytest
from flask import current_app
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook

from market.labels import LABELS
from market.listings.forms import NewListingForm
from market.services import import_vocab, imports

from ..conftest import log_in
from ..factories import new_application_number

pytestmark = pytest.mark.db


@pytest.fixture()
def uni(make_user):
    from market.models import OrgKind
    return make_user(kind=OrgKind.UNIVERSITY)


def form_label(form, name, code):
    """The label the listing form itself shows for a choice of one of its select fields."""
    return next(str(label) for value, label, *_ in getattr(form, name).iter_choices()
                if value == code)


def rows_from_form(locale):
    """Rows written with the form's own words, one per offer the form allows."""
    with force_locale(locale), current_app.test_request_context():
        form = NewListingForm(meta={"csrf": False})
        word = lambda name, code: form_label(form, name, code)  # noqa: E731
        base = {"title": "一种智能焊接机器人", "ipc_codes": "B25J 9/16",
                "filing_date": "2019-05-06", "term_years": "5",
                "publish": "是" if locale == "zh" else "yes",
                "trl": word("trl", "6")}
        granted = {**base, "legal_status": word("legal_status", "granted"),
                   "grant_date": "2021-08-10"}
        pending = {**base, "legal_status": word("legal_status", "pending")}
        licence = word("kind", "licence")
        rows = [
            {**granted, "offer": word("kind", "open_licence"),
             "upfront_mode": word("upfront_mode", "waived"), "royalty_bp": "3",
             "royalty_base": word("royalty_base", "net_sales")},
            {**pending, "offer": licence, "licence_kind": word("licence_kind", "non_exclusive"),
             "upfront_mode": word("upfront_mode", "reduced"), "upfront_fee_fen": "20000",
             "royalty_bp": "5", "royalty_base": word("royalty_base", "profit")},
            {**pending, "offer": licence, "licence_kind": word("licence_kind", "exclusive"),
             "upfront_mode": word("upfront_mode", "deferred"), "deferral_months": "12",
             "upfront_fee_fen": "50000"},
            {**granted, "offer": licence, "licence_kind": word("licence_kind", "sole"),
             "upfront_mode": word("upfront_mode", "due_at_signing"), "upfront_fee_fen": "1000"},
            {**granted, "offer": word("kind", "assignment"), "asking_price_fen": "800000"},
            {**pending, "offer": f"{licence} · {word('licence_kind', 'exclusive')}"},
        ]
    for values in rows:
        values["application_number"] = new_application_number(2019)
    return rows


def table(rows, locale):
    header = [zh if locale == "zh" else en for _, zh, en in imports.COLUMNS]
    return [header, *[[values.get(key, "") for key, _, _ in imports.COLUMNS] for values in rows]]


def as_csv(cells):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(cells)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(cells):
    book = Workbook()
    for line in cells:
        book.active.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("locale", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_in_the_forms_own_labels_imports_clean(app, uni, locale, fmt):
    rows = rows_from_form(locale)
    data = (as_csv if fmt == "csv" else as_xlsx)(table(rows, locale))
    preview = imports.preview(f"p.{fmt}", data, uni.org_id)
    assert not preview.bad, [(r.line, e.field, str(e.message)) for r in preview.bad
                             for e in r.errors]
    offers = [(r.offer["kind"], r.offer["licence_kind"], r.offer["upfront_mode"])
              for r in preview.good]
    assert offers[0] == ("open_licence", "non_exclusive", "waived")
    assert offers[1] == ("licence", "non_exclusive", "reduced")
    assert preview.good[1].offer["royalty_base"] == "profit"
    assert preview.good[2].offer["deferral_kind"] == "months"
    assert offers[5][:2] == ("licence", "exclusive")
    assert [r.patent["legal_status"] for r in preview.good][:2] == ["granted", "pending"]
    assert preview.good[0].patent["trl"] == 6


def test_codes_spaces_and_case_are_accepted(uni):
    row = {"application_number": new_application_number(2019), "title": "一种方法",
           "filing_date": "2019-05-06", "legal_status": " PENDING ", "offer": "Licence",
           "licence_kind": "Non-Exclusive", "upfront_mode": "first_sales", "upfront_fee_fen": "5000",
           "royalty_base": "Net Sales", "publish": "no"}
    preview = imports.preview("p.csv", as_csv(table([row], "en")), uni.org_id)
    assert not preview.bad, [str(e.message) for r in preview.bad for e in r.errors]
    assert preview.good[0].offer["deferral_kind"] == "first_sales"


@pytest.mark.parametrize("column, value", [
    ("legal_status", "大概有效"), ("offer", "白送"), ("licence_kind", "半独占"),
    ("upfront_mode", "分期"), ("royalty_base", "毛利"), ("trl", "10")])
def test_one_bad_value_is_one_error_listing_the_valid_values(uni, column, value):
    row = {"application_number": new_application_number(2019), "title": "一种方法",
           "filing_date": "2019-05-06", "grant_date": "2021-01-01", "legal_status": "有效",
           "offer": "协商许可", "licence_kind": "普通许可", "publish": "是", column: value}
    preview = imports.preview("p.csv", as_csv(table([row], "zh")), imports_org(uni))
    [bad] = preview.bad
    assert [e.field for e in bad.errors] == [column]
    message = str(bad.errors[0].message)
    assert value in message
    for label in import_vocab.VOCABULARIES[column].labels("zh"):
        assert label in message


def imports_org(user):
    return user.org_id


def test_a_blank_legal_status_lists_the_valid_values(uni):
    row = {"application_number": new_application_number(2019), "title": "一种方法",
           "filing_date": "2019-05-06"}
    preview = imports.preview("p.csv", as_csv(table([row], "zh")), uni.org_id)
    [error] = preview.bad[0].errors
    assert error.field == "legal_status" and "审查中" in str(error.message)


def test_every_form_label_is_in_the_vocabulary(app):
    """The guard against drift: each choice of the form's enumerated fields is accepted."""
    for locale in ("zh", "en"):
        with force_locale(locale), app.test_request_context():
            form = NewListingForm(meta={"csrf": False})
            for name, column in (("legal_status", "legal_status"), ("kind", "offer"),
                                 ("licence_kind", "licence_kind"),
                                 ("upfront_mode", "upfront_mode"),
                                 ("deferral_kind", "upfront_mode"),
                                 ("royalty_base", "royalty_base"), ("trl", "trl")):
                for value, label, *_ in getattr(form, name).iter_choices():
                    if value:
                        import_vocab.parse(column, str(label))
                        import_vocab.parse(column, value)


def test_templates_carry_notes_and_drop_downs(client, uni):
    log_in(client, uni)
    text = client.get("/patents/import/template.csv").get_data().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[1][0].startswith(imports.NOTE_MARK)
    assert "审查中" in "".join(lines[1]) and "Under examination" in "".join(lines[1])
    book = load_workbook(io.BytesIO(client.get("/patents/import/template.xlsx").data))
    data_sheet = book.worksheets[0]
    assert "填写说明 Instructions" in book.sheetnames
    ranges = {str(v.sqref).split(":")[0][:-1]: v.formula1
              for v in data_sheet.data_validations.dataValidation}
    status_column = next(n for n, (key, _, _) in enumerate(imports.COLUMNS) if key == "legal_status")
    from openpyxl.utils import get_column_letter
    formula = ranges[get_column_letter(status_column + 1)]
    sheet_name, cells = formula.split("!")
    values = [c.value for row in book[sheet_name.strip("'")][cells.replace("$", "")] for c in row]
    with force_locale("zh"):
        assert values == [str(LABELS["legal_granted"]), str(LABELS["legal_pending"])]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_itself_imports_clean(client, uni, fmt):
    log_in(client, uni)
    data = client.get(f"/patents/import/template.{fmt}").data
    preview = imports.preview(f"t.{fmt}", data, uni.org_id)
    assert preview.good_count == 1 and not preview.bad
