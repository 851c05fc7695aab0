"""A Spark session for the table metrics: local mode on this machine, or a cluster through Spark Connect.

`csxl metrics --engine spark` runs the transpiled SQL (`csxl.sql.dialects`) with `spark.sql`, so the
movements and cohorts are computed by Spark and only the per-period rows come back. pyspark is the
optional `spark` extra (about 490 MB with its jars) and needs a Java runtime (`make spark` installs
Debian's); the extra brings pyspark's Spark Connect client too, for `sc://host:15002`. The JVM's start-up
prints a few lines of its own on the standard error (log4j's profile, Hadoop's native library).
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

from csxl.errors import CsxlDataError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# a local session sized for one machine: few shuffle partitions (Spark's default 200 is for clusters), no web
# UI and no progress bar drawn into the output a user pipes to a file, dates read in UTC as csxl reads them
_LOCAL = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
}


def spark_session(remote: str | None = None) -> SparkSession:
    """The active Spark session, else a new one: local mode on all cores, or a Spark Connect client of `remote`
    (an `sc://` URL)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CsxlDataError("running the SQL on Spark needs pyspark", fix="pip install 'csxl[spark]'") from None
    if remote is not None:
        try:
            return SparkSession.builder.remote(remote).getOrCreate()
        except Exception as err:  # pyspark's own errors: a local session already running, a malformed URL
            raise CsxlDataError(f"cannot open a Spark Connect session ({' '.join(str(err).split())[:200]})",
                                file=remote, fix="give sc://host:port of a running Spark Connect server") from None
    # a local session binds to the loopback address (else Spark warns that the host name resolves to it)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # pyspark 4.x warns on every conversion that it does not yet fully support pandas 3 (csxl's results are
    # tested to the cent through it)
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    builder = SparkSession.builder.master("local[*]").appName("csxl")
    for key, value in _LOCAL.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as err:  # pyspark's error when no Java runtime starts (PySparkRuntimeError, JAVA_GATEWAY_EXITED)
        raise CsxlDataError(f"Spark did not start ({' '.join(str(err).split())[:200]})",
                            fix="install a Java runtime 17 or later (Debian: apt-get install default-jre-headless)"
                            ) from None
    session.sparkContext.setLogLevel("OFF")  # a failed query's stack trace: csxl says it in one line
    return session
