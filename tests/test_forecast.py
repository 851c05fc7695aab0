"""Forecast definitions worked by hand: trailing rates, scenario projections, renewals, NRR sensitivity."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csxl.metrics.forecast import (
    SCENARIOS,
    ForecastRates,
    cohort_survivors,
    fiscal_period,
    fiscal_rollup,
    implied_nrr,
    next_renewal,
    nrr_point_value,
    nrr_sensitivity,
    project_all_scenarios,
    project_mrr,
    reconcile,
    renewal_forecast,
    renewal_totals,
    renewals_in_horizon,
    trailing_rates,
)
from tests.test_movements import frame

AS_OF = pd.Period("2026-09", "M")
# start 100,000 MRR, new 5,000 a month, expansion 2%, contraction 1%, churn 2% a month
RATES = ForecastRates(new_mrr=5_000, expansion=0.02, contraction=0.01, churn=0.02, start_mrr=100_000, months=6,
                      as_of=AS_OF)


def test_base_projection_by_hand():
    base = project_mrr(RATES, 2)
    # month 1: 100,000 + 5,000 + 2,000 - 1,000 - 2,000 = 104,000
    # month 2: 104,000 + 5,000 + 2,080 - 1,040 - 2,080 = 107,960
    assert base.loc[0, ["start_mrr", "new", "expansion", "contraction", "churn", "end_mrr"]].tolist() == \
        pytest.approx([100_000, 5_000, 2_000, 1_000, 2_000, 104_000])
    assert base.loc[1, ["start_mrr", "expansion", "contraction", "churn", "end_mrr"]].tolist() == \
        pytest.approx([104_000, 2_080, 1_040, 2_080, 107_960])
    assert base["arr"].tolist() == pytest.approx([1_248_000, 1_295_520])
    assert base["month"].astype(str).tolist() == ["2026-10", "2026-11"]


def test_scenarios_by_hand():
    # upside: new 6,000, expansion 2.4% = 2,400, contraction 0.8% = 800, churn 1.6% = 1,600
    assert project_mrr(RATES, 1, "upside")["end_mrr"].item() == pytest.approx(100_000 + 6_000 + 2_400 - 800 - 1_600)
    # downside: new 4,000, expansion 1.6%, contraction 1.2%, churn 2.4%
    assert project_mrr(RATES, 1, "downside")["end_mrr"].item() == pytest.approx(100_000 + 4_000 + 1_600 - 1_200 - 2_400)
    custom = {"flat": {"new": 0.0, "expansion": 0.0, "contraction": 0.0, "churn": 0.0}}
    assert project_mrr(RATES, 3, "flat", custom)["end_mrr"].tolist() == [100_000] * 3
    with pytest.raises(ValueError, match="scenario must be one of base, upside, downside"):
        project_mrr(RATES, 12, "best")
    with pytest.raises(ValueError, match="multipliers of odd miss churn"):
        project_mrr(RATES, 12, "odd", {"odd": {"new": 1, "expansion": 1, "contraction": 1}})
    with pytest.raises(ValueError, match="horizon must be a whole number >= 1"):
        project_mrr(RATES, 0)


def test_implied_nrr_by_hand():
    assert implied_nrr(RATES) == pytest.approx(0.99 ** 12)  # 1 + 2% - 1% - 2% a month
    assert implied_nrr(RATES, "upside") == pytest.approx(1.0)  # 1 + 2.4% - 0.8% - 1.6%
    assert implied_nrr(RATES, "downside") == pytest.approx(0.98 ** 12)  # 1 + 1.6% - 1.2% - 2.4%
    # the existing base alone, projected, loses the same share: end of month 12 with no new MRR
    no_new = ForecastRates(0.0, 0.02, 0.01, 0.02, 100_000, 6, AS_OF)
    assert project_mrr(no_new, 12)["end_mrr"].iloc[-1] == pytest.approx(100_000 * implied_nrr(RATES))


def test_all_scenarios_side_by_side():
    side = project_all_scenarios(RATES, 12)
    assert list(side.columns.get_level_values(0).unique()) == list(SCENARIOS)
    for name in SCENARIOS:
        assert side[name]["end_mrr"].tolist() == project_mrr(RATES, 12, name)["end_mrr"].tolist()
    ends = side.xs("end_mrr", axis=1, level=1)
    assert (ends["upside"] >= ends["base"]).all() and (ends["base"] >= ends["downside"]).all()
    assert len(side) == 12 and side.index[0] == AS_OF + 1


rates_strategy = st.tuples(st.floats(0, 1e6), st.floats(0, 1e4), st.floats(0, 0.2), st.floats(0, 0.2),
                           st.floats(0, 0.2))


@given(st.floats(0, 1e7))
def test_zero_drivers_stay_flat(start):
    flat = ForecastRates(0.0, 0.0, 0.0, 0.0, start, 6, AS_OF)
    for name in SCENARIOS:
        assert project_mrr(flat, 24, name)["end_mrr"].tolist() == pytest.approx([start] * 24)


@settings(max_examples=50)
@given(rates_strategy)
def test_scenarios_are_ordered_and_every_month_bridges(drivers):
    start, new, e, c, ch = drivers
    rates = ForecastRates(new, e, c, ch, start, 6, AS_OF)
    ends = project_all_scenarios(rates, 12).xs("end_mrr", axis=1, level=1)
    tolerance = 1e-9 * (1 + ends.abs().max().max())
    assert (ends["upside"] >= ends["base"] - tolerance).all() and (ends["base"] >= ends["downside"] - tolerance).all()
    t = project_mrr(rates, 12)
    bridge = t["start_mrr"] + t["new"] + t["expansion"] - t["contraction"] - t["churn"]
    assert bridge.tolist() == pytest.approx(t["end_mrr"].tolist())
    assert t["start_mrr"].iloc[1:].tolist() == t["end_mrr"].iloc[:-1].tolist()


# a: 100 -> 110 -> 121 -> 121; b: 100, 100, gone in March; c: new in March at 50, 60 in April;
# d: 20 in January, gone in February, back at 20 in April (reactivation).
BOOK = frame([("a", "", "2026-01", 100), ("a", "", "2026-02", 110), ("a", "", "2026-03", 121),
              ("a", "", "2026-04", 121), ("b", "", "2026-01", 100), ("b", "", "2026-02", 100),
              ("c", "", "2026-03", 50), ("c", "", "2026-04", 60), ("d", "", "2026-01", 20), ("d", "", "2026-04", 20)])


def test_trailing_rates_by_hand():
    rates = trailing_rates(BOOK, months=3)
    # Feb: start 220, expansion 10 (a), churn 20 (d). Mar: start 210, expansion 11 (a), churn 100 (b), new 50 (c).
    # Apr: start 171, expansion 10 (c), reactivation 20 (d). Start MRR pooled: 220 + 210 + 171 = 601.
    assert rates.expansion == pytest.approx((10 + 11 + 10) / 601)
    assert rates.churn == pytest.approx((20 + 100) / 601) and rates.contraction == 0
    assert rates.new_mrr == pytest.approx((50 + 20) / 3)  # new + reactivation, per month
    assert rates.start_mrr == 201 and rates.as_of == pd.Period("2026-04", "M") and rates.months == 3
    # the pooled rate is not the mean of the monthly rates
    assert rates.churn != pytest.approx((20 / 220 + 100 / 210 + 0 / 171) / 3)


def test_trailing_rates_window_and_errors():
    march = trailing_rates(BOOK, months=6, as_of="2026-03")
    assert march.months == 2 and march.start_mrr == 171  # only Feb and Mar follow the first month
    assert march.churn == pytest.approx(120 / 430)
    assert trailing_rates(BOOK, months=1, as_of=pd.Timestamp("2026-02-01")).expansion == pytest.approx(10 / 220)
    with pytest.raises(ValueError, match="as_of 2026-09 is outside the data"):
        trailing_rates(BOOK, as_of="2026-09")
    with pytest.raises(ValueError, match="at least one month of data before as_of"):
        trailing_rates(BOOK, as_of="2026-01")
    with pytest.raises(ValueError, match="months must be a whole number >= 1"):
        trailing_rates(BOOK, months=0)


def test_renewals_by_hand():
    customers = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"],
        "renewal_date": pd.to_datetime(["2026-11-15", "2024-12-01", "2027-12-01", "2026-10-01", "2025-09-20"]),
        "contract_term_months": [12.0, 12.0, 12.0, 12.0, 24.0]})
    mrr_now = pd.Series({"a": 1000.0, "b": 500.0, "c": 300.0, "d": 0.0, "e": 200.0, "x": 90.0})
    flags = pd.Series({"a": "Green", "b": "Red", "c": "Green", "d": "Yellow", "e": "Freeze"})
    table = renewal_forecast(customers, mrr_now, flags, "2026-09", horizon=12).set_index("customer_id")
    # window (2026-09-30, 2027-09-30]. a renews 2026-11-15. b renewed 2024-12 and 2025-12: next 2026-12-01.
    # c is beyond the window; d pays nothing now; e's two-year term runs from 2025-09-20 to 2027-09-20;
    # x pays but has no contract row.
    assert list(table.index) == ["a", "b", "e"]
    assert table["renewal_date"].tolist() == list(pd.to_datetime(["2026-11-15", "2026-12-01", "2027-09-20"]))
    assert table["arr"].tolist() == [12_000, 6_000, 2_400]
    assert table["probability"].tolist() == [0.95, 0.45, 0.15]
    assert table["weighted_arr"].tolist() == pytest.approx([11_400, 2_700, 360])
    totals = renewal_totals(table.reset_index())
    assert totals.index.astype(str).tolist() == ["2026-11", "2026-12", "2027-09"]
    assert totals["commit"].tolist() == [12_000, 0, 0]
    assert totals["weighted"].tolist() == pytest.approx([11_400, 2_700, 360])
    assert totals["best_case"].tolist() == [12_000, 6_000, 2_400]
    assert renewal_totals(table.reset_index(), commit_flag="Red")["commit"].tolist() == [0, 6_000, 0]
    custom = renewal_forecast(customers, mrr_now, flags.drop("a"), "2026-09", 3, {"Green": 1.0})
    assert custom.set_index("customer_id")["probability"].to_dict() == {"a": 0.0, "b": 0.0}  # no flag, no rate: 0
    with pytest.raises(ValueError, match="horizon must be a whole number >= 1"):
        renewal_forecast(customers, mrr_now, flags, "2026-09", 0)


def test_every_renewal_inside_a_24_month_horizon_by_hand():
    customers = pd.DataFrame({
        "customer_id": ["a", "m", "t"],
        "renewal_date": pd.to_datetime(["2026-11-15", "2026-10-31", "2027-03-01"]),
        "contract_term_months": [12.0, 6.0, 36.0]})
    mrr_now = pd.Series({"a": 1000.0, "m": 100.0, "t": 50.0})
    flags = pd.Series({"a": "Green", "m": "Yellow", "t": "Red"})
    every = renewals_in_horizon(customers, mrr_now, flags, "2026-09", horizon=24)
    # window (2026-09-30, 2028-09-30]: a renews Nov 2026 and Nov 2027; m every 6 months from Oct 2026 (4 times);
    # t once (its next term ends in 2030)
    assert [(r.customer_id, r.renewal_date.strftime("%Y-%m-%d"), r.renewal) for r in every.itertuples()] == [
        ("m", "2026-10-31", 1), ("a", "2026-11-15", 1), ("t", "2027-03-01", 1), ("m", "2027-04-30", 2),
        ("m", "2027-10-31", 3), ("a", "2027-11-15", 2), ("m", "2028-04-30", 4)]
    # the n-th renewal is weighted by the probability of renewing n times: Green 95%, Yellow 75%, Red 45%
    assert every["weighted_arr"].tolist() == pytest.approx([1200 * 0.75, 12_000 * 0.95, 600 * 0.45,
                                                            1200 * 0.75 ** 2, 1200 * 0.75 ** 3, 12_000 * 0.95 ** 2,
                                                            1200 * 0.75 ** 4])
    totals = renewal_totals(every)
    assert totals["best_case"].sum() == 2 * 12_000 + 4 * 1200 + 600
    assert totals["commit"].sum() == 2 * 12_000
    once = renewals_in_horizon(customers, mrr_now, flags, "2026-09", horizon=12)
    assert once["customer_id"].tolist() == ["m", "a", "t", "m"]


def test_reconciliation_by_hand():
    # start 100,000 MRR, churn 1% a month, nothing else; renewals: 1,200,000 ARR renewing, 1,080,000 weighted
    rates = ForecastRates(0.0, 0.0, 0.0, 0.01, 100_000, 6, AS_OF)
    renewals = pd.DataFrame({"arr": [1_000_000.0, 200_000.0], "weighted_arr": [950_000.0, 130_000.0]})
    r = reconcile(rates, 1.05, renewals, 12)
    assert (r.arr_today, r.renewing_arr, r.renewal_loss) == pytest.approx((1_200_000, 1_200_000, 120_000))
    assert r.renewal_loss_year == pytest.approx(0.10)  # 120,000 of 1,200,000 in a year
    assert r.implied_churn_rate == pytest.approx(120_000 / 1_200_000 / 12)
    # the projection churns 1% of a shrinking base: 1,200,000 x (1 - 0.99^12) over the year
    assert r.projected_churn == pytest.approx(1_200_000 * (1 - 0.99 ** 12))
    assert r.base_at_implied_nrr == pytest.approx(1_200_000 * 0.99 ** 12)
    assert r.new_business == pytest.approx(0, abs=1e-6)
    assert r.base_at_current_nrr == pytest.approx(1_260_000)
    two_years = reconcile(ForecastRates(1_000.0, 0.0, 0.0, 0.01, 100_000, 6, AS_OF), 1.05, renewals, 24)
    assert two_years.renewal_loss_year == pytest.approx(0.05)  # the same loss spread over two years
    end = 12 * project_mrr(ForecastRates(1_000.0, 0.0, 0.0, 0.01, 100_000, 6, AS_OF), 24)["end_mrr"].iloc[-1]
    assert two_years.new_business + two_years.base_at_implied_nrr == pytest.approx(end)
    assert two_years.base_at_current_nrr == pytest.approx(1_200_000 * 1.05 ** 2)


def test_fiscal_periods_by_hand():
    months = pd.Series(pd.period_range("2026-01", "2026-12", freq="M"))
    april = fiscal_period(months, 4)
    # a fiscal year from April is named after the year it ends in: Jan-Mar 2026 is FY2026 Q4, Apr 2026 FY2027 Q1
    assert april["fiscal_year"].tolist() == [2026] * 3 + [2027] * 9
    assert april["period"].tolist() == [4, 4, 4, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert fiscal_period(months, 1)["fiscal_year"].tolist() == [2026] * 12
    assert fiscal_period(months, 1, 12)["period"].tolist() == [1] * 12
    with pytest.raises(ValueError, match="fiscal_start must be a month number from 1 to 12"):
        fiscal_period(months, 13)


def test_fiscal_rollup_by_hand():
    # flat 100 MRR a month from Nov 2026 for 5 months; a plan for Nov-Dec only; one renewal in Jan 2027
    projection = project_mrr(ForecastRates(0.0, 0.0, 0.0, 0.0, 100.0, 6, AS_OF + 1), 5)
    renewals = pd.DataFrame({"renewal_date": pd.to_datetime(["2027-01-10"]), "arr": [600.0], "flag": ["Green"],
                             "weighted_arr": [570.0]})
    plan = pd.DataFrame({"month": pd.to_datetime(["2026-11-01", "2026-12-01"]), "mrr": [90.0, 120.0]})
    quarters = fiscal_rollup(projection, renewals, plan, 1, 3)
    assert quarters.index.tolist() == [(2026, 4), (2027, 1)]
    assert quarters["months"].tolist() == [2, 3] and quarters["revenue"].tolist() == [200.0, 300.0]
    assert quarters["exit_arr"].tolist() == [1200.0, 1200.0]
    assert quarters["best_case"].tolist() == [0.0, 600.0] and quarters["weighted"].tolist() == [0.0, 570.0]
    assert quarters["plan"].iloc[0] == 210.0 and np.isnan(quarters["plan"].iloc[1])  # no plan month in Q1
    assert quarters["variance"].iloc[0] == -10.0 and quarters["exit_variance"].iloc[0] == 1200.0 - 1440.0
    assert fiscal_rollup(projection, renewals, None, 1, 12)["revenue"].tolist() == [200.0, 300.0]


def test_next_renewal_rolls_by_whole_terms():
    dates = pd.Series(pd.to_datetime(["2026-09-30", "2024-01-31", "2027-01-10", "2023-03-15"]))
    terms = pd.Series([12.0, 1.0, 12.0, np.nan])
    rolled = next_renewal(dates, terms, pd.Timestamp("2026-09-30"))
    # on the day itself: a year on; a 31st stays month end; a future date stays; a blank term is 12 months
    assert rolled.tolist() == list(pd.to_datetime(["2027-09-30", "2026-10-31", "2027-01-10", "2027-03-15"]))
    assert next_renewal(pd.Series(pd.to_datetime(["2024-01-31"])), pd.Series([1.0]),
                        pd.Timestamp("2024-02-29")).iloc[0] == pd.Timestamp("2024-03-31")


def test_cohort_survivors_break_at_the_first_gap():
    book = frame([("a", "", "2026-01", 10), ("a", "", "2026-02", 10), ("a", "", "2026-03", 10),
                  ("b", "", "2026-01", 10), ("b", "", "2026-03", 10), ("c", "", "2026-02", 10)])
    survivors = cohort_survivors(book)
    assert survivors.loc[pd.Period("2026-01", "M")].tolist() == [2.0, 1.0, 1.0]  # b's return does not count
    assert survivors.loc[pd.Period("2026-02", "M")].tolist()[:2] == [1.0, 0.0]
    assert np.isnan(survivors.loc[pd.Period("2026-02", "M"), 2])  # not observed yet


def test_sensitivity_by_hand():
    table = nrr_sensitivity(1_000_000, 1.05, years=2, points=range(-1, 2))
    assert table.loc[-1].tolist() == pytest.approx([1_040_000, 1_081_600])  # 1.04, 1.04^2
    assert table.loc[0].tolist() == pytest.approx([1_050_000, 1_102_500])
    assert table.loc[1].tolist() == pytest.approx([1_060_000, 1_123_600])
    # +1 point is worth 10,000 after a year, 21,100 after two (1,123,600 - 1,102,500)
    assert nrr_point_value(1_000_000, 1.05, 1) == pytest.approx(10_000)
    assert nrr_point_value(1_000_000, 1.05, 2) == pytest.approx(21_100)
    assert nrr_point_value(1_000_000, 1.05, 5) == pytest.approx(1_000_000 * (1.06 ** 5 - 1.05 ** 5))
    default = nrr_sensitivity(2_400_000, 1.0)
    assert default.shape == (11, 5) and default.loc[0].tolist() == pytest.approx([2_400_000] * 5)


@pytest.mark.parametrize("args, message", [
    ((-1, 1.0), "arr must be a number >= 0"), ((1, 0.0), "nrr must be a fraction > 0"),
    ((1, float("nan")), "nrr must be a fraction > 0"), ((1, 1.0, 0), "years must be a whole number >= 1"),
    ((1, 0.03), "nrr \\+ points must stay >= 0"),
])
def test_sensitivity_errors(args, message):
    with pytest.raises(ValueError, match=message):
        nrr_sensitivity(*args)


# ARR from a cent: below it (subnormal floats such as 5e-324) a point of NRR is lost to rounding, not to the model
@given(st.one_of(st.just(0.0), st.floats(0.01, 1e8)), st.floats(0.5, 1.5), st.integers(1, 10))
def test_more_nrr_more_arr_and_a_point_compounds(arr, nrr, years):
    table = nrr_sensitivity(arr, nrr, years)
    assert (table.diff().dropna() >= -1e-6).all().all()  # more NRR, more ARR
    assert nrr_point_value(arr, nrr, years) == pytest.approx(table.loc[1, years] - table.loc[0, years])
    if nrr >= 1:  # a book that holds or grows: a point is worth more each year it compounds
        assert nrr_point_value(arr, nrr, years) >= nrr_point_value(arr, nrr, 1) * (1 - 1e-9)
