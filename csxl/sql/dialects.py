"""One SQL text, written in DuckDB's dialect, carried to each engine csxl ships for by sqlglot.

sqlglot rewrites what differs - integer division (`DIV` on Postgres and
BigQuery, `TRUNC(a / b)` on Snowflake), type names (`NUMERIC`, `FLOAT64`,
`STRING`), quoting of reserved words - and refuses (ErrorLevel.RAISE) what
it cannot carry. It also passes some things through that then fail on the
engine (see docs/ARCHITECTURE.md), so every dialect that can run here is run
by the tests, and the others are compared with reviewed golden files.
"""

from __future__ import annotations

# the name csxl shows -> sqlglot's dialect
DIALECTS = {
    "duckdb": "duckdb",
    "postgres": "postgres",
    "spark": "spark",
    "databricks": "databricks",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
}


def transpile(sql: str, dialect: str, *, pretty: bool = True) -> str:
    """`sql` (DuckDB's dialect) written for `dialect`, one of DIALECTS."""
    import sqlglot

    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}, not {dialect!r}")
    (text,) = sqlglot.transpile(sql, read="duckdb", write=DIALECTS[dialect], pretty=pretty,
                                unsupported_level=sqlglot.ErrorLevel.RAISE)
    return text
