"""The transpiled SQL on Spark (local mode, a JRE from Debian's packages) equals DuckDB's results on the demo
book, to the cent, for every table metric; and `csxl metrics --engine spark` (local mode) and `csxl metrics
sc://...` (a Spark Connect server started here) print what DuckDB computes.

pyspark is about 490 MB and a session takes seconds to start, so these tests are marked `spark` and run by
`make test-engines` (which installs the JRE and the `spark` extra), not by `make test`.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from csxl.cli import app
from csxl.sql.dialects import transpile
from csxl.sql.engine import connect
from tests.engines import assert_same_to_the_cent, demo_tables, free_port, table_metrics

pytestmark = pytest.mark.spark

_METRICS = table_metrics()
runner = CliRunner()


def _metrics(*args: str) -> pd.DataFrame:
    result = runner.invoke(app, ["metrics", *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout))


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


def test_csxl_metrics_on_spark_prints_what_duckdb_computes(spark, tmp_path):
    """A Parquet file read by Spark, and the same rows as a table of the session's catalog."""
    mrr = demo_tables()["mrr"]
    path = tmp_path / "mrr.parquet"
    mrr.to_parquet(path, coerce_timestamps="us")  # Spark reads no nanoseconds (pandas' default)
    files = _metrics(str(path), "--period", "quarter")
    assert len(files) > 4
    pd.testing.assert_frame_equal(_metrics(str(path), "--period", "quarter", "--engine", "spark"), files)
    spark.createDataFrame(mrr.rename(columns={"mrr": "receita", "customer_id": "cliente"})).createOrReplaceTempView(
        "receitas")
    pd.testing.assert_frame_equal(_metrics("receitas", "--period", "quarter", "--engine", "spark"), files)
    mrr.to_parquet(tmp_path / "nanoseconds.parquet")
    result = runner.invoke(app, ["metrics", str(tmp_path / "nanoseconds.parquet"), "--engine", "spark"])
    assert result.exit_code == 2 and "coerce_timestamps='us'" in result.stderr


def test_a_bad_row_on_spark_is_named_by_its_key(spark):
    mrr = demo_tables()["mrr"].copy()
    mrr.loc[3, "mrr"] = -7.25
    spark.createDataFrame(mrr).createOrReplaceTempView("bad_mrr")
    result = runner.invoke(app, ["metrics", "bad_mrr", "--engine", "spark"])
    assert result.exit_code == 2
    row = mrr.iloc[3]
    assert result.stderr.strip() == (
        f'csxl: error: spark, table bad_mrr, the row of "customer_id" "{row.customer_id}", "month" {row.month:%Y-%m}, '
        f'"product" "{row["product"]}", column "mrr": "-7.25" is negative - the MRR must be 0 or more')


# a Spark Connect server in a process of its own: local mode with the Connect plugin on a free local port, stopped
# when its standard input closes
_CONNECT_SERVER = """
import sys
from pyspark.sql import SparkSession
SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").config(
    "spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin").config(
    "spark.connect.grpc.binding.address", "127.0.0.1").config("spark.connect.grpc.binding.port", sys.argv[1]
    ).getOrCreate()
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.fixture(scope="module")
def spark_connect() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", _CONNECT_SERVER, str(port)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        yield f"sc://127.0.0.1:{port}"
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=60)


def test_csxl_metrics_over_spark_connect_prints_what_duckdb_computes(spark_connect, tmp_path):
    """A `csxl` process of its own: this one runs a local session already, which pyspark keeps from opening a
    Spark Connect session beside it (and csxl says so in one line)."""
    path = tmp_path / "mrr.parquet"
    demo_tables()["mrr"].to_parquet(path, coerce_timestamps="us")
    args = ["metrics", spark_connect, "--query", f"SELECT * FROM parquet.`{path}`", "--period", "year"]
    done = subprocess.run([sys.executable, "-m", "csxl", *args, "--format", "csv"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    theirs = pd.read_csv(io.StringIO(done.stdout))
    pd.testing.assert_frame_equal(theirs, _metrics(str(path), "--period", "year"))
    assert len(theirs) == 4
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "cannot open a Spark Connect session ([SESSION_ALREADY_EXIST]" in refused.stderr
