"""The portfolio review recalculated by LibreOffice equals csxl.metrics, before and after one MRR edit."""

import subprocess
import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import range_boundaries

from csxl.data.demo import demo_dataset
from csxl.metrics.coverage import covered_accounts
from csxl.metrics.csm import csm_scorecard
from csxl.metrics.health import FLAGS, TOUCH_MODELS, flags_at, segments, touch_models
from csxl.metrics.movements import SPLIT_COLUMNS
from csxl.metrics.retention import (
    cohort_retention,
    grr_cohort,
    logo_churn_cohort,
    nrr_cohort,
    retention_trend,
)
from csxl.metrics.surveys import nps
from csxl.workbooks.anchors import named
from csxl.workbooks.builtin import KINDS
from csxl.workbooks.labels import Locale
from csxl.workbooks.libreoffice import convert
from csxl.workbooks.portfolio import CSM_ROWS, OUTPUT_NAMES, TABLES, WINDOW, write_portfolio
from tests.parity import at_risk, opening_month, portfolio_movements
from tests.workbook_values import anchored, blank, named_values

AS_OF = pd.Timestamp("2026-10-01")



LINES = ["start_mrr", "new", "reactivation", "expansion", "upsell", "cross_sell", "price_adjustment", "contraction",
         "churn", "end_mrr", "customers_start", "new_customers", "reactivated_customers", "churned_customers",
         "customers_end"]


def expected_names(mrr: pd.DataFrame, answers: pd.DataFrame, survey_months: int = 12) -> dict[str, float]:
    moves = portfolio_movements(mrr, AS_OF)
    now = mrr[mrr["month"] == AS_OF].groupby("customer_id")["mrr"].sum()
    now = now[now > 0]
    last12 = moves.tail(12)
    window = answers[(answers["date"] >= AS_OF - pd.DateOffset(months=survey_months - 1))
                     & (answers["date"] < AS_OF + pd.DateOffset(months=1))]
    return {"MRR": now.sum(), "ARR": 12 * now.sum(), "Customers": len(now), "ARPA": now.mean(),
            "NRR": nrr_cohort(mrr, AS_OF, 12), "GRR": grr_cohort(mrr, AS_OF, 12),
            "LogoChurn": logo_churn_cohort(mrr, AS_OF, 12),
            "QuickRatio": (last12[["new", "expansion", "reactivation"]].sum().sum()
                           / last12[["contraction", "churn"]].sum().sum()),
            "NPS": nps(window["score"]).score}


def movement_cells(path, lang):
    """The Movements sheet's lines by month, found through the sheet's anchors: {(month, line): value}."""
    wb = openpyxl.load_workbook(path, data_only=True)
    anchors = KINDS["portfolio"].layout(Locale(lang)).anchors["movements"]
    values = lambda key: [wb[a.ws.title][a.local].value for a in anchors[key].cells()]  # noqa: E731
    months = [pd.Timestamp(m) for m in values("month")]
    return {(month, line): value for line in LINES for month, value in zip(months, values(line))}


def assert_portfolio(calculated, mrr, answers, lang, survey_months=12):
    mrr = mrr[mrr["month"] <= AS_OF]
    actual = named_values(calculated, [*OUTPUT_NAMES, "MasterCheck"])
    for name, want in expected_names(mrr, answers, survey_months).items():
        assert actual[name] == pytest.approx(want, rel=1e-9), name
    assert actual["MasterCheck"] == Locale(lang)("ok")
    cells = movement_cells(calculated, lang)
    python = portfolio_movements(mrr, AS_OF)
    for (month, line), value in cells.items():
        want = python.loc[month, line] if month in python.index else 0.0
        # csxl.metrics rounds each customer's share of the split to 6 decimals; the workbook does not
        assert value == pytest.approx(want, abs=1e-4 if line in SPLIT_COLUMNS else 1e-6), (month, line)
    assert len(cells) == WINDOW * len(LINES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    data = demo_dataset()
    path, warnings = write_portfolio(data, AS_OF, Locale("pt-BR"), None, folder / "portfolio.xlsx")
    assert warnings == []  # 7 CSMs, 3 tiers and 4 products all fit on the sheets
    return data, path, convert([path], folder / "calc")[0]


def test_names_and_every_movement_cell_equal_python(generated):
    data, _, calculated = generated
    assert_portfolio(calculated, data.mrr, data.nps, "pt-BR")


def test_one_mrr_edit_recalculates_movements_and_retention(generated, tmp_path):
    data, path, _ = generated
    wb = openpyxl.load_workbook(path)
    ws = wb[f"{Locale('pt-BR')('sheet.data')}_mrr"]
    header = [c.value for c in ws[1]]
    m30 = header.index("m30") + 1
    # a customer with two products drops one of them in month 30 of the window: a contraction, then a cross-sell
    # or a reactivation when it comes back
    row = next(r for r in range(2, ws.max_row) if ws.cell(r, 1).value == ws.cell(r + 1, 1).value
               and (ws.cell(r, m30).value or 0) > 0 and (ws.cell(r + 1, m30).value or 0) > 0)
    customer, product = ws.cell(row, 1).value, ws.cell(row, 2).value
    ws.cell(row, m30).value = None
    (sheet, ref), = wb.defined_names["BandHealthy"].destinations
    wb[sheet][ref.replace("$", "")].value = 1.5  # a team that calls only 150% healthy
    (sheet, ref), = wb.defined_names["SurveyMonths"].destinations
    wb[sheet][ref.replace("$", "")].value = 2  # NPS of the last two months
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    calculated = convert([edited], tmp_path / "calc")[0]
    month = AS_OF - pd.DateOffset(months=WINDOW - 30)
    changed = data.mrr[~((data.mrr["customer_id"] == customer) & (data.mrr["product"] == product)
                         & (data.mrr["month"] == month))]
    assert len(changed) < len(data.mrr)
    assert_portfolio(calculated, changed, data.nps, "pt-BR", survey_months=2)
    window = anchored(openpyxl.load_workbook(calculated, data_only=True), "portfolio", Locale("pt-BR"), "voice",
                      "window_nps", cols=-1)
    assert window.value == "NPS (Respostas dos últimos 2 meses)"
    cover = openpyxl.load_workbook(calculated, data_only=True)[Locale("pt-BR")("sheet.cover")]
    band = next(row[1] for row in cover.iter_rows(values_only=True) if row[0] == Locale("pt-BR")("nrr_band"))
    assert 1 < nrr_cohort(changed[changed["month"] <= AS_OF], AS_OF, 12) < 1.5
    assert band == Locale("pt-BR")("band.retains")


def test_cover_and_health_sheet_layout(generated):
    _, path, calculated = generated
    locale = Locale("pt-BR")
    recalculated = openpyxl.load_workbook(calculated, data_only=True)
    as_of = lambda cols=0: anchored(recalculated, "portfolio", locale, "cover", "as_of", cols).value  # noqa: E731
    assert (as_of(-1), pd.Timestamp(as_of())) == (locale("as_of"), AS_OF)
    wb = openpyxl.load_workbook(path)
    # no TEXT(): the reader's own format
    assert anchored(wb, "portfolio", locale, "cover", "as_of").number_format == locale.month
    (sheet, ref), = wb.defined_names["FlagCode"].destinations
    codes = wb[sheet][ref.replace("$", "")]
    assert [row[0].value for row in codes] == list(FLAGS)
    assert wb[sheet].column_dimensions[codes[0][0].column_letter].hidden


def test_lists_longer_than_their_sheets_are_announced(tmp_path):
    data = demo_dataset()
    data.customers["csm"] = data.customers["customer_id"]  # a CSM per account: more than the scorecard's rows
    _, warnings = write_portfolio(data, AS_OF, Locale("en"), None, tmp_path / "portfolio.xlsx")
    assert warnings == [f"the CSM scorecard of the portfolio shows {CSM_ROWS} of the {len(data.customers)} CSMs; "
                        "the others are left out"]


def test_csm_scorecard_equals_python(generated):
    data, _, calculated = generated
    wb = openpyxl.load_workbook(calculated, data_only=True)
    area = named(wb, "CsmScorecard")
    mrr = data.mrr[data.mrr["month"] <= AS_OF]
    flags = flags_at(data.health, data.customers, pd.Index(mrr["customer_id"].unique()), AS_OF)
    python = csm_scorecard(mrr, data.customers, AS_OF, 12, data.nps, flags=flags,
                           covered=covered_accounts(data.touchpoints, AS_OF)).set_index("csm")
    shares = [f"share_{flag}" for flag in FLAGS]
    python[shares] = python.reindex(columns=shares).fillna(0.0)  # a flag nobody of a CSM has: a share of 0
    columns = ["accounts", "mrr", "mrr_retained", "logo_retention", "expansion_mrr", "accounts_expanded", "nps",
               "mrr_growth_mom", "account_coverage", *shares]
    assert area.right - area.col == len(columns) and area.bottom - area.row + 1 == CSM_ROWS
    rows = [row for row in area.ws.iter_rows(min_row=area.row, max_row=area.bottom, min_col=area.col,
                                             max_col=area.right, values_only=True) if row[0]]
    assert len(rows) == len(python.index.drop("(unassigned)", errors="ignore"))
    for row in rows:
        for column, value in zip(columns, row[1:], strict=True):
            want = python.loc[row[0], column]
            assert blank(value) if pd.isna(want) else value == pytest.approx(want, rel=1e-9), (row[0], column)
        assert 0 < row[columns.index("account_coverage") + 1] < 1
        assert sum(row[1 + columns.index(s)] for s in shares) == pytest.approx(1.0)  # every account of it has a flag


def test_segments_equal_python(generated):
    data, _, calculated = generated
    wb = openpyxl.load_workbook(calculated, data_only=True)
    mrr = data.mrr[data.mrr["month"] <= AS_OF]
    by_touch = segments(mrr, AS_OF, 12)
    by_tier = segments(mrr, AS_OF, 12, by=data.customers.set_index("customer_id")["tier"])
    columns = ["accounts", "mrr", "arpa", "nrr"]
    for name, python in (("SegmentsTouch", by_touch), ("SegmentsTier", by_tier)):
        area = named(wb, name)
        rows = [row for row in area.ws.iter_rows(min_row=area.row, max_row=area.bottom, min_col=area.col,
                                                 max_col=area.right, values_only=True) if row[0]]
        assert [row[0] for row in rows] == list(python.index)
        for row in rows:
            for column, value in zip(columns, row[1:], strict=True):
                want = python.loc[row[0], column]
                assert blank(value) if pd.isna(want) else value == pytest.approx(want, rel=1e-9), (row[0], column)
    assert list(by_touch.index) == list(TOUCH_MODELS) and list(by_tier.index) == ["1", "2", "3"]
    # every account paying a year ago counts in one touch model, churned ones too: the segments' NRRs average,
    # weighted by their MRR a year ago, to the portfolio's NRR
    year_ago = mrr[mrr["month"] == AS_OF - pd.DateOffset(months=12)].groupby("customer_id")["mrr"].sum()
    year_ago = year_ago[year_ago > 0]
    start = year_ago.groupby(touch_models(year_ago)).sum()
    assert (by_touch["nrr"] * start).sum() / start.sum() == pytest.approx(nrr_cohort(mrr, AS_OF, 12), rel=1e-9)


def test_each_segment_table_ends_with_the_whole_book_right_under_its_rows(generated):
    """Every paying account has a touch model, and the demo's every account a tier: both tables add up to the
    book's line under them. The tier rows and CSM rows the demo does not use (3 of 6 tiers, 7 CSMs) are hidden, so
    the totals sit right under the last tier and the last CSM."""
    data, path, calculated = generated
    wb, written = openpyxl.load_workbook(calculated, data_only=True), openpyxl.load_workbook(path)
    mrr = data.mrr[data.mrr["month"] <= AS_OF]
    now = mrr[mrr["month"] == AS_OF].groupby("customer_id")["mrr"].sum()
    now = now[now > 0]
    for name in ("SegmentsTouch", "SegmentsTier"):
        area = named(wb, name)
        total = [area.ws.cell(area.bottom + 1, c).value for c in range(area.col, area.right + 1)]
        assert total[0] == "Todas as contas"
        assert total[1:] == pytest.approx([len(now), now.sum(), now.mean(), nrr_cohort(mrr, AS_OF, 12)], rel=1e-9)
        accounts = [area.ws.cell(r, area.col + 1).value for r in range(area.row, area.bottom + 1)]
        assert sum(a for a in accounts if not blank(a)) == len(now)
    csms = data.customers["csm"].nunique()
    for name, used in (("SegmentsTier", 3), ("SegmentTrendTierNRR", 3), ("SegmentTrendTierGRR", 3),
                       ("CsmScorecard", csms)):
        area = named(written, name)
        hidden = [written[area.ws.title].row_dimensions[r].hidden for r in range(area.row, area.bottom + 1)]
        assert hidden == [False] * used + [True] * (len(hidden) - used), name


def test_retention_trend_and_cohorts_equal_python(generated):
    data, _, calculated = generated
    locale = Locale("pt-BR")
    wb = openpyxl.load_workbook(calculated, data_only=True)
    mrr = data.mrr[data.mrr["month"] <= AS_OF]
    trend = retention_trend(mrr).set_index("month")
    anchors = KINDS["portfolio"].layout(locale).anchors
    column = lambda sheet, key: [wb[a.ws.title][a.local].value for a in anchors[sheet][key].cells()]  # noqa: E731
    rows = list(zip(column("retention", "months"), column("retention", "nrr"), column("retention", "grr")))
    assert pd.Timestamp(rows[-1][0]) == AS_OF
    for month, nrr, grr in rows:
        period = pd.Period(month, "M")
        if period not in trend.index:  # no MRR data twelve months before
            assert blank(nrr) and blank(grr)
            continue
        assert (nrr, grr) == pytest.approx((trend.loc[period, "nrr"], trend.loc[period, "grr"]), rel=1e-9), period
    for basis in ("revenue", "logo"):
        python = cohort_retention(mrr, basis)
        grid = anchors["cohorts"][basis]
        checked = 0
        rows = wb[grid.ws.title].iter_rows(min_row=grid.row, max_row=grid.bottom, min_col=grid.col,
                                           max_col=grid.right, values_only=True)
        labelled = zip(column("cohorts", f"{basis}_before"), column("cohorts", f"{basis}_starts"),
                       column("cohorts", "customers"), rows)
        for before, start, size, row in labelled:
            # the opening balance's cohort reads "before" the month after it: everyone there when the data began
            cohort = pd.Period(start, "M") - (1 if before else 0)
            assert before == (locale("before_month") if cohort == pd.Period(mrr["month"].min(), "M") else None)
            if cohort not in python.index:  # nobody's first month
                assert size == 0
                continue
            assert size == python.loc[cohort, "customers"]
            for since, value in enumerate(row):
                if cohort + since <= pd.Period(AS_OF, "M"):
                    assert value == pytest.approx(python.loc[cohort, since], rel=1e-9), (basis, cohort, since)
                    checked += 1
        assert checked > 100


def test_data_text_is_text(generated):
    _, path, _ = generated
    with zipfile.ZipFile(path) as package:
        sheets = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))
    assert b"HYPERLINK" in sheets and b"<f>=HYPERLINK" not in sheets and b"<f>HYPERLINK" not in sheets


def test_moving_the_as_of_month_in_the_workbook_fails_the_master_check(generated, tmp_path):
    """The book's month columns are the months to the as-of month it was filled for: an AsOf typed over it would
    relabel them (the last column would say September while holding October), so the checks refuse it."""
    _, path, calculated = generated
    wb = openpyxl.load_workbook(path)
    as_of = named(wb, "AsOf")
    assert as_of.ws[as_of.local].font.color is None or as_of.ws[as_of.local].font.color.rgb != "000000FF"  # not blue
    as_of.ws[as_of.local].value = (AS_OF - pd.DateOffset(months=1)).to_pydatetime()
    wb.save(tmp_path / "moved.xlsx")
    moved = convert([tmp_path / "moved.xlsx"], tmp_path / "calc")[0]
    assert named_values(calculated, ["MasterCheck"])["MasterCheck"] == Locale("pt-BR")("ok")
    assert named_values(moved, ["MasterCheck"])["MasterCheck"] == Locale("pt-BR")("error")


def test_the_first_month_of_the_data_is_an_opening_balance_not_new_business(generated):
    """The demo data begins in the window's first month: its 158 paying customers were there before, so that month
    is the opening balance (start = end, nothing new), and no month's new MRR towers over the others."""
    data, _, calculated = generated
    cells = movement_cells(calculated, "pt-BR")
    first = data.mrr["month"].min()
    assert first == AS_OF - pd.DateOffset(months=WINDOW - 1)
    opening = data.mrr.loc[data.mrr["month"] == first, "mrr"].sum()
    assert cells[(first, "start_mrr")] == pytest.approx(opening) == cells[(first, "end_mrr")]
    assert cells[(first, "customers_start")] == cells[(first, "customers_end")] > 100
    assert cells[(first, "new")] == cells[(first, "new_customers")] == 0
    new = [cells[(month, "new")] for month, line in cells if line == "new"]
    assert max(new) < 5 * sorted(new)[len(new) // 2]  # the median month's new MRR, not a fifth of a giant bar
    assert named_values(calculated, ["OpeningMonth"])["OpeningMonth"] == opening_month(data.mrr, AS_OF) == 1


def test_trend_chart_starts_at_the_first_month_it_can_compute(generated):
    """LibreOffice plots a blank as 0%: the NRR / GRR lines start at the first month with a year of data behind it."""
    _, path, calculated = generated
    trend = named(openpyxl.load_workbook(calculated, data_only=True), "TrendMonths")
    values = [trend.ws.cell(r, trend.col + 1).value for r in range(trend.row, trend.bottom + 1)]
    computed = next(i for i, v in enumerate(values) if not blank(v))
    assert computed == 1 and all(not blank(v) for v in values[computed:])
    with zipfile.ZipFile(path) as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    first = f"${trend.letter}${trend.row + computed}:${trend.letter}${trend.bottom}"
    shown = [chart for chart in charts if first in chart]
    assert len(shown) == 1 and shown[0].count(first) == 4  # the categories of its four series


def test_the_movements_chart_draws_gains_above_zero_and_losses_below(generated):
    """Stacked columns, as ChartMogul draws MRR movements: each month's new, reactivation and expansion above zero,
    its contraction and churn below (negated, in hidden rows), so a month of heavy churn reads as a loss, not as one
    more bar of growth."""
    data, path, calculated = generated
    locale = Locale("pt-BR")
    sheet = locale("sheet.movements")
    written, shown = openpyxl.load_workbook(path)[sheet], openpyxl.load_workbook(calculated, data_only=True)[sheet]
    chart = written._charts[0]
    assert (chart.grouping, chart.overlap) == ("stacked", 100)
    python = portfolio_movements(data.mrr[data.mrr["month"] <= AS_OF], AS_OF)
    month_cells = KINDS["portfolio"].layout(locale).anchors["movements"]["month"].cells()
    months = [pd.Timestamp(shown[cell.local].value) for cell in month_cells]
    assert len(months) == WINDOW and months[-1] == AS_OF
    lines = {"new": 1, "reactivation": 1, "expansion": 1, "contraction": -1, "churn": -1}
    assert [series.tx.v for series in chart.series] == [locale(line) for line in lines]
    for series, (line, sign) in zip(chart.series, lines.items(), strict=True):
        first_col, row, last_col, _ = range_boundaries(series.val.numRef.f.split("!")[-1].replace("$", ""))
        assert written.row_dimensions[row].hidden == (sign < 0), line
        values = [shown.cell(row, c).value for c in range(first_col, last_col + 1)]
        want = [sign * python.loc[m, line] if m in python.index else 0.0 for m in months]
        assert values == pytest.approx(want, abs=1e-6), line
    assert min(values) < -10_000  # the demo's worst month of churn, drawn well below zero


def test_renewals_at_risk_list_the_largest_flagged_renewals_first(generated):
    """The demo's renewals within 90 and 180 days flagged Red, Yellow or Freeze: the ARR at risk and the top of the
    list, largest ARR first, with the flag in the reader's words, the CSM and the days to renewal."""
    data, _, calculated = generated
    locale = Locale("pt-BR")
    wb = openpyxl.load_workbook(calculated, data_only=True)
    for suffix, days in (("Short", 90), ("Long", 180)):
        python = at_risk(data, AS_OF, days)
        assert len(python) >= 5  # the demo has renewals at risk in both windows
        figures = named_values(calculated, [f"RenewalRiskARR{suffix}", f"RenewalRiskAccounts{suffix}"])
        assert figures[f"RenewalRiskARR{suffix}"] == pytest.approx(python["arr"].sum(), rel=1e-9)
        assert figures[f"RenewalRiskAccounts{suffix}"] == len(python)
        area = named(wb, f"RenewalRisk{suffix}")
        rows = [row for row in area.ws.iter_rows(min_row=area.row, max_row=area.bottom, min_col=area.col,
                                                 max_col=area.right, values_only=True) if not blank(row[0])]
        top = python.head(len(rows))
        assert len(rows) == min(len(python), area.bottom - area.row + 1)
        assert [r[0] for r in rows] == list(top["name"]) and [r[3] for r in rows] == list(top["csm"])
        assert [r[1] for r in rows] == pytest.approx(list(top["arr"]), rel=1e-9)
        assert [r[2] for r in rows] == [locale(f"flag.{flag}") for flag in top["flag"]]
        assert [r[4] for r in rows] == list(top["days"]) and all(0 < r[4] <= days for r in rows)


# the sheets a CS leader reads, in their order; the others are Inputs, Checks and the hidden Data sheets
READING = ("cover", "movements", "movers", "retention", "cohorts", "health", "renewals_at_risk", "segments", "csms",
           "funnel", "whitespace", "voice")


def test_every_sheet_for_reading_prints_its_cells_and_charts_and_no_other_sheet_has_a_print_area(generated):
    """The charts' extents as LibreOffice lays them out: the cells their bottom-right corners sit in, in the copy it
    saved (csxl estimates them from sizes in centimetres)."""
    _, path, calculated = generated
    locale = Locale("pt-BR")
    wb, laid_out = openpyxl.load_workbook(path), openpyxl.load_workbook(calculated)
    reading = [locale(f"sheet.{key}") for key in READING]
    assert [ws.title for ws in wb.worksheets if ws.print_area] == reading
    data = [ws for ws in wb.worksheets if ws.tables]
    assert len(data) == len(TABLES) and all(ws.sheet_state == "hidden" for ws in data)
    for title in reading:
        ws = wb[title]
        first_col, first_row, last_col, last_row = range_boundaries(ws.print_area.split("!")[-1].replace("$", ""))
        hidden = {r for r, dimension in ws.row_dimensions.items() if dimension.hidden}
        shown = [(c.row, c.column) for row in ws.iter_rows() for c in row
                 if c.value is not None and c.row not in hidden]
        corners = [(chart.anchor.to.row + 1, chart.anchor.to.col + 1) for chart in laid_out[title]._charts]
        assert (first_col, first_row) == (1, 1), title
        assert all(row <= last_row and col <= last_col for row, col in shown + corners), (title, ws.print_area)
    assert len(laid_out[locale("sheet.movements")]._charts) == 2


def test_the_book_prints_a_page_a_sheet_with_row_labels_on_every_movements_page(generated, tmp_path):
    """LibreOffice's PDF of the demo book, 16 pages (looked at: no chart cut, no page of a lone column): every
    visible sheet on one page from its title, Movements' 36 months on three, each starting its lines with their
    labels; no Data sheet."""
    _, path, calculated = generated
    locale = Locale("pt-BR")
    pdf = convert([path], tmp_path, "pdf", locale="pt-BR")[0]
    pages = [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout for n in range(1, _page_count(pdf) + 1)]
    assert len(pages) == 16
    shown = openpyxl.load_workbook(calculated, data_only=True)
    titles = [ws.cell(1, 1).value for ws in shown.worksheets if ws.sheet_state == "visible"]  # `cells.title`
    movements = shown[locale("sheet.movements")].cell(1, 1).value
    expected = [title for title in titles for _ in range(3 if title == movements else 1)]
    assert len(expected) == 16
    for page, title in zip(pages, expected, strict=True):
        assert page.lstrip().startswith(title), (title, page[:200])
    for page in (page for page in pages if page.lstrip().startswith(movements)):
        starts = [text.strip() for text in page.splitlines()]
        assert all(any(t.startswith(locale(line)) for t in starts) for line in ("start_mrr", "churn", "end_mrr"))
    assert not any("customer_id" in page for page in pages)  # the Data tables' headers never print
    # the cover shows money in whole units (R$ 15.334.081), the Movements sheet to the cent
    arr = named_values(calculated, ["ARR"])["ARR"]
    digits = lambda page: page.replace(".", "").replace(",", "")  # noqa: E731
    assert f"{round(arr)}" in digits(pages[0]) and f"{round(arr * 100)}" not in digits(pages[0])
    assert round(arr * 100) % 100 != 0  # the demo's ARR has cents to leave out


def _page_count(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _named_value(wb, name):
    (sheet, ref), = wb.defined_names[name].destinations
    return wb[sheet][ref.replace("$", "")].value


def test_coverage_counts_the_window_whether_the_touchpoints_are_newest_first_or_not(generated, tmp_path):
    """Filled newest first, each account's coverage looks only in the window's block of touchpoints; a table a
    user reordered (oldest first) is looked through whole. Both give csxl.metrics.coverage's accounts."""
    data, path, calculated = generated
    covered = set(covered_accounts(data.touchpoints, AS_OF))
    assert 0 < len(covered) < data.customers["customer_id"].nunique()

    def covered_in(workbook):
        wb = openpyxl.load_workbook(workbook, data_only=True)
        ids, flags = ([row[0] for row in area.ws.iter_rows(min_row=area.row, max_row=area.bottom, min_col=area.col,
                                                           max_col=area.col, values_only=True)]
                      for area in (named(wb, "D_book_customer_id"), named(wb, "D_book_covered")))
        return wb, {i for i, f in zip(ids, flags, strict=True) if f == 1}

    wb, found = covered_in(calculated)
    in_window = data.touchpoints[(data.touchpoints["date"] > AS_OF + pd.offsets.MonthEnd(0) - pd.Timedelta(days=90))
                                 & (data.touchpoints["date"] <= AS_OF + pd.offsets.MonthEnd(0))]
    assert found == covered and _named_value(wb, "TouchSorted") == 1
    assert _named_value(wb, "TouchLast") - _named_value(wb, "TouchFirst") + 1 == len(in_window)

    wb = openpyxl.load_workbook(path)
    ws = wb[f"{Locale('pt-BR')('sheet.data')}_touchpoints"]
    rows = [[ws.cell(r, c).value for c in range(1, 4)] for r in range(2, ws.max_row + 1)]
    for r, values in enumerate(reversed(rows), start=2):  # oldest first
        for c, item in enumerate(values, start=1):
            ws.cell(r, c).value = item
    reordered = tmp_path / "reordered.xlsx"
    wb.save(reordered)
    wb, found = covered_in(convert([reordered], tmp_path / "calc")[0])
    assert _named_value(wb, "TouchSorted") == 0 and found == covered
