"""The transpiled SQL on Spark (local mode, a JRE from Debian's packages) equals DuckDB's results on the demo
book, to the cent, for every table metric; and `csxl metrics --engine spark` prints what DuckDB computes.

pyspark is about 490 MB and a session takes seconds to start, so these tests are marked `spark` and run by
`make test-engines` (which installs the JRE and the `spark` extra), not by `make test`.
"""

from __future__ import annotations

import duckdb
import pytest

from csxl.sql.dialects import transpile
from csxl.sql.engine import connect
from tests.engines import assert_same_to_the_cent, demo_tables, table_metrics

pytestmark = pytest.mark.spark

_METRICS = table_metrics()


@pytest.fixture(scope="module")
def demo(spark) -> duckdb.DuckDBPyConnection:
    """The demo book's tables as temporary views of the Spark session and as tables of DuckDB."""
    con = connect()
    for name, frame in demo_tables().items():
        spark.createDataFrame(frame).createOrReplaceTempView(name)
        con.register(name, frame)
    return con


@pytest.mark.parametrize("sql", _METRICS.values(), ids=_METRICS.keys())
def test_table_metrics_on_spark_equal_duckdb(spark, demo, sql):
    theirs = spark.sql(transpile(sql, "spark")).toPandas()
    ours = demo.sql(sql).df()
    assert len(ours) == len(theirs) > 1
    assert_same_to_the_cent(theirs, ours)
