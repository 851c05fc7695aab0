"""Forecast definitions: the published sBG fits, projections, renewals and sensitivity worked by hand."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csxl.metrics.forecast import (
    SCENARIOS,
    ForecastRates,
    cohort_survivors,
    implied_nrr,
    next_renewal,
    nrr_sensitivity,
    project_all_scenarios,
    project_mrr,
    renewal_forecast,
    renewal_totals,
    trailing_rates,
)
from csxl.metrics.sbg import sbg_fit, sbg_fit_cohorts, sbg_retention, sbg_survival
from tests.test_movements import frame

# Fader & Hardie (2007), "How to Project Customer Retention", Table 1 and section 4:
# survivors out of 1,000 over years 0..7 and the maximum-likelihood fits they report.
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
REGULAR = [1000, 631, 468, 382, 326, 290, 262, 241]


@pytest.mark.parametrize("survivors, alpha, beta", [(HIGH_END, 0.668, 3.806), (REGULAR, 0.704, 1.182)])
def test_sbg_reproduces_the_published_fits(survivors, alpha, beta):
    fit = sbg_fit(survivors)
    assert fit.alpha == pytest.approx(alpha, abs=1e-3) and fit.beta == pytest.approx(beta, abs=1e-3)
    assert sbg_fit([s / 1000 for s in survivors]).alpha == pytest.approx(fit.alpha, rel=1e-4)  # shares work too


def test_sbg_closed_forms_by_hand():
    # alpha = 1, beta = 3: P(T=1) = 1/4, r(1) = 3/4, r(2) = 4/5, S(2) = 3/4 x 4/5 = 0.6.
    assert sbg_survival(1, 3, 2).tolist() == pytest.approx([1.0, 0.75, 0.6])
    assert sbg_retention(1, 3, 2) == pytest.approx(0.8)
    with pytest.raises(ValueError, match="alpha must be a number > 0"):
        sbg_survival(0, 1, 3)
    with pytest.raises(ValueError, match="never increase"):
        sbg_fit([100, 90, 95])


def test_pooled_cohorts_with_censoring_equal_a_single_cohort_fit_when_there_is_one():
    one = pd.DataFrame([REGULAR])
    assert sbg_fit_cohorts(one).alpha == pytest.approx(sbg_fit(REGULAR).alpha, rel=1e-6)
    two = pd.DataFrame([REGULAR, [500, 316, 234] + [np.nan] * 5])
    assert 0.5 < sbg_fit_cohorts(two).alpha < 1.0


@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 20), st.floats(0.05, 20))
def test_survival_falls_and_retention_rises_with_tenure(alpha, beta):
    s = sbg_survival(alpha, beta, 12)
    assert np.all(np.diff(s) <= 0)
    r = [sbg_retention(alpha, beta, t) for t in range(1, 13)]
    assert np.all(np.diff(r) >= 0)


RATES = ForecastRates(new_mrr=5_000, expansion=0.02, contraction=0.01, churn=0.02, start_mrr=100_000, months=6,
                      as_of=pd.Period("2026-09", "M"))


def test_projection_by_hand():
    base = project_mrr(RATES, 2)
    # month 1: 100,000 + 5,000 + 2,000 - 1,000 - 2,000 = 104,000; month 2 starts there: 104,000 x 0.99 + 5,000.
    assert base["end_mrr"].tolist() == pytest.approx([104_000, 104_000 * 0.99 + 5_000])
    assert base["month"].astype(str).tolist() == ["2026-10", "2026-11"]
    assert base["arr"].iloc[0] == 12 * 104_000
    up = project_mrr(RATES, 1, "upside")
    assert up["end_mrr"].iloc[0] == pytest.approx(100_000 + 6_000 + 2_400 - 800 - 1_600)
    assert implied_nrr(RATES) == pytest.approx(0.99 ** 12)
    side = project_all_scenarios(RATES, 12)
    assert list(side.columns) == list(SCENARIOS) and (side["upside"] >= side["base"]).all()
    assert (side["base"] >= side["downside"]).all()


@given(st.floats(0, 1e6), st.floats(0, 0.2), st.floats(0, 0.2), st.floats(0, 0.2))
def test_zero_drivers_stay_flat_and_scenarios_are_ordered(start, e, c, ch):
    flat = ForecastRates(0.0, 0.0, 0.0, 0.0, start, 6, pd.Period("2026-01", "M"))
    assert project_mrr(flat, 6)["end_mrr"].tolist() == pytest.approx([start] * 6)
    rates = ForecastRates(1_000.0, e, c, ch, start, 6, pd.Period("2026-01", "M"))
    side = project_all_scenarios(rates, 6)
    assert (side["upside"] >= side["base"] - 1e-6).all() and (side["base"] >= side["downside"] - 1e-6).all()


def test_trailing_rates_are_pooled_over_the_window():
    book = frame([("a", "", "2026-01", 100), ("a", "", "2026-02", 110), ("a", "", "2026-03", 121),
                  ("b", "", "2026-01", 100), ("b", "", "2026-02", 100), ("c", "", "2026-03", 50)])
    rates = trailing_rates(book, months=2)
    # Feb: start 200, expansion 10; Mar: start 210, expansion 11, churn 100, new 50.
    assert rates.expansion == pytest.approx(21 / 410) and rates.churn == pytest.approx(100 / 410)
    assert rates.new_mrr == 25 and rates.start_mrr == 171 and rates.as_of == pd.Period("2026-03", "M")


def test_renewals_by_hand():
    customers = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"],
        "renewal_date": pd.to_datetime(["2026-11-15", "2025-12-01", "2027-12-01", "2026-10-01", "2026-10-20"]),
        "contract_term_months": [12.0, 12.0, 12.0, 12.0, 24.0]})
    mrr_now = pd.Series({"a": 1000.0, "b": 500.0, "c": 300.0, "d": 0.0, "e": 200.0})
    flags = pd.Series({"a": "Green", "b": "Red", "c": "Green", "e": "Freeze"})
    table = renewal_forecast(customers, mrr_now, flags, "2026-09", horizon=12).set_index("customer_id")
    # b renewed 2025-12 -> next 2026-12; c is beyond 12 months; d pays nothing now.
    assert list(table.index) == ["e", "a", "b"]
    assert table.loc["b", "renewal_date"] == pd.Timestamp("2026-12-01")
    assert table.loc["a", "weighted_arr"] == pytest.approx(12_000 * 0.95)
    assert table.loc["e", "weighted_arr"] == pytest.approx(2_400 * 0.15)
    totals = renewal_totals(table.reset_index())
    assert totals.loc[pd.Period("2026-11", "M"), "commit"] == 12_000
    assert totals.loc[pd.Period("2026-12", "M"), "commit"] == 0 and totals["best_case"].sum() == 12_000 + 6_000 + 2_400
    assert next_renewal(pd.Series(pd.to_datetime(["2024-01-31"])), pd.Series([1.0]),
                        pd.Timestamp("2024-02-29")).iloc[0] == pd.Timestamp("2024-03-31")


def test_cohort_survivors_break_at_the_first_gap():
    book = frame([("a", "", "2026-01", 10), ("a", "", "2026-02", 10), ("a", "", "2026-03", 10),
                  ("b", "", "2026-01", 10), ("b", "", "2026-03", 10), ("c", "", "2026-02", 10)])
    survivors = cohort_survivors(book)
    assert survivors.loc[pd.Period("2026-01", "M")].tolist() == [2.0, 1.0, 1.0]  # b's return does not count
    assert survivors.loc[pd.Period("2026-02", "M")].tolist()[:2] == [1.0, 0.0]


def test_sensitivity_by_hand():
    table = nrr_sensitivity(1_000_000, 1.05, years=2, points=range(-1, 2))
    assert table.loc[1, 2] == pytest.approx(1_000_000 * 1.06 ** 2)
    assert table.loc[-1, 1] == pytest.approx(1_040_000)
