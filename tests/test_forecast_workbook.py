"""The forecast workbook recalculated by LibreOffice equals csxl.metrics, before and after its inputs change."""

import openpyxl
import pandas as pd
import pytest

from csxl.data.demo import demo_dataset
from csxl.metrics.forecast import (
    ForecastRates,
    project_mrr,
    renewal_forecast,
    renewals_in_horizon,
    trailing_rates,
)
from csxl.metrics.sbg import sbg_survival
from csxl.workbooks.anchors import named
from csxl.workbooks.builtin import SHIPPED
from csxl.workbooks.files import atomic_save
from csxl.workbooks.forecast import KIND, OUTPUT_NAMES, account_flags, forecast_inputs
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from tests.books import small_book
from tests.workbook_values import anchored, blank, named_values

AS_OF = pd.Timestamp("2026-09-01")


@pytest.fixture(scope="module")
def book():
    return demo_dataset()


@pytest.fixture(scope="module")
def generated(book, tmp_path_factory):
    folder = tmp_path_factory.mktemp("forecast")
    wb, _ = KIND.build(book, AS_OF, Locale("es"), horizon=12)
    path = atomic_save(wb, folder / "forecast.xlsx")
    return path, convert([path], folder / "calc")[0]


def expected(book, rates: ForecastRates, horizon: int, scenario: str) -> dict[str, float]:
    end = project_mrr(rates, horizon, scenario)["end_mrr"].iloc[-1]
    mrr_now = book.mrr[book.mrr.month == AS_OF].groupby("customer_id")["mrr"].sum()
    renewals = renewals_in_horizon(book.customers, mrr_now, account_flags(book, AS_OF), "2026-09", horizon)
    return {"ForecastMRR": end, "ForecastARR": 12 * end,
            "CommitRenewalARR": renewals.loc[renewals.flag == "Green", "arr"].sum(),
            "WeightedRenewalARR": renewals["weighted_arr"].sum(), "BestCaseRenewalARR": renewals["arr"].sum()}


def assert_close(actual, wanted):
    for name, value in wanted.items():
        assert actual[name] == pytest.approx(value, rel=1e-9), name


def test_named_outputs_equal_python(book, generated):
    _, calculated = generated
    rates = trailing_rates(book.mrr, 6, "2026-09")
    actual = named_values(calculated, [*OUTPUT_NAMES, "MasterCheck"])
    assert_close(actual, expected(book, rates, 12, "base"))
    assert actual["MasterCheck"] == "OK"
    assert actual["WeightedRenewalARR"] > 0 and actual["CommitRenewalARR"] < actual["BestCaseRenewalARR"]


def renewal_list(path):
    """The rows under the RenewalList header: (written rows, the non-blank ones as tuples)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    (sheet, ref), = wb.defined_names["RenewalList"].destinations
    ws = wb[sheet]
    rows = list(ws.iter_rows(min_row=ws[ref.replace("$", "")].row + 1, max_col=8, values_only=True))
    shown = [row for row in rows if not blank(row[0])]
    assert all(all(blank(v) for v in row) for row in rows[len(shown):])  # blank after the last contract
    return rows, shown


def assert_renewal_list(book, path, horizon):
    mrr_now = book.mrr[book.mrr.month == AS_OF].groupby("customer_id")["mrr"].sum()
    python = renewal_forecast(book.customers, mrr_now, account_flags(book, AS_OF), "2026-09", horizon)
    every = renewals_in_horizon(book.customers, mrr_now, account_flags(book, AS_OF), "2026-09", horizon)
    count = every.groupby("customer_id").size()
    names = book.customers.set_index("customer_id")["name"]
    rows, shown = renewal_list(path)
    paying = book.customers[book.customers.customer_id.isin(mrr_now[mrr_now > 0].index)
                            & book.customers.renewal_date.notna()]
    assert len(rows) == len(paying) > len(shown) == len(python) > 0  # one row per paying contract
    for k, (row, want) in enumerate(zip(shown, python.itertuples()), start=1):
        assert row[:3] == (k, names[want.customer_id], want.renewal_date.to_pydatetime()) and row[4] == want.flag, k
        assert (row[3], row[5], row[6]) == pytest.approx((want.arr, want.probability, want.weighted_arr), rel=1e-12), k
        assert row[7] == count[want.customer_id], k


def test_renewals_sheet_lists_every_contract_renewing_in_the_horizon(book, generated):
    _, calculated = generated
    assert_renewal_list(book, calculated, 12)


def test_projection_and_cover_follow_the_inputs(generated):
    path, calculated = generated
    locale = Locale("es")
    wb = openpyxl.load_workbook(calculated, data_only=True)
    month_row = KIND.layout(locale).anchors["projection"]["month"]  # the selected scenario's months, horizon 12 of 24
    months = [wb[month_row.ws.title][cell.local].value for cell in month_row.cells()]
    assert len(months) == 24 and all(not blank(v) for v in months[:12]) and all(blank(v) for v in months[12:])
    cover = lambda key, cols=0: anchored(wb, "forecast", locale, "cover", key, cols).value  # noqa: E731
    assert (cover("as_of", -1), pd.Timestamp(cover("as_of"))) == (locale("as_of"), AS_OF)
    assert (cover("scenario"), cover("horizon")) == ("base", 12)
    template = openpyxl.load_workbook(path)
    # no TEXT(): the reader's own format
    assert anchored(template, "forecast", locale, "cover", "as_of").number_format == locale.month
    inputs = template[locale("sheet.inputs")]
    choice, = [v for v in inputs.data_validations.dataValidation if v.formula1 == "ScenarioName"]
    (_, scenario), = template.defined_names["Scenario"].destinations
    assert scenario.replace("$", "") in choice.sqref
    notes = [row[3] for row in inputs.iter_rows(min_row=4, values_only=True) if row[1] is not None and row[3]]
    assert locale("source_default") not in notes and len(notes) >= 11


def test_retention_curve_follows_the_fitted_sbg(book, generated):
    path, calculated = generated
    fitted = forecast_inputs(book, AS_OF)
    wb = openpyxl.load_workbook(calculated, data_only=True)
    (sheet, ref), = wb.defined_names["SbgCurve"].destinations
    curve = [row[0].value for row in wb[sheet][ref.replace("$", "")]]
    assert curve == pytest.approx(list(sbg_survival(fitted["AlphaFit"], fitted["BetaFit"], len(curve) - 1)), rel=1e-9)
    assert 0 < fitted["AlphaFit"] and 0 < fitted["BetaFit"]


def test_changing_the_scenario_and_two_rates_recalculates_everything(book, generated, tmp_path):
    path, _ = generated
    wb = openpyxl.load_workbook(path)
    for name, value in (("Scenario", "downside"), ("ExpansionRateOverride", 0.03), ("ChurnRateOverride", 0.015),
                        ("Horizon", 24)):
        (sheet, ref), = wb.defined_names[name].destinations
        wb[sheet][ref.replace("$", "")].value = value
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    calculated = convert([edited], tmp_path / "calc")[0]
    base = trailing_rates(book.mrr, 6, "2026-09")
    changed = ForecastRates(base.new_mrr, 0.03, base.contraction, 0.015, base.start_mrr, 6, base.as_of)
    actual = named_values(calculated, OUTPUT_NAMES)
    assert_close(actual, expected(book, changed, 24, "downside"))
    assert_renewal_list(book, calculated, 24)


def all_green_book():
    """The three accounts of tests/books.py, all active, each with every health signal at its best: all Green."""
    book = small_book()
    book.customers["status"] = "active"
    book.health = book.health.assign(active_users=50.0, licensed_seats=50.0, logins=1000.0, support_tickets=0.0,
                                     sla_breaches=0.0)
    return book


def test_an_all_green_book_passes_the_master_check_and_a_broken_probability_fails_it(tmp_path):
    book = all_green_book()
    assert set(account_flags(book, AS_OF)) == {"Green"}
    path = atomic_save(KIND.build(book, AS_OF, Locale("en"))[0], tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(path)
    (sheet, ref), = wb.defined_names["RenewalProbability"].destinations
    green = next(row[0] for row in wb[sheet][ref.replace("$", "")] if row[0].offset(0, -1).value == "Green")
    green.value = 1.5  # a typo: 150%
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    calculated, calculated_broken = convert([path, broken], tmp_path / "calc")
    actual = named_values(calculated, ["CommitRenewalARR", "WeightedRenewalARR", "BestCaseRenewalARR", "MasterCheck"])
    # every contract is Green and renews within 12 months: 12 x (583.34 + 750 + 266.67) MRR in September 2026
    best = 12 * (583.34 + 750.00 + 266.67)
    assert actual["BestCaseRenewalARR"] == pytest.approx(best) and actual["CommitRenewalARR"] == pytest.approx(best)
    assert actual["WeightedRenewalARR"] == pytest.approx(0.95 * best)  # below commit, and that is fine
    assert actual["MasterCheck"] == "OK"
    assert named_values(calculated_broken, ["MasterCheck"])["MasterCheck"] == "ERROR"


def test_the_sensitivity_table_says_what_its_rows_and_columns_are():
    """As a CFO reads it: each row a signed change of NRR from today's, each column the ARR after so many years
    (it said "points" and "Years: 1")."""
    arr = named(openpyxl.load_workbook(SHIPPED / "forecast_en.xlsx"), "SensitivityARR")
    ws = arr.ws
    assert [ws.cell(arr.row - 1, c).value for c in range(1, arr.right + 1)] == [
        "Change in NRR (points)", "NRR", "ARR after 1 year", "ARR after 2 years", "ARR after 3 years",
        "ARR after 4 years", "ARR after 5 years"]
    changes = [ws.cell(r, 1) for r in range(arr.row, arr.bottom + 1)]
    assert [c.value for c in changes] == list(range(-5, 6))
    assert {c.number_format for c in changes} == {"+0;-0;0"}  # shown as -5 ... 0 ... +5
