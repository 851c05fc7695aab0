"""Subscriptions normalised to monthly MRR: DOMAIN.md's worked examples and the month-end rule."""

import pandas as pd
import pytest

from csxl.data.load import load


def subscriptions_csv(path, rows):
    lines = ["subscription_id,customer_id,product,start_date,end_date,amount,interval"]
    lines += [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_domain_worked_example_12500(tmp_path):
    # DOMAIN.md: 100 monthly subscriptions at 100 plus 50 yearly ones at 600 make an MRR of 12,500.
    rows = [(f"m{i}", f"c{i}", "Core", "2026-01-10", "", 100, "month") for i in range(100)]
    rows += [(f"y{i}", f"k{i}", "Core", "2026-01-10", "", 600, "year") for i in range(50)]
    data = load(subscriptions_csv(tmp_path / "subscriptions.csv", rows))
    assert data.mrr.groupby("month")["mrr"].sum().tolist() == [pytest.approx(12_500)]


def test_a_yearly_plan_of_2000_is_166_67(tmp_path):
    data = load(subscriptions_csv(tmp_path / "subscriptions.csv", [("s1", "a", "Core", "2026-01-01", "", 2000, "anual")]))
    assert data.mrr["mrr"].round(2).tolist() == [166.67]


def test_month_end_rule_and_open_subscriptions_run_to_the_last_month(tmp_path):
    rows = [("s1", "a", "Core", "15/01/2026", "31/01/2026", 90, "mensal"),    # counts in January only
            ("s2", "b", "Core", "2026-01-20", "2026-03-14", 300, "trimestral"),  # Jan, Feb (not March)
            ("s3", "c", "Plus", "2026-02-01", "", 50, "month"),               # Feb .. April (last event)
            ("s4", "d", "Core", "2026-04-30", "", 10, "month")]               # April (active on the 30th)
    data = load(subscriptions_csv(tmp_path / "subscriptions.csv", rows))
    months = data.mrr.groupby("customer_id")["month"].apply(lambda m: list(m.dt.strftime("%Y-%m"))).to_dict()
    assert months == {"a": ["2026-01"], "b": ["2026-01", "2026-02"], "c": ["2026-02", "2026-03", "2026-04"],
                      "d": ["2026-04"]}
    assert data.mrr.set_index("customer_id").loc["b", "mrr"].tolist() == [100.0, 100.0]
    extended = load(tmp_path / "subscriptions.csv", as_of="2026-06")
    assert extended.mrr["month"].max() == pd.Timestamp("2026-06-01")


def test_unknown_interval_is_a_located_error(tmp_path):
    from csxl.errors import CsxlDataError

    path = subscriptions_csv(tmp_path / "subscriptions.csv", [("s1", "a", "Core", "2026-01-01", "", 10, "fortnight")])
    with pytest.raises(CsxlDataError, match=r'row 2, column "interval": "fortnight" is not a known interval'):
        load(path)
