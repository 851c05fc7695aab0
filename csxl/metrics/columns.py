"""The columns of the movements table and the periods it is computed by, importable without numpy or pandas.

`csxl.metrics.movements` computes the table; the SQL of `csxl.sql` and the
route of `csxl metrics` that DuckDB answers alone (csxl.sql.command) name
the same columns without importing pandas, whose import takes longer than
DuckDB takes to compute the movements of a million rows.
"""

PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}

MOVEMENT_COLUMNS = [
    "period", "start_mrr", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr",
    "nrr", "grr", "customers_start", "new_customers", "reactivated_customers", "churned_customers",
    "customers_end", "logo_churn", "quick_ratio",
]
SPLIT_COLUMNS = ["upsell", "cross_sell", "price_adjustment"]
