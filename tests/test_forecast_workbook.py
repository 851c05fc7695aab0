"""The forecast workbook recalculated by LibreOffice equals csxl.metrics, before and after its inputs change."""

import openpyxl
import pandas as pd
import pytest

from csxl.data.demo import demo_dataset
from csxl.metrics.forecast import ForecastRates, project_mrr, renewal_forecast, trailing_rates
from csxl.metrics.sbg import sbg_survival
from csxl.workbooks.files import atomic_save
from csxl.workbooks.forecast import OUTPUT_NAMES, account_flags, fill_forecast, forecast_inputs, forecast_template
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from tests.workbook_values import named_values

AS_OF = pd.Timestamp("2026-09-01")


@pytest.fixture(scope="module")
def book():
    return demo_dataset()


@pytest.fixture(scope="module")
def generated(book, tmp_path_factory):
    folder = tmp_path_factory.mktemp("forecast")
    wb = fill_forecast(forecast_template(Locale("es")), book, AS_OF, Locale("es"), horizon=12)
    path = atomic_save(wb, folder / "forecast.xlsx")
    return path, convert([path], folder / "calc")[0]


def expected(book, rates: ForecastRates, horizon: int, scenario: str) -> dict[str, float]:
    end = project_mrr(rates, horizon, scenario)["end_mrr"].iloc[-1]
    mrr_now = book.mrr[book.mrr.month == AS_OF].groupby("customer_id")["mrr"].sum()
    renewals = renewal_forecast(book.customers, mrr_now, account_flags(book, AS_OF), "2026-09", horizon)
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


def test_retention_curve_follows_the_fitted_sbg(book, generated):
    path, calculated = generated
    fitted = forecast_inputs(book, AS_OF)
    wb = openpyxl.load_workbook(calculated, data_only=True)
    (sheet, ref), = wb.defined_names["SbgCurve"].destinations
    curve = [row[0].value for row in wb[sheet][ref.replace("$", "")]]
    assert curve == pytest.approx(list(sbg_survival(fitted["Alpha"], fitted["Beta"], len(curve) - 1)), rel=1e-9)
    assert 0 < fitted["Alpha"] and 0 < fitted["Beta"]


def test_changing_the_scenario_and_two_rates_recalculates_everything(book, generated, tmp_path):
    path, _ = generated
    wb = openpyxl.load_workbook(path)
    for name, value in (("Scenario", "downside"), ("ExpansionRate", 0.03), ("ChurnRate", 0.015), ("Horizon", 24)):
        (sheet, ref), = wb.defined_names[name].destinations
        wb[sheet][ref.replace("$", "")].value = value
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    calculated = convert([edited], tmp_path / "calc")[0]
    base = trailing_rates(book.mrr, 6, "2026-09")
    changed = ForecastRates(base.new_mrr, 0.03, base.contraction, 0.015, base.start_mrr, 6, base.as_of)
    actual = named_values(calculated, OUTPUT_NAMES)
    assert_close(actual, expected(book, changed, 24, "downside"))
