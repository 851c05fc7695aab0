"""A filled forecast or portfolio review used as the template of the next run (as finance teams reuse last
month's file): its charts, cut to the earlier data, fit the new data again, longer or shorter, and a team's own
series stays as the team drew it. Expected ranges are counted by hand from the layout and the data."""

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.utils.cell import range_boundaries

from csxl.data.demo import demo_dataset
from csxl.workbooks import forecast, portfolio
from csxl.workbooks.anchors import named
from csxl.workbooks.files import atomic_save
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert

FORECAST_AS_OF = pd.Timestamp("2026-09-01")
PORTFOLIO_AS_OF = pd.Timestamp("2026-10-01")


def demo_from(first: str):
    """The demo book with its MRR rows from month `first` on only (the demo's start in November 2023)."""
    data = demo_dataset()
    data.mrr = data.mrr[data.mrr["month"] >= pd.Timestamp(first)]
    return data


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def cells(reference: str) -> tuple[int, int, int, int]:
    return range_boundaries(reference.rsplit("!", 1)[1].replace("$", ""))


def count(reference: str) -> int:
    min_col, min_row, max_col, max_row = cells(reference)
    return (max_col - min_col + 1) * (max_row - min_row + 1)


def line_chart(path, sheet: str) -> LineChart:
    (chart,) = [c for c in openpyxl.load_workbook(path)[sheet]._charts if isinstance(c, LineChart)]
    return chart


def values(calculated, reference: str) -> list:
    """The values LibreOffice computed in the cells of a chart reference."""
    sheet, area = reference.rsplit("!", 1)
    found = openpyxl.load_workbook(calculated, data_only=True)[sheet.strip("'")][area.replace("$", "")]
    return [cell.value for row in found for cell in row]


def refilled(kind, as_of: pd.Timestamp, folder, steps, edit=None) -> dict:
    """Workbooks in English, the first filled into the built-in layout, each next one into the file before it:
    `steps` of (name, data, filling options); `edit` changes the first file as a team would. By name: the path,
    the data and the options."""
    found: dict = {}
    template = None
    for name, data, options in steps:
        wb, _ = kind.build(data, as_of, Locale("en"), template=template, **options)
        template = atomic_save(wb, folder / f"{name}.xlsx")
        if edit and not found:
            edit(template)
        found[name] = (template, data, options)
    return found


def add_team_target(path) -> None:
    """A series of the team's own on the trend chart: the benchmark NRR column, its 25 months; and the chart's
    references as Excel saves them, the sheet's name unquoted."""
    wb = openpyxl.load_workbook(path)
    (chart,) = [c for c in named(wb, "TrendMonths").ws._charts if isinstance(c, LineChart)]
    chart.series.append(Series(Reference(range_string="'Retention'!$D$5:$D$29"), title="Team"))
    for series in chart.series:
        for source in (series.val.numRef, series.cat and series.cat.numRef):
            if source:
                source.f = source.f.replace("'Retention'!", "Retention!")
    wb.save(path)


def add_team_series(path) -> None:
    """A series of the team's own on the scenario chart: the selected scenario's end MRR, its 24 months."""
    wb = openpyxl.load_workbook(path)
    end = named(wb, "SelectedEnd")
    (chart,) = [c for c in end.ws._charts if isinstance(c, LineChart)]
    chart.series.append(Series(Reference(range_string=end.ref), title="Team"))
    wb.save(path)


@pytest.fixture(scope="module")
def forecasts(tmp_path_factory):
    """Two runs of forecasts: horizon 6 on a year of history (tenures 0 to 12), refilled at horizon 24 with the
    whole demo (tenures 0 to 34), refilled at horizon 6 with the year again; horizon 12 on the whole demo, refilled
    at horizon 6 with the year (each reference cut by the first filling, then shorter). The team adds a series to
    the first file of each run."""
    folder = tmp_path_factory.mktemp("forecasts")
    year, whole = demo_from("2025-09-01"), demo_dataset()
    runs = ([("h6", year, 6), ("h24", whole, 24), ("h6_again", year, 6)], [("h12", whole, 12), ("h12_h6", year, 6)])
    found = {}
    for run in runs:
        steps = [(name, data, {"horizon": horizon}) for name, data, horizon in run]
        found.update(refilled(forecast.KIND, FORECAST_AS_OF, folder, steps, add_team_series))
    return found


FORECASTS = ["h6", "h24", "h6_again", "h12", "h12_h6"]


@pytest.mark.parametrize("key", FORECASTS)
def test_the_scenario_chart_covers_a_year_of_history_and_the_horizon_of_its_own_filling(forecasts, key):
    path, _, options = forecasts[key]
    horizon = options["horizon"]
    chart = line_chart(path, "Projection")
    *scenarios, actual, team = chart.series
    assert [s.tx.v for s in scenarios] == ["base", "upside", "downside"]
    shown = 12 + 1 + horizon  # a year before the as-of month, the as-of month, the horizon
    for series in scenarios:
        first_col, _, last_col, _ = cells(series.val.numRef.f)
        assert (first_col, last_col) == (2, 1 + shown)  # from column B
        assert count(series.cat.numRef.f) == shown
    assert count(actual.val.numRef.f) == 13  # the actual months never move
    assert team.val.numRef.f == "'Projection'!$B$15:$Y$15"  # the team's own 24 months, as the team drew them


@pytest.mark.parametrize("key", FORECASTS)
def test_the_cover_shows_the_scenario_chart_fitted_as_the_projections(forecasts, key):
    """The cover's chart reads the Projection's lines over the same months, refilled or not (the team's own series
    stays on the Projection sheet)."""
    path = forecasts[key][0]
    cover, projection = line_chart(path, "Cover"), line_chart(path, "Projection")
    shown = lambda series: [(s.tx.v, s.val.numRef.f, s.cat.numRef.f) for s in series]  # noqa: E731
    assert len(cover.series) == 4 and shown(cover.series) == shown(projection.series[:4])
    assert count(cover.series[0].val.numRef.f) == 12 + 1 + forecasts[key][2]["horizon"]


@pytest.mark.parametrize("key", FORECASTS)
def test_the_projection_prints_the_months_of_its_own_horizon(forecasts, key):
    """Column A, the year of history, the as-of month and the horizon: no blank months of a longer horizon shrink
    the print, and a shorter refilling gives them back."""
    path, _, options = forecasts[key]
    ws = openpyxl.load_workbook(path)["Projection"]
    first_col, first_row, last_col, last_row = cells(ws.print_area)
    assert (first_col, first_row, last_col) == (1, 1, 1 + 12 + 1 + options["horizon"])
    assert last_row > max(chart.anchor._from.row for chart in ws._charts) + 15  # the chart, 11 cm tall, inside


@pytest.mark.parametrize("key", FORECASTS)
def test_the_observed_survival_covers_the_tenures_of_its_own_filling(forecasts, key):
    path, data, _ = forecasts[key]
    observed, projected = line_chart(path, "Retention curves").series
    tenures = months_between(data.mrr["month"].min(), FORECAST_AS_OF) + 1  # 0 to the oldest customer's age
    assert tenures == (13 if data.mrr["month"].min() == pd.Timestamp("2025-09-01") else 35)
    first_col, _, last_col, _ = cells(observed.val.numRef.f)
    assert (first_col, last_col - first_col + 1) == (2, tenures)
    assert count(projected.val.numRef.f) == count(observed.cat.numRef.f) == 37  # the sBG curve over every tenure


def test_a_refilled_forecast_plots_numbers_in_every_month_and_tenure(forecasts, tmp_path):
    """LibreOffice recalculates the horizon-24 file filled into the horizon-6 one: the cells the charts now read,
    past the 19 months and 13 tenures of the first filling, hold numbers (months as dates), no blank."""
    path = forecasts["h24"][0]
    calculated = convert([path], tmp_path)[0]
    chart = line_chart(path, "Projection")  # the references as written; the values as LibreOffice computed them
    months = values(calculated, chart.series[0].cat.numRef.f)
    assert months == [dt.datetime(2025, 9, 1) + pd.DateOffset(months=k) for k in range(37)]
    for series in chart.series[:3]:
        line = values(calculated, series.val.numRef.f)
        assert len(line) == 37 and all(isinstance(v, float) and v > 0 for v in line), series.tx.v
    observed = values(calculated, line_chart(path, "Retention curves").series[0].val.numRef.f)
    assert len(observed) == 35 and all(isinstance(v, (int, float)) and 0 < v <= 1 for v in observed)


@pytest.fixture(scope="module")
def reviews(tmp_path_factory):
    """Two runs of portfolio reviews: the whole demo (MRR from November 2023: the trend from November 2024),
    refilled with MRR from March 2025 only (the trend from March 2026); the same the other way round. The team adds
    a series to the first file of each run."""
    folder = tmp_path_factory.mktemp("reviews")
    whole, late = demo_dataset(), demo_from("2025-03-01")
    runs = [[("whole", whole, {}), ("late_after", late, {})], [("late", late, {}), ("whole_after", whole, {})]]
    found = {}
    for steps in runs:
        found.update(refilled(portfolio.KIND, PORTFOLIO_AS_OF, folder, steps, add_team_target))
    return found


@pytest.mark.parametrize("key", ["whole", "late_after", "late", "whole_after"])
def test_the_trend_chart_starts_at_the_first_month_of_its_own_data(reviews, key):
    """The trend's months are the last rows of TrendMonths from a year after the first month of MRR; each line
    ends in the cell the layout gave it and covers as many; the team's series keeps its 25 months."""
    path, data, _ = reviews[key]
    shown = months_between(data.mrr["month"].min(), PORTFOLIO_AS_OF) - 12 + 1
    assert shown == (8 if key.startswith("late") else 24)
    (laid_out,) = portfolio.KIND.template(Locale("en"))["Retention"]._charts
    trend = named(openpyxl.load_workbook(path), "TrendMonths")
    *lines, team = line_chart(path, "Retention").series
    assert len(lines) == len(laid_out.series) == 4
    assert team.val.numRef.f.replace("'", "") == "Retention!$D$5:$D$29"
    for series, layout in zip(lines, laid_out.series):
        assert series.cat.numRef.f.replace("'", "") == f"Retention!$A${trend.bottom - shown + 1}:$A${trend.bottom}"
        assert cells(series.val.numRef.f)[2:] == cells(layout.val.numRef.f)[2:]  # the layout's last cell
        assert count(series.val.numRef.f) == shown


def test_a_refilled_review_plots_numbers_from_the_first_month_of_its_trend(reviews, tmp_path):
    """LibreOffice recalculates the whole demo filled into the late review: the cells the trend chart now reads,
    16 months before the late review's start, hold numbers (months as dates), no blank."""
    path = reviews["whole_after"][0]
    calculated = convert([path], tmp_path)[0]
    chart = line_chart(path, "Retention")
    months = values(calculated, chart.series[0].cat.numRef.f)
    assert months == [dt.datetime(2024, 11, 1) + pd.DateOffset(months=k) for k in range(24)]
    for series in chart.series[:4]:  # the team's own series is the fifth
        line = values(calculated, series.val.numRef.f)
        assert len(line) == 24 and all(isinstance(v, (int, float)) and 0 < v < 2 for v in line), series.tx.v
