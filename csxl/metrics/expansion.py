"""Expand funnel, weighted pipeline, whitespace, account coverage and activation rate.

The "Customer Success Playbook 2022" ([15] in docs/sources.md) describes the expansion pipeline
of a CS team: Expand Map -> Opportunity -> Proposal -> Negotiation ->
Forecast -> Won / Lost, with opportunity types upsell, cross-sell, price
adjustment ("reajuste") and renewal; a whitespace matrix of what each
customer has contracted; and account coverage (accounts with a strategic
touchpoint / accounts in the portfolio).

The pipeline table is the canonical one of `csxl.data` (opportunity_id,
customer_id, stage, type, amount in MRR): stages and types hold their
canonical values (`csxl.data.schema.STAGES`, `OPPORTUNITY_TYPES`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from csxl.data.schema import OPPORTUNITY_TYPES, STAGES

OPEN_STAGES = STAGES[:5]
CLOSED_STAGES = STAGES[5:]
# Default stage probabilities of the weighted pipeline (won 1 and lost 0 for completeness).
STAGE_PROBABILITY = {"expand_map": 0.10, "opportunity": 0.20, "proposal": 0.40, "negotiation": 0.60,
                     "forecast": 0.80, "won": 1.0, "lost": 0.0}


def _div(num: object, den: object) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den))


def _check_values(frame: pd.DataFrame, column: str, allowed: Iterable[str]) -> None:
    if column not in frame:
        raise ValueError(f"pipeline must have a '{column}' column")
    allowed = list(allowed)
    unknown = sorted(set(pd.unique(frame[column].astype("object"))) - set(allowed), key=str)
    if unknown:
        raise ValueError(f"pipeline {column} must be one of {', '.join(allowed)}; got {unknown[0]!r}")


def _amounts(frame: pd.DataFrame) -> pd.Series:
    if "amount" not in frame:
        raise ValueError("pipeline must have an 'amount' column (MRR of each opportunity)")
    amount = pd.to_numeric(frame["amount"], errors="coerce").astype(float)
    if (amount < 0).any():
        raise ValueError(f"pipeline amount must be >= 0; got {amount[amount < 0].iloc[0]:g}")
    return amount.fillna(0.0)


def funnel(pipeline: pd.DataFrame) -> pd.DataFrame:
    """Per stage, in STAGES order: count, amount, opportunities that reached it, conversion to the next.

    A snapshot pipeline only says where each opportunity is now, so:

    - an open opportunity has reached its stage and every stage before it;
    - a won one has passed every open stage (it reached `won`);
    - a lost one is counted as having reached only the first stage,
      `expand_map`, besides `lost` itself: where it was lost is not recorded,
      and this is the one stage every opportunity entered. Counting it at a
      later stage would invent a history; leaving it out would count only
      survivors and overstate every conversion.

    Formula, for each open stage s with next stage s' (forecast -> won)::

        reached(s)    = count of opportunities now at s or any later open stage, or won
                        (+ lost, for expand_map)
        conversion(s) = reached(s') / reached(s)

    The conversion of `won` and `lost` is NaN (no next stage), and so is
    any conversion whose stage nobody reached. The early-stage figures are
    "has moved on so far": open opportunities may still advance, so they
    understate the conversion a closed cohort would show. See `win_rate`
    for the closed-deal view.

    Source: [15] in docs/sources.md, "Expand Map ... Forecast, Won / Lost" (stage
    definitions). Stage conversion as "advanced / entered", the share of
    deals that entered a stage and reached a later one (dealflow, "How the
    weighted forecast is computed", https://github.com/cognis-digital/dealflow/discussions/4);
    the treatment of lost deals above is csxl's, for data without stage history.

    Example
    -------
    >>> deals = pd.DataFrame({"stage": ["expand_map", "proposal", "won", "lost"],
    ...                       "type": ["upsell"] * 4, "amount": [10.0, 20.0, 30.0, 40.0]})
    >>> funnel(deals)["reached"].tolist()
    [4, 2, 2, 1, 1, 1, 1]
    >>> float(funnel(deals).loc["expand_map", "conversion"])
    0.5
    """
    _check_values(pipeline, "stage", STAGES)
    amount = _amounts(pipeline)
    stages = pipeline["stage"].astype("object")
    counts = stages.value_counts().reindex(list(STAGES), fill_value=0).astype("int64")
    amounts = amount.groupby(stages.to_numpy()).sum().reindex(list(STAGES), fill_value=0.0)
    progressing = counts[list(OPEN_STAGES) + ["won"]]
    reached = progressing[::-1].cumsum()[::-1]
    reached["expand_map"] += counts["lost"]
    reached["lost"] = counts["lost"]
    table = pd.DataFrame({"count": counts, "amount": amounts.astype(float),
                          "reached": reached.reindex(list(STAGES)).astype("int64")})
    following = list(OPEN_STAGES[1:]) + ["won"]
    conversion = _div(table.loc[following, "reached"].to_numpy(), table.loc[list(OPEN_STAGES), "reached"].to_numpy())
    table["conversion"] = pd.Series(conversion, index=list(OPEN_STAGES)).reindex(list(STAGES))
    table.index.name = "stage"
    return table


def win_rate(pipeline: pd.DataFrame, by: str = "count") -> float:
    """Closed-deal win rate: won / (won + lost), by number of opportunities or by amount (MRR).

    Formula::

        win rate = won / (won + lost)      NaN when nothing is closed

    Example
    -------
    >>> deals = pd.DataFrame({"stage": ["won", "won", "lost", "proposal"], "amount": [10.0, 30.0, 40.0, 5.0]})
    >>> win_rate(deals), win_rate(deals, "amount")
    (0.6666666666666666, 0.5)
    """
    if by not in ("count", "amount"):
        raise ValueError(f"by must be 'count' or 'amount'; got {by!r}")
    _check_values(pipeline, "stage", STAGES)
    weight = _amounts(pipeline) if by == "amount" else pd.Series(1.0, index=pipeline.index)
    won = weight[pipeline["stage"] == "won"].sum()
    closed = weight[pipeline["stage"].isin(CLOSED_STAGES)].sum()
    return float(_div(won, closed))


def weighted_pipeline(pipeline: pd.DataFrame, probabilities: Mapping[str, float] | None = None,
                      by: str = "type") -> pd.Series:
    """Open pipeline MRR x stage probability, summed by opportunity type (or by stage).

    Formula::

        weighted(g) = sum over open opportunities in g of amount x probability(stage)

    Open stages and default probabilities: expand_map 10%, opportunity 20%,
    proposal 40%, negotiation 60%, forecast 80% (`STAGE_PROBABILITY`; the
    workbooks show them as inputs). Won and lost opportunities are not
    pipeline. `probabilities` overrides some or all of the defaults (each a
    fraction from 0 to 1). The result is indexed by OPPORTUNITY_TYPES
    (by="type") or by the open stages (by="stage"), 0 where empty.

    Source: weighted (expected) pipeline amount = amount x stage probability,
    e.g. Twenty CRM, "Show expected amount in pipeline"
    (https://docs.twenty.com/l/cs/user-guide/views-pipelines/how-tos/show-expected-amount-in-pipeline.md);
    stages from [15] in docs/sources.md; the default probabilities are csxl's inputs.

    Example
    -------
    >>> deals = pd.DataFrame({"stage": ["expand_map", "forecast", "won"], "type": ["upsell"] * 3,
    ...                       "amount": [100.0, 50.0, 70.0]})
    >>> float(weighted_pipeline(deals)["upsell"])
    50.0
    """
    if by not in ("type", "stage"):
        raise ValueError(f"by must be 'type' or 'stage'; got {by!r}")
    probability = dict(STAGE_PROBABILITY)
    for stage, value in (probabilities or {}).items():
        if stage not in STAGES:
            raise ValueError(f"probabilities must be keyed by stage ({', '.join(STAGES)}); got {stage!r}")
        try:
            p = float(value)
        except (TypeError, ValueError):
            p = math.nan
        if not 0 <= p <= 1:
            raise ValueError(f"probabilities must be fractions from 0 to 1 (0.4 = 40%); got {value!r} for {stage}")
        probability[stage] = p
    _check_values(pipeline, "stage", STAGES)
    if by == "type":
        _check_values(pipeline, "type", OPPORTUNITY_TYPES)
    amount = _amounts(pipeline)
    is_open = pipeline["stage"].isin(OPEN_STAGES).to_numpy()
    open_ = pipeline[is_open]
    weighted = amount[is_open] * open_["stage"].map(probability).astype(float)
    groups = list(OPPORTUNITY_TYPES) if by == "type" else list(OPEN_STAGES)
    out = weighted.groupby(open_[by].to_numpy()).sum().reindex(groups, fill_value=0.0).astype(float)
    out.index.name = by
    return out.rename("weighted_mrr")


def whitespace(mrr: pd.DataFrame, month: object | None = None, products: Iterable[str] | None = None) -> pd.DataFrame:
    """Customers x products: each customer's MRR per product in `month`; 0 = a product it could add.

    Rows are the customers with MRR above 0 in `month` (default: the last
    month of the data), sorted; columns are `products` in the order given
    (default: every product in the data, sorted; a catalogue may add
    products nobody owns yet). Cells hold the summed MRR of that customer
    and product that month, 0 where not owned.

    Source: [15] in docs/sources.md, "Whitespace": a matrix of what each customer has
    contracted, showing where each account can expand.

    Example
    -------
    >>> book = pd.DataFrame({"customer_id": ["a", "a", "b"], "product": ["Core", "Plus", "Core"],
    ...                      "month": pd.Timestamp("2026-02-01"), "mrr": [100.0, 50.0, 70.0]})
    >>> whitespace(book).to_dict("index")
    {'a': {'Core': 100.0, 'Plus': 50.0}, 'b': {'Core': 70.0, 'Plus': 0.0}}
    """
    for column in ("customer_id", "month", "mrr"):
        if column not in mrr:
            raise ValueError(f"mrr must have a '{column}' column (the canonical MRR table)")
    months = pd.to_datetime(mrr["month"])
    if month is None:
        when = months.max()
    else:
        try:
            when = pd.Period(month, "M").to_timestamp()  # type: ignore[arg-type]  # anything pandas reads as a month
        except (TypeError, ValueError):
            raise ValueError(f"month must be a month such as 2026-03; got {month!r}") from None
    product = (mrr["product"] if "product" in mrr else pd.Series("", index=mrr.index)).fillna("").astype(str)
    columns = sorted(product.unique()) if products is None else list(dict.fromkeys(products))
    now = pd.DataFrame({"customer_id": mrr["customer_id"], "product": product,
                        "mrr": pd.to_numeric(mrr["mrr"], errors="coerce").astype(float)})[
        (months == when).to_numpy()]
    table = now.pivot_table(index="customer_id", columns="product", values="mrr", aggfunc="sum", fill_value=0.0)
    paying = now.groupby("customer_id")["mrr"].sum()
    table = table.reindex(index=sorted(paying.index[paying > 0]), columns=columns, fill_value=0.0).astype(float)
    table.index.name, table.columns.name = "customer_id", "product"
    return table


def could_add(table: pd.DataFrame) -> pd.DataFrame:
    """The (customer_id, product) pairs of a `whitespace` table where the customer owns nothing yet.

    Long format, one row per gap, customers and products in table order.

    Example
    -------
    >>> space = pd.DataFrame({"Core": [100.0, 70.0], "Plus": [50.0, 0.0]}, index=["a", "b"])
    >>> could_add(space).to_dict("list")
    {'customer_id': ['b'], 'product': ['Plus']}
    """
    values = table.to_numpy(dtype=float)
    rows, cols = np.nonzero(values == 0)
    return pd.DataFrame({"customer_id": table.index.to_numpy()[rows], "product": table.columns.to_numpy()[cols]})


def _count(value: object, name: str) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        out = math.nan
    if math.isnan(out) or out < 0:
        raise ValueError(f"{name} must be a number of accounts >= 0; got {value!r}")
    return out


def account_coverage(covered: float, total: float) -> float:
    """Account coverage = accounts with a strategic touchpoint (EBR, QBR) / accounts in the portfolio.

    Formula::

        coverage = covered / total          NaN when total = 0

    Source: [15] in docs/sources.md ("Account Coverage": customers reached by a defined
    touchpoint relative to the total).

    Example
    -------
    >>> account_coverage(18, 24)
    0.75
    """
    c, t = _count(covered, "covered"), _count(total, "total")
    if c > t:
        raise ValueError(f"covered ({c:g}) must not exceed total ({t:g})")
    return float(_div(c, t))


def activation_rate(activated: float, onboarded: float) -> float:
    """Activation rate = customers activated / customers onboarded in the period.

    Formula::

        activation rate = activated / onboarded      NaN when onboarded = 0

    Source: [13] in docs/sources.md writes "inactive / active x 100",
    which is not a rate; csxl uses activated over onboarded.

    Example
    -------
    >>> activation_rate(9, 12)
    0.75
    """
    a, o = _count(activated, "activated"), _count(onboarded, "onboarded")
    if a > o:
        raise ValueError(f"activated ({a:g}) must not exceed onboarded ({o:g})")
    return float(_div(a, o))
