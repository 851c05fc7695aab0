"""NPS, CSAT and CES on published examples, with the empty result and bad scores."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csxl.metrics.surveys import ces, csat, nps


def test_nps_textbook_example():
    # Bain & Company's definition: 60% promoters - 10% detractors = NPS 50 (passives count in the total only).
    result = nps([10] * 40 + [9] * 20 + [8] * 20 + [7] * 10 + [6] * 5 + [0] * 5)
    assert (result.score, result.n, result.promoters, result.passives, result.detractors) == (50.0, 100, 60, 30, 10)


def test_nps_margin_of_error_matches_the_published_variance():
    # Cross Validated, "How can I calculate margin of error in a NPS result?": with 1/2 promoters,
    # 1/3 passives and 1/6 detractors the NPS is 1/3 and the variance of one answer is 5/9.
    result = nps([10] * 30 + [7] * 20 + [2] * 10)
    assert result.score == pytest.approx(100 / 3)
    assert result.margin_of_error == pytest.approx(1.96 * math.sqrt(5 / 9 / 60) * 100, rel=1e-3)
    assert result.moe(0.90) == pytest.approx(1.6449 * math.sqrt(5 / 9 / 60) * 100, rel=1e-3)


def test_nps_ignores_blanks_and_empty_is_nan():
    assert nps([9, None, float("nan"), 3]).n == 2
    empty = nps([])
    assert empty.n == 0 and math.isnan(empty.score) and math.isnan(empty.margin_of_error)


@pytest.mark.parametrize("scores, message", [([11], "between 0 and 10"), ([8.5], "whole numbers"),
                                             (["great"], "must be numbers")])
def test_nps_rejects_impossible_scores(scores, message):
    with pytest.raises(ValueError, match=message):
        nps(scores)


def test_csat_top_two_box_and_ces():
    # CSAT top-two box: 3 of 5 answers are 4 or 5 -> 60%.
    assert csat([5, 4, 3, 2, 5]) == 0.6
    assert csat([5, 4, 3, 2, 5], threshold=5) == 0.4
    assert ces([5, 4, 3, 2]) == 3.5 and ces([5, 4, 3, 2], "agree") == 0.5
    assert ces([7, 5, 4, 1], "agree", scale_max=7) == 0.5
    assert math.isnan(csat([])) and math.isnan(ces([None]))
    with pytest.raises(ValueError, match="between 1 and 5"):
        csat([0])


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200), st.randoms())
def test_nps_bounds_and_order_invariance(scores, rnd):
    result = nps(scores)
    assert -100 <= result.score <= 100
    shuffled = scores[:]
    rnd.shuffle(shuffled)
    assert nps(shuffled).score == result.score
