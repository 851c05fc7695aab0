"""Account coverage from touchpoints: which accounts count as covered, worked by hand."""

import pandas as pd
import pytest

from csxl.metrics.coverage import covered_accounts
from csxl.metrics.csm import csm_scorecard
from csxl.metrics.expansion import account_coverage

MEETINGS = pd.DataFrame({
    "customer_id": ["a", "a", "b", "c", "d", "e"],
    "date": pd.to_datetime(["2026-05-20", "2026-07-03", "2026-07-01", "2026-09-30", "2026-10-01", "2026-08-15"]),
    "type": ["QBR", "check-in", "EBR", "ebr", "QBR", "onboarding"],
})


def test_worked_example_of_a_quarter():
    """As of September 2026 with 90 days: the window is 3 July to 30 September inclusive (90 dates).

    a: check-in on 3 July, in (its May QBR is not); b: EBR on 1 July, two days early, out; c: 30 September, in;
    d: 1 October, after the as-of month, out; e: onboarding in August, in. Strategic reviews only (QBR, EBR,
    any case): c alone. Over 92 days (1 July on) b's EBR counts too.
    """
    assert list(covered_accounts(MEETINGS, "2026-09", 90)) == ["a", "c", "e"]
    assert list(covered_accounts(MEETINGS, "2026-09", 90, types=["QBR", "EBR"])) == ["c"]
    assert list(covered_accounts(MEETINGS, "2026-09", 92, types=["QBR", "EBR"])) == ["b", "c"]
    assert list(covered_accounts(None, "2026-09")) == []
    # 3 of the 4 paying accounts a, b, c, e (d is not in the book): 75%
    assert account_coverage(len(covered_accounts(MEETINGS, "2026-09", 90)), 4) == 0.75


def test_scorecard_coverage_counts_a_csms_paying_accounts():
    mrr = pd.DataFrame({"customer_id": list("abce"), "month": pd.Timestamp("2026-09-01"), "mrr": 100.0})
    customers = pd.DataFrame({"customer_id": list("abce"), "csm": ["Ana", "Ana", "Bia", "Bia"]})
    table = csm_scorecard(mrr, customers, pd.Timestamp("2026-09-01"), 12,
                          covered=covered_accounts(MEETINGS, "2026-09", 90)).set_index("csm")
    assert table.loc["Ana", "account_coverage"] == 0.5  # a of a, b
    assert table.loc["Bia", "account_coverage"] == 1.0  # c and e


@pytest.mark.parametrize("days", [0, -5, 2.5, True])
def test_days_must_be_a_whole_number_of_days(days):
    with pytest.raises(ValueError, match="days must be a whole number"):
        covered_accounts(MEETINGS, "2026-09", days)
