"""CSM scorecard: how each Customer Success Manager's portfolio does ([15] in docs/sources.md, section 7).

Accounts belong to the CSM named in the customers table (blank: "(unassigned)").
Over a window of `months` months ending at `as_of`:

- mrr_retained: end MRR / start MRR of the accounts that paid at the start
  (the cohort NRR of the CSM's portfolio, `group_retention`);
- logo_retention: accounts paying at start and end / accounts paying at start;
- expansion_mrr: the sum of the monthly expansion of the CSM's accounts;
- accounts_expanded: accounts with upsell or cross-sell in the window (price
  adjustments alone do not count: they are contractual, not won);
- nps: NPS of the answers of the CSM's accounts dated in the window;
- mrr_growth_mom: MRR at as_of / MRR the month before - 1, same accounts;
- share of accounts in each health flag, when flags are given;
- account_coverage: accounts with a strategic touchpoint (EBR, QBR) / accounts,
  when the covered accounts are given.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from csxl.metrics.movements import customer_movements, mrr_grid
from csxl.metrics.rates import ratio
from csxl.metrics.surveys import nps as nps_score

UNASSIGNED = "(unassigned)"


def _owners(customers: pd.DataFrame | None, ids: pd.Index) -> pd.Series:
    owner = pd.Series(UNASSIGNED, index=ids, name="csm")
    if customers is not None and "csm" in customers:
        named = customers.set_index("customer_id")["csm"].astype("string").str.strip()
        owner.update(named[named.fillna("") != ""].reindex(ids).dropna())
    return owner


def group_retention(start_mrr: pd.Series, end_mrr: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Cohort NRR and GRR of each group of accounts (a CSM's book, a segment) over one window.

    The Series are indexed by customer_id: MRR at the start and at the end of
    the window (an account absent from `end_mrr` pays 0 there), and the group
    each account was in at the START of the window. Per group g, over its
    accounts paying at the start::

        nrr_g = sum(end MRR) / sum(start MRR)
        grr_g = sum(MIN(start MRR, end MRR)) / sum(start MRR)

    Accounts that churned stay in their group's denominator (grouping them by
    where they are at the end would drop them and bias the NRR upwards);
    accounts without a group (absent, NaN or "") are left out. Index: the
    groups with MRR at the start; columns start_mrr, end_mrr, nrr, grr.

    >>> start = pd.Series({"a": 100.0, "b": 200.0, "c": 50.0, "d": 0.0})
    >>> end = pd.Series({"a": 150.0, "c": 40.0, "d": 70.0})
    >>> table = group_retention(start, end, pd.Series({"a": "x", "b": "x", "c": "y", "d": "y"}))
    >>> table[["nrr", "grr"]].round(4).to_dict("index")  # x: 150 / 300 and 100 / 300; d joined inside the window
    {'x': {'nrr': 0.5, 'grr': 0.3333}, 'y': {'nrr': 0.8, 'grr': 0.8}}
    """
    start = start_mrr.astype(float).fillna(0.0)
    end = end_mrr.astype(float).reindex(start.index).fillna(0.0)
    group = groups.reindex(start.index)
    counted = (start > 0) & group.notna() & (group.astype("string").fillna("") != "")
    frame = pd.DataFrame({"group": group[counted], "start_mrr": start[counted], "end_mrr": end[counted],
                          "capped": np.minimum(start, end)[counted]})
    table = frame.groupby("group")[["start_mrr", "end_mrr", "capped"]].sum()
    return pd.DataFrame({"start_mrr": table["start_mrr"], "end_mrr": table["end_mrr"],
                         "nrr": ratio(table["end_mrr"], table["start_mrr"]),
                         "grr": ratio(table["capped"], table["start_mrr"])}, index=table.index)


def csm_scorecard(mrr: pd.DataFrame, customers: pd.DataFrame | None, as_of: object | None = None,
                  months: int = 12, nps: pd.DataFrame | None = None, flags: pd.Series | None = None,
                  covered: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per CSM with the measures above; ratios are fractions, NaN when undefined."""
    grid = mrr_grid(mrr)
    end = len(grid.months) - 1 if as_of is None else grid.month_index(as_of)
    if not 0 <= end < len(grid.months):
        raise ValueError(f"as_of {as_of} is outside the data ({grid.months[0]} to {grid.months[-1]})")
    begin = end - months
    now = grid.values[:, end]
    start = grid.values[:, begin] if begin >= 0 else np.zeros_like(now)
    before = grid.values[:, end - 1] if end >= 1 else np.zeros_like(now)
    owner = _owners(customers, grid.customers)

    moved = customer_movements(mrr)
    first = grid.months[begin + 1] if begin >= 0 else grid.months[0]
    window = moved[(moved["period"] >= first) & (moved["period"] <= grid.months[end])]
    by_customer = window.groupby("customer_id")[["expansion", "upsell", "cross_sell"]].sum()
    by_customer = by_customer.reindex(grid.customers, fill_value=0.0)

    frame = pd.DataFrame({
        "csm": owner.to_numpy(),
        "accounts": now > 0,
        "mrr": now,
        "paying_start": start > 0,
        "kept": (start > 0) & (now > 0),
        "before": before,
        "expansion_mrr": by_customer["expansion"].to_numpy(),
        "accounts_expanded": (by_customer["upsell"] + by_customer["cross_sell"]).to_numpy() > 0,
    }, index=grid.customers)
    if covered is not None:
        frame["covered"] = frame.index.isin(list(covered)) & frame["accounts"]
    table = frame.groupby("csm").sum()
    out = pd.DataFrame(index=table.index)
    out["accounts"] = table["accounts"].astype(int)
    out["mrr"] = table["mrr"]
    retained = group_retention(pd.Series(start, index=grid.customers), pd.Series(now, index=grid.customers), owner)
    out["mrr_retained"] = retained["nrr"].reindex(out.index)
    out["logo_retention"] = ratio(table["kept"], table["paying_start"])
    out["expansion_mrr"] = table["expansion_mrr"]
    out["accounts_expanded"] = table["accounts_expanded"].astype(int)
    out["mrr_growth_mom"] = ratio(table["mrr"], table["before"]) - 1
    out["account_coverage"] = ratio(table["covered"], table["accounts"]) if covered is not None else np.nan

    if nps is not None and len(nps):
        answers = nps[(nps["date"] >= first.to_timestamp()) & (nps["date"] <= grid.months[end].to_timestamp(how="end"))]
        answers = answers.assign(csm=owner.reindex(answers["customer_id"]).fillna(UNASSIGNED).to_numpy())
        out["nps"] = answers.groupby("csm")["score"].apply(lambda s: nps_score(s).score).reindex(out.index)
    else:
        out["nps"] = np.nan
    if flags is not None:
        paying = frame.loc[frame["accounts"], "csm"]
        shares = pd.crosstab(paying, flags.reindex(paying.index), normalize="index")
        out = out.join(shares.add_prefix("share_"), how="left")
    return out.reset_index()
