"""The plain per-customer statement of the MRR movements that the vectorised engine is checked and timed against.

It loops over customers and months exactly as the movement table of docs/metrics.md reads,
so a reader can verify it line by line; tests/test_movements.py cross-checks
`csxl.metrics.movements` against it on random books and benchmarks/bench_core.py
measures how much faster the engine is.
"""

from collections import defaultdict

import pandas as pd


def reference_movements(df: pd.DataFrame) -> pd.DataFrame:
    """A plain, loop-by-customer statement of the movement table of docs/metrics.md, for monthly periods."""
    mrr = defaultdict(float)
    for row in df.itertuples():
        mrr[(row.customer_id, row.month.to_period("M"))] += row.mrr
    months = pd.period_range(df["month"].min(), df["month"].max(), freq="M")
    customers = sorted(df["customer_id"].unique())
    out = []
    for i, month in enumerate(months):
        tally = dict.fromkeys(["start_mrr", "new", "reactivation", "expansion", "contraction", "churn",
                               "end_mrr"], 0.0)
        for c in customers:
            before = round(mrr[(c, months[i - 1])], 6) if i else 0.0
            now = round(mrr[(c, month)], 6)
            ever = any(mrr[(c, m)] > 0 for m in months[:i])
            tally["start_mrr"] += before
            tally["end_mrr"] += now
            if before == 0 and now > 0:
                tally["reactivation" if ever else "new"] += now
            elif before > 0 and now == 0:
                tally["churn"] += before
            elif before > 0 and now > before:
                tally["expansion"] += now - before
            elif before > 0 and now < before:
                tally["contraction"] += before - now
        out.append(tally)
    return pd.DataFrame(out)
