"""The `csxl` command.

Bad input never shows a traceback: a `CsxlDataError` becomes one line on
stderr naming the file, row and column, and the exit status is 2.
"""

from __future__ import annotations

import functools
import json
import math
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from csxl.errors import CsxlDataError
from csxl.metrics.movements import mrr_movements, period_label
from csxl.sql.command import METRICS
from csxl.sql.dialects import DIALECTS

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Customer Success metrics for Excel: NRR, GRR, churn, LTV, NPS and live workbooks.")
# Piped output is not squeezed to 80 columns: a report read later deserves whole numbers.
_out = Console(width=None if sys.stdout.isatty() else 120)
_err = Console(stderr=True)


class Period(str, Enum):
    month = "month"
    quarter = "quarter"
    year = "year"


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _reports_errors(command: Callable) -> Callable:
    """Turn bad input into one line on stderr and exit status 2."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CsxlDataError as err:
            print(f"csxl: error: {err}", file=sys.stderr)
            raise typer.Exit(2) from None

    return run


_RATES = {"nrr", "grr", "logo_churn", "quick_ratio"}
_COUNTS = {"customers_start", "new_customers", "reactivated_customers", "churned_customers", "customers_end"}


def _records(table: pd.DataFrame) -> list[dict]:
    """Rows for csv/json: period labels, counts as ints, NaN as None."""
    rows = []
    for row in table.itertuples(index=False):
        record = {}
        for name, value in zip(table.columns, row):
            if name == "period":
                value = period_label(value)
            elif name in _COUNTS:
                value = int(value)
            elif isinstance(value, float) and math.isnan(value):
                value = None
            else:
                value = float(value)
            record[name] = value
        rows.append(record)
    return rows


_SHORT = {"start_mrr": "start", "reactivation": "react.", "expansion": "expans.", "contraction": "contr.",
          "end_mrr": "end", "customers_start": "cust. start", "new_customers": "new", "reactivated_customers": "react.",
          "churned_customers": "churned", "customers_end": "cust. end", "logo_churn": "logo churn",
          "quick_ratio": "quick ratio"}
_BRIDGE = ["period", "start_mrr", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr"]
_RATES_AND_COUNTS = ["period", "nrr", "grr", "logo_churn", "quick_ratio", "customers_start", "new_customers",
                     "reactivated_customers", "churned_customers", "customers_end"]


def _cell(name: str, value) -> str:
    if value is None:
        return "-"
    if name in _RATES:
        return f"{value:.2f}" if name == "quick_ratio" else f"{value:.1%}"
    return f"{value:,.0f}" if isinstance(value, float) else str(value)


def _print_table(table: pd.DataFrame, title: str, last_month: pd.Timestamp) -> None:
    """Two readable tables: the MRR bridge, then rates and customer counts; a note when the last quarter or
    year is still open, since its movements run only to the last month of the data."""
    records = _records(table)
    last = table["period"].iloc[-1]
    open_period = last.asfreq("M", "end") != pd.Period(last_month, "M")
    note = f"{period_label(last)} is partial: the data ends in {last_month:%Y-%m}" if open_period else None
    for columns, caption in ((_BRIDGE, "MRR bridge"), (_RATES_AND_COUNTS, "rates and customers")):
        view = Table(title=f"{title}: {caption}", header_style="bold", caption=note)
        for name in columns:
            view.add_column(_SHORT.get(name, name), justify="left" if name == "period" else "right", no_wrap=True)
        for record in records:
            view.add_row(*[_cell(name, record[name]) for name in columns])
        _out.print(view)


@app.command()
@_reports_errors
def metrics(
    path: Annotated[Path, typer.Argument(help="CSV or XLSX file, or a folder of CSV/XLSX/Parquet tables.")],
    period: Annotated[Period, typer.Option(help="Length of each period.")] = Period.month,
    format: Annotated[Format, typer.Option("--format", help="table for reading, csv or json for machines.")] = Format.table,
) -> None:
    """Print the MRR movements table: bridge, NRR, GRR, logo churn and quick ratio per period."""
    from csxl.sql.command import metrics_table

    table, last_month = metrics_table(path, period.value)
    if format is Format.csv:
        pd.DataFrame(_records(table)).to_csv(sys.stdout, index=False, lineterminator="\n")
    elif format is Format.json:
        json.dump(_records(table), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        _print_table(table, f"MRR movements by {period.value} - {path}", last_month)


Dialect = Enum("Dialect", {name: name for name in DIALECTS}, type=str)
Metric = Enum("Metric", {name: name for name in METRICS}, type=str)


@app.command("sql")
@_reports_errors
def sql_text(
    metric: Annotated[Metric, typer.Argument(help="Which table metric.")],
    dialect: Annotated[Dialect, typer.Option(help="The engine that will run it.")] = Dialect.duckdb,
    source: Annotated[str, typer.Option(help="Table (or view) with the MRR rows: customer_id, product, month, "
                                             "mrr, price_adjustment.")] = "mrr",
    period: Annotated[Period, typer.Option(help="Length of each period (movements).")] = Period.month,
    months: Annotated[int, typer.Option(min=1, help="Length of the window in months (retention, groups).")] = 12,
    groups: Annotated[str, typer.Option(help="Table of customer_id and group_name (groups).")] = "customer_groups",
) -> None:
    """Print the SQL of a table metric, to run in a warehouse or a dbt model (docs/warehouse.md)."""
    from csxl.sql.command import metric_sql

    sys.stdout.write(metric_sql(metric.value, dialect.value, source, period=period.value, months=months,
                                groups=groups))


class Lang(str, Enum):
    en = "en"
    pt_BR = "pt-BR"
    es = "es"


def _locale(lang: Lang, currency: str | None):
    from csxl.workbooks.labels import Locale

    try:
        return Locale(lang.value, currency)
    except ValueError as err:
        raise CsxlDataError(str(err), fix="use --currency BRL, USD, EUR, MXN...") from None


def _warn(lines: list[str]) -> None:
    for line in lines:
        _err.print(f"csxl: warning: {line}", highlight=False)


@app.command()
@_reports_errors
def qbr(
    path: Annotated[Path, typer.Argument(help="The data: CSV or XLSX file, or a folder of tables.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.xlsx for one account, a folder with --all.")],
    account: Annotated[str | None, typer.Option(help="Customer id of the account.")] = None,
    all_accounts: Annotated[bool, typer.Option("--all", help="One QBR per account paying in the period.")] = False,
    as_of: Annotated[str | None, typer.Option(help="Last month of the period, YYYY-MM (default: the last "
                                                   "complete quarter in the data).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of labels and formats.")] = Lang.en,
    currency: Annotated[str | None, typer.Option(help="ISO code: BRL, USD, EUR, MXN... (default by language).")] = None,
    template: Annotated[Path | None, typer.Option(help="Your own QBR template (from `csxl template export qbr`).")] = None,
) -> None:
    """Build the quarterly business review workbook of one account, or of every account."""
    from csxl.data.load import load
    from csxl.workbooks.jobs import QbrJob, accounts_with_mrr, write_qbr
    from csxl.workbooks.qbr import quarter_end

    if all_accounts == (account is not None):
        raise CsxlDataError("give either --account ID or --all", fix="csxl qbr data/ --account C0001 -o qbr.xlsx")
    data = _load_for(path, output, template)
    job = QbrJob(quarter_end(data, as_of), _locale(lang, currency), template)
    if account is not None:
        written, warnings = write_qbr(data, account, job, output)
        _warn(warnings)
        _out.print(f"wrote {written}")
        return
    _write_batch(functools.partial(load, path), accounts_with_mrr(data, job.as_of), job, output)


def _write_batch(load, accounts: list[str], job, out_dir: Path) -> None:
    """Write every account's QBR, then a summary; exit status 1 if any account was not written.

    The template's warnings are printed once, before the batch: they are the same for every account.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from csxl.workbooks.jobs import batch_warnings, write_all_qbrs

    _warn(batch_warnings(job))
    failed = []
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=_err, transient=False) as progress:
        task = progress.add_task("QBRs", total=len(accounts))
        for account, _, error in write_all_qbrs(load, accounts, job, out_dir):
            if error:
                failed.append((account, error))
            progress.advance(task)
    _out.print(f"{len(accounts) - len(failed)} QBRs written to {out_dir.resolve()}, {len(failed)} failed")
    for account, error in failed:
        _out.print(f"  {account}: {error}", highlight=False)
    if failed:
        raise typer.Exit(1)


template_app = typer.Typer(help="Export the built-in templates to restyle and reuse.", no_args_is_help=True)
app.add_typer(template_app, name="template")


class Kind(str, Enum):
    qbr = "qbr"
    forecast = "forecast"
    portfolio = "portfolio"


@template_app.command("export")
@_reports_errors
def template_export(
    kind: Annotated[Kind, typer.Argument(help="Which workbook.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the template.")],
    lang: Annotated[Lang, typer.Option(help="Language of labels and formats.")] = Lang.en,
    currency: Annotated[str | None, typer.Option(help="ISO currency code.")] = None,
) -> None:
    """Write a template with empty Data tables; fill it later with --template."""
    from csxl.workbooks.builtin import template
    from csxl.workbooks.files import atomic_save

    _out.print(f"wrote {atomic_save(template(kind.value, _locale(lang, currency)), output)}")


@app.command()
@_reports_errors
def forecast(
    path: Annotated[Path, typer.Argument(help="The data: CSV or XLSX file, or a folder of tables.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.xlsx to write.")],
    as_of: Annotated[str | None, typer.Option(help="Last month of actuals, YYYY-MM (default: the last month).")] = None,
    horizon: Annotated[int, typer.Option(help="Months to project: 12 or 24 (up to 24).")] = 12,
    lang: Annotated[Lang, typer.Option(help="Language of labels and formats.")] = Lang.en,
    currency: Annotated[str | None, typer.Option(help="ISO code: BRL, USD, EUR, MXN...")] = None,
    template: Annotated[Path | None, typer.Option(help="Your own forecast template.")] = None,
) -> None:
    """Build the renewal and MRR forecast workbook: scenarios, renewals at risk, retention curves."""
    from csxl.workbooks.forecast import write_forecast

    data = _load_for(path, output, template)
    written, warnings = write_forecast(data, _month(data, as_of), _locale(lang, currency), horizon, template, output)
    _warn(warnings)
    _out.print(f"wrote {written}")


@app.command()
@_reports_errors
def portfolio(
    path: Annotated[Path, typer.Argument(help="The data: CSV or XLSX file, or a folder of tables.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.xlsx to write.")],
    as_of: Annotated[str | None, typer.Option(help="Month of the review, YYYY-MM (default: the last month).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of labels and formats.")] = Lang.en,
    currency: Annotated[str | None, typer.Option(help="ISO code: BRL, USD, EUR, MXN...")] = None,
    template: Annotated[Path | None, typer.Option(help="Your own portfolio template.")] = None,
) -> None:
    """Build the portfolio review workbook for CS leadership."""
    from csxl.workbooks.portfolio import write_portfolio

    data = _load_for(path, output, template)
    written, warnings = write_portfolio(data, _month(data, as_of), _locale(lang, currency), template, output)
    _warn(warnings)
    _out.print(f"wrote {written}")


def _load_for(path: Path, output: Path, template: Path | None):
    """The data of a workbook command, after refusing an output that would overwrite an input."""
    from csxl.data.load import load
    from csxl.workbooks.files import refuse_overwriting_inputs

    refuse_overwriting_inputs(output, [path] + ([template] if template else []))
    return load(path)


def _month(data, as_of: str | None):
    """The --as-of month, or the last month of the data."""
    return data.last_month if as_of is None else data.as_of(as_of)


@app.command("demo-data")
@_reports_errors
def demo_data(directory: Annotated[Path, typer.Argument(help="Folder to write the demo CSV files to.")]) -> None:
    """Write the built-in demo data set as CSV files, to see the input format and copy it."""
    from csxl.data.demo import write_demo_csv

    for written in write_demo_csv(directory):
        _out.print(f"wrote {written}")


@app.command()
@_reports_errors
def demo(out: Annotated[Path, typer.Option(help="Folder for the example outputs.")] = Path("out")) -> None:
    """Run the main job on the built-in demo data and say where the outputs are."""
    from csxl.data.demo import write_demo_csv
    from csxl.data.load import load
    from csxl.workbooks.jobs import QbrJob, accounts_with_mrr, write_qbr
    from csxl.workbooks.labels import Locale
    from csxl.workbooks.qbr import quarter_end

    data_dir = out / "demo-data"
    written = write_demo_csv(data_dir)
    data = load(data_dir)
    table = mrr_movements(data.mrr, "quarter", split=False)
    _print_table(table.tail(8), "Demo book of business - MRR movements by quarter (last 8)", data.mrr["month"].max())
    _out.print(f"\nDemo data: {len(written)} CSV files in {data_dir.resolve()}")
    as_of = quarter_end(data, None)
    for account, lang in zip(accounts_with_mrr(data, as_of)[:3], ("en", "pt-BR", "es")):
        path, _ = write_qbr(data, account, QbrJob(as_of, Locale(lang)), out / "qbr" / f"qbr_{account}_{lang}.xlsx")
        _out.print(f"QBR ({lang}): {path.resolve()}")
    from csxl.workbooks.forecast import write_forecast

    path, _ = write_forecast(data, data.last_month, Locale("pt-BR"), 12, None, out / "forecast_pt-BR.xlsx")
    _out.print(f"Forecast (pt-BR): {path.resolve()}")
    from csxl.workbooks.portfolio import write_portfolio

    path, _ = write_portfolio(data, data.last_month, Locale("en"), None, out / "portfolio_en.xlsx")
    _out.print(f"Portfolio review (en): {path.resolve()}")

