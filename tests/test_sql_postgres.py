"""The transpiled SQL on a real PostgreSQL server equals DuckDB's results on the demo book, to the cent.

The server comes from Debian's packages (`make test` installs them); the `postgres` fixture starts one in a
temporary folder and stops it afterwards (tests/engines.py).
"""

from __future__ import annotations

import duckdb
import pytest

from csxl.sql.dialects import transpile
from csxl.sql.engine import connect
from tests.engines import Postgres, assert_same_to_the_cent, demo_tables, table_metrics

_METRICS = table_metrics()


@pytest.fixture(scope="module")
def demo(postgres: Postgres) -> duckdb.DuckDBPyConnection:
    """The demo book's tables, loaded into the server and into DuckDB."""
    tables = demo_tables()
    postgres.load_tables(tables)
    con = connect()
    for name, frame in tables.items():
        con.register(name, frame)
    return con


@pytest.mark.parametrize("sql", _METRICS.values(), ids=_METRICS.keys())
def test_table_metrics_on_postgres_equal_duckdb(postgres, demo, sql):
    theirs = postgres.query(transpile(sql, "postgres"))
    ours = demo.sql(sql).df()
    assert len(ours) == len(theirs) > 1
    assert_same_to_the_cent(theirs, ours)
