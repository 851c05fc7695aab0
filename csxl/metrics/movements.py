"""MRR movements: new, reactivation, expansion, contraction and churn, per period.

The unit of a movement is the customer: a customer dropping one product but
keeping another contracts, it does not churn. Over a quarter or a year the
movements compare each customer's MRR at the end of the previous period with
its MRR at the end of this one (point to point), so

    end MRR = start MRR + new + reactivation + expansion - contraction - churn

holds for every period, and the period NRR of a year equals the cohort NRR of
the same twelve months. Everything is computed on a dense customer x month
matrix with numpy, so 100,000 rows take milliseconds and row order does not
matter.

With product-level data a customer's expansion is split into upsell (more of a
product it had at the start), cross-sell (a product it did not have) and price
adjustment (an increase the data flags as contractual indexation), in
proportion to the gross product increases of that customer. The split always
adds up to the customer's expansion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from csxl.metrics import rates
from csxl.metrics.columns import MOVEMENT_COLUMNS, PERIODS, SPLIT_COLUMNS

_AMOUNTS = ["start_mrr", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr", *SPLIT_COLUMNS]

# MRR is money: sums are rounded to this many decimals so that float noise
# (0.1 + 0.2) never turns "unchanged" into a tiny expansion.
_DECIMALS = 6


@dataclass(frozen=True)
class MrrGrid:
    """MRR of every customer in every month from the first month of the data to the last (0 when absent)."""

    customers: pd.Index
    months: pd.PeriodIndex
    values: np.ndarray  # shape (customers, months)

    def month_index(self, month: object) -> int:
        """Column of a month ('2026-03', a Timestamp or a Period); -1 if before the data."""
        period = pd.Period(month, freq="M")  # type: ignore[arg-type]  # anything pandas reads as a month
        return int((period - self.months[0]).n) if period >= self.months[0] else -1


def _month_ordinals(months: pd.Series) -> np.ndarray:
    """Months since 0000-01 (year x 12 + month - 1), the grid's column arithmetic.

    A book has few distinct months, so each is converted once and spread back.
    """
    codes, distinct = pd.factorize(pd.DatetimeIndex(months))
    days = pd.DatetimeIndex(distinct)
    return (days.year.to_numpy() * 12 + days.month.to_numpy() - 1)[codes]


def _grid_shape(mrr: pd.DataFrame) -> tuple[np.ndarray, int, pd.PeriodIndex]:
    if mrr.empty:
        raise ValueError("mrr has no rows - give at least one customer, month and MRR")
    ordinals = _month_ordinals(mrr["month"])
    first, last = int(ordinals.min()), int(ordinals.max())
    months = pd.period_range(pd.Period(year=first // 12, month=first % 12 + 1, freq="M"),
                             periods=last - first + 1, freq="M")
    return ordinals - first, len(months), months


def _accumulate(rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    flat = np.bincount(rows * shape[1] + cols, weights=weights, minlength=shape[0] * shape[1])
    return np.round(flat, _DECIMALS, out=flat).reshape(shape)


@dataclass(frozen=True)
class _Coded:
    """Each MRR row's customer code (customers sorted) and month column, computed once per table."""

    customer: np.ndarray
    month: np.ndarray
    customers: pd.Index
    months: pd.PeriodIndex


def _coded(mrr: pd.DataFrame) -> _Coded:
    cols, _, months = _grid_shape(mrr)
    codes, customers = pd.factorize(mrr["customer_id"], sort=True)
    return _Coded(codes, cols, pd.Index(customers, name="customer_id"), months)


def _grid(mrr: pd.DataFrame, coded: _Coded) -> MrrGrid:
    shape = (len(coded.customers), len(coded.months))
    values = _accumulate(coded.customer, coded.month, mrr["mrr"].to_numpy(dtype=float), shape)
    return MrrGrid(coded.customers, coded.months, values)


def mrr_grid(mrr: pd.DataFrame) -> MrrGrid:
    """The customer x month MRR matrix of canonical MRR rows (customer_id, month, mrr)."""
    return _grid(mrr, _coded(mrr))


def period_label(period: pd.Period) -> str:
    """'2026-03' for a month, '2026-Q1' for a quarter, '2026' for a year."""
    if period.freqstr.startswith("Q"):
        return f"{period.year}-Q{period.quarter}"
    if period.freqstr.startswith("M"):
        return f"{period.year}-{period.month:02d}"
    return str(period.year)


@dataclass(frozen=True)
class _Movements:
    """Per customer (rows) and period (columns) amounts, the source of every movement table."""

    customers: pd.Index
    periods: pd.PeriodIndex
    amounts: dict[str, np.ndarray]


def _periods(months: pd.PeriodIndex, period: str) -> tuple[pd.PeriodIndex, np.ndarray]:
    """The periods spanned by the months, and the column of each period's last month."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    labels = months.asfreq(PERIODS[period])
    last = np.flatnonzero(np.r_[labels[1:] != labels[:-1], True])
    return labels[last], last


def _padded(values: np.ndarray) -> np.ndarray:
    """Prepend a zero column so that index -1 + 1 reads 'before the data'."""
    return np.hstack([np.zeros((values.shape[0], 1), dtype=values.dtype), values])


def _at(matrix: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """matrix[:, columns]; a view, not a copy, when the columns are consecutive (monthly periods)."""
    if len(columns) > 1 and np.all(np.diff(columns) == 1):
        return matrix[:, columns[0]:columns[-1] + 1]
    return matrix[:, columns]


def _pair_codes(customer: np.ndarray, product: np.ndarray, products: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's (customer, product) pair as a code into the sorted pairs present, and those pairs.

    A pair is one integer, customer code x products + product code, below
    customers x products, so a presence mask and a running count code it
    without hashing or sorting a million keys - unless products are so many
    that the mask would dwarf the rows, when hashing is the cheaper way.
    """
    pair = customer.astype(np.int64) * products + product
    if pair.max() >= 8 * len(pair):
        return pd.factorize(pair, sort=True)
    present = np.zeros(int(pair.max()) + 1, dtype=bool)
    present[pair] = True
    return (np.cumsum(present) - 1)[pair], np.flatnonzero(present)


def _split_expansion(mrr: pd.DataFrame, coded: _Coded, start: np.ndarray, end: np.ndarray,
                     expansion: np.ndarray) -> dict[str, np.ndarray]:
    """Split each customer's expansion into upsell, cross-sell and price adjustment.

    The increases are computed per (customer, product) pair and summed back to
    the customer with one `np.bincount` per kind.
    """
    product, products = (pd.factorize(mrr["product"], use_na_sentinel=False) if "product" in mrr
                         else (np.zeros(len(mrr), dtype=np.intp), [""]))
    flagged = mrr["price_adjustment"].to_numpy(dtype=bool) if "price_adjustment" in mrr else np.zeros(len(mrr), bool)
    zero = np.zeros_like(expansion)
    if len(products) == 1 and not flagged.any():  # one product and no indexation: every increase is upsell
        return {"upsell": expansion, "cross_sell": zero, "price_adjustment": zero}
    pair_codes, pairs = _pair_codes(coded.customer, product, len(products))
    shape = (len(pairs), len(coded.months))
    values = _padded(_accumulate(pair_codes, coded.month, mrr["mrr"].to_numpy(dtype=float), shape))
    before, after = _at(values, start + 1), _at(values, end + 1)
    increase = after - before
    np.maximum(increase, 0.0, out=increase)
    owned = before > 0
    upsell = np.where(owned, increase, 0.0)
    kinds = {"upsell": upsell, "cross_sell": increase - upsell}
    if flagged.any():
        flags = _padded(np.cumsum(_accumulate(pair_codes, coded.month, flagged.astype(float), shape) > 0, axis=1))
        adjusted = owned & (_at(flags, end + 1) > _at(flags, start + 1))
        kinds["price_adjustment"] = np.where(adjusted, upsell, 0.0)
        kinds["upsell"] = upsell - kinds["price_adjustment"]
    periods = expansion.shape[1]
    cells = ((pairs // len(products))[:, None] * periods + np.arange(periods)).ravel()  # customer x period
    totals = {name: np.bincount(cells, weights=amount.ravel(), minlength=expansion.size).reshape(expansion.shape)
              for name, amount in kinds.items()}
    gross = sum(totals.values())
    scale = np.divide(expansion, gross, out=np.zeros_like(gross), where=gross > 0)
    split = {name: np.round(t * scale, _DECIMALS) for name, t in totals.items()}
    return {name: split.get(name, zero) for name in SPLIT_COLUMNS}


def _movements(mrr: pd.DataFrame, period: str = "month", split: bool = True) -> _Movements:
    coded = _coded(mrr)
    grid = _grid(mrr, coded)
    periods, end = _periods(grid.months, period)
    start = np.r_[-1, end[:-1]]
    values = _padded(grid.values)
    ever = _padded(np.maximum.accumulate(grid.values > 0, axis=1))

    s, e = _at(values, start + 1), _at(values, end + 1)
    had_before = _at(ever, start + 1)
    was, now = s > 0, e > 0
    arrived = ~was & now
    expansion = np.where(was & (e > s), e - s, 0.0)
    amounts = {
        "start_mrr": s,
        "new": np.where(arrived & ~had_before, e, 0.0),
        "reactivation": np.where(arrived & had_before, e, 0.0),
        "expansion": expansion,
        "contraction": np.where(was & now & (e < s), s - e, 0.0),
        "churn": np.where(was & ~now, s, 0.0),
        "end_mrr": e,
    }
    if split:
        amounts.update(_split_expansion(mrr, coded, start, end, expansion))
    return _Movements(grid.customers, periods, amounts)


def mrr_movements(mrr: pd.DataFrame, period: str = "month", *, split: bool = True) -> pd.DataFrame:
    """The MRR bridge of the whole book, one row per period.

    Columns: MOVEMENT_COLUMNS (period as a pandas Period, amounts in the
    data's currency, rates as fractions, NaN where the start is 0) followed,
    when `split`, by SPLIT_COLUMNS. The split is a second pass over the
    product-level data, about half the work, so a caller that shows only the
    bridge passes split=False. Every period from the first month of the data
    to the last appears; the first has start_mrr 0 and all of its MRR is new.

    >>> rows = pd.DataFrame({"customer_id": ["a", "a", "b"], "month": pd.to_datetime(
    ...     ["2026-01-01", "2026-02-01", "2026-02-01"]), "mrr": [100.0, 120.0, 50.0]})
    >>> mrr_movements(rows).loc[1, ["start_mrr", "new", "expansion", "end_mrr", "nrr"]].tolist()
    [100.0, 50.0, 20.0, 170.0, 1.2]
    """
    m = _movements(mrr, period, split)
    a = m.amounts
    table = pd.DataFrame({name: a[name].sum(axis=0) for name in _AMOUNTS if name in a}).round(_DECIMALS)
    table.insert(0, "period", m.periods)
    table["customers_start"] = (a["start_mrr"] > 0).sum(axis=0)
    table["new_customers"] = (a["new"] > 0).sum(axis=0)
    table["reactivated_customers"] = (a["reactivation"] > 0).sum(axis=0)
    table["churned_customers"] = (a["churn"] > 0).sum(axis=0)
    table["customers_end"] = (a["end_mrr"] > 0).sum(axis=0)
    table["nrr"] = rates.nrr(table["start_mrr"], table["expansion"], table["contraction"], table["churn"])
    table["grr"] = rates.grr(table["start_mrr"], table["contraction"], table["churn"])
    table["logo_churn"] = rates.logo_churn(table["customers_start"], table["churned_customers"])
    table["quick_ratio"] = rates.quick_ratio(table["new"], table["expansion"], table["contraction"],
                                             table["churn"], table["reactivation"])
    return table[MOVEMENT_COLUMNS + SPLIT_COLUMNS if split else MOVEMENT_COLUMNS]


def customer_movements(mrr: pd.DataFrame, period: str = "month") -> pd.DataFrame:
    """Each customer's movements, one row per customer and period in which it had MRR at the start or end.

    Columns: period, customer_id, then the amounts of `mrr_movements`
    (start_mrr, new, reactivation, expansion, contraction, churn, end_mrr,
    upsell, cross_sell, price_adjustment). Summing by period gives
    `mrr_movements`; the QBR and the CSM scorecard read a customer's rows.
    """
    m = _movements(mrr, period)
    active = (m.amounts["start_mrr"] > 0) | (m.amounts["end_mrr"] > 0)
    rows, cols = np.nonzero(active.T)
    table = pd.DataFrame({"period": m.periods[rows], "customer_id": m.customers[cols]})
    for name in _AMOUNTS:
        table[name] = m.amounts[name].T[rows, cols]
    return table
