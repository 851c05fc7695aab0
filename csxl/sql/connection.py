"""A DuckDB connection as csxl opens one, importable without numpy or pandas."""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def connect() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB database (imported here: only the commands that run SQL pay for it).

    No progress bar: DuckDB would draw one over a long query, into the output a user pipes to a file. A book
    larger than DuckDB's memory limit (80% of the machine's memory) spills to a folder of the system's
    temporary folder, which DuckDB makes when it first needs it and removes when the connection closes - not
    to DuckDB's default, `.tmp` in the current folder, which may be the user's data folder or read-only.
    """
    import duckdb

    con = duckdb.connect()
    con.sql("SET enable_progress_bar = false")
    spill = os.path.join(tempfile.gettempdir(), f"csxl-duckdb-{os.getpid()}-{id(con)}").replace("'", "''")
    con.sql(f"SET temp_directory = '{spill}'")
    return con
