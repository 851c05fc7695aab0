"""The transpiled SQL on a real PostgreSQL server equals DuckDB's results on the demo book, to the cent.

The server comes from Debian's packages (`make test` installs them); this module starts its own in a
temporary folder - data directory and socket there, a free port on 127.0.0.1, fsync off - and stops it
afterwards. The server refuses to run as root, so as root it runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import io
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from csxl.data.demo import demo_dataset
from csxl.sql.dialects import transpile
from csxl.sql.engine import with_book
from csxl.sql.movements import movements_sql
from csxl.sql.retention import cohort_retention_sql, group_retention_sql, retention_trend_sql


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} is not installed: run `make test`, which installs it")
    return found[-1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Postgres:
    """A running server and a way to run SQL on it with psql, results as a DataFrame."""

    def __init__(self, port: int) -> None:
        self.port = port

    def psql(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([shutil.which("psql") or _bin("psql"), "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-X", "-q", *args],
                              input=stdin, capture_output=True, text=True, check=False)
        if done.returncode:
            raise AssertionError(f"psql failed: {done.stderr}")
        return done.stdout

    def query(self, sql: str) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(self.psql("--csv", "-f", "-", stdin=sql)))


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    folder = Path(tempfile.mkdtemp(prefix="csxl-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run(_as_server_user([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]),
                   check=True, capture_output=True)
    options = f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                                    str(folder / "log"), "start"]), check=True, capture_output=True)
    try:
        yield Postgres(port)
    finally:
        subprocess.run(_as_server_user([_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _load(postgres: Postgres, name: str, frame: pd.DataFrame, columns: str) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as file:
        frame.to_csv(file, index=False)
    os.chmod(file.name, 0o644)
    postgres.psql("-c", f"CREATE TABLE {name} ({columns})")
    postgres.psql("-c", f"\\copy {name} ({', '.join(frame.columns)}) FROM '{file.name}' WITH (FORMAT csv, HEADER true)")
    os.unlink(file.name)


@pytest.fixture(scope="module")
def demo(postgres: Postgres) -> duckdb.DuckDBPyConnection:
    """The demo book's MRR rows and CSMs, loaded into the server and into DuckDB as the tables mrr and
    customer_groups."""
    data = demo_dataset()
    groups = data.customers[["customer_id", "csm"]].rename(columns={"csm": "group_name"})
    _load(postgres, "mrr", data.mrr.assign(month=data.mrr["month"].dt.strftime("%Y-%m-%d")),
          "customer_id TEXT, product TEXT, month DATE, mrr DOUBLE PRECISION, price_adjustment BOOLEAN")
    _load(postgres, "customer_groups", groups, "customer_id TEXT, group_name TEXT")
    con = with_book(data.mrr)
    con.register("customer_groups", groups)
    return con


def assert_same_to_the_cent(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    assert list(ours.columns) == list(theirs.columns)
    assert ours.iloc[:, 0].astype(str).tolist() == theirs.iloc[:, 0].astype(str).tolist()
    for column in ours.columns[1:]:
        np.testing.assert_allclose(ours[column].to_numpy(float), theirs[column].to_numpy(float), rtol=1e-9,
                                   atol=0.005, equal_nan=True, err_msg=column)


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_movements_on_postgres_equal_duckdb(postgres, demo, period):
    sql = movements_sql(period)
    theirs = postgres.query(transpile(sql, "postgres"))
    ours = demo.sql(sql).df()
    assert len(ours) == len(theirs) > 1
    assert_same_to_the_cent(theirs, ours)


@pytest.mark.parametrize("sql", [retention_trend_sql(12), retention_trend_sql(1), cohort_retention_sql(),
                                 group_retention_sql(12), group_retention_sql(3, "2026-03")],
                         ids=["trend 12", "trend 1", "cohorts", "groups", "groups to 2026-03"])
def test_cohort_metrics_on_postgres_equal_duckdb(postgres, demo, sql):
    theirs = postgres.query(transpile(sql, "postgres"))
    ours = demo.sql(sql).df()
    assert len(ours) == len(theirs) > 1
    assert_same_to_the_cent(theirs, ours)
