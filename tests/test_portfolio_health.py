"""The portfolio's health flags: live over the as-of month's signals and the Inputs' thresholds, and in the demo
data they tell the accounts about to churn from the others."""

import openpyxl
import pandas as pd
import pytest

from csxl.data.demo import demo_dataset
from csxl.metrics.health import FLAGS, flags_at, mrr_by_flag
from csxl.workbooks.anchors import named
from csxl.workbooks.builtin import KINDS
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.portfolio import KANBAN_ROWS, write_portfolio

AS_OF = pd.Timestamp("2026-10-01")


def shown_block(wb, name):
    """The values behind a defined name (one cell's value, or a block's as a list)."""
    values = [wb[cell.ws.title][cell.local].value for cell in named(wb, name).cells()]
    return values[0] if len(values) == 1 else values


def paying(data, month):
    """MRR by customer in `month`, every customer of the data (0 when it did not pay)."""
    table = data.mrr.groupby(["customer_id", "month"])["mrr"].sum().unstack(fill_value=0.0)
    return table[month] if month in table else pd.Series(0.0, index=table.index)


def test_demo_health_flags_accounts_before_they_churn():
    """Three months before they stop paying, churners are flagged Red or Yellow far more often than the accounts
    that stay; and the as-of month has Red accounts (the ones at risk beyond the data), as a real book does."""
    data = demo_dataset()
    for back in (3, 6, 9):
        month = AS_OF - pd.DateOffset(months=back)
        before, after = paying(data, month), paying(data, month + pd.DateOffset(months=3))
        churned, stayed = (before > 0) & (after == 0), (before > 0) & (after > 0)
        flags = flags_at(data.health, data.customers, before.index, month)
        risky = flags.isin(["Red", "Yellow"])
        assert churned.sum() >= 10, back
        assert risky[churned].mean() > 0.8 > 0.3 > risky[stayed].mean(), back
    now = paying(data, AS_OF)
    flags = flags_at(data.health, data.customers, now.index, AS_OF)[now > 0]
    assert 0.02 < (flags == "Red").mean() < 0.15


@pytest.fixture(scope="module")
def small_demo():
    data = demo_dataset(customers=60)
    data.mrr = data.mrr[data.mrr["month"] <= AS_OF]
    return data


def test_flags_follow_the_thresholds_typed_in_the_workbook(small_demo, tmp_path):
    """GreenFrom raised above 100 on the Inputs sheet: no account is Green any more, each moves to Yellow or Red by
    its score, and the flag table, kanban counts and master check follow."""
    path, _ = write_portfolio(small_demo, AS_OF, Locale("en"), None, tmp_path / "portfolio.xlsx")
    wb = openpyxl.load_workbook(path)
    for name, item in (("GreenFrom", 101), ("RedBelow", 60)):
        cell = named(wb, name)
        cell.ws[cell.local].value = item
    wb.save(tmp_path / "strict.xlsx")
    calculated = convert([path, tmp_path / "strict.xlsx"], tmp_path / "calc")
    now = paying(small_demo, AS_OF)
    now = now[now > 0]
    for file, thresholds in zip(calculated, ({}, {"green_from": 101, "red_below": 60}), strict=True):
        python = mrr_by_flag(now, flags_at(small_demo.health, small_demo.customers, now.index, AS_OF, **thresholds))
        values = openpyxl.load_workbook(file, data_only=True)
        assert shown_block(values, "FlagAccounts") == list(python["accounts"].to_numpy()), thresholds
        assert shown_block(values, "FlagMRR") == pytest.approx(list(python["mrr"].to_numpy())), thresholds
        assert shown_block(values, "MasterCheck") == Locale("en")("ok")
    strict = dict(zip(FLAGS, shown_block(openpyxl.load_workbook(calculated[1], data_only=True), "FlagAccounts"),
                      strict=True))
    assert strict["Green"] == 0 and strict["Red"] > 0


def test_kanban_lists_the_largest_accounts_under_each_flag(small_demo, tmp_path):
    """The kanban ranks live flags (no sort order assumed): under each flag its largest paying accounts, in order."""
    path, _ = write_portfolio(small_demo, AS_OF, Locale("en"), None, tmp_path / "portfolio.xlsx")
    values = openpyxl.load_workbook(convert([path], tmp_path / "calc")[0], data_only=True)
    kanban = KINDS["portfolio"].layout(Locale("en")).anchors["health"]["kanban"]
    now = paying(small_demo, AS_OF)
    now = now[now > 0]
    flags = flags_at(small_demo.health, small_demo.customers, now.index, AS_OF)
    names = small_demo.customers.set_index("customer_id")["name"]
    shown = 0
    for j, flag in enumerate(FLAGS):
        mine = now[flags == flag].sort_values(ascending=False, kind="stable").head(KANBAN_ROWS)
        sheet = values[kanban.ws.title]
        column = [sheet.cell(r, kanban.col + 2 * j).value for r in range(kanban.row, kanban.bottom + 1)]
        amounts = [sheet.cell(r, kanban.col + 2 * j + 1).value for r in range(kanban.row, kanban.row + len(mine))]
        assert [name for name in column if name] == list(names.reindex(mine.index)), flag
        assert amounts == pytest.approx(list(mine)), flag
        shown += len(mine)
    assert shown > 20
