"""The `csxl` command.

Bad input never shows a traceback: a `CsxlDataError` becomes one line on
stderr naming the file, row and column, and the exit status is 2. So do a
mistyped command line and an output that cannot be written (a full disk, a
read-only folder, a device), which are checked before the work where they can be.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd

from csxl.commands import aborted, load_for, locale, one_qbr, prepare, reported, said, warn
from csxl.errors import CsxlDataError
from csxl.extras import missing_extra
from csxl.metrics.movements import mrr_movements, period_label
from csxl.sql.command import COUNTS, METRICS, RATES, write_records
from csxl.sql.dialects import DIALECTS
from csxl.workbooks.labels import LANGUAGES

try:  # the `cli` extra
    import typer
    from rich.console import Console
    from rich.table import Table
    from typer.core import TyperGroup
except ImportError as err:
    raise SystemExit(missing_extra(err)) from None


class _OneLineErrors(TyperGroup):
    """The command group, with usage errors printed as one line like every other csxl error.

    Typer prints a usage error as the usage text, a hint and a boxed panel; a script's log, or a reader, wants
    `csxl: error: ...` and exit status 2, which is what `--help` is for the rest. The commands' own errors are
    handled by `_reports_errors`; this catches what fails before a command runs (a missing option, a word that
    is not a number).
    """

    def main(self, *args, standalone_mode: bool = True, **kwargs):  # type: ignore[override]
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        try:
            status = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except typer.Abort:
            aborted()
        except typer.TyperException as err:  # the base of click's usage errors
            ctx = getattr(err, "ctx", None)
            if type(err).__name__ == "NoArgsIsHelpError":  # the help was printed: nothing was wrong
                sys.exit(err.exit_code)
            hint = f" - see {ctx.command_path} --help" if ctx is not None else ""
            print(f"csxl: error: {_sentence(err.format_message())}{hint}", file=sys.stderr)
            sys.exit(err.exit_code)
        sys.exit(status if isinstance(status, int) else 0)


def _sentence(message: str) -> str:
    """A click message as part of one line: its lines joined, no closing full stop."""
    return " ".join(message.split()).rstrip(".")


app = typer.Typer(cls=_OneLineErrors, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Customer Success metrics for Excel: NRR, GRR, churn, LTV, NPS and live workbooks.")
# Piped output is not squeezed to 80 columns: a report read later deserves whole numbers.
_out = Console(width=None if sys.stdout.isatty() else 120)
_err = Console(stderr=True)


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _reports_errors(command: Callable) -> Callable:
    """Turn bad input, and a file that cannot be written, into one line on stderr and exit status 2
    (`csxl.commands.reported`)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        status = reported(lambda: command(*args, **kwargs))
        if status:
            raise typer.Exit(status)

    return run


# the decimal separator of amounts written as text, for a file whose values leave it open ("99.000")
DecimalOption = Annotated[str | None, typer.Option(
    "--decimal", help='Decimal separator of amounts written as text: "." or "," (default: decided by the values).')]


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


# a source in a database: duckdb:///book.duckdb, postgresql://user@host/db, sc://host, or --engine spark
SOURCE_HELP = ("The data: CSV or XLSX file, or a folder of tables; or a database: duckdb:///FILE.duckdb, "
               "postgresql://user@host/db, sc://host (Spark Connect), or with --engine spark a table or a Parquet "
               "path.")
TableOption = Annotated[str | None, typer.Option("--table", help="The MRR table of a database source (default: mrr).")]
QueryOption = Annotated[str | None, typer.Option(help="The MRR rows of a database source as a query in its own SQL.")]
EngineOption = Annotated[Engine, typer.Option(help="What runs the SQL: duckdb (in process), or spark (local "
                                                   "mode, or Spark Connect with an sc:// source).")]


def _database(source: str, engine: Engine, table: str | None, query: str | None) -> dict | None:
    """The options that open a database source (csxl.sql.databases), or None for a file or folder."""
    from csxl.sql.databases import is_database

    if is_database(source, engine.value):
        return {"table": table, "query": query, "engine": engine.value}
    if table is not None or query is not None:
        raise CsxlDataError("--table and --query read a database", file=source,
                            fix="give a database URL (postgresql://user@host/db...), or leave them out for a file")
    return None



def _records(table: pd.DataFrame) -> list[dict]:
    """Rows for csv/json: period labels, counts as ints, NaN as None."""
    rows = []
    for row in table.itertuples(index=False):
        record = {}
        for name, value in zip(table.columns, row):
            if name == "period":
                value = period_label(value)
            elif name in COUNTS:
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
    if name in RATES:
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
    path: Annotated[str, typer.Argument(help=SOURCE_HELP)],
    period: Annotated[Period, typer.Option(help="Length of each period.")] = Period.month,
    format: Annotated[Format, typer.Option("--format",
                                           help="table for reading, csv or json for machines.")] = Format.table,
    decimal: DecimalOption = None,
    engine: EngineOption = Engine.duckdb,
    table_name: TableOption = None,
    query: QueryOption = None,
) -> None:
    """Print the MRR movements table: bridge, NRR, GRR, logo churn and quick ratio per period."""
    from csxl.sql.command import metrics_table
    from csxl.sql.databases import database_metrics_table, shown

    database = _database(path, engine, table_name, query)
    table, last_month, warnings = (metrics_table(Path(path), period.value, decimal) if database is None
                                   else database_metrics_table(path, period.value, **database))
    warn(warnings)
    if format is not Format.table:  # what csxl.entry prints when DuckDB answers alone
        write_records(_records(table), format.value, sys.stdout)
    else:
        _print_table(table, f"MRR movements by {period.value} - {shown(path)}", last_month)


Dialect = StrEnum("Dialect", {name: name for name in DIALECTS})  # type: ignore[misc]
Metric = StrEnum("Metric", {name: name for name in METRICS})  # type: ignore[misc]


@app.command("sql")
@_reports_errors
def sql_text(
    metric: Annotated[Metric, typer.Argument(help="Which table metric.")],
    dialect: Annotated[Dialect, typer.Option(help="The engine that will run it.")] = Dialect["duckdb"],
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


Lang = StrEnum("Lang", {lang.replace("-", "_"): lang for lang in LANGUAGES})  # type: ignore[misc]


# The currency is the data's (the customers table's currency column): the option supplies it when the data has none.
CurrencyOption = Annotated[str | None, typer.Option(
    help="ISO code of the amounts when the data has no currency column: BRL, USD, EUR, MXN... (refused if the data "
         "says another; default: USD, with a warning). The language never sets it.")]


@app.command()
@_reports_errors
def qbr(
    path: Annotated[str, typer.Argument(help=SOURCE_HELP)],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.xlsx for one account, a folder with --all.")],
    account: Annotated[str | None, typer.Option(help="Customer id of the account.")] = None,
    all_accounts: Annotated[bool, typer.Option("--all", help="One QBR per account paying in the period.")] = False,
    as_of: Annotated[str | None, typer.Option(help="Last month of the period, YYYY-MM (default: the last "
                                                   "complete quarter in the data).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of labels and formats.")] = Lang["en"],
    currency: CurrencyOption = None,
    template: Annotated[Path | None, typer.Option(help="Your own QBR template (from `csxl template export qbr`).")
                        ] = None,
    decimal: DecimalOption = None,
    engine: EngineOption = Engine.duckdb,
    table: TableOption = None,
    query: QueryOption = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print the customer pages to a PDF beside each .xlsx "
                                                    "(needs LibreOffice).")] = False,
) -> None:
    """Build the quarterly business review workbook of one account, or of every account."""
    from csxl.data.load import load
    from csxl.workbooks.jobs import QbrJob, accounts_with_mrr
    from csxl.workbooks.pdf import copies_folder, print_pdf
    from csxl.workbooks.qbr import quarter_end

    if all_accounts == (account is not None):
        raise CsxlDataError("give either --account ID or --all", fix="csxl qbr data/ --account C0001 -o qbr.xlsx")
    database = _database(path, engine, table, query)
    copies = copies_folder() if pdf else None  # first: without LibreOffice the run stops before any work
    if account is not None:
        if database is not None:  # one account's rows come back, the rest stays there
            database["account"] = account
        written = one_qbr(path, output, account, as_of, lang.value, currency, template, decimal, database, copies)
        if copies is not None:
            said(f"wrote {print_pdf(copies / written.name, written, lang.value)}")
        return
    chosen = locale(lang.value, currency)
    data = load_for(path, output, template, decimal, folder=True, database=database)
    job = QbrJob(quarter_end(data, as_of), chosen, template, copies)
    accounts = accounts_with_mrr(data, job.as_of)
    if not accounts:
        paying = data.mrr.loc[data.mrr["mrr"] > 0, "month"]
        fix = f"pick a month with --as-of, e.g. {paying.max():%Y-%m}" if len(paying) else "check the MRR column"
        raise CsxlDataError(f"no account has MRR in {job.as_of:%Y-%m}: there is no QBR to write", file=str(path),
                            fix=fix)
    from csxl.sql.databases import given

    reload = functools.partial(load, path, decimal=decimal) if database is None else functools.partial(given, data)
    _write_batch(reload, data, accounts, job, output,
                 ([] if database else [Path(path)]) + ([template] if template else []))


def _write_batch(load, data, accounts: list[str], job, out_dir: Path, inputs: list[Path]) -> None:
    """Write every account's QBR, then a summary; exit status 1 if any account was not written.

    Before anything is written, two accounts sharing a file and a QBR file that is one of the `inputs` (a
    template kept in the output folder) are refused. The template's warnings are printed once, before the
    batch: they are the same for every account. With `job.customer_copies`, the customer pages of every QBR
    written are then printed to PDFs; an account without its PDF is reported as failed.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from csxl.workbooks.files import refuse_overwriting_inputs
    from csxl.workbooks.jobs import batch_warnings, qbr_paths, write_all_qbrs

    for qbr_file in qbr_paths(accounts, out_dir).values():
        refuse_overwriting_inputs(qbr_file, inputs)
    warn(batch_warnings(job, data))
    failed = []
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=_err, transient=False) as progress:
        task = progress.add_task("QBRs", total=len(accounts))
        written, unprinted = {}, []
        for account, qbr_file, error in write_all_qbrs(load, accounts, job, out_dir):
            if error:
                failed.append((account, error))
            else:
                written[account] = qbr_file
            progress.advance(task)
        if job.customer_copies is not None:
            unprinted = _print_batch(progress, job.customer_copies, written, out_dir, job.locale.lang)
    _out.print(f"{len(accounts) - len(failed)} QBRs written to {out_dir.resolve()}, {len(failed)} failed")
    if job.customer_copies is not None:
        _out.print(f"{len(written) - len(unprinted)} PDFs of their customer pages written, {len(unprinted)} failed")
    failed += unprinted
    for account, error in failed:
        _out.print(f"  {account}: {error}", highlight=False, soft_wrap=True)  # one line per account, for logs
    if failed:
        raise typer.Exit(1)


def _print_batch(progress, copies: Path, written: dict[str, Path], out_dir: Path, lang: str) -> list[tuple[str, str]]:
    """Print the customer pages of the QBRs `written` to PDFs in `out_dir` (one LibreOffice process, its progress
    shown as PDFs appear); returns the accounts left without one, with the reason."""
    from csxl.workbooks.pdf import print_pdfs

    task = progress.add_task("PDFs", total=len(written))
    sources = {account: copies / qbr_file.name for account, qbr_file in written.items()}
    printed = print_pdfs(list(sources.values()), out_dir, lang, lambda done: progress.update(task, completed=done))
    return [(account, "no PDF: LibreOffice could not print its customer pages")
            for account, source in sources.items() if printed[source] is None]


template_app = typer.Typer(help="Export the built-in templates to restyle and reuse.", no_args_is_help=True)
app.add_typer(template_app, name="template")


class Kind(StrEnum):
    qbr = "qbr"
    forecast = "forecast"
    portfolio = "portfolio"


@template_app.command("export")
@_reports_errors
def template_export(
    kind: Annotated[Kind, typer.Argument(help="Which workbook.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the template.")],
    lang: Annotated[Lang, typer.Option(help="Language of labels and formats.")] = Lang["en"],
    currency: Annotated[str | None, typer.Option(help="ISO code of the amounts the template will show: BRL, USD, "
                                                      "EUR, MXN... (default: USD; filling rewrites it to the "
                                                      "data's).")] = None,
) -> None:
    """Write a template with empty Data tables; fill it later with --template."""
    from csxl.workbooks.builtin import template
    from csxl.workbooks.files import atomic_save

    prepare(output)
    said(f"wrote {atomic_save(template(kind.value, locale(lang.value, currency)), output)}")


@app.command()
@_reports_errors
def forecast(
    path: Annotated[str, typer.Argument(help=SOURCE_HELP)],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.xlsx to write.")],
    as_of: Annotated[str | None, typer.Option(help="Last month of actuals, YYYY-MM (default: the last month).")] = None,
    horizon: Annotated[int, typer.Option(help="Months to project: 12 or 24 (up to 24).")] = 12,
    lang: Annotated[Lang, typer.Option(help="Language of labels and formats.")] = Lang["en"],
    currency: CurrencyOption = None,
    template: Annotated[Path | None, typer.Option(help="Your own forecast template.")] = None,
    decimal: DecimalOption = None,
    engine: EngineOption = Engine.duckdb,
    table: TableOption = None,
    query: QueryOption = None,
) -> None:
    """Build the renewal and MRR forecast workbook: scenarios, renewals at risk, retention curves."""
    _write_book("forecast", path, output, as_of, locale(lang.value, currency), template, decimal,
                _database(path, engine, table, query), horizon=horizon)


@app.command()
@_reports_errors
def portfolio(
    path: Annotated[str, typer.Argument(help=SOURCE_HELP)],
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.xlsx to write.")],
    as_of: Annotated[str | None, typer.Option(help="Month of the review, YYYY-MM (default: the last month).")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of labels and formats.")] = Lang["en"],
    currency: CurrencyOption = None,
    template: Annotated[Path | None, typer.Option(help="Your own portfolio template.")] = None,
    decimal: DecimalOption = None,
    engine: EngineOption = Engine.duckdb,
    table: TableOption = None,
    query: QueryOption = None,
) -> None:
    """Build the portfolio review workbook for CS leadership."""
    _write_book("portfolio", path, output, as_of, locale(lang.value, currency), template, decimal,
                _database(path, engine, table, query))


def _write_book(kind: str, path: str, output: Path, as_of: str | None, chosen, template: Path | None,
                decimal: str | None, database: dict | None, **options) -> None:
    """One workbook of a kind of `csxl.workbooks.builtin.KINDS` from the data at `path`, its warnings printed."""
    from csxl.workbooks.builtin import KINDS

    data = load_for(path, output, template, decimal, database=database)
    written, warnings = KINDS[kind].write(data, _month(data, as_of), chosen, output, template, **options)
    warn(warnings)
    said(f"wrote {written}")


def _month(data, as_of: str | None):
    """The --as-of month, or the last month of the data."""
    return data.last_month if as_of is None else data.as_of(as_of)


@app.command("demo-data")
@_reports_errors
def demo_data(
    directory: Annotated[Path, typer.Argument(help="Folder to write the demo CSV files to.")],
    force: Annotated[bool, typer.Option("--force", help="Replace files of the same names in the folder.")] = False,
) -> None:
    """Write the built-in demo data set as CSV files, to see the input format and copy it."""
    from csxl.data.demo import write_demo_csv
    from csxl.workbooks.files import publish_files

    for written in publish_files(write_demo_csv, prepare(directory, folder=True), replace=force):
        said(f"wrote {written}")


@app.command()
@_reports_errors
def demo(out: Annotated[Path, typer.Option(help="Folder for the example outputs.")] = Path("out")) -> None:
    """Run the main job on the built-in demo data and say where the outputs are."""
    from csxl.data.demo import write_demo_csv
    from csxl.data.load import load
    from csxl.workbooks.files import publish_files
    from csxl.workbooks.jobs import QbrJob, accounts_with_mrr, write_qbr
    from csxl.workbooks.labels import Locale
    from csxl.workbooks.qbr import quarter_end

    data_dir = prepare(out, folder=True) / "demo-data"
    written = publish_files(write_demo_csv, data_dir, replace=True)  # the demo's own copy: a rerun refreshes it
    data = load(data_dir)
    table = mrr_movements(data.mrr, "quarter", split=False)
    _print_table(table.tail(8), "Demo book of business - MRR movements by quarter (last 8)", data.mrr["month"].max())
    _out.print(f"\nDemo data: {len(written)} CSV files in {data_dir.resolve()}")
    as_of = quarter_end(data, None)
    for account, lang in zip(accounts_with_mrr(data, as_of)[:3], ("en", "pt-BR", "es")):
        path, _ = write_qbr(data, account, QbrJob(as_of, Locale(lang)), out / "qbr" / f"qbr_{account}_{lang}.xlsx")
        _out.print(f"QBR ({lang}): {path.resolve()}")
    from csxl.workbooks.builtin import KINDS

    path, _ = KINDS["forecast"].write(data, data.last_month, Locale("pt-BR"), out / "forecast_pt-BR.xlsx", horizon=12)
    _out.print(f"Forecast (pt-BR): {path.resolve()}")
    path, _ = KINDS["portfolio"].write(data, data.last_month, Locale("en"), out / "portfolio_en.xlsx")
    _out.print(f"Portfolio review (en): {path.resolve()}")

