"""`load(path)`: the one way in. Reads, validates and normalises a source into a `Dataset`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csxl.data.dataset import MRR_COLUMNS, Dataset
from csxl.data.readers import read_source
from csxl.data.subscriptions import subscriptions_to_mrr
from csxl.data.validate import canonical_table, check_ids
from csxl.errors import CsxlDataError

SECONDARY = ("customers", "nps", "csat", "ces", "health", "pipeline", "goals")


def _mrr_rows(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    if "product" not in frame:
        frame["product"] = ""
    if "price_adjustment" not in frame:
        frame["price_adjustment"] = False
    return frame[MRR_COLUMNS]


def load(path: Path | str, *, as_of: str | pd.Timestamp | None = None) -> Dataset:
    """Read a CSV file, an XLSX workbook or a folder of tables into a validated `Dataset`.

    The MRR comes from an `mrr` table (snapshots) or, failing that, from a
    `subscriptions` table normalised to monthly MRR; `as_of` extends open
    subscriptions to that month.
    """
    raws = {raw.table.name: raw for raw in read_source(Path(path))}
    tables = {name: canonical_table(raw) for name, raw in raws.items()}
    subscriptions = tables.get("subscriptions")
    if "mrr" in tables:
        mrr = _mrr_rows(tables["mrr"])
    elif subscriptions is not None:
        month = pd.Period(as_of, "M").to_timestamp() if as_of is not None else None
        mrr = subscriptions_to_mrr(subscriptions, month)
    else:
        raise CsxlDataError("there is no MRR or subscriptions table", file=str(path),
                            fix="add mrr.csv (customer_id, month, mrr) or subscriptions.csv")
    mrr = mrr.sort_values(["customer_id", "product", "month"], ignore_index=True)
    secondary = {name: tables[name] for name in SECONDARY if name in tables}
    check_ids(raws, secondary, set(mrr["customer_id"]))
    clean = {name: frame.drop(columns="_row").reset_index(drop=True) for name, frame in secondary.items()}
    if subscriptions is not None:
        subscriptions = subscriptions.drop(columns="_row")
    return Dataset(mrr=mrr, subscriptions=subscriptions, source=str(path), **clean)
