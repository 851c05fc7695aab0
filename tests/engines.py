"""Real SQL engines for the tests: a PostgreSQL server in a temporary folder, a local Spark session, and the
comparison of two engines' results to the cent.

The PostgreSQL server comes from Debian's packages (`make test` installs them): data directory and socket in
a temporary folder, a free port on 127.0.0.1, fsync off; it refuses to run as root, so as root it runs as
the `postgres` user. Spark runs in local mode on a JRE from Debian's packages (`make test-engines`).
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
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} is not installed: run `make test`, which installs it")
    return found[-1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Postgres:
    """A running server and a way to run SQL on it with psql, results as a DataFrame."""

    def __init__(self, port: int) -> None:
        self.port = port

    @property
    def url(self) -> str:
        """The server's database as a `csxl` source names it."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def psql(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([shutil.which("psql") or _bin("psql"), "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-X", "-q", *args],
                              input=stdin, capture_output=True, text=True, check=False)
        if done.returncode:
            raise AssertionError(f"psql failed: {done.stderr}")
        return done.stdout

    def query(self, sql: str) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(self.psql("--csv", "-f", "-", stdin=sql)))

    def load(self, name: str, frame: pd.DataFrame, columns: str) -> None:
        """`frame` as the new table `name` with the column definitions `columns`."""
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as file:
            frame.to_csv(file, index=False)
        os.chmod(file.name, 0o644)
        self.psql("-c", f"DROP TABLE IF EXISTS {name}", "-c", f"CREATE TABLE {name} ({columns})")
        self.psql("-c", f"\\copy {name} ({', '.join(frame.columns)}) FROM '{file.name}' "
                        "WITH (FORMAT csv, HEADER true)")
        os.unlink(file.name)

    def load_tables(self, tables: dict[str, pd.DataFrame]) -> None:
        """The tables `demo_tables` gives (mrr, customer_groups), with the types a warehouse would give them."""
        mrr = tables["mrr"]
        self.load("mrr", mrr.assign(month=mrr["month"].dt.strftime("%Y-%m-%d")),
                  "customer_id TEXT, product TEXT, month DATE, mrr DOUBLE PRECISION, price_adjustment BOOLEAN")
        self.load("customer_groups", tables["customer_groups"], "customer_id TEXT, group_name TEXT")


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A PostgreSQL server of its own for the duration of the block."""
    folder = Path(tempfile.mkdtemp(prefix="csxl-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
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


def assert_same_to_the_cent(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    assert list(ours.columns) == list(theirs.columns)
    assert ours.iloc[:, 0].astype(str).tolist() == theirs.iloc[:, 0].astype(str).tolist()
    for column in ours.columns[1:]:
        np.testing.assert_allclose(ours[column].to_numpy(float), theirs[column].to_numpy(float), rtol=1e-9,
                                   atol=0.005, equal_nan=True, err_msg=column)


def table_metrics() -> dict[str, str]:
    """Every table metric's SQL (DuckDB's dialect) as each engine's test runs it, by test id."""
    from csxl.sql.movements import movements_sql
    from csxl.sql.retention import cohort_retention_sql, group_retention_sql, retention_trend_sql

    return {"movements by month": movements_sql("month"), "movements by quarter": movements_sql("quarter"),
            "movements by year": movements_sql("year"), "trend 12": retention_trend_sql(12),
            "trend 1": retention_trend_sql(1), "cohorts": cohort_retention_sql(), "groups": group_retention_sql(12),
            "groups to 2026-03": group_retention_sql(3, "2026-03")}


def demo_tables() -> dict[str, pd.DataFrame]:
    """The demo book's MRR rows and CSMs as the tables mrr and customer_groups the SQL reads."""
    from csxl.data.demo import demo_dataset

    data = demo_dataset()
    return {"mrr": data.mrr, "customer_groups": data.customers[["customer_id", "csm"]].rename(
        columns={"csm": "group_name"})}
