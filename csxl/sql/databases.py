"""Books that live in a database: a DuckDB file, a PostgreSQL server or Spark runs the SQL where the data is.

A source is a URL - `duckdb:///book.duckdb` (a path as SQLAlchemy writes it: three slashes and a relative
path, four for an absolute one), `postgresql://user@host/db`, `sc://host:15002` (Spark Connect) - or, with
the engine `spark`, a table of the session's catalog or a Parquet path read by a local Spark session. The
MRR table (`--table`, default `mrr`, or a `--query` in the engine's own SQL) is matched to csxl's columns by
the header aliases of docs/data.md; the checks that need every row (empty cells, negative or huge MRR,
months outside the dates csxl reads, two rows for one customer, month and product) run there as SQL, and
so do the movements: only the per-period rows come back. A table has no row numbers, so a problem is named
by the key of the offending row.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from csxl.data.dataset import Dataset
from csxl.data.parse import DATE_RANGE
from csxl.data.readers import RawTable
from csxl.data.schema import MRR, SUBSCRIPTIONS, Table, table_for
from csxl.data.validate import MAX_NUMBER
from csxl.data.validate import _columns as columns_of  # the loader's header matching, and its words when one is missing
from csxl.errors import CsxlDataError
from csxl.sql.dialects import transpile
from csxl.sql.engine import periods
from csxl.sql.movements import movements_sql
from csxl.sql.sources import ROW_PROBLEMS

SCHEMES = ("duckdb://", "postgresql://", "postgres://", "sc://")
_NAME = re.compile(r"[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}")


def is_database(source: str, engine: str | None = None) -> bool:
    """Whether `source` names a database (a URL of SCHEMES, or anything with the engine spark), not a file."""
    return engine == "spark" or source.startswith(SCHEMES)


def _family(kind: str) -> str:
    """An engine's type name as the kind csxl reads from it: date, number, bool, text or other."""
    kind = kind.lower()
    if "date" in kind or "timestamp" in kind:
        return "date"
    if kind.startswith("bool"):
        return "bool"
    if any(n in kind for n in ("int", "float", "double", "decimal", "numeric", "real", "long", "short", "byte")):
        return "number"
    return "text" if any(t in kind for t in ("char", "text", "string")) else "other"


def _first_line(err: Exception) -> str:
    return " ".join(str(err).split())[:300]


class Database:
    """A connection to an engine that runs csxl's SQL (written in DuckDB's dialect, carried over by sqlglot)."""

    dialect = "duckdb"

    def __init__(self, where: str) -> None:
        self.where = where  # the source as messages name it, without a password

    def query(self, sql: str) -> pd.DataFrame:
        """The rows of `sql` (DuckDB's dialect) run by the engine; its refusal as a CsxlDataError."""
        text = sql if self.dialect == "duckdb" else transpile(sql, self.dialect, pretty=False)
        try:
            return self._run(text)
        except CsxlDataError:
            raise
        except Exception as err:  # each driver's own error classes: the engine's words are what to show
            raise CsxlDataError(f"the database refused the query ({_first_line(err)})", file=self.where,
                                fix="check the table or query, and that it has csxl's columns (docs/data.md)"
                                ) from None

    def types(self, relation: str) -> dict[str, str]:
        """Each column of `relation` and the kind of its type (see `_family`)."""
        try:
            return {name: _family(kind) for name, kind in self._types(relation).items()}
        except Exception as err:
            raise CsxlDataError(f"cannot read {relation} ({_first_line(err)})", file=self.where,
                                fix="check the table's name (schema.table) or the query") from None

    def view(self, query: str) -> str:
        """A temporary view over `query`, written in the engine's own SQL; its name."""
        try:
            self._view("csxl_query", query)
        except Exception as err:
            raise CsxlDataError(f"the database refused the query ({_first_line(err)})", file=self.where,
                                fix="check the --query, written in the engine's own SQL") from None
        return "csxl_query"

    def _run(self, sql: str) -> pd.DataFrame:
        raise NotImplementedError

    def _types(self, relation: str) -> dict[str, str]:
        raise NotImplementedError

    def _view(self, name: str, query: str) -> None:
        self._run(f"CREATE OR REPLACE TEMP VIEW {name} AS {query}")

    def tables(self) -> list[str]:
        """The tables (and views) of the connection's default schema."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class DuckDBFile(Database):
    """A DuckDB database file, opened read-only."""

    def __init__(self, path: Path, where: str) -> None:
        import duckdb

        super().__init__(where)
        if not path.is_file():
            raise CsxlDataError("no such DuckDB database file", file=where,
                                fix="check the path: duckdb:///relative/book.duckdb or duckdb:////absolute/book.duckdb")
        try:
            self.con = duckdb.connect(str(path), read_only=True)
        except duckdb.Error as err:
            raise CsxlDataError(f"cannot open it as a DuckDB database ({_first_line(err)})", file=where,
                                fix="give a file written by DuckDB") from None
        self.con.sql("SET enable_progress_bar = false")  # as csxl.sql.engine.connect says why

    def _run(self, sql: str) -> pd.DataFrame:
        relation = self.con.sql(sql)
        return relation.df() if relation is not None else pd.DataFrame()

    def _types(self, relation: str) -> dict[str, str]:
        return {name: kind for name, kind, *_ in self.con.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()}

    def tables(self) -> list[str]:
        return [name for (name,) in self.con.sql("SELECT table_name FROM information_schema.tables WHERE "
                                                 "table_schema = current_schema() ORDER BY 1").fetchall()]

    def close(self) -> None:
        self.con.close()


class PostgresDatabase(Database):
    """A PostgreSQL server, through psycopg."""

    dialect = "postgres"

    def __init__(self, url: str, where: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise CsxlDataError("reading a PostgreSQL database needs psycopg",
                                fix="pip install 'csxl[postgres]'") from None
        super().__init__(where)
        try:
            self.con = psycopg.connect(url, autocommit=True)
        except psycopg.Error as err:
            raise CsxlDataError(f"cannot connect ({_first_line(err)})", file=where,
                                fix="check the URL (postgresql://user@host:port/database), the server and the user"
                                ) from None

    def _run(self, sql: str) -> pd.DataFrame:
        with self.con.cursor() as cursor:
            cursor.execute(sql.encode())  # csxl's text, or the user's own query: no parameters
            if cursor.description is None:
                return pd.DataFrame()
            return pd.DataFrame(cursor.fetchall(), columns=[d.name for d in cursor.description])

    def _types(self, relation: str) -> dict[str, str]:
        with self.con.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {relation} LIMIT 0".encode())
            found = {}
            for column in cursor.description or []:
                info = self.con.adapters.types.get(column.type_code)
                found[column.name] = info.name if info is not None else "other"
            return found

    def tables(self) -> list[str]:
        return list(self._run("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                              "current_schema() ORDER BY 1")["table_name"])

    def close(self) -> None:
        self.con.close()


class SparkDatabase(Database):
    """A Spark session: local mode, or a Spark Connect client."""

    dialect = "spark"

    def __init__(self, remote: str | None, where: str) -> None:
        from csxl.sql.spark import spark_session

        super().__init__(where)
        self.session = spark_session(remote)

    def _run(self, sql: str) -> pd.DataFrame:
        return self.session.sql(sql).toPandas()

    def _types(self, relation: str) -> dict[str, str]:
        return {f.name: f.dataType.typeName() for f in self.session.table(relation).schema.fields}

    def _view(self, name: str, query: str) -> None:
        self.session.sql(query).createOrReplaceTempView(name)

    def parquet(self, path: str) -> str:
        """A temporary view over a Parquet file or folder; its name."""
        try:
            self.session.read.parquet(path).createOrReplaceTempView("csxl_parquet")
        except Exception as err:
            nanoseconds = "TIMESTAMP(NANOS" in str(err)  # pandas' default for datetime64[ns], which Spark cannot read
            raise CsxlDataError(f"Spark cannot read it as Parquet ({_first_line(err)})", file=path,
                                fix="write the months as dates or microsecond timestamps (pandas: to_parquet(..., "
                                    "coerce_timestamps='us')), or leave out --engine spark" if nanoseconds
                                else "give a Parquet file or folder, or a table name") from None
        return "csxl_parquet"

    def tables(self) -> list[str]:
        return sorted(t.name for t in self.session.catalog.listTables())

    def close(self) -> None:
        """Nothing to close: the session is the process's, and stops with it."""


def shown(url: str) -> str:
    """A source as messages and titles show it: a URL's password as ***."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc}"))


def open_database(source: str, engine: str | None = None) -> Database:
    """The engine `source` names (a URL of SCHEMES; with the engine spark, a local session unless `source` is an
    sc:// URL)."""
    where = shown(source)
    if source.startswith("sc://"):
        return SparkDatabase(source, where)
    if engine == "spark":
        return SparkDatabase(None, "spark")
    if source.startswith("duckdb://"):
        return DuckDBFile(Path(source.removeprefix("duckdb:///").removeprefix("duckdb://")), where)
    if source.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(source, where)
    raise CsxlDataError("this is not a database URL", file=where,
                        fix="give duckdb:///FILE.duckdb, postgresql://user@host/db or sc://host, or a file")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _relation(db: Database, source: str, table: str | None, query: str | None) -> tuple[str, str]:
    """The relation holding the MRR rows, and how a message names it."""
    if query is not None:
        return db.view(query), f"{db.where}, query"
    if isinstance(db, SparkDatabase) and not source.startswith("sc://") and (
            source.lower().endswith(".parquet") or Path(source).is_dir()):
        return db.parquet(source), source
    if isinstance(db, SparkDatabase) and not source.startswith("sc://"):
        table = table or source
    table = table or "mrr"
    if not _NAME.fullmatch(table):
        raise CsxlDataError(f'"{table}" is not a table name', file=db.where,
                            fix="give a table as name or schema.name, or the rows as --query \"SELECT ...\"")
    return table, f"{db.where}, table {table}"


_LOW, _HIGH = (f"DATE '{d}'" for d in DATE_RANGE)
# the checks of every row, in the loader's order, with conditions every engine reads alike: those of
# csxl.sql.sources.ROW_PROBLEMS, and two a file's loader makes while parsing (a typed column needs them here)
_CONDITIONS = {
    "empty id": "customer_id IS NULL OR customer_id = ''",
    "empty month": "month IS NULL",
    "month": f"month < {_LOW} OR month > {_HIGH}",
    "empty mrr": "mrr IS NULL",
    "mrr": f"mrr > {MAX_NUMBER:.0f}",  # NaN and infinity compare larger than any number on each engine here
    "negative mrr": "mrr < 0",
}
_PROBLEMS = {
    **ROW_PROBLEMS,
    "month": ("month", f"{{month}} is outside the dates csxl reads ({DATE_RANGE[0]} to {DATE_RANGE[1]})",
              "check the month (a typing mistake in the year?)"),
    "mrr": ("mrr", f"\"{{value}}\" is too large: csxl reads numbers up to {MAX_NUMBER:,.0f}",
            "check the value (a unit or separator mistake?)"),
}


class DatabaseBook:
    """The MRR rows of a database table or query, as csxl's canonical columns, checked where they are."""

    def __init__(self, db: Database, relation: str, label: str) -> None:
        self.db, self.label = db, label
        types = db.types(relation)
        raw = RawTable(MRR, pd.DataFrame(columns=list(types)), np.zeros(0, int), label,
                       header_row=None)  # type: ignore[arg-type]  # a table's columns are on no row
        self.headers: dict[str, str] = columns_of(raw)
        wanted = {"month": "date", "mrr": "number", "price_adjustment": "bool"}
        for name, header in self.headers.items():
            if name in wanted and types[header] != wanted[name]:
                kind = {"date": "a DATE or TIMESTAMP", "number": "a number", "bool": "a BOOLEAN"}[wanted[name]]
                raise CsxlDataError(f"the {name} column holds {types[header]} values: csxl reads it from {kind} "
                                    "column", file=label, column=f'"{header}"',
                                    fix=f"cast it in a --query: SELECT ..., CAST({header} AS ...) AS {name} FROM ...")
        column = {name: _quoted(header) for name, header in self.headers.items()}

        def text(name: str) -> str:
            return f"TRIM(CAST({column[name]} AS VARCHAR))"

        product = f"COALESCE({text('product')}, '')" if "product" in column else "''"
        flag = f"COALESCE({column['price_adjustment']}, FALSE)" if "price_adjustment" in column else "FALSE"
        self.rows = (f"(SELECT {text('customer_id')} AS customer_id, {product} AS product, "
                     f"CAST({column['month']} AS DATE) AS month, CAST({column['mrr']} AS DOUBLE) AS mrr, "
                     f"{flag} AS price_adjustment FROM {relation}) AS book")

    def _key(self, row: Any) -> str:
        """A row's key as a message quotes it: the headers as written, a month as 2026-03, an id in quotes."""
        values = {"customer_id": f'"{row.customer_id}"' if pd.notna(row.customer_id) else "(empty)",
                  "month": f"{pd.Timestamp(row.month):%Y-%m}" if pd.notna(row.month) else "(empty)",
                  "product": f'"{row.product}"'}
        return ", ".join(f'"{self.headers[name]}" {value}' for name, value in values.items() if name in self.headers)

    def check(self) -> None:
        """Raise the first problem of the rows, as the loader words it, the row named by its key."""
        sums = ", ".join(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS c{i}"
                         for i, condition in enumerate(_CONDITIONS.values()))
        counts = self.db.query(f"SELECT COUNT(*) AS n_rows, {sums} FROM {self.rows}").iloc[0]
        if not counts["n_rows"]:
            raise CsxlDataError("the MRR table has no rows", file=self.label, fix="check the table or the query")
        for i, (name, condition) in enumerate(_CONDITIONS.items()):
            if counts[f"c{i}"]:
                first = self.db.query(f"SELECT customer_id, product, month, mrr FROM {self.rows} WHERE {condition} "
                                      "ORDER BY customer_id, month, product LIMIT 1")
                row: Any = next(first.itertuples())
                column, problem, fix = _PROBLEMS[name]
                month = f"{pd.Timestamp(row.month):%Y-%m-%d}" if pd.notna(row.month) else ""
                raise CsxlDataError(problem.format(value=row.mrr, month=month), file=f"{self.label}, the row of "
                                    f"{self._key(row)}", column=f'"{self.headers[column]}"', fix=fix)
        self._check_repeats()

    def _check_repeats(self) -> None:
        m = "CAST(EXTRACT(YEAR FROM month) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM month) AS INTEGER) - 1"
        repeats = self.db.query(f"SELECT customer_id, product, MIN(month) AS month, COUNT(*) AS n FROM "
                                f"(SELECT customer_id, product, month, {m} AS m FROM {self.rows}) AS keyed "
                                "GROUP BY customer_id, product, m HAVING COUNT(*) > 1 "
                                "ORDER BY customer_id, m, product LIMIT 1")
        if len(repeats):
            row: Any = next(repeats.itertuples())
            key = ["customer id", "month"] + (["product"] if "product" in self.headers else [])
            raise CsxlDataError(f"{int(row.n)} rows have the {self._key(row)}", file=self.label,
                                fix=f"keep one row per {', '.join(key)} (add the amounts together if both are real)")

    def months(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The first and the last month of the rows."""
        first, last = self.db.query(f"SELECT MIN(month) AS first, MAX(month) AS last FROM {self.rows}").iloc[0]
        return pd.Period(pd.Timestamp(first), "M").to_timestamp(), pd.Period(pd.Timestamp(last), "M").to_timestamp()

    def movements(self, period: str) -> pd.DataFrame:
        """The movements table `csxl metrics` prints (no split), computed by the engine."""
        table = self.db.query(movements_sql(period, split=False, source=self.rows))
        for name in table.columns[1:]:  # PostgreSQL's NUMERIC and Spark's DECIMAL come back as Python Decimals
            table[name] = pd.to_numeric(table[name])
        table["period"] = periods(table["period"], period)
        return table


def open_database_book(source: str, *, table: str | None = None, query: str | None = None,
                       engine: str | None = None) -> DatabaseBook:
    """The checked MRR rows of a database source (see the module docstring)."""
    if table is not None and query is not None:
        raise CsxlDataError("give either --table or --query, not both", fix="--table mrr, or --query \"SELECT ...\"")
    db = open_database(source, engine)
    try:
        book = DatabaseBook(db, *_relation(db, source, table, query))
        book.check()
    except BaseException:
        db.close()
        raise
    return book


def database_metrics_table(source: str, period: str, *, table: str | None = None, query: str | None = None,
                           engine: str | None = None) -> tuple[pd.DataFrame, pd.Timestamp, list[str]]:
    """`csxl metrics` of a database source: the movements table, the last month of the data, no warnings."""
    book = open_database_book(source, table=table, query=query, engine=engine)
    try:
        return book.movements(period), book.months()[1], []
    finally:
        book.db.close()


def _literal(text: str) -> str:
    """`text` as a string literal of DuckDB's SQL, which sqlglot escapes anew for each engine: an id typed on the
    command line is compared with, never read as, SQL (sqlglot imported here: a file's commands never pay for it)."""
    from sqlglot import exp

    return exp.Literal.string(text).sql("duckdb")


def _customer_header(db: Database, name: str, table: Table, label: str) -> str | None:
    """The header of the customer id column of a table, as the loader matches it; None for a table not kept per
    customer (the plan)."""
    raw = RawTable(table, pd.DataFrame(columns=list(db.types(name))), np.zeros(0, int), label,
                   header_row=None)  # type: ignore[arg-type]  # a table's columns are on no row
    return columns_of(raw).get("customer_id")


def _pulled(db: Database, name: str, table: Table, label: str, account: str | None = None) -> RawTable | None:
    """A table as the loader reads a file, its rows numbered in the order of its columns' values (row 1 first).

    With `account`, only that customer's rows come back, numbered as in the whole table so that a problem names
    the row it names when the whole table is read; a table not kept per customer, or holding only other customers,
    then is left out (None)."""
    columns = ", ".join(_quoted(c) for c in db.types(name))
    where = ""
    if account is not None:
        header = _customer_header(db, name, table, label)
        if header is None:
            return None
        where = f"WHERE TRIM(CAST({_quoted(header)} AS VARCHAR)) = {_literal(account)} "
    frame = db.query(f"SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY {columns}) AS csxl_row FROM {name}) "
                     f"AS numbered {where}ORDER BY csxl_row")
    if account is not None and not len(frame) and len(db.query(f"SELECT 1 AS found FROM {name} LIMIT 1")):
        return None  # rows of other customers only: for this account the table is left out, as a QBR reads it
    rows = frame.pop("csxl_row").to_numpy(int)
    return RawTable(table, frame.astype(object).where(frame.notna(), None), rows, label)


@dataclass(kw_only=True)
class AccountDataset(Dataset):
    """One account's rows of a book left in its database, and the facts of the whole book a QBR reads: the
    months the MRR data runs over (the default and the bounds of --as-of) and its products (the QBR's rows)."""

    book_months: tuple[pd.Timestamp, pd.Timestamp]
    book_products: tuple[str, ...]

    @property
    def first_month(self) -> pd.Timestamp:
        return self.book_months[0]

    @property
    def last_month(self) -> pd.Timestamp:
        return self.book_months[1]

    @property
    def products(self) -> list[str]:
        return list(self.book_products)

    @property
    def has_products(self) -> bool:
        return any(self.book_products)


def load_database(source: str, *, table: str | None = None, query: str | None = None,
                  engine: str | None = None, account: str | None = None) -> Dataset:
    """A `Dataset` of a database source for the workbooks: the MRR table (checked there first) and every other
    table of the default schema named as csxl's tables are (customers, clientes, nps...), read and then checked by
    the loader as a folder's files are. A problem in them names the row in the order of its columns' values (row
    1 first).

    With `account` (a QBR), only that customer's rows of each table come back, with the months and products of
    the whole book computed by the engine (`AccountDataset`); the loader then checks the account's rows only."""
    from csxl.data.load import dataset_from

    book = open_database_book(source, table=table, query=query, engine=engine)
    db = book.db
    try:
        mine = "" if account is None else f"WHERE customer_id = {_literal(account)} "
        mrr = db.query(f"SELECT * FROM {book.rows} {mine}ORDER BY customer_id, product, month")
        if account is not None and not len(mrr):
            from csxl.workbooks.qbr import unknown_account

            raise unknown_account(account, db.where)
        raws = [RawTable(MRR, mrr, np.arange(1, len(mrr) + 1), book.label)]
        for name in db.tables():
            kind = table_for(name)
            if kind is not None and kind not in (MRR, SUBSCRIPTIONS):
                raw = _pulled(db, name, kind, f"{db.where}, table {name}", account)
                raws += [raw] if raw is not None else []
        data = dataset_from(raws, db.where)
        if account is None:
            return data
        products = db.query(f"SELECT DISTINCT product FROM {book.rows}")["product"]
        return AccountDataset(**{f.name: getattr(data, f.name) for f in fields(Dataset)},
                              book_months=book.months(), book_products=tuple(sorted(products)))
    finally:
        db.close()


def given(data: Dataset) -> Dataset:
    """`data` itself: the loader of a batch whose book was read from a database once, before the workers start."""
    return data
