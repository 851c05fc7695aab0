"""The QBR workbook: one customer's quarterly business review as a live Excel model that reads like a deck.

`qbr_template(locale)` lays the workbook out with empty Data tables: every
number on the report sheets is a formula over those tables and the Inputs
sheet. `fill_qbr(wb, data, account, as_of)` writes one customer's rows - and
nothing of any other customer - into the tables and sets `AsOf`. A team can
export the template, restyle it, add sheets and charts over the tables, and
fill its own copy every quarter; what the CSM typed (wins, risks, asks, next
steps) is outside the tables and stays.

The customer's pages come first (executive summary, value and goals, adoption,
support, voice of the customer, MRR, products, renewal, next steps), each
printed as deck pages; the vendor's own sheets follow, marked internal (health
score details, opportunities, inputs, checks, the hidden Data sheets), so that
`csxl qbr --pdf` prints the customer's pages only. The sheets are built in
`qbr_summary`, `qbr_plan`, `qbr_usage`, `qbr_health`, `qbr_revenue` and
`qbr_account`; the formulas restate `csxl.metrics` (movements, cohort NRR/GRR,
health score, NPS, CSAT, CES, the review's changes) with functions that Excel
2010+, LibreOffice and Google Sheets all compute, and the parity tests
recalculate a generated file in LibreOffice and compare every named output
with Python.
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.worksheet.worksheet import Worksheet

from csxl.data.dataset import Dataset
from csxl.errors import CsxlDataError
from csxl.workbooks import qbr_labels  # noqa: F401  (the labels of the QBR's own pages)
from csxl.workbooks.anchors import Anchors, named
from csxl.workbooks.cells import fit_amounts, fit_labels, hide_data_sheets
from csxl.workbooks.charts import fit_reference, references, row_cells
from csxl.workbooks.checks import checks_sheet
from csxl.workbooks.inputs import InputsSheet
from csxl.workbooks.kind import Layout, WorkbookKind
from csxl.workbooks.labels import Locale
from csxl.workbooks.printing import print_pages, print_setup
from csxl.workbooks.qbr_account import next_steps_sheet, renewal_sheet
from csxl.workbooks.qbr_deck import fit_axes, mark_vendor_sheet
from csxl.workbooks.qbr_health import WEIGHTS, health_sheet, voice_sheet
from csxl.workbooks.qbr_plan import opportunities_sheet, plan_sheet
from csxl.workbooks.qbr_revenue import (
    MRR_PRODUCTS,
    chart_owned_products,
    fit_history,
    hide_unused_product_rows,
    mrr_sheet,
    products_sheet,
)
from csxl.workbooks.qbr_summary import summary_sheet
from csxl.workbooks.qbr_tables import COMMENT_ROWS, HEALTH_MONTHS, HISTORY, PRODUCT_ROWS, TABLES, D
from csxl.workbooks.qbr_usage import adoption_sheet, support_sheet
from csxl.workbooks.template import add_data_sheet, fill_table, peak_arr, set_input

__all__ = ["COMMENT_ROWS", "HISTORY", "KIND", "OUTPUT_NAMES", "TABLES", "qbr_template", "quarter_end"]

# Defined names of the key outputs; other workbooks can link to them.
OUTPUT_NAMES = ("Account", "AsOf", "MRR", "ARR", "NRR", "GRR", "NrrBand", "HealthScore", "HealthFlag", "NPS",
                "NpsMargin", "CSAT", "CES", "RenewalDate", "DaysToRenewal", "ContractTerm", "RenewalARR",
                "MrrChangeQuarter", "MrrChangeYear", "NrrChangeQuarter", "NrrChangeYear", "GrrChangeQuarter",
                "GrrChangeYear", "HealthChangeQuarter", "TicketsQuarter", "SlaBreachesQuarter")
# The customer's pages in their order, then the vendor's own; each is a sheet key and its labels' key.
CUSTOMER_SHEETS = ("summary", "value", "adoption", "support", "voice", "mrr", "products", "renewal", "next_steps")
VENDOR_SHEETS = ("health", "opportunities")


# ---------------------------------------------------------------------------------------------- layout


def qbr_layout(locale: Locale) -> Layout:
    """The QBR layout in `locale`, with empty Data tables, and the anchors of every sheet."""
    wb = Workbook()
    wb.active.title = locale("sheet.summary")
    sheets = {"summary": wb.active}
    sheets.update({key: wb.create_sheet(locale(f"sheet.{key}")) for key in (*CUSTOMER_SHEETS[1:], *VENDOR_SHEETS)})
    inputs = _inputs(wb, locale)
    checks = wb.create_sheet(locale("sheet.checks"))
    for table in TABLES.values():
        add_data_sheet(wb, table, f"{locale('sheet.data')}_{table.name}", locale)
    anchors = {"mrr": mrr_sheet(sheets["mrr"], locale)}
    anchors["products"] = products_sheet(sheets["products"], locale, anchors["mrr"])
    anchors["adoption"] = adoption_sheet(sheets["adoption"], locale)
    anchors["support"] = support_sheet(sheets["support"], locale)
    usage = Anchors({key: anchors["adoption"][key] for key in ("has_data", "active_users", "licensed_seats", "logins")})
    usage.update({key: anchors["support"][key] for key in ("support_tickets", "sla_breaches")})
    anchors["health"] = health_sheet(sheets["health"], locale, usage)
    anchors["voice"] = voice_sheet(sheets["voice"], locale)
    anchors["plan"] = plan_sheet(sheets["value"], locale)
    anchors["opportunities"] = opportunities_sheet(sheets["opportunities"], locale)
    anchors["renewal"] = renewal_sheet(sheets["renewal"], locale)
    anchors["next_steps"] = next_steps_sheet(sheets["next_steps"], locale)
    anchors["checks"] = _checks_sheet(checks, locale, anchors)
    anchors["summary"] = summary_sheet(sheets["summary"], locale, anchors["mrr"], anchors["health"])
    fit_labels(wb.worksheets)
    print_setup([*(sheets[key] for key in VENDOR_SHEETS), inputs.ws, checks])
    for ws in (*(sheets[key] for key in VENDOR_SHEETS), inputs.ws, checks):
        mark_vendor_sheet(ws, locale)
    for key in CUSTOMER_SHEETS:
        print_pages(sheets[key], **_PAGES.get(key, {}))
    hide_data_sheets(wb)
    wb.calculation.fullCalcOnLoad = True
    return Layout(wb, anchors)


# How the customer sheets print beyond one landscape page with column A on every page: the rows repeated at the
# top of each page, and the MRR grid's 25 months over two pages wide.
_PAGES: dict[str, dict] = {"mrr": {"title_rows": "4:4", "pages_wide": 2},
                           "value": {"title_rows": "4:4"}, "next_steps": {"title_rows": "4:4"},
                           "adoption": {"title_rows": "4:4"}, "support": {"title_rows": "4:4"}}


def qbr_template(locale: Locale) -> Workbook:
    """The QBR layout in `locale`, with empty Data tables."""
    return qbr_layout(locale).wb


def _inputs(wb: Workbook, locale: Locale) -> InputsSheet:
    inputs = InputsSheet(wb, locale)
    inputs.add("AsOf", locale("as_of"), None, locale.month, locale("month"), locale("note.as_of_quarter"))
    inputs.health_score()
    inputs.nrr_bands()
    inputs.surveys(margin=True)
    inputs.stage_probabilities()
    inputs.tolerance()
    return inputs


def _checks_sheet(ws: Worksheet, locale: Locale, anchors: dict[str, Anchors]) -> Anchors:
    mrr, voice = anchors["mrr"], anchors["voice"]
    one_account = "+".join(
        f'SUMPRODUCT(({D(t, "customer_id")}<>INDEX({D("customer", "customer_id")},1))*({D(t, "customer_id")}<>""))'
        for t in ("mrr", "health", "nps", "csat", "ces", "pipeline", "goals"))
    split = "-".join(voice[k].ref for k in ("answers", "promoters", "passives", "detractors"))
    return checks_sheet(ws, locale, [
        ("check.bridge", f"=SUMPRODUCT(ABS({mrr['end_mrr'].ref}-{mrr['total'].part(1, -1).ref}))"),
        ("check.products", f"=SUMPRODUCT(ABS({mrr['product_gap'].ref}))"),
        ("check.one_account", f"={one_account}+(COUNTA({D('customer', 'customer_id')})<>1)"),
        ("check.nps_split", f"=ABS({split})"),
        ("check.weights", "=" + "+".join(f"({w}<=0)" for w in WEIGHTS.values())),
    ])




# ---------------------------------------------------------------------------------------------- data


def quarter_end(data: Dataset, as_of: str | None) -> pd.Timestamp:
    """The last month of the period a QBR covers: as given, or the last complete quarter in the data."""
    if as_of:
        return data.as_of(as_of)
    last = pd.Period(data.last_month, freq="M")
    complete = last if last.month % 3 == 0 else pd.Period(last.asfreq("Q") - 1, freq="Q").asfreq("M", how="end")
    return complete.to_timestamp()


def unknown_account(account: str, source: str) -> CsxlDataError:
    """The error for a QBR of an account the MRR data of `source` does not have."""
    return CsxlDataError(f"account {account!r} is not in the MRR data", file=source,
                         fix="pass an id from the customer_id column")


def account_tables(data: Dataset, account: str, as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The rows of one account, up to the end of the AsOf month, shaped for the QBR's Data tables."""
    if account not in set(data.mrr["customer_id"]):
        raise unknown_account(account, data.source)
    end = as_of + pd.offsets.MonthBegin(1)
    mine = lambda df: None if df is None else df[df["customer_id"] == account]  # noqa: E731
    mrr = data.mrr[(data.mrr["customer_id"] == account) & (data.mrr["month"] < end)]
    products = data.products
    if len(products) > PRODUCT_ROWS:
        raise CsxlDataError(f"the data has {len(products)} products; the QBR shows at most {PRODUCT_ROWS}",
                            file=data.source, fix="group small products together in the product column")
    customers = mine(data.customers)
    customer = (customers if customers is not None and len(customers)
                else pd.DataFrame({"customer_id": [account], "name": [account]}))
    customer = customer.assign(name=customer.get("name", pd.Series([account])).fillna(account))
    tables = {
        "customer": customer.head(1),
        "products": pd.DataFrame({"product": products}),
        "mrr": mrr,
        "health": _before(mine(data.health), "month", end),
        "pipeline": mine(data.pipeline),
        "goals": mine(data.goals),
    }
    comments = []
    for survey in ("nps", "csat", "ces"):
        answers = _before(mine(getattr(data, survey)), "date", end)
        tables[survey] = answers
        if answers is not None and "comment" in answers:
            said = answers[answers["comment"].fillna("").astype(str).str.strip() != ""]
            comments.append(said.assign(survey=survey.upper())[["date", "survey", "score", "comment"]])
    if comments:  # every comment up to AsOf, newest first: the Voice sheet shows those of the SurveyMonths window
        tables["comments"] = pd.concat(comments).sort_values("date", ascending=False, kind="stable")
    else:
        tables["comments"] = None
    return {k: (v if v is not None else pd.DataFrame()) for k, v in tables.items()}


def _before(df: pd.DataFrame | None, column: str, end: pd.Timestamp) -> pd.DataFrame | None:
    return None if df is None else df[df[column] < end]


def fill_qbr(wb: Workbook, data: Dataset, as_of: pd.Timestamp, locale: Locale, account: str) -> list[str]:
    """Write one account's data into a QBR template (the built-in one or a team's own); nothing to warn about."""
    tables = account_tables(data, account, as_of)
    for name, frame in tables.items():
        fill_table(wb, TABLES[name], frame, locale)
    largest = peak_arr(tables["mrr"])
    fit_amounts(wb, largest)
    fit_axes(wb, largest / 12)  # the charts show months of MRR, the sheets ARR as well
    hide_unused_product_rows(wb, len(tables["products"]))
    _fit_charts(wb, tables, as_of)
    set_input(wb, "AsOf", as_of)
    wb.properties.title = None
    wb.properties.subject = None
    wb.properties.creator = "csxl"
    return []


def _fit_charts(wb: Workbook, tables: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> None:
    """Charts over what the customer has: the products chart over its products in the AsOf month, and each
    monthly chart from the first month it has data in (LibreOffice would draw the months before as a line at 0),
    the MRR grid's months before it hidden."""
    mrr = tables["mrr"]
    now = set(mrr.loc[(mrr["month"] == as_of) & (mrr["mrr"] > 0), "product"])
    chart_owned_products(wb, [i for i, product in enumerate(tables["products"]["product"]) if product in now])
    paid = mrr.loc[mrr["mrr"] > 0, "month"]
    health = tables["health"]
    starts = {MRR_PRODUCTS: (HISTORY, paid), "AdoptionUsers": (HEALTH_MONTHS, health.get("month")),
              "HealthScore": (HEALTH_MONTHS, health.get("month"))}
    for name, (months, seen) in starts.items():
        if name in wb.defined_names:
            first = seen.min() if seen is not None and len(seen) else None
            window_start = as_of - pd.DateOffset(months=months - 1)
            skip = months if first is None else max(0, _months_between(window_start, first))
            _start_lines(named(wb, name).ws, months, skip)
            if name == MRR_PRODUCTS:
                fit_history(wb, skip)


def _start_lines(ws: Worksheet, length: int, skip: int) -> None:
    """Start every line and bar chart on `ws` over a monthly window of `length` cells along a row `skip` months
    in. A chart is one over the window when all its references run along one row each, end in the same column and
    cover at most `length` cells (as a previous filling may have left them, so a refilled workbook starts again
    from the whole window); at least one point is kept."""
    for chart in ws._charts:
        sources = references(chart)
        found = [row_cells(source.f) for source in sources]
        cells = [area for area in found if area is not None]
        if not isinstance(chart, (LineChart, BarChart)) or not cells or len(cells) != len(found):
            continue
        if len({last for _, _, last in cells}) != 1 or any(last - first + 1 > length for first, _, last in cells):
            continue
        for source in sources:
            source.f = fit_reference(source.f, skip, window=length)


def _months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


KIND = WorkbookKind("qbr", TABLES, OUTPUT_NAMES, qbr_layout, fill_qbr)
