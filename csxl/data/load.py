"""`load(path)`: the one way in. Reads, validates and normalises a source into a `Dataset`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from csxl.data.dataset import MRR_COLUMNS, Dataset, month_of
from csxl.data.readers import RawTable, read_source
from csxl.data.subscriptions import subscriptions_to_mrr
from csxl.data.validate import canonical_table, check_ids
from csxl.errors import CsxlDataError

SECONDARY = ("customers", "nps", "csat", "ces", "health", "pipeline", "goals", "plan", "touchpoints")


def _mrr_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Snapshot rows with every MRR column: no product is "", no flag is False."""
    defaults: dict[str, Any] = {"product": "", "price_adjustment": False}
    return frame.assign(**{k: v for k, v in defaults.items() if k not in frame})[MRR_COLUMNS]


def load(path: Path | str, *, as_of: str | pd.Timestamp | None = None, decimal: str | None = None) -> Dataset:
    """Read a CSV file, an XLSX workbook or a folder of tables into a validated `Dataset`.

    The MRR comes from an `mrr` table (snapshots) or, failing that, from a
    `subscriptions` table normalised to monthly MRR; `as_of` (a month) is the
    last month open subscriptions run to. Customer ids of the other tables
    must be in the MRR (or subscriptions) data: rows of other customers are
    skipped, with a line in `Dataset.warnings`. `decimal` ("." or ",")
    states the decimal separator of numbers written as text; by default each
    column's values decide, and a column they leave open ("99.000") is an error.
    """
    if decimal not in (None, ".", ","):
        raise CsxlDataError(f"the decimal separator {decimal!r} is neither . nor ,",
                            fix="give --decimal . or --decimal ,")
    return dataset_from(read_source(Path(path)), str(path), as_of=as_of, decimal=decimal)


def dataset_from(read: list[RawTable], source: str, *, as_of: str | pd.Timestamp | None = None,
                 decimal: str | None = None) -> Dataset:
    """The validated `Dataset` of raw tables as `load` reads them (from files, or pulled from a database by
    `csxl.sql.databases`), `source` naming where they came from."""
    raws = {raw.table.name: raw for raw in read}
    tables = {name: canonical_table(raw, decimal) for name, raw in raws.items()}
    subscriptions = tables.get("subscriptions")
    if "mrr" in tables:
        mrr = _mrr_rows(tables["mrr"]).sort_values(["customer_id", "product", "month"], ignore_index=True)
    elif subscriptions is not None:
        mrr = subscriptions_to_mrr(subscriptions, None if as_of is None else month_of(as_of))
    else:
        raise CsxlDataError(f"there is no MRR or subscriptions table (found: {', '.join(tables)})", file=source,
                            fix="add mrr.csv (customer_id, month, mrr) or subscriptions.csv, or an mrr sheet")
    secondary = {name: tables[name] for name in SECONDARY if name in tables}
    known = (mrr["customer_id"] if subscriptions is None
             else pd.concat([mrr["customer_id"], subscriptions["customer_id"]]))
    secondary, warnings = check_ids(raws, secondary, known.unique())
    clean = {name: frame.drop(columns="_row").reset_index(drop=True) for name, frame in secondary.items()}
    customer_rows = (raws["customers"].where, secondary["customers"]["_row"].to_numpy()) if "customers" in secondary \
        else None
    if subscriptions is not None:
        subscriptions = subscriptions.drop(columns="_row").reset_index(drop=True)
    return Dataset(mrr=mrr, subscriptions=subscriptions, source=source, warnings=warnings,
                   customer_rows=customer_rows, **clean)
