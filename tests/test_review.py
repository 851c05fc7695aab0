"""The quarter framing of a QBR (csxl.metrics.review), on examples worked by hand."""

import math

import pandas as pd
import pytest

from csxl.metrics import review


def test_change_is_relative_and_undefined_on_nothing():
    # MRR 10,000 at the end of Q2 and 11,200 at the end of Q3: up 1,200 / 10,000 = 12%
    assert review.change(11_200.0, 10_000.0) == pytest.approx(0.12)
    assert review.change(9_000.0, 10_000.0) == pytest.approx(-0.10)
    assert math.isnan(review.change(500.0, 0.0))  # a new customer has no change to show


def test_points_change_is_the_difference_of_rates_in_points():
    # NRR 104.1% a quarter ago, 95.2% now: 8.9 percentage points down, while the relative change is -8.5%
    assert review.points_change(0.952, 1.041) == pytest.approx(-8.9)
    assert review.change(0.952, 1.041) == pytest.approx(-0.0855, abs=1e-4)
    assert math.isnan(review.points_change(math.nan, 1.0))


def test_seat_utilisation():
    assert review.seat_utilisation(42, 50) == pytest.approx(0.84)
    assert review.seat_utilisation(60, 50) == pytest.approx(1.2)  # more users than seats shows as such
    assert math.isnan(review.seat_utilisation(5, 0))


def test_quarter_total_counts_the_three_months_to_the_as_of_month():
    rows = pd.DataFrame({"month": pd.to_datetime(["2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01",
                                                  "2026-10-01"]),
                         "sla_breaches": [5.0, 1.0, 0.0, 2.0, 7.0]})
    assert review.quarter_total(rows, "sla_breaches", "2026-09-01") == 3.0  # July + August + September
    assert review.quarter_total(rows, "sla_breaches", "2026-06-15") == 5.0  # April to June: June only


def test_goal_progress_towards_a_target_up_or_down():
    assert review.goal_progress(0, 40, 30) == pytest.approx(0.75)  # adopt: 30 of 40 users
    assert review.goal_progress(10, 5, 7) == pytest.approx(0.6)  # reduce closing from 10 days to 5; now 7
    assert review.goal_progress(10, 5, 12) == pytest.approx(-0.4)  # went the wrong way
    assert math.isnan(review.goal_progress(3, 3, 4)) and math.isnan(review.goal_progress(1, None, 2))


def test_goals_on_track_counts_on_track_and_achieved_as_written():
    assert review.goals_on_track(["on_track", "achieved", "at_risk", "missed", "On_track"]) == (2, 5)
    assert review.goals_on_track([]) == (0, 0)
