"""Expand funnel, weighted pipeline and whitespace (seed 004: Expand Map -> Opportunity -> Proposal ->
Negotiation -> Forecast -> Won / Lost; types upsell, cross-sell, price adjustment, renewal).
"""

from __future__ import annotations

import pandas as pd

from csxl.data.schema import OPPORTUNITY_TYPES, STAGES
from csxl.metrics.rates import ratio

OPEN_STAGES = STAGES[:5]
STAGE_PROBABILITY = {"expand_map": 0.10, "opportunity": 0.20, "proposal": 0.40, "negotiation": 0.60,
                     "forecast": 0.80, "won": 1.0, "lost": 0.0}


def funnel(pipeline: pd.DataFrame) -> pd.DataFrame:
    """Per stage: opportunities, MRR, opportunities that reached it, and conversion to the next stage.

    A snapshot pipeline only says where each opportunity is now, so an
    opportunity counts as having reached its stage and every stage before it;
    a won one reached every open stage; a lost one is known to have reached
    only the first stage (where it was lost is not recorded). Conversion of an
    open stage = reached the next stage / reached this one.
    """
    counts = pipeline["stage"].value_counts().reindex(list(STAGES), fill_value=0)
    amounts = pipeline.groupby("stage")["amount"].sum().reindex(list(STAGES), fill_value=0.0)
    progressing = counts[list(OPEN_STAGES) + ["won"]]
    reached = progressing[::-1].cumsum()[::-1]
    reached["expand_map"] += counts["lost"]
    reached["lost"] = counts["lost"]
    table = pd.DataFrame({"opportunities": counts, "mrr": amounts, "reached": reached.reindex(list(STAGES))})
    following = list(OPEN_STAGES[1:]) + ["won"]
    table["conversion"] = pd.Series(ratio(table.loc[following, "reached"].to_numpy(),
                                          table.loc[list(OPEN_STAGES), "reached"].to_numpy()),
                                    index=list(OPEN_STAGES)).reindex(list(STAGES))
    return table


def weighted_pipeline(pipeline: pd.DataFrame, probabilities: dict[str, float] = STAGE_PROBABILITY) -> pd.Series:
    """Open pipeline MRR x stage probability, by opportunity type."""
    open_ = pipeline[pipeline["stage"].isin(OPEN_STAGES)]
    weighted = open_["amount"] * open_["stage"].map(probabilities)
    return weighted.groupby(open_["type"]).sum().reindex(list(OPPORTUNITY_TYPES), fill_value=0.0)


def whitespace(mrr: pd.DataFrame, month: object | None = None) -> pd.DataFrame:
    """Customers x products: each customer's MRR per product in `month` (default the last), 0 = could add."""
    month = mrr["month"].max() if month is None else pd.Period(month, "M").to_timestamp()
    now = mrr[mrr["month"] == month]
    products = sorted(mrr["product"].unique())
    table = now.pivot_table(index="customer_id", columns="product", values="mrr", aggfunc="sum", fill_value=0.0)
    return table.reindex(columns=products, fill_value=0.0)
