"""The forecast as a finance model, recalculated by LibreOffice: drivers that follow the Data tables and take an
override, every renewal term inside the horizon, a gross margin nobody set, fiscal periods, and the charts."""

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, LineChart

from csxl.data.dataset import Dataset
from csxl.data.demo import demo_dataset
from csxl.data.load import load
from csxl.metrics.forecast import ForecastRates, fiscal_rollup, project_mrr, renewals_in_horizon, trailing_rates
from csxl.metrics.retention import nrr_cohort
from csxl.metrics.sbg import sbg_fit_cohorts
from csxl.workbooks.anchors import named
from csxl.workbooks.files import atomic_save
from csxl.workbooks.forecast import KIND, account_flags, forecast_tables
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from tests.test_forecast_workbook import all_green_book
from tests.workbook_values import anchored, blank, named_values

AS_OF = pd.Timestamp("2026-09-01")
DRIVERS = ("NewMRR", "ExpansionRate", "ContractionRate", "ChurnRate", "CurrentNRR")


def set_named(wb, name: str, item) -> None:
    area = named(wb, name)
    wb[area.ws.title][area.local].value = item


def write_column(wb, name: str, items) -> None:
    """Overwrite the rows of a Data column (its defined name D_<table>_<column>), as a reader correcting it would."""
    area = named(wb, name)
    cells = list(area.cells())
    assert len(cells) == len(items)
    for cell, item in zip(cells, items):
        wb[area.ws.title][cell.local].value = float(item)


def corrected(book: Dataset) -> Dataset:
    """The demo book with an upsell of 5,000 a month from June 2026 the data had missed, on one product of one
    customer paying for it from June to September: June's expansion, the start MRR of the months after it (the
    denominator of every rate) and September's MRR (the NRR's numerator) all change."""
    mrr = book.mrr.copy()
    months = pd.date_range("2026-06-01", AS_OF, freq="MS")
    paying = mrr[mrr["month"].isin(months) & (mrr["mrr"] > 0)].groupby(["customer_id", "product"]).size()
    customer, product = paying[paying == len(months)].index[0]
    rows = (mrr["customer_id"] == customer) & (mrr["product"] == product) & mrr["month"].isin(months)
    mrr.loc[rows, "mrr"] += 5_000.0
    return Dataset(**{**book.__dict__, "mrr": mrr})


@pytest.fixture(scope="module")
def book():
    return demo_dataset()


@pytest.fixture(scope="module")
def books(book, tmp_path_factory):
    """Each edited workbook, recalculated by LibreOffice in one run: {case: path}."""
    folder = tmp_path_factory.mktemp("model")
    wb, _ = KIND.build(book, AS_OF, Locale("en"), horizon=12)
    original = atomic_save(wb, folder / "original.xlsx")
    edits = {}

    fixed = corrected(book)
    tables = forecast_tables(fixed, AS_OF)
    history = openpyxl.load_workbook(original)
    for column in ("start_mrr", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr"):
        write_column(history, f"D_bridge_{column}", tables["bridge"][column])
    write_column(history, "D_accounts_mrr_now", tables["accounts"]["mrr_now"])
    edits["history"] = history

    override = openpyxl.load_workbook(original)
    set_named(override, "ChurnRateOverride", 0.02)
    set_named(override, "NewMRROverride", 10_000.0)
    set_named(override, "TrailingMonths", 3)
    edits["override"] = override

    fiscal = openpyxl.load_workbook(original)
    set_named(fiscal, "FiscalYearStart", 4)
    set_named(fiscal, "GrossMargin", 0.7)
    edits["fiscal"] = fiscal

    paths = {"original": original}
    for name, edited in edits.items():
        paths[name] = folder / f"{name}.xlsx"
        edited.save(paths[name])
    paths["green24"] = atomic_save(KIND.build(all_green_book(), AS_OF, Locale("pt-BR"), horizon=24)[0],
                                   folder / "green24.xlsx")
    return dict(zip(paths, convert(list(paths.values()), folder / "calc")))


def test_a_corrected_mrr_row_moves_every_driver_and_the_projection(book, books):
    fixed = corrected(book)
    before = named_values(books["original"], [*DRIVERS, "ForecastMRR"])
    after = named_values(books["history"], [*DRIVERS, "ForecastMRR", "MasterCheck"])
    rates = trailing_rates(fixed.mrr, 6, AS_OF)
    want = {"NewMRR": rates.new_mrr, "ExpansionRate": rates.expansion, "ContractionRate": rates.contraction,
            "ChurnRate": rates.churn, "CurrentNRR": nrr_cohort(fixed.mrr[fixed.mrr["month"] <= AS_OF], AS_OF, 12),
            "ForecastMRR": project_mrr(rates, 12)["end_mrr"].iloc[-1]}
    for name, value in want.items():
        assert after[name] == pytest.approx(value, rel=1e-9), name
    # the upsell moved every rate (its start MRR is in their denominators) and the NRR; new MRR it leaves alone
    for name in ("ExpansionRate", "ContractionRate", "ChurnRate", "CurrentNRR", "ForecastMRR"):
        assert after[name] != pytest.approx(before[name], rel=1e-6), name
    assert after["ExpansionRate"] > before["ExpansionRate"] and after["CurrentNRR"] > before["CurrentNRR"]
    assert after["NewMRR"] == pytest.approx(before["NewMRR"], rel=1e-12)
    assert after["MasterCheck"] == "OK"  # start + movements = end still holds in the corrected bridge


def test_an_override_replaces_the_calculated_driver_and_the_window_is_an_input(book, books):
    got = named_values(books["override"], ["ChurnRate", "ChurnRateCalc", "NewMRR", "NewMRRCalc", "ExpansionRate",
                                           "ForecastMRR", "WindowMonths"])
    measured = trailing_rates(book.mrr, 3, AS_OF)  # the reader shortened the window to 3 months
    assert got["WindowMonths"] == 3 and measured.expansion != trailing_rates(book.mrr, 6, AS_OF).expansion
    assert (got["ChurnRate"], got["NewMRR"]) == (0.02, 10_000.0)
    assert got["ChurnRateCalc"] == pytest.approx(measured.churn, rel=1e-9)  # the measured value stays in view
    assert got["NewMRRCalc"] == pytest.approx(measured.new_mrr, rel=1e-9)
    assert got["ExpansionRate"] == pytest.approx(measured.expansion, rel=1e-9)  # not overridden: measured
    used = ForecastRates(10_000.0, measured.expansion, measured.contraction, 0.02, measured.start_mrr, 3,
                         measured.as_of)
    assert got["ForecastMRR"] == pytest.approx(project_mrr(used, 12)["end_mrr"].iloc[-1], rel=1e-9)


def test_every_term_inside_the_horizon_renews(books):
    got = named_values(books["green24"], ["BestCaseRenewalARR", "CommitRenewalARR", "WeightedRenewalARR",
                                          "MasterCheck"])
    # three 12-month contracts renewing Dec 2026, Jan and Mar 2027, all Green (95%): each renews again a year later
    # inside a 24-month horizon; the second renewal happens only after the first, so it weighs 95% x 95%
    arr = 12 * (583.34 + 750.00 + 266.67)
    assert got["BestCaseRenewalARR"] == pytest.approx(2 * arr)
    assert got["CommitRenewalARR"] == pytest.approx(2 * arr)
    assert got["WeightedRenewalARR"] == pytest.approx(arr * (0.95 + 0.95 ** 2))
    assert got["MasterCheck"] == "OK"
    wb = openpyxl.load_workbook(books["green24"], data_only=True)
    locale = Locale("pt-BR")
    renewals = KIND.layout(locale).anchors["renewals"]
    months, best = ([wb[renewals[key].ws.title][c.local].value for c in renewals[key].cells()]
                    for key in ("months", "best_case"))
    renewing = {pd.Timestamp(m).strftime("%Y-%m"): b for m, b in zip(months, best) if b}
    # QUOLL (750.00 MRR) renews in December, ZEBRA (266.67) in January, ACME (583.34) in March
    assert renewing == pytest.approx({"2026-12": 12 * 750.0, "2027-01": 12 * 266.67, "2027-03": 12 * 583.34,
                                      "2027-12": 12 * 750.0, "2028-01": 12 * 266.67, "2028-03": 12 * 583.34})


def test_the_gross_margin_is_blank_and_listed_until_set(books):
    locale = Locale("en")
    original = openpyxl.load_workbook(books["original"], data_only=True)
    assert blank(named_values(books["original"], ["GrossMargin"])["GrossMargin"])
    assert anchored(original, "forecast", locale, "cover", "gross_profit").value == locale("gross_margin_unset")
    assert anchored(original, "forecast", locale, "checks", "gross_margin").value == locale("not_set")
    assert named_values(books["original"], ["MasterCheck"])["MasterCheck"] == "OK"  # a reader's input, not an error
    fiscal = openpyxl.load_workbook(books["fiscal"], data_only=True)
    arr = named_values(books["fiscal"], ["ForecastARR"])["ForecastARR"]
    assert anchored(fiscal, "forecast", locale, "cover", "gross_profit").value == pytest.approx(0.7 * arr)
    assert anchored(fiscal, "forecast", locale, "checks", "gross_margin").value == "OK"


def test_fiscal_quarters_follow_the_first_month_of_the_fiscal_year(book, books):
    wb = openpyxl.load_workbook(books["fiscal"], data_only=True)
    area = named(wb, "QuarterRollup")
    rows = [row for row in wb[area.ws.title].iter_rows(min_row=area.row, max_row=area.bottom, min_col=area.col,
                                                        max_col=area.right, values_only=True)]
    shown = [row for row in rows if not blank(row[0])]
    # a fiscal year from April: Oct-Dec 2026 is the third quarter of FY2027, Jul-Sep 2027 the first of FY2028
    assert [(row[0], row[2]) for row in shown] == [("FY2027 Q3", 3), ("FY2027 Q4", 3), ("FY2028 Q1", 3),
                                                   ("FY2028 Q2", 3)]
    now = book.mrr[book.mrr.month == AS_OF].groupby("customer_id")["mrr"].sum()
    renewals = renewals_in_horizon(book.customers, now, account_flags(book, AS_OF), AS_OF, 12)
    want = fiscal_rollup(project_mrr(trailing_rates(book.mrr, 6, AS_OF), 12), renewals, book.plan, 4, 3)
    columns = ["revenue", "exit_arr", "commit", "weighted", "best_case", "plan", "variance", "plan_exit_arr",
               "exit_variance"]
    assert [list(row[3:]) for row in shown] == [pytest.approx(list(r), rel=1e-9) for r in want[columns].to_numpy()]
    assert all(isinstance(row[8], float) for row in shown)  # the demo's plan covers the horizon
    years = named(wb, "YearRollup")
    labels = [row[0] for row in wb[years.ws.title].iter_rows(min_row=years.row, max_row=years.bottom,
                                                             max_col=years.col, values_only=True)]
    assert labels == ["FY2027", "FY2028", ""] or labels == ["FY2027", "FY2028", None]


def charts(path, sheet: str, kind) -> list:
    return [c for c in openpyxl.load_workbook(path)[sheet]._charts if isinstance(c, kind)]


def plotted(calculated, reference: str) -> list:
    """The values LibreOffice computed in the cells a chart series reads."""
    sheet, area = reference.rsplit("!", 1)
    cells = openpyxl.load_workbook(calculated, data_only=True)[sheet.strip("'")][area.replace("$", "")]
    return [cell.value for row in cells for cell in row]


def test_charts_show_renewals_by_kind_history_before_the_forecast_and_lines_that_never_fall_to_0(book, tmp_path):
    locale = Locale("en")
    path = atomic_save(KIND.build(book, AS_OF, locale, horizon=12)[0], tmp_path / "f.xlsx")
    calculated = convert([path], tmp_path / "calc")[0]
    anchors = KIND.layout(locale).anchors
    sheets = {key: anchors[key][line].ws.title for key, line in (("renewals", "months"), ("projection", "month"),
                                                                  ("curves", "tenure"))}
    (bars,) = charts(path, sheets["renewals"], BarChart)
    assert [s.tx.v for s in bars.series] == [locale("commit"), locale("weighted"), locale("best_case")]
    assert bars.legend is not None
    (history,) = charts(path, sheets["projection"], LineChart)
    assert [s.tx.v for s in history.series] == ["base", "upside", "downside", locale("actual")]
    months = plotted(calculated, history.series[0].cat.numRef.f)
    # a year of actual MRR to the as-of month, then the 12 months of the horizon; no month past it
    assert [pd.Timestamp(m) for m in months] == list(pd.date_range(AS_OF - pd.DateOffset(months=12), periods=25,
                                                                   freq="MS"))
    actual = plotted(calculated, history.series[-1].val.numRef.f)
    bridge = book.mrr[book.mrr.month <= AS_OF].groupby("month")["mrr"].sum()
    assert actual == pytest.approx(list(bridge.iloc[-13:]))
    for series in history.series[:-1]:
        line = plotted(calculated, series.val.numRef.f)
        assert len(line) == 25 and line[:13] == pytest.approx(actual) and all(v > 0 for v in line)
    # observed survival runs over the tenures the data has: no blank after them for LibreOffice to draw as 0
    (curves,) = charts(path, sheets["curves"], LineChart)
    observed = plotted(calculated, curves.series[0].val.numRef.f)
    tenures = forecast_tables(book, AS_OF)["survival"]["tenure"]
    assert len(observed) == len(tenures) == tenures.max() + 1 and all(0 < v <= 1 for v in observed)


def test_the_sbg_fit_is_made_from_the_cohort_table_in_the_file(book, books):
    """The sBG alpha and beta are csxl's fit (not a formula), but of a table the workbook holds: refitting
    Data_cohorts as the file has it gives them back."""
    wb = openpyxl.load_workbook(books["original"], data_only=True)
    columns = {}
    for column in ("cohort", "tenure", "survivors"):
        area = named(wb, f"D_cohorts_{column}")
        columns[column] = [wb[area.ws.title][cell.local].value for cell in area.cells()]
    table = pd.DataFrame(columns).pivot(index="cohort", columns="tenure", values="survivors")
    fit = sbg_fit_cohorts(table)
    got = named_values(books["original"], ["Alpha", "Beta", "AlphaFit", "BetaFit"])
    assert (got["Alpha"], got["Beta"]) == (got["AlphaFit"], got["BetaFit"])
    assert (got["Alpha"], got["Beta"]) == pytest.approx((fit.alpha, fit.beta), rel=1e-9)
    assert len(table) == book.mrr[book.mrr["month"] <= AS_OF]["month"].nunique()  # every start cohort, not the last 24


def test_a_budget_in_portuguese_loads_as_the_plan(tmp_path):
    (tmp_path / "mrr.csv").write_text("customer_id,month,mrr\na,2026-08,100\na,2026-09,110\n", encoding="utf-8")
    (tmp_path / "orcamento.csv").write_text("mes,mrr_orcado\n2026-10,120\n2026-11,\"130,50\"\n", encoding="utf-8")
    plan = load(tmp_path).plan
    assert plan["month"].dt.strftime("%Y-%m").tolist() == ["2026-10", "2026-11"]
    assert plan["mrr"].tolist() == [120.0, 130.5]


def test_every_column_of_the_period_tables_shows():
    wb = KIND.layout(Locale("es")).wb
    for name in ("QuarterRollup", "YearRollup"):
        area = named(wb, name)
        hidden = [cell.letter for cell in area.row_of(0).cells() if area.ws.column_dimensions[cell.letter].hidden]
        assert hidden == [], name
