"""The shifted-beta-geometric model: Fader & Hardie's published fits, closed forms by hand, pooled cohorts."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csxl.metrics.forecast import cohort_survivors
from csxl.metrics.retention import cohort_retention
from csxl.metrics.sbg import sbg_fit, sbg_fit_cohorts, sbg_retention, sbg_survival
from tests.test_movements import frame

# P. S. Fader and B. G. S. Hardie, "How to Project Customer Retention", Journal of
# Interactive Marketing 21(1), 2007: Table 1 gives the % of each segment still there
# after years 0..12 (Berry & Linoff's data), section 4 the fits on years 0..7 (7
# periods): High End alpha 0.668, beta 3.806; Regular alpha 0.704, beta 1.182.
# Appendix B's Solver run reports LL = -1611.2 for High End (its body text prints
# alpha 0.688, a typo for Appendix B's 0.668). Regular year 5 is 28.9% (289, not 290).
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END_YEAR_12, REGULAR_YEAR_12 = 0.394, 0.173


@pytest.mark.parametrize("survivors, alpha, beta", [(HIGH_END, 0.668, 3.806), (REGULAR, 0.704, 1.182)])
def test_sbg_reproduces_the_published_fits(survivors, alpha, beta):
    fit = sbg_fit(survivors)
    assert fit.alpha == pytest.approx(alpha, abs=1e-3) and fit.beta == pytest.approx(beta, abs=1e-3)
    assert fit.n_periods == 7 and fit.n_customers == 1000
    shares = sbg_fit([s / 1000 for s in survivors])  # shares give the same fit
    assert (shares.alpha, shares.beta) == pytest.approx((fit.alpha, fit.beta), rel=1e-6)


def test_published_log_likelihood_and_year_12_projection():
    high_end, regular = sbg_fit(HIGH_END), sbg_fit(REGULAR)
    assert high_end.log_likelihood == pytest.approx(-1611.2, abs=0.05)  # F&H Appendix B
    # F&H section 4: projected from years 0..7, year-12 survival misses the actual by about
    # 4% (High End) and 2% (Regular); here 0.378 vs 0.394 and 0.170 vs 0.173, both a little low.
    assert high_end.survival(12) / HIGH_END_YEAR_12 - 1 == pytest.approx(-0.04, abs=0.01)
    assert regular.survival(12) / REGULAR_YEAR_12 - 1 == pytest.approx(-0.02, abs=0.01)


def test_closed_forms_by_hand():
    # alpha 1, beta 3: P(T=1) = 1/4; r(1) = 3/4, r(2) = 4/5, r(3) = 5/6; S = 1, 3/4, 3/5, 1/2;
    # P(T=2) = P(T=1) x (3 + 0)/(1 + 3 + 1) = 1/4 x 3/5 = 3/20 = S(1) - S(2).
    assert sbg_survival(1, 3, 3).tolist() == pytest.approx([1, 0.75, 0.6, 0.5])
    assert [sbg_retention(1, 3, t) for t in (1, 2, 3)] == pytest.approx([0.75, 0.8, 5 / 6])
    fit = sbg_fit(HIGH_END)
    fit = type(fit)(1.0, 3.0, fit.log_likelihood, 7, 1000)
    assert fit.churn_probability([1, 2, 3]).tolist() == pytest.approx([0.25, 0.15, 0.1])
    assert fit.survival(2) == pytest.approx(0.6) and fit.retention(3) == pytest.approx(5 / 6)
    assert fit.survival([0, 1, 2, 3]) == pytest.approx(sbg_survival(1, 3, 3))


def test_the_fitted_curves_follow_the_recurrences_of_the_paper():
    fit = sbg_fit(REGULAR)
    a, b = fit.alpha, fit.beta
    p = [a / (a + b)]  # eq. (7): P(T=t) = P(T=t-1) (b + t - 2)/(a + b + t - 1)
    for t in range(2, 13):
        p.append(p[-1] * (b + t - 2) / (a + b + t - 1))
    assert fit.churn_probability(np.arange(1, 13)) == pytest.approx(p, rel=1e-12)
    assert fit.survival(np.arange(13)) == pytest.approx(1 - np.r_[0, np.cumsum(p)], rel=1e-12)
    assert fit.survival(np.arange(13)) == pytest.approx(sbg_survival(a, b, 12), rel=1e-12)
    assert fit.retention(np.arange(1, 13)) == pytest.approx(sbg_survival(a, b, 12)[1:] / sbg_survival(a, b, 11))


def test_summary_is_one_table():
    table = sbg_fit(REGULAR).summary()
    assert table.loc["alpha", "value"] == pytest.approx(0.704, abs=1e-3)
    assert table.loc["mean churn probability", "value"] == pytest.approx(0.704 / (0.704 + 1.182), abs=1e-3)
    assert table.loc["periods", "value"] == 7


@pytest.mark.parametrize("call, message", [
    (lambda: sbg_survival(0, 1, 3), "alpha must be a number > 0"),
    (lambda: sbg_survival(1, float("nan"), 3), "beta must be a number > 0"),
    (lambda: sbg_survival(1, "x", 3), "beta must be a number > 0"),
    (lambda: sbg_survival(1, 1, -1), "periods must be a whole number >= 0"),
    (lambda: sbg_survival(1, 1, 2.5), "periods must be a whole number >= 0"),
    (lambda: sbg_retention(1, 1, 0), "period must be a whole number >= 1"),
    (lambda: sbg_retention(-1, 1, 1), "alpha must be a number > 0"),
    (lambda: sbg_fit([100, 90]), "at least three numbers"),
    (lambda: sbg_fit([100, 90, 95]), "never increase"),
    (lambda: sbg_fit([0, 0, 0]), "start above 0"),
    (lambda: sbg_fit([100, None, 80]), "at least three numbers"),
    (lambda: sbg_fit(["a", "b", "c"]), "survivors must be numbers"),
])
def test_bad_inputs_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_whole_number_floats_are_periods():
    assert sbg_survival(1, 3, 2.0).tolist() == pytest.approx([1, 0.75, 0.6])
    assert sbg_retention(1, 3, np.int64(2)) == pytest.approx(0.8)


def test_extreme_cohorts_stay_inside_the_bounds():
    nobody_leaves, everybody_leaves = sbg_fit([100, 100, 100]), sbg_fit([100, 0, 0])
    assert nobody_leaves.churn_probability(1) < 1e-6 and everybody_leaves.churn_probability(1) > 1 - 1e-6
    constant = sbg_fit([1000, 500, 250, 125])  # no heterogeneity: retention 50% at every renewal
    assert constant.retention([1, 2, 3]) == pytest.approx([0.5, 0.5, 0.5], abs=1e-3)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 20), st.floats(0.05, 20))
def test_survival_falls_and_retention_rises_with_tenure(alpha, beta):
    s = sbg_survival(alpha, beta, 24)
    assert s[0] == 1 and np.all(np.diff(s) <= 0) and np.all(s >= 0)
    # F&H eq. (8): r(t+1) - r(t) = alpha / ((alpha+beta+t)(alpha+beta+t-1)) > 0
    r = np.array([sbg_retention(alpha, beta, t) for t in range(1, 25)])
    assert np.all(np.diff(r) > 0) and np.all(r < 1)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.2, 5), st.floats(0.2, 5))
def test_an_exact_sbg_curve_gives_back_its_parameters(alpha, beta):
    fit = sbg_fit(10_000 * sbg_survival(alpha, beta, 8))
    assert (fit.alpha, fit.beta) == pytest.approx((alpha, beta), rel=1e-3)


# Four monthly cohorts, no customer coming back, observed to April 2026:
#   Jan: 10 customers -> 6, 4, 3      Feb: 8 -> 5, 4      Mar: 5 -> 3      Apr: 4
COHORTS = {"2026-01": [10, 6, 4, 3], "2026-02": [8, 5, 4], "2026-03": [5, 3], "2026-04": [4]}


def cohort_book():
    rows, months = [], pd.period_range("2026-01", "2026-04", freq="M")
    for start, survivors in COHORTS.items():
        first = months.get_loc(pd.Period(start, "M"))
        for i in range(survivors[0]):
            stays = sum(s > i for s in survivors)  # customer i pays while the cohort still counts more than i
            rows += [(f"{start}-{i}", "", str(months[first + k]), 100) for k in range(stays)]
    return frame(rows)


def test_pooled_fit_on_the_logo_cohort_table_by_hand():
    table = cohort_retention(cohort_book(), "logo")
    assert table.loc[pd.Period("2026-02", "M"), [0, 1, 2]].tolist() == pytest.approx([1, 5 / 8, 4 / 8])
    fit = sbg_fit_cohorts(table)
    # Lost in period 1: (10-6) + (8-5) + (5-3) = 9; in 2: (6-4) + (5-4) = 3; in 3: 4-3 = 1.
    # Censored: 3 of March after 1 period, 4 of February after 2, 3 of January after 3; April adds nothing.
    def log_likelihood(a, b):
        s = sbg_survival(a, b, 3)
        p = -np.diff(s)
        return 9 * math.log(p[0]) + 3 * math.log(p[1]) + math.log(p[2]) + sum(
            n * math.log(s[t]) for t, n in ((1, 3), (2, 4), (3, 3)))

    assert fit.log_likelihood == pytest.approx(log_likelihood(fit.alpha, fit.beta), rel=1e-9)
    for da, db in ((1.01, 1), (0.99, 1), (1, 1.01), (1, 0.99)):  # a maximum
        assert log_likelihood(fit.alpha * da, fit.beta * db) < fit.log_likelihood
    assert fit.n_customers == 10 + 8 + 5 and fit.n_periods == 3  # fitted on the cohorts observed 1+ periods
    same = sbg_fit_cohorts(cohort_survivors(cohort_book()))  # counts give the same fit
    assert (same.alpha, same.beta) == pytest.approx((fit.alpha, fit.beta), rel=1e-9)


def test_pooled_fit_equals_the_single_cohort_fit():
    one = sbg_fit(REGULAR)
    assert sbg_fit_cohorts(pd.DataFrame([REGULAR])).alpha == pytest.approx(one.alpha, rel=1e-9)
    twice = sbg_fit_cohorts(pd.DataFrame([REGULAR, REGULAR]))
    assert (twice.alpha, twice.beta) == pytest.approx((one.alpha, one.beta), rel=1e-6)
    assert twice.log_likelihood == pytest.approx(2 * one.log_likelihood)


def test_a_returning_customer_is_refused_on_the_logo_table():
    book = frame([("a", "", "2026-01", 10), ("a", "", "2026-03", 10), ("b", "", "2026-01", 10),
                  ("c", "", "2026-01", 10), ("c", "", "2026-02", 10), ("c", "", "2026-03", 10)])
    with pytest.raises(ValueError, match="cohort 2026-01 rise in period 2"):
        sbg_fit_cohorts(cohort_retention(book, "logo"))
    assert sbg_fit_cohorts(cohort_survivors(book)).n_customers == 3  # a counts as lost in period 1


def test_cohort_tables_that_cannot_be_fitted():
    with pytest.raises(ValueError, match="two periods or more"):
        sbg_fit_cohorts(pd.DataFrame([[10, 8, np.nan], [5, np.nan, np.nan]]))
    with pytest.raises(ValueError, match="NaN only after"):
        sbg_fit_cohorts(pd.DataFrame([[10, np.nan, 8]]))
    with pytest.raises(ValueError, match="columns 0, 1, 2"):
        sbg_fit_cohorts(pd.DataFrame({"a": [1.0]}))
