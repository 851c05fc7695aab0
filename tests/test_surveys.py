"""NPS, CSAT and CES on published worked examples, the empty result, bad scores and invariants."""

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csxl.metrics import surveys
from csxl.metrics.surveys import (
    NpsResult,
    ces,
    csat,
    nps,
    nps_margin,
    score_distribution,
    survey_summary,
)


def test_docstring_examples():
    assert doctest.testmod(surveys).failed == 0


# ---------------------------------------------------------------------------------------------- NPS


def test_nps_textbook_example():
    # Bain & Company / Reichheld (HBR 2003) definition: % promoters (9-10) - % detractors (0-6).
    # 100 answers, 60 promoters, 30 passives, 10 detractors: 60% - 10% = NPS 50.
    result = nps([10] * 40 + [9] * 20 + [8] * 20 + [7] * 10 + [6] * 5 + [0] * 5)
    assert (result.score, result.n, result.promoters, result.passives, result.detractors) == (50.0, 100, 60, 30, 10)
    # docs/metrics.md: MoE = 1.96 x sqrt((p + d - (p - d)^2) / n) x 100 = 1.96 x sqrt((0.7 - 0.25) / 100) x 100
    assert result.margin_of_error == pytest.approx(1.96 * math.sqrt(0.45 / 100) * 100, rel=1e-4)
    assert result.margin_of_error == pytest.approx(13.148, abs=1e-3)


def test_nps_margin_of_error_matches_the_published_variance():
    # Cross Validated, "How can I calculate margin of error in a NPS result?" (stats.stackexchange.com/q/18603):
    # 1/2 promoters, 1/3 passives, 1/6 detractors -> NPS 1/3 and a variance of one answer of 5/9.
    result = nps([10] * 30 + [7] * 20 + [2] * 10)
    assert result.score == pytest.approx(100 / 3)
    se = math.sqrt(5 / 9 / 60)
    assert result.margin_of_error == pytest.approx(1.959964 * se * 100, rel=1e-6)
    assert result.moe(0.90) == pytest.approx(1.644854 * se * 100, rel=1e-6)
    assert result.moe(0.99) == pytest.approx(2.575829 * se * 100, rel=1e-6)
    assert nps_margin([10] * 30 + [7] * 20 + [2] * 10, 0.90) == pytest.approx(result.moe(0.90))
    low, high = result.interval
    assert low == pytest.approx(result.score - result.margin_of_error) and high <= 100


def test_nps_result_is_a_frozen_dataclass():
    result = nps([9, 7, 3])
    assert isinstance(result, NpsResult)
    with pytest.raises(AttributeError):
        result.score = 0  # type: ignore[misc]


@pytest.mark.parametrize("scores, expected", [
    ([], (math.nan, 0, 0, 0, 0)),                                  # the empty result: NaN, n 0
    ([None, float("nan")], (math.nan, 0, 0, 0, 0)),                # blanks only
    ([7, 8, 7, 8], (0.0, 4, 0, 4, 0)),                             # all passives: NPS 0
    ([10, 9], (100.0, 2, 2, 0, 0)),                                # all promoters
    ([0, 6], (-100.0, 2, 0, 0, 2)),                                # all detractors
    ([9, None, float("nan"), 3], (0.0, 2, 1, 0, 1)),               # blanks ignored
    (pd.Series([9, None, 10], dtype="Int64"), (100.0, 2, 2, 0, 0)),  # pandas nullable integers
    (np.array([6.0, 9.0]), (0.0, 2, 1, 0, 1)),
])
def test_nps_edge_cases(scores, expected):
    r = nps(scores)
    got = (r.score, r.n, r.promoters, r.passives, r.detractors)
    assert got[1:] == expected[1:]
    assert (math.isnan(got[0]) and math.isnan(expected[0])) or got[0] == expected[0]


def test_margin_of_error_edge_cases():
    assert math.isnan(nps([]).margin_of_error)
    assert nps([9] * 10).margin_of_error == 0.0  # no spread at all


@pytest.mark.parametrize("scores, message", [
    ([11], "scores must be between 0 and 10; got 11"),
    ([-1], "scores must be between 0 and 10; got -1"),
    ([8.5], "scores must be whole numbers from 0 to 10; got 8.5"),
    (["great"], "scores must be numbers from 0 to 10; got 'great'"),
    ([True, 9], "scores must be numbers"),
])
def test_nps_rejects_impossible_scores(scores, message):
    with pytest.raises(ValueError, match=message):
        nps(scores)


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, "high"])
def test_nps_confidence_must_be_a_fraction(confidence):
    with pytest.raises(ValueError, match="confidence must be a number between 0 and 1"):
        nps([9, 3]).moe(confidence)


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200), st.randoms())
def test_nps_bounds_and_order_invariance(scores, rnd):
    result = nps(scores)
    assert -100 <= result.score <= 100
    assert result.promoters + result.passives + result.detractors == result.n == len(scores)
    shuffled = scores[:]
    rnd.shuffle(shuffled)
    assert nps(shuffled) == result


@given(st.lists(st.integers(0, 10), min_size=1, max_size=100))
def test_nps_margin_is_nonnegative_and_grows_with_confidence(scores):
    r = nps(scores)
    assert 0 <= r.moe(0.80) <= r.moe(0.95) <= r.moe(0.99)


# ---------------------------------------------------------------------------------------------- CSAT, CES


def test_csat_published_examples():
    # Delighted, "How is CSAT calculated?" (help.delighted.com/article/240): 42 fives, 32 fours, 10 threes,
    # 9 twos, 14 ones -> 74 satisfied of 107 = 69.16%.
    answers = [5] * 42 + [4] * 32 + [3] * 10 + [2] * 9 + [1] * 14
    assert csat(answers) == pytest.approx(74 / 107)
    assert round(csat(answers) * 100, 2) == 69.16
    # Intercom VOC Metrics, "What is CSAT": 10 fives, 20 fours, 10 threes, 5 twos, 5 ones -> 30 / 50 = 60%.
    assert csat([5] * 10 + [4] * 20 + [3] * 10 + [2] * 5 + [1] * 5) == pytest.approx(0.6)


def test_csat_options_and_empty():
    assert csat([5, 4, 3, 2, 5], threshold=5) == pytest.approx(0.4)  # top box only
    assert csat([10, 9, 8, 3], threshold=9, scale_max=10) == pytest.approx(0.5)
    assert math.isnan(csat([])) and math.isnan(csat([None]))


@pytest.mark.parametrize("kwargs, message", [
    ({"scores": [0]}, "scores must be between 1 and 5; got 0"),
    ({"scores": [6]}, "scores must be between 1 and 5; got 6"),
    ({"scores": [4], "threshold": 6}, "threshold must be between 1 and 5"),
    ({"scores": [4], "scale_max": 1}, "scale_max must be a whole number of 2 or more"),
])
def test_csat_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        csat(**kwargs)


def test_ces_published_examples():
    # CYS Group, "Customer Effort Score 5-point to average": mean = sum / count, "green" = share of 4 or 5.
    # (Their worked counts total 1010, not the 1000 they divide by, so the counts here are our own.)
    # 200 ones, 200 twos, 100 threes, 300 fours, 200 fives: sum 200 + 400 + 300 + 1200 + 1000 = 3100 -> 3.1;
    # 4 or 5: 500 / 1000 = 50%.
    answers = [1] * 200 + [2] * 200 + [3] * 100 + [4] * 300 + [5] * 200
    assert ces(answers) == pytest.approx(3.1)
    assert ces(answers, "agree") == pytest.approx(0.5)
    # 7-point CES 2.0 (Gartner; selvo.co "Customer Effort Score calculator": mean = sum / responses,
    # % easy = agree (5-7) / total): answers 4, 5, 6, 7, 7 -> 29 / 5 = 5.8 and 4 of 5 agree.
    assert ces([4, 5, 6, 7, 7], scale_max=7) == pytest.approx(29 / 5)
    assert ces([4, 5, 6, 7, 7], "agree", scale_max=7) == pytest.approx(0.8)


@pytest.mark.parametrize("kwargs, message", [
    ({"scores": [3], "method": "median"}, "method must be 'mean' or 'agree'"),
    ({"scores": [3], "scale_max": 10}, "scale_max must be 5 or 7"),
    ({"scores": [6]}, "scores must be between 1 and 5; got 6"),
])
def test_ces_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ces(**kwargs)


def test_ces_empty_and_case():
    assert math.isnan(ces([])) and math.isnan(ces([None], "agree"))
    assert ces([5, 4, 3, 2], "AGREE") == 0.5


@given(st.lists(st.integers(1, 5), min_size=1, max_size=100))
def test_csat_and_ces_are_bounded(scores):
    assert 0 <= csat(scores) <= 1 and 0 <= ces(scores, "agree") <= 1
    assert 1 <= ces(scores) <= 5
    # a stricter threshold can only lower CSAT
    assert csat(scores, threshold=5) <= csat(scores) <= csat(scores, threshold=3)


# ---------------------------------------------------------------------------------------------- tables


def test_score_distribution():
    dist = score_distribution([10, 10, 9, 0, None])
    assert list(dist.index) == list(range(11)) and dist.sum() == 4
    assert dist[10] == 2 and dist[9] == 1 and dist[0] == 1 and dist[5] == 0
    assert score_distribution([], 1, 5).tolist() == [0, 0, 0, 0, 0]
    with pytest.raises(ValueError, match="scores must be between 1 and 5"):
        score_distribution([7], 1, 5)
    with pytest.raises(ValueError, match="lo and hi must be whole numbers with lo < hi"):
        score_distribution([1], 5, 1)


ANSWERS = pd.DataFrame({
    "customer_id": ["a", "a", "a", "b", "b", "c"],
    "date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-02", "2026-02-10", "2026-02-11", "2026-02-12"]),
    "score": [10.0, 3.0, 8.0, 9.0, None, 6.0],
})


def test_survey_summary_nps_by_month_and_customer():
    by_month = survey_summary(ANSWERS, "month")
    # January: 10 and 3 -> 1 promoter, 1 detractor of 2 = 0; February: 8, 9, 6 (blank dropped) -> 1 - 1 of 3 = 0.
    assert by_month.index.tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert by_month["n"].tolist() == [2, 3] and by_month["nps"].tolist() == [0.0, 0.0]
    assert by_month["passives"].tolist() == [0, 1]
    by_customer = survey_summary(ANSWERS, "customer_id")
    # a: 10, 3, 8 -> (1 - 1) / 3 = 0; b: 9 -> 100; c: 6 -> -100.
    assert by_customer["nps"].to_dict() == {"a": 0.0, "b": 100.0, "c": -100.0}
    whole = survey_summary(ANSWERS)
    assert whole.loc["all", "n"] == 5 and whole.loc["all", "nps"] == pytest.approx((2 - 2) / 5 * 100)


def test_survey_summary_agrees_with_the_scalar_functions():
    table = survey_summary(ANSWERS, "customer_id")
    for customer, rows in ANSWERS.groupby("customer_id"):
        expected = nps(rows["score"])
        assert table.loc[customer, "nps"] == expected.score
        assert table.loc[customer, "margin_of_error"] == pytest.approx(expected.margin_of_error)
    csat_answers = ANSWERS.assign(score=[5.0, 4.0, 1.0, 2.0, None, 5.0])
    by = survey_summary(csat_answers, "customer_id", metric="csat")
    assert by["csat"].to_dict() == {"a": pytest.approx(2 / 3), "b": 0.0, "c": 1.0}
    ces_table = survey_summary(csat_answers, "month", metric="ces", method="agree")
    assert ces_table["ces"].tolist() == [pytest.approx(ces([5, 4], "agree")), pytest.approx(ces([1, 2, 5], "agree"))]


def test_survey_summary_errors():
    with pytest.raises(ValueError, match="metric must be one of nps, csat, ces"):
        survey_summary(ANSWERS, metric="ces2")
    with pytest.raises(ValueError, match="by must name columns of df"):
        survey_summary(ANSWERS, "csm")
    with pytest.raises(ValueError, match="score must be between 1 and 5; got 10"):
        survey_summary(ANSWERS, metric="csat")
