"""QBR workbooks: LibreOffice recalculates them and every named output equals csxl.metrics."""

import math
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from csxl.metrics import health, surveys
from csxl.metrics.movements import customer_movements
from csxl.metrics.retention import grr_cohort, nrr_cohort
from csxl.workbooks.files import atomic_save
from csxl.workbooks.jobs import QbrJob, build_qbr
from csxl.workbooks.labels import LABELS, LANGUAGES, Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.qbr import HISTORY, OUTPUT_NAMES, TABLES, qbr_template, quarter_end
from tests.books import ACCOUNT, NAMES, OTHERS, small_book
from tests.workbook_values import blank, named_values

AS_OF = pd.Timestamp("2026-09-01")


def expected_outputs(data, account, as_of, locale):
    """Every named output of a QBR, computed in Python by csxl.metrics."""
    mine = data.mrr[(data.mrr.customer_id == account) & (data.mrr.month <= as_of)]
    customer = data.customers.set_index("customer_id").loc[account]
    window = lambda df: df[(df.customer_id == account) & (df.date >= as_of - pd.DateOffset(months=11))  # noqa: E731
                           & (df.date < as_of + pd.DateOffset(months=1))]
    signals = data.health[(data.health.customer_id == account) & (data.health.month == as_of)]
    components = health.health_components(signals).iloc[0]
    score = health.health_score(components[["adoption", "engagement", "support"]].to_numpy())
    flag = health.health_flag(score, status=customer["status"])
    mrr = mine.loc[mine.month == as_of, "mrr"].sum()
    return {
        "Account": customer["name"],
        "AsOf": as_of.to_pydatetime(),
        "MRR": mrr,
        "ARR": 12 * mrr,
        "NRR": nrr_cohort(mine, as_of, 12),
        "GRR": grr_cohort(mine, as_of, 12),
        "HealthScore": score,
        "HealthFlag": locale(f"flag.{flag}"),
        "NPS": surveys.nps(window(data.nps)["score"]).score,
        "CSAT": surveys.csat(window(data.csat)["score"]),
        "RenewalDate": customer["renewal_date"].to_pydatetime(),
    }


def assert_matches(actual: dict, expected: dict):
    for name, want in expected.items():
        got = actual[name]
        if isinstance(want, float) and math.isnan(want):
            assert blank(got), name
        elif isinstance(want, float):
            assert got == pytest.approx(want, rel=1e-9, abs=1e-9), name
        else:
            assert got == want, name


@pytest.fixture(scope="module")
def book():
    return small_book()


@pytest.fixture(scope="module")
def generated(book, tmp_path_factory):
    """QBRs of the account in the three languages, recalculated by LibreOffice in one run."""
    folder = tmp_path_factory.mktemp("qbr")
    paths = []
    for lang in LANGUAGES:
        wb, _ = build_qbr(book, ACCOUNT, QbrJob(AS_OF, Locale(lang)))
        paths.append(atomic_save(wb, folder / f"qbr_{lang}.xlsx"))
    calculated = convert(paths, folder / "calc")
    return dict(zip(LANGUAGES, zip(paths, calculated)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_named_output_equals_python(book, generated, lang):
    _, calculated = generated[lang]
    actual = named_values(calculated, [*OUTPUT_NAMES, "MasterCheck"])
    assert_matches(actual, expected_outputs(book, ACCOUNT, AS_OF, Locale(lang)))
    assert actual["MasterCheck"] == Locale(lang)("ok")


def movement_cells(path, lang):
    """The MRR sheet's monthly movements, as {(month, line): value}."""
    locale = Locale(lang)
    ws = openpyxl.load_workbook(path, data_only=True)[locale("sheet.mrr")]
    lines = {locale(k): k for k in ("start_mrr", "new", "reactivation", "expansion", "contraction", "churn",
                                     "end_mrr")}
    months = [c.value for c in ws[4][2:2 + HISTORY]]
    values = {}
    for row in ws.iter_rows(min_row=5):
        if row[0].value in lines:
            for month, cell in zip(months, row[2:2 + HISTORY]):
                values[(pd.Timestamp(month), lines[row[0].value])] = cell.value
    return values


def test_every_movement_cell_equals_python(book, generated):
    _, calculated = generated["en"]
    cells = movement_cells(calculated, "en")
    mine = book.mrr[(book.mrr.customer_id == ACCOUNT) & (book.mrr.month <= AS_OF)]
    python = customer_movements(mine).assign(month=lambda t: t.period.dt.to_timestamp()).set_index("month")
    months = sorted({m for m, _ in cells})
    assert len(months) == HISTORY and months[-1] == AS_OF
    moved = 0
    for month in months:
        for line in ("start_mrr", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr"):
            want = python.loc[month, line] if month in python.index else 0.0
            assert cells[(month, line)] == pytest.approx(want, abs=1e-6), (month, line)
            moved += want != 0 and line not in ("start_mrr", "end_mrr")
    assert moved >= 5  # the book really moves in the window; the comparison is not all zeros


def test_editing_one_mrr_value_recalculates_every_output(book, generated, tmp_path):
    source, _ = generated["en"]
    wb = openpyxl.load_workbook(source)
    ws = wb[f"{Locale('en')('sheet.data')}_mrr"]
    target = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value == AS_OF.to_pydatetime())
    product = ws.cell(target, 2).value
    ws.cell(target, 4).value = 4321.5
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    calculated = convert([edited], tmp_path / "calc")[0]
    changed = book.mrr.copy()
    hit = (changed.customer_id == ACCOUNT) & (changed.month == AS_OF) & (changed["product"] == product)
    assert hit.sum() == 1
    changed.loc[hit, "mrr"] = 4321.5
    edited_book = type(book)(**{**book.__dict__, "mrr": changed})
    actual = named_values(calculated, OUTPUT_NAMES)
    expected = expected_outputs(edited_book, ACCOUNT, AS_OF, Locale("en"))
    assert_matches(actual, expected)
    assert actual["MRR"] != named_values(generated["en"][1], ["MRR"])["MRR"]


def test_the_file_holds_nothing_of_any_other_customer(generated):
    source, _ = generated["pt-BR"]
    with zipfile.ZipFile(source) as package:
        everything = b"".join(package.read(n) for n in package.namelist())
    text = everything.decode("utf-8", "replace")
    assert ACCOUNT in text
    for other_id, other_name in OTHERS.items():
        assert other_id not in text
        assert other_name not in text and other_name.replace('"', "&quot;") not in text
    assert "Meta secreta da Zebra" not in text


def test_text_from_data_is_written_as_text_not_as_a_formula(book, tmp_path):
    hostile = "QUOLL-9034"
    wb, _ = build_qbr(book, hostile, QbrJob(AS_OF, Locale("en")))
    path = atomic_save(wb, tmp_path / "hostile.xlsx")
    ws = openpyxl.load_workbook(path)[f"{Locale('en')('sheet.data')}_customer"]
    cell = ws["B2"]
    assert cell.value == NAMES[hostile] and cell.data_type == "s"
    with zipfile.ZipFile(path) as package:
        formulas = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))
    assert b"HYPERLINK" in formulas  # the name is there, as a string cell ...
    assert not re.search(rb"<f>[^<]*HYPERLINK", formulas)  # ... and never inside a formula
    calculated = convert([path], tmp_path / "calc")[0]
    assert named_values(calculated, ["Account"])["Account"] == NAMES[hostile]


# Functions that Excel 2010+, LibreOffice and Google Sheets all compute (DESIGN.md).
PORTABLE = {"ABS", "AND", "AVERAGEIFS", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "DATE", "EDATE", "EOMONTH", "IF",
            "IFERROR", "INDEX", "ISNUMBER", "MATCH", "MAX", "MIN", "MONTH", "NA", "OR", "ROUND", "ROUNDUP", "ROWS",
            "SQRT", "SUM", "SUMIFS", "SUMPRODUCT", "TEXT", "YEAR"}


def test_outputs_use_only_portable_functions():
    wb = qbr_template(Locale("en"))
    formulas = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) > 500
    used = set(re.findall(r"([A-Z][A-Z0-9._]*)\(", re.sub(r'"[^"]*"', "", "\n".join(formulas))))
    assert used <= PORTABLE, used - PORTABLE


def test_every_label_exists_in_every_language():
    for key, words in LABELS.items():
        assert len(words) == len(LANGUAGES) and all(w.strip() for w in words), key


def test_default_period_is_the_last_complete_quarter(book):
    assert quarter_end(book, None) == pd.Timestamp("2026-09-01")  # data ends in October 2026
    assert quarter_end(book, "2026-06") == pd.Timestamp("2026-06-01")


def test_template_has_empty_data_tables_and_all_names():
    wb = qbr_template(Locale("es", "EUR"))
    for table in TABLES.values():
        ws = next(ws for ws in wb.worksheets if table.table_name in ws.tables)
        assert ws.max_row <= 2 and all(c.value is None for c in ws[2])
    for name in [*OUTPUT_NAMES, "MasterCheck"]:
        assert name in wb.defined_names


def test_a_batch_goes_on_past_a_bad_account(tmp_path):
    from csxl.workbooks.jobs import write_all_qbrs

    accounts = [ACCOUNT, "NO-SUCH-ACCOUNT", *OTHERS]
    results = {a: (p, e) for a, p, e in write_all_qbrs(small_book, accounts, QbrJob(AS_OF, Locale("en")), tmp_path,
                                                      workers=2)}
    assert set(results) == set(accounts)
    path, error = results["NO-SUCH-ACCOUNT"]
    assert "is not in the MRR data" in error and not path.exists()
    assert all(results[a][1] is None and results[a][0].exists() for a in [ACCOUNT, *OTHERS])
