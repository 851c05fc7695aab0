"""The portfolio review recalculated by LibreOffice equals csxl.metrics, before and after one MRR edit."""

import zipfile

import openpyxl
import pandas as pd
import pytest

from csxl.data.demo import demo_dataset
from csxl.metrics.csm import csm_scorecard
from csxl.metrics.movements import SPLIT_COLUMNS, mrr_movements
from csxl.metrics.retention import cohort_retention, grr_cohort, logo_churn_cohort, nrr_cohort, retention_trend
from csxl.metrics.surveys import nps
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.portfolio import CSM_ROWS, OUTPUT_NAMES, WINDOW, write_portfolio
from tests.workbook_values import blank, named_values

AS_OF = pd.Timestamp("2026-10-01")
LINES = ["start_mrr", "new", "reactivation", "expansion", "upsell", "cross_sell", "price_adjustment", "contraction",
         "churn", "end_mrr", "customers_start", "new_customers", "reactivated_customers", "churned_customers",
         "customers_end"]


def expected_names(mrr: pd.DataFrame, answers: pd.DataFrame) -> dict[str, float]:
    moves = mrr_movements(mrr)
    now = mrr[mrr["month"] == AS_OF].groupby("customer_id")["mrr"].sum()
    now = now[now > 0]
    last12 = moves.tail(12)
    window = answers[(answers["date"] >= AS_OF - pd.DateOffset(months=11)) & (answers["date"] < AS_OF + pd.DateOffset(months=1))]
    return {"MRR": now.sum(), "ARR": 12 * now.sum(), "Customers": len(now), "ARPA": now.mean(),
            "NRR": nrr_cohort(mrr, AS_OF, 12), "GRR": grr_cohort(mrr, AS_OF, 12),
            "LogoChurn": logo_churn_cohort(mrr, AS_OF, 12),
            "QuickRatio": (last12[["new", "expansion", "reactivation"]].sum().sum()
                           / last12[["contraction", "churn"]].sum().sum()),
            "NPS": nps(window["score"]).score}


def movement_cells(path, lang):
    locale = Locale(lang)
    ws = openpyxl.load_workbook(path, data_only=True)[locale("sheet.movements")]
    labels = {locale(line): line for line in LINES}
    months = [pd.Timestamp(c.value) for c in ws[5][1:1 + WINDOW]]
    cells = {}
    for row in ws.iter_rows(min_row=6, max_row=30):
        if row[0].value in labels:
            for month, cell in zip(months, row[1:1 + WINDOW]):
                cells[(month, labels[row[0].value])] = cell.value
    return cells


def assert_portfolio(calculated, mrr, answers, lang):
    mrr = mrr[mrr["month"] <= AS_OF]
    actual = named_values(calculated, [*OUTPUT_NAMES, "MasterCheck"])
    for name, want in expected_names(mrr, answers).items():
        assert actual[name] == pytest.approx(want, rel=1e-9), name
    assert actual["MasterCheck"] == Locale(lang)("ok")
    cells = movement_cells(calculated, lang)
    python = mrr_movements(mrr).assign(month=lambda t: t["period"].dt.to_timestamp()).set_index("month")
    for (month, line), value in cells.items():
        want = python.loc[month, line] if month in python.index else 0.0
        # csxl.metrics rounds each customer's share of the split to 6 decimals; the workbook does not
        assert value == pytest.approx(want, abs=1e-4 if line in SPLIT_COLUMNS else 1e-6), (month, line)
    assert len(cells) == WINDOW * len(LINES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    data = demo_dataset()
    path, _ = write_portfolio(data, AS_OF, Locale("pt-BR"), None, folder / "portfolio.xlsx")
    return data, path, convert([path], folder / "calc")[0]


def test_names_and_every_movement_cell_equal_python(generated):
    data, _, calculated = generated
    assert_portfolio(calculated, data.mrr, data.nps, "pt-BR")


def test_one_mrr_edit_recalculates_movements_and_retention(generated, tmp_path):
    data, path, _ = generated
    wb = openpyxl.load_workbook(path)
    ws = wb[f"{Locale('pt-BR')('sheet.data')}_mrr"]
    header = [c.value for c in ws[1]]
    m30 = header.index("m30") + 1
    # a customer with two products drops one of them in month 30 of the window: a contraction, then a cross-sell
    # or a reactivation when it comes back
    row = next(r for r in range(2, ws.max_row) if ws.cell(r, 1).value == ws.cell(r + 1, 1).value
               and (ws.cell(r, m30).value or 0) > 0 and (ws.cell(r + 1, m30).value or 0) > 0)
    customer, product = ws.cell(row, 1).value, ws.cell(row, 2).value
    ws.cell(row, m30).value = None
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    calculated = convert([edited], tmp_path / "calc")[0]
    month = AS_OF - pd.DateOffset(months=WINDOW - 30)
    changed = data.mrr[~((data.mrr["customer_id"] == customer) & (data.mrr["product"] == product)
                         & (data.mrr["month"] == month))]
    assert len(changed) < len(data.mrr)
    assert_portfolio(calculated, changed, data.nps, "pt-BR")


def test_csm_scorecard_equals_python(generated):
    data, _, calculated = generated
    ws = openpyxl.load_workbook(calculated, data_only=True)[Locale("pt-BR")("sheet.csms")]
    python = csm_scorecard(data.mrr[data.mrr["month"] <= AS_OF], data.customers, AS_OF, 12, data.nps).set_index("csm")
    columns = ["accounts", "mrr", "mrr_retained", "logo_retention", "expansion_mrr", "accounts_expanded", "nps",
               "mrr_growth_mom"]
    rows = [row for row in ws.iter_rows(min_row=5, max_row=4 + CSM_ROWS, values_only=True) if row[0]]
    assert len(rows) == len(python.index.drop("(unassigned)", errors="ignore"))
    for row in rows:
        for column, value in zip(columns, row[1:]):
            want = python.loc[row[0], column]
            assert blank(value) if pd.isna(want) else value == pytest.approx(want, rel=1e-9), (row[0], column)


def test_retention_trend_and_cohorts_equal_python(generated):
    data, _, calculated = generated
    locale = Locale("pt-BR")
    wb = openpyxl.load_workbook(calculated, data_only=True)
    mrr = data.mrr[data.mrr["month"] <= AS_OF]
    trend = retention_trend(mrr).set_index("month")
    rows = list(wb[locale("sheet.retention")].iter_rows(min_row=5, max_row=5 + WINDOW - 12, max_col=3, values_only=True))
    assert pd.Timestamp(rows[-1][0]) == AS_OF
    for month, nrr, grr in rows:
        period = pd.Period(month, "M")
        if period not in trend.index:  # no MRR data twelve months before
            assert blank(nrr) and blank(grr)
            continue
        assert (nrr, grr) == pytest.approx((trend.loc[period, "nrr"], trend.loc[period, "grr"]), rel=1e-9), period
    ws = wb[locale("sheet.cohorts")]
    for block, basis in enumerate(("revenue", "logo")):
        python = cohort_retention(mrr, basis)
        top = 4 + block * (WINDOW + 5)
        checked = 0
        for row in ws.iter_rows(min_row=top + 2, max_row=top + 1 + WINDOW, values_only=True):
            cohort = pd.Period(row[0], "M")
            if cohort not in python.index:  # nobody's first month
                assert row[1] == 0
                continue
            assert row[1] == python.loc[cohort, "customers"]
            for since, value in enumerate(row[2:2 + WINDOW]):
                if cohort + since <= pd.Period(AS_OF, "M"):
                    assert value == pytest.approx(python.loc[cohort, since], rel=1e-9), (basis, cohort, since)
                    checked += 1
        assert checked > 100


def test_data_text_is_text(generated):
    _, path, _ = generated
    with zipfile.ZipFile(path) as package:
        sheets = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))
    assert b"HYPERLINK" in sheets and b"<f>=HYPERLINK" not in sheets and b"<f>HYPERLINK" not in sheets
