"""Where the SQL reads the book from: a Parquet or CSV file read by DuckDB itself, or the pandas loader's rows.

A file that already holds a plain MRR table - the canonical headers of
docs/data.md (customer_id, month, mrr, and optionally product and
price_adjustment) with plain values (Parquet: typed columns; CSV: ISO
months, numbers with a decimal point, true/false or 1/0 flags) - is read by
DuckDB directly: no pandas frame of a million rows, no Python string work.
The checks that need every row (empty cells, negative MRR, ids with spaces
around them, two rows for one customer, month and product) run as SQL, and
a Parquet file's problems are reported in the loader's words with the
file's row numbers (the header is row 1).

Anything else - header aliases (receita, cliente...), decimal commas,
day-first dates, Excel workbooks, folders of tables, subscriptions, ids to
trim, or a CSV whose SQL checks found a problem - goes through
`csxl.data.load`, which knows every spelling and names the row and column
of any problem; DuckDB then reads the loaded DataFrame in place. The direct
read is what makes `csxl metrics` about 2.5 times faster than the loader
and the numpy engine on a million rows (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from csxl.data.parse import DATE_RANGE
from csxl.data.schema import MRR, table_for
from csxl.data.validate import MAX_NUMBER
from csxl.errors import CsxlDataError
from csxl.sql.engine import connect, with_book
from csxl.sql.plain import INVISIBLE, SPACE

if TYPE_CHECKING:
    import duckdb

_REQUIRED = ("customer_id", "month", "mrr")
_OPTIONAL = ("product", "price_adjustment")
_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
_NUMBERS = (*_INTEGERS, "FLOAT", "DOUBLE", "DECIMAL")
# plain text values the direct CSV read accepts; anything else is the loader's to read or to report
_ISO_MONTH = r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?"
_PLAIN_NUMBER = r"-?[0-9]+(\.[0-9]+)?"
# a number with exactly three decimals (99.000) may mean thousands: the loader's to read or refuse as ambiguous
_THREE_DECIMALS = r"-?[0-9]+\.[0-9]{3}"


@dataclass
class Book:
    """A connection whose table `mrr` holds the canonical MRR rows, and the last month of the data.

    `repeats`, when not None, is the check for rows repeating a key that `open_book` was asked to leave to
    the caller (see `csxl.sql.movements.movements_sql`): it returns the error, or None when there is none.
    """

    con: duckdb.DuckDBPyConnection
    last_month: pd.Timestamp
    repeats: Callable[[], CsxlDataError | None] | None = None
    warnings: list[str] = field(default_factory=list)  # the loader's, when it read the file


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {name: kind.split("(")[0] for name, kind, *_ in con.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()}


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    """The first row of a query's result."""
    return con.sql(sql).fetchall()[0]


def _plain_columns(types: dict[str, str]) -> bool:
    return set(_REQUIRED) <= set(types) <= set(_REQUIRED + _OPTIONAL)


def _canonical(types: dict[str, str], relation: str, month: str, mrr: str,
               flag: str = "COALESCE(price_adjustment, FALSE)", trim: bool = True) -> str:
    """The canonical columns over `relation`: text ids ('' for no product), `month`, DOUBLE MRR, the flag,
    and the row number as source_row; ids trimmed when `trim`."""
    def text(column: str) -> str:
        return f"TRIM(CAST({column} AS VARCHAR), {SPACE})" if trim else f"CAST({column} AS VARCHAR)"

    product = f"COALESCE({text('product')}, '')" if "product" in types else "''"
    flag = flag if "price_adjustment" in types else "FALSE"
    return (f"SELECT {text('customer_id')} AS customer_id, {product} AS product, {month} AS month, {mrr} AS mrr, "
            f"{flag} AS price_adjustment, row AS source_row FROM {relation}")


# the checks of every row: name -> (column, problem, fix), in the order the loader checks them
ROW_PROBLEMS = {
    "empty id": ("customer_id", "the customer id is empty", "every row needs its customer id"),
    "empty month": ("month", "the month is empty", "every row needs its month"),
    "empty mrr": ("mrr", "the MRR is empty", "every row needs its MRR"),
    "negative mrr": ("mrr", "\"{value}\" is negative", "the MRR must be 0 or more"),
}
_CONDITIONS = {"empty id": f"customer_id IS NULL OR TRIM(customer_id, {SPACE}) = ''", "empty month": "month IS NULL",
               "empty mrr": "mrr IS NULL OR isnan(mrr)", "negative mrr": "mrr < 0"}
_CHECKS = tuple((column, _CONDITIONS[name], problem, fix) for name, (column, problem, fix) in ROW_PROBLEMS.items())
# rows the loader refuses by rules of its own (amounts too large, months outside the years csxl reads,
# invisible characters in ids): where any is found the loader reads the file and names it in its words
_LOADERS_OWN = (f"isinf(mrr) OR mrr > {MAX_NUMBER} OR month < DATE '{DATE_RANGE[0]}' "
                f"OR month > DATE '{DATE_RANGE[1]}'")


class _Padded(Exception):
    """An id with spaces around it, or a row breaking one of the loader's own rules: the loader, which trims as
    Python does and knows those rules, reads the file and checks it."""


def _check(con: duckdb.DuckDBPyConnection, rows: str, types: dict[str, str], file: str, numbered: str,
           repeats: bool = True) -> CsxlDataError | None:
    """The error for the first bad row of `rows`, column by column and then (with `repeats`) repeated keys, as
    the loader says it.

    `rows` has months on their first day and ids as stored: an id with spaces around it raises `_Padded`,
    since the loader would trim it (and might then find another problem first). An offending value is shown
    as stored in `numbered`, the file's rows (-3 in an integer column, -3.0 in a float one), as the loader
    shows it.
    """
    key = _key(types)
    ids = [k for k in key if k != "month"]
    padded = " OR ".join([*(f"{k} <> TRIM({k}, {SPACE})" for k in ids), _LOADERS_OWN,
                          *(f"regexp_matches(CAST({k} AS VARCHAR), '{INVISIBLE}')" for k in ids)])
    # repeated keys: one 64-bit hash per row is far cheaper to count than the text of the keys; only when two
    # rows share a hash does the text say whether they repeat a key (or the hashes merely collide)
    count = f"COUNT(*) - COUNT(DISTINCT hash({', '.join(key)}))" if repeats else "0"
    *found, spaced, repeated = _one(con, "SELECT " + ", ".join(f"MIN(CASE WHEN {cond} THEN source_row END)"
                                                               for _, cond, _, _ in _CHECKS)
                                    + f", MAX(CASE WHEN {padded} THEN 1 ELSE 0 END), {count} FROM ({rows})")
    for index, ((column, _, problem, fix), row) in enumerate(zip(_CHECKS, found)):
        if index == 1 and spaced:  # after the blank ids, which the loader reports first too
            raise _Padded
        if row is not None:
            (value,) = _one(con, f"SELECT mrr FROM {numbered} WHERE row = {row}")
            return CsxlDataError(problem.format(value=value), file=file, row=row, column=f'"{column}"', fix=fix)
    return _repeated(con, rows, types, file) if repeated else None


def _key(types: dict[str, str]) -> list[str]:
    return ["customer_id", "month"] + (["product"] if "product" in types else [])


def _repeated(con: duckdb.DuckDBPyConnection, rows: str, types: dict[str, str], file: str) -> CsxlDataError | None:
    """The error for the first row of `rows` that repeats the key of an earlier one, or None."""
    key = _key(types)
    repeat = con.sql(f"SELECT MIN(source_row, 2) AS two, {', '.join(key)} FROM ({rows}) GROUP BY {', '.join(key)} "
                     "HAVING COUNT(*) > 1 ORDER BY two[2] LIMIT 1").fetchall()
    if not repeat:
        return None
    (first, second), *values = repeat[0]
    # as the loader quotes a key: a month as 2026-03, an id in quotes
    shown = [f"{v:%Y-%m}" if k == "month" else f'"{v}"' for k, v in zip(key, values)]
    names = " and ".join(f'"{k}" {v}' for k, v in zip(key, shown))
    return CsxlDataError(f"this row repeats the {names} of row {first}", file=file, row=second,
                         fix="keep one row per " + ", ".join(k.replace("_", " ") for k in key)
                         + " (add the amounts together if both are real)")


_Read = bool | Callable[[], CsxlDataError | None]


def _parquet(con: duckdb.DuckDBPyConnection, path: Path, defer_repeats: bool) -> _Read:
    """Make `mrr` a view over a plain Parquet MRR file, or say it is not one (False); raise on the first bad row.

    The view passes the file's columns through as they are (no trimming, no truncating months: the SQL
    reads only a month's year and month), which keeps DuckDB's reading of the file as fast as it is. With
    `defer_repeats` the check for repeated keys is left to the caller: the returned function makes it.
    """
    types = _types(con, f"read_parquet({_quoted(path)})")
    plain = (_plain_columns(types) and (types["customer_id"] in ("VARCHAR", *_INTEGERS))
             and types["month"] in ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")
             and types["mrr"] in _NUMBERS and types.get("product", "VARCHAR") == "VARCHAR"
             and types.get("price_adjustment", "BOOLEAN") == "BOOLEAN")
    if not plain:
        return False
    numbered = f"(SELECT *, file_row_number + 2 AS row FROM read_parquet({_quoted(path)}, file_row_number = true))"
    # keys compare months, not days; the other checks read the month as stored
    rows = _canonical(types, numbered, "CAST(DATE_TRUNC('month', month) AS DATE)", "CAST(mrr AS DOUBLE)",
                      trim=False)
    checked = _canonical(types, numbered, "month", "CAST(mrr AS DOUBLE)", trim=False) if defer_repeats else rows
    try:
        error = _check(con, checked, types, str(path), numbered, repeats=not defer_repeats)
    except _Padded:
        return False
    if error is not None:
        raise error
    plain_rows = _canonical(types, f"(SELECT *, 0 AS row FROM read_parquet({_quoted(path)}))", "month",
                            "CAST(mrr AS DOUBLE)", trim=False)
    con.sql(f"CREATE VIEW mrr AS SELECT * EXCLUDE (source_row) FROM ({plain_rows})")
    return functools.partial(_repeated, con, rows, types, str(path)) if defer_repeats else True


def _csv(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Make `mrr` a view over a plain CSV MRR file whose every row passes the SQL checks, or say it cannot.

    DuckDB's CSV reader skips blank lines, so its row numbers are not the file's: when a check fails the
    loader reads the file and names the row.
    """
    import duckdb

    relation = f"read_csv({_quoted(path)}, header = true, all_varchar = true)"
    try:
        types = _types(con, relation)
    except duckdb.Error:  # not UTF-8, ragged rows...: the loader reads it or says what to fix
        return False
    if not _plain_columns(types):
        return False
    month = "CASE WHEN LENGTH(TRIM(month)) = 7 THEN TRIM(month) || '-01' ELSE TRIM(month) END"
    flag = "LOWER(TRIM(price_adjustment))"
    odd = (f"SELECT COUNT(*) FROM {relation} WHERE NOT regexp_full_match(COALESCE(TRIM(month), ''), '{_ISO_MONTH}') "
           f"OR NOT regexp_full_match(COALESCE(TRIM(mrr), ''), '{_PLAIN_NUMBER}') "
           f"OR regexp_full_match(TRIM(mrr), '{_THREE_DECIMALS}') "
           f"OR TRY_CAST({month} AS DATE) IS NULL"
           + (f" OR COALESCE({flag}, '') NOT IN ('true', 'false', '1', '0')" if "price_adjustment" in types else ""))
    numbered = f"(SELECT *, 1 AS row FROM {relation})"
    rows = _canonical(types, numbered, f"CAST({month} AS DATE)", "CAST(TRIM(mrr) AS DOUBLE)",
                      f"{flag} IN ('true', '1')")
    try:
        if _one(con, odd)[0] or _check(con, rows, types, str(path), numbered) is not None:
            return False
    except (duckdb.Error, _Padded):
        return False
    con.sql(f"CREATE VIEW mrr AS SELECT * EXCLUDE (source_row) FROM ({rows})")
    return True


def open_book(path: Path, *, defer_repeats: bool = False, decimal: str | None = None) -> Book:
    """The MRR rows of `path` (anything `csxl.data.load` reads) as the table `mrr` of a DuckDB connection.

    With `defer_repeats` a plain Parquet file's check for repeated keys is left to the caller (`Book.repeats`);
    a CSV file's rows are all checked here, since its problems are the loader's to name.
    """
    path = Path(path)
    if decimal is None and path.is_file() and table_for(path.stem) in (None, MRR):
        con = connect()
        suffix = path.suffix.lower()
        read: _Read = (_parquet(con, path, defer_repeats) if suffix == ".parquet"
                       else _csv(con, path) if suffix == ".csv" else False)
        last = _one(con, "SELECT MAX(month) FROM mrr")[0] if read else None
        if read and last is not None:  # a file without rows is the loader's to name, like any it cannot read
            return Book(con, pd.Period(last, "M").to_timestamp(), None if read is True else read)
        con.close()
    from csxl.data.load import load

    data = load(path, decimal=decimal)
    return Book(with_book(data.mrr), data.last_month, warnings=data.warnings)
