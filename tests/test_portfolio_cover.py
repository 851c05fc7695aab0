"""The portfolio cover's deltas (month on month, year on year, against the plan table) and the Movers sheet on the
demo book, recalculated by LibreOffice."""

import openpyxl
import pandas as pd
import pytest

from csxl.data.demo import demo_dataset
from csxl.metrics.movers import MOVER_KINDS, account_movements
from csxl.workbooks.anchors import named
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.portfolio import write_portfolio
from csxl.workbooks.portfolio_movers import MOVER_ROWS, MOVER_WINDOWS
from tests.workbook_values import blank

AS_OF = pd.Timestamp("2026-09-01")


def values(wb, name):
    cells = [wb[cell.ws.title][cell.local].value for cell in named(wb, name).cells()]
    return cells[0] if len(cells) == 1 else cells


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cover")
    data = demo_dataset(customers=90)
    total = data.mrr.groupby("month")["mrr"].sum()
    # a plan a tenth above each month's actual MRR, with no row for the month after the as-of month
    data.plan = pd.DataFrame({"month": total.index, "mrr": (total * 1.1).round(2).to_numpy()})
    without = demo_dataset(customers=90)
    without.plan = None  # the demo's own plan left out: a book without one
    paths = [write_portfolio(d, AS_OF, Locale("pt-BR"), None, folder / f"{name}.xlsx")[0]
             for name, d in (("plan", data), ("no_plan", without))]
    return data, [openpyxl.load_workbook(p, data_only=True) for p in convert(paths, folder / "calc")]


def test_cover_deltas_against_the_month_and_year_before_and_the_plan(book):
    data, (planned, unplanned) = book
    total = data.mrr.groupby("month")["mrr"].sum()
    paying = data.mrr[data.mrr["mrr"] > 0].groupby("month")["customer_id"].nunique()
    month_ago, year_ago = AS_OF - pd.DateOffset(months=1), AS_OF - pd.DateOffset(months=12)
    assert values(planned, "MrrMoM") == pytest.approx(total[AS_OF] / total[month_ago] - 1, rel=1e-9)
    assert values(planned, "MrrYoY") == pytest.approx(total[AS_OF] / total[year_ago] - 1, rel=1e-9)
    assert values(planned, "CustomersMoM") == paying[AS_OF] - paying[month_ago]
    plan = data.plan.set_index("month")["mrr"][AS_OF]
    assert values(planned, "PlanMRR") == pytest.approx(plan)
    assert values(planned, "MrrVsPlan") == pytest.approx(total[AS_OF] / plan - 1, rel=1e-9)
    assert values(planned, "MrrVsPlan") == pytest.approx(1 / 1.1 - 1, abs=1e-6)
    assert blank(values(unplanned, "PlanMRR")) and blank(values(unplanned, "MrrVsPlan"))
    assert values(unplanned, "MrrMoM") == values(planned, "MrrMoM")


def test_movers_are_the_largest_accounts_behind_each_movement(book):
    data, (wb, _) = book
    names = data.customers.set_index("customer_id")["name"]
    listed = 0
    for window, back in MOVER_WINDOWS.items():
        moved = account_movements(data.mrr[data.mrr["month"] <= AS_OF], AS_OF, back)
        for kind in MOVER_KINDS:
            want = moved[moved["kind"] == kind].head(MOVER_ROWS)
            got = [v for v in values(wb, f"Movers{window.title()}{kind.title()}") if not blank(v)]
            assert got[0::3] == list(names.reindex(want.index)), (window, kind)
            assert got[2::3] == pytest.approx(list(want["amount"]), rel=1e-9), (window, kind)
            assert got[2::3] == sorted(got[2::3], reverse=True)
            listed += len(want)
    assert listed >= 15  # the demo moves in every window and kind
