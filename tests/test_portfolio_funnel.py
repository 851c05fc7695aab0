"""The expand funnel's time window: FunnelMonths typed on the Inputs sheet narrows the funnel and the weighted
pipeline to the opportunities expected to close within it."""

import openpyxl
import pandas as pd
import pytest

from csxl.data.demo import demo_dataset
from csxl.data.schema import OPPORTUNITY_TYPES
from csxl.metrics.expansion import funnel, weighted_pipeline
from csxl.metrics.pipeline import closing_within
from csxl.workbooks.anchors import named
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.portfolio import write_portfolio

AS_OF = pd.Timestamp("2026-10-01")


def block(wb, name):
    return [wb[cell.ws.title][cell.local].value for cell in named(wb, name).cells()]


def test_funnel_months_keeps_the_opportunities_closing_within_it(tmp_path):
    data = demo_dataset(customers=80)
    path, _ = write_portfolio(data, AS_OF, Locale("es"), None, tmp_path / "portfolio.xlsx")
    wb = openpyxl.load_workbook(path)
    months = named(wb, "FunnelMonths")
    assert months.ws[months.local].value == 12
    months.ws[months.local].value = 1
    wb.save(tmp_path / "next_month.xlsx")
    calculated = convert([path, tmp_path / "next_month.xlsx"], tmp_path / "calc")
    counts = []
    for file, window in zip(calculated, (12, 1), strict=True):
        pipeline = closing_within(data.pipeline, AS_OF, window)
        expansion = funnel(pipeline[pipeline["type"] != "renewal"])
        values = openpyxl.load_workbook(file, data_only=True)
        assert block(values, "FunnelCount") == list(expansion["count"]), window
        assert block(values, "FunnelAmount") == pytest.approx(list(expansion["amount"])), window
        weighted = weighted_pipeline(pipeline).reindex(list(OPPORTUNITY_TYPES)).fillna(0.0)
        assert block(values, "WeightedByType") == pytest.approx(list(weighted)), window
        counts.append(sum(expansion["count"]))
    assert counts[0] > counts[1] > 0  # a month ahead keeps fewer opportunities than a year, but some
