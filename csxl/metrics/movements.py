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

PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}

MOVEMENT_COLUMNS = [
    "period", "start_mrr", "new", "reactivation", "expansion", "contraction", "churn", "end_mrr",
    "nrr", "grr", "customers_start", "new_customers", "reactivated_customers", "churned_customers",
    "customers_end", "logo_churn", "quick_ratio",
]
SPLIT_COLUMNS = ["upsell", "cross_sell", "price_adjustment"]
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
        period = pd.Period(month, freq="M")
        return int((period - self.months[0]).n) if period >= self.months[0] else -1


def _month_ordinals(months: pd.Series) -> np.ndarray:
    stamps = pd.DatetimeIndex(months)
    return stamps.year.to_numpy() * 12 + stamps.month.to_numpy() - 1


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
    return np.round(flat.reshape(shape), _DECIMALS)


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


def _split_expansion(mrr: pd.DataFrame, coded: _Coded, start: np.ndarray, end: np.ndarray,
                     expansion: np.ndarray) -> dict[str, np.ndarray]:
    """Split each customer's expansion into upsell, cross-sell and price adjustment.

    A (customer, product) pair is one integer, customer code x products +
    product code; sorting the pairs keeps each customer's together, so the
    per-customer totals are one `np.add.reduceat` over contiguous blocks.
    """
    if "product" in mrr:
        product, products = pd.factorize(mrr["product"], use_na_sentinel=False)
        pair = coded.customer.astype(np.int64) * len(products) + product
    else:
        products, pair = [""], coded.customer
    pair_codes, pairs = pd.factorize(pair, sort=True)
    shape = (len(pairs), len(coded.months))
    values = _padded(_accumulate(pair_codes, coded.month, mrr["mrr"].to_numpy(dtype=float), shape))
    flagged = mrr["price_adjustment"].to_numpy(dtype=bool) if "price_adjustment" in mrr else np.zeros(len(mrr), bool)
    flags = _padded(np.cumsum(_accumulate(pair_codes, coded.month, flagged.astype(float), shape) > 0, axis=1))

    before, after = values[:, start + 1], values[:, end + 1]
    increase = np.maximum(after - before, 0.0)
    adjusted = (flags[:, end + 1] - flags[:, start + 1]) > 0
    owned = before > 0
    kinds = {
        "upsell": increase * (owned & ~adjusted),
        "cross_sell": increase * ~owned,
        "price_adjustment": increase * (owned & adjusted),
    }
    owner = pairs // len(products)
    blocks = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])  # every customer owns at least one pair
    totals = {name: np.add.reduceat(amount, blocks, axis=0) for name, amount in kinds.items()}
    gross = sum(totals.values())
    share = {name: np.divide(t, gross, out=np.zeros_like(t), where=gross > 0) for name, t in totals.items()}
    return {name: np.round(expansion * s, _DECIMALS) for name, s in share.items()}


def _movements(mrr: pd.DataFrame, period: str = "month") -> _Movements:
    coded = _coded(mrr)
    grid = _grid(mrr, coded)
    periods, end = _periods(grid.months, period)
    start = np.r_[-1, end[:-1]]
    values = _padded(grid.values)
    ever = _padded(np.maximum.accumulate(grid.values > 0, axis=1))

    s, e = values[:, start + 1], values[:, end + 1]
    had_before = ever[:, start + 1]
    was, now = s > 0, e > 0
    zero = np.zeros_like(s)
    expansion = np.where(was & (e > s), e - s, zero)
    amounts = {
        "start_mrr": s,
        "new": np.where(~was & now & ~had_before, e, zero),
        "reactivation": np.where(~was & now & had_before, e, zero),
        "expansion": expansion,
        "contraction": np.where(was & now & (e < s), s - e, zero),
        "churn": np.where(was & ~now, s, zero),
        "end_mrr": e,
    }
    amounts.update(_split_expansion(mrr, coded, start, end, expansion))
    return _Movements(grid.customers, periods, amounts)


def mrr_movements(mrr: pd.DataFrame, period: str = "month") -> pd.DataFrame:
    """The MRR bridge of the whole book, one row per period.

    Columns: MOVEMENT_COLUMNS (period as a pandas Period, amounts in the
    data's currency, rates as fractions, NaN where the start is 0) followed by
    SPLIT_COLUMNS. Every period from the first month of the data to the last
    appears; the first has start_mrr 0 and all of its MRR is new.

    >>> rows = pd.DataFrame({"customer_id": ["a", "a", "b"], "month": pd.to_datetime(
    ...     ["2026-01-01", "2026-02-01", "2026-02-01"]), "mrr": [100.0, 120.0, 50.0]})
    >>> mrr_movements(rows).loc[1, ["start_mrr", "new", "expansion", "end_mrr", "nrr"]].tolist()
    [100.0, 50.0, 20.0, 170.0, 1.2]
    """
    m = _movements(mrr, period)
    a = m.amounts
    table = pd.DataFrame({name: a[name].sum(axis=0) for name in _AMOUNTS}).round(_DECIMALS)
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
    return table[MOVEMENT_COLUMNS + SPLIT_COLUMNS]


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
