"""Whether a Parquet file is a plain MRR table every row of which passes the data layer's checks, asked of
DuckDB in one aggregate query and with no pandas.

`csxl.sql.sources` reads a plain Parquet file directly and checks it row by
row, so that it can name the first bad row. `csxl metrics` first asks only
whether any row would fail (`clean`): DuckDB answers the checks on amounts
and months from a handful of aggregates (MIN, MAX, COUNT - mostly the
file's own statistics) and those on ids from the distinct customer ids and
products, not from every row, so the question costs a fraction of
the movements query. When the answer is yes, the movements are computed
over the file as it stands; when it is no, the command takes the full
route, which names the problem in the loader's words.

The rules are `csxl.sql.sources`'s; the constants below spell the data
layer's limits in DuckDB's SQL for both modules. Their originals live in
modules that import pandas, so they are restated here, and the tests bind
each to its original.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

# what Python's str.strip() removes (the loader trims ids so), which DuckDB's TRIM() keeps unless told: all 29
# characters Python calls space lie below U+3001, among them U+3000 of East Asian exports and U+2028
SPACE = " || ".join(f"chr({code})" for code in range(0x3001) if chr(code).isspace())
# csxl.data.validate's invisible characters, in RE2's spelling
INVISIBLE = r"[\x00-\x1f\x7f-\x9f\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2060}-\x{2064}\x{feff}]"
MAX_NUMBER = 1e15  # csxl.data.validate.MAX_NUMBER: the largest amount the loader reads
DATE_RANGE = ("1950-01-01", "2200-12-31")  # csxl.data.parse.DATE_RANGE: the months the loader reads

_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
_NUMBERS = (*_INTEGERS, "FLOAT", "DOUBLE", "DECIMAL")
_MONTHS = ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")
_REQUIRED = {"customer_id", "month", "mrr"}
_OPTIONAL = {"product", "price_adjustment"}


def quoted(path: Path) -> str:
    """`path` as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def column_types(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """The columns of the Parquet file `path` and their DuckDB types without parameters (DECIMAL, not
    DECIMAL(8,2)), read from the file's footer."""
    described = con.sql(f"DESCRIBE SELECT * FROM read_parquet({quoted(path)})").fetchall()
    return {name: kind.split("(")[0] for name, kind, *_ in described}


def is_plain(types: dict[str, str]) -> bool:
    """Whether the columns are docs/data.md's canonical MRR columns, typed as `csxl.sql.sources` reads them
    directly: text or integer ids, a date or timestamp month, a number MRR, text products, a boolean flag."""
    return (_REQUIRED <= set(types) <= _REQUIRED | _OPTIONAL
            and types["customer_id"] in ("VARCHAR", *_INTEGERS) and types["month"] in _MONTHS
            and types["mrr"] in _NUMBERS and types.get("product", "VARCHAR") == "VARCHAR"
            and types.get("price_adjustment", "BOOLEAN") == "BOOLEAN")


def product(types: dict[str, str]) -> str:
    """The product of a row as the canonical rows have it: text, '' for none."""
    return "COALESCE(CAST(product AS VARCHAR), '')" if "product" in types else "''"


def _repeated_keys(types: dict[str, str]) -> str:
    """Whether two rows may share a customer, month and product, from one 64-bit hash per row as
    `csxl.sql.sources` counts them: a collision only sends the file to the full route."""
    key = f"CAST(customer_id AS VARCHAR), CAST(DATE_TRUNC('month', month) AS DATE), {product(types)}"
    return f"COUNT(DISTINCT hash({key})) < COUNT(*)"


def unique_keys(con: duckdb.DuckDBPyConnection, path: Path, types: dict[str, str]) -> bool:
    """Whether no two rows of the plain Parquet file `path` share a customer, month and product."""
    (repeated,), = con.sql(f"SELECT {_repeated_keys(types)} FROM read_parquet({quoted(path)})").fetchall()
    return not repeated


def problems_sql(path: Path, types: dict[str, str], *, repeats: bool) -> str:
    """A query of one row whose column `bad` is true when a row of the plain Parquet file `path` fails a check
    `csxl.sql.sources` makes (or, with `repeats`, two rows may share a customer, month and product), and for
    an empty file too (the loader says what an empty table lacks)."""
    lowest, highest = "CAST(MIN(mrr) AS DOUBLE)", "CAST(MAX(mrr) AS DOUBLE)"
    amounts = [f"{lowest} < 0", f"{highest} > {MAX_NUMBER}"]
    if types["mrr"] in ("FLOAT", "DOUBLE"):  # NaN sorts above every number, infinity above the largest amount
        amounts.append(f"isnan({highest})")
    rows = [
        "COUNT(*) = 0", "COUNT(month) < COUNT(*)", "COUNT(mrr) < COUNT(*)", *amounts,
        f"MIN(month) < DATE '{DATE_RANGE[0]}'", f"MAX(month) > DATE '{DATE_RANGE[1]}'",
    ]
    if repeats:
        rows.append(_repeated_keys(types))
    source = f"read_parquet({quoted(path)})"

    def any_distinct(values: str, *conditions: str) -> str:
        # over the distinct values, far fewer than the rows: a regular expression costs more than reading a row
        return (f"COALESCE((SELECT bool_or({' OR '.join(conditions)}) FROM (SELECT DISTINCT {values} AS v "
                f"FROM {source})), FALSE)")

    padded_or_invisible = (f"v <> TRIM(v, {SPACE})", f"regexp_matches(v, '{INVISIBLE}')")
    ids = [any_distinct("CAST(customer_id AS VARCHAR)", "v IS NULL", f"TRIM(v, {SPACE}) = ''", *padded_or_invisible)]
    if "product" in types:  # no product is '', which is no problem
        ids.append(any_distinct(product(types), *padded_or_invisible))
    return f"SELECT {' OR '.join(rows + ids)} AS bad FROM {source}"


def clean(con: duckdb.DuckDBPyConnection, path: Path, types: dict[str, str], *, repeats: bool) -> bool:
    """Whether every row of the plain Parquet file `path` passes the checks of `problems_sql`."""
    (bad,), = con.sql(problems_sql(path, types, repeats=repeats)).fetchall()
    return not bad
