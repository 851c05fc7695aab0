"""A DuckDB connection as csxl opens one, importable without numpy or pandas."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def connect() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB database (imported here: only the commands that run SQL pay for it).

    No progress bar: DuckDB would draw one over a long query, into the output a user pipes to a file.
    """
    import duckdb

    con = duckdb.connect()
    con.sql("SET enable_progress_bar = false")
    return con
