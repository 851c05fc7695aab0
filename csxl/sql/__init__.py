"""The table metrics as SQL: one definition each, run in process by DuckDB and transpiled to warehouses by sqlglot.

`csxl.metrics` states every metric once over an in-memory book (numpy);
this package states the table metrics (movements, cohorts, group retention)
once more as SQL over the customer's rows, so that they run where the data
is - DuckDB over a Parquet or CSV file, Postgres, Spark, Snowflake,
BigQuery - and only the per-period results come back. Tests bind the two
statements to the cent.
"""
