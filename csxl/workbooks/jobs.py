"""Running workbook jobs: one QBR, or one per account in parallel over the machine's cores.

A batch never stops at a bad account: each account's failure is caught in its
worker and reported with its reason in the closing summary. Workers load the
data once each (not once per account) and write each file atomically.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from csxl.data.dataset import Dataset
from csxl.errors import CsxlDataError
from csxl.workbooks.files import atomic_save
from csxl.workbooks.labels import Locale
from csxl.workbooks.qbr import fill_qbr, qbr_template
from csxl.workbooks.template import open_template


@dataclass(frozen=True)
class QbrJob:
    """What every QBR of a run shares."""

    as_of: pd.Timestamp
    locale: Locale
    template: Path | None = None


def build_qbr(data: Dataset, account: str, job: QbrJob):
    """The filled QBR workbook of one account, and the template warnings."""
    if job.template:
        wb, warnings = open_template(job.template)
    else:
        wb, warnings = qbr_template(job.locale), []
    return fill_qbr(wb, data, account, job.as_of, job.locale), warnings


def write_qbr(data: Dataset, account: str, job: QbrJob, path: Path) -> tuple[Path, list[str]]:
    wb, warnings = build_qbr(data, account, job)
    return atomic_save(wb, path), warnings


def accounts_with_mrr(data: Dataset, as_of: pd.Timestamp) -> list[str]:
    """Accounts paying in the AsOf month: the ones that get a QBR."""
    now = data.mrr[(data.mrr["month"] == as_of) & (data.mrr["mrr"] > 0)]
    return sorted(now["customer_id"].unique())


def qbr_file_name(account: str) -> str:
    """A file name for an account id that is safe on every file system, distinct for distinct ids."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", account).strip("._")[:60] or "account"
    if safe != account:
        safe += "_" + hashlib.sha1(account.encode()).hexdigest()[:6]
    return f"qbr_{safe}.xlsx"


# Each worker process keeps the data set it loaded, so a batch reads the input once per core.
_WORKER: dict[str, object] = {}


def _start_worker(load: Callable[[], Dataset]) -> None:
    _WORKER["data"] = load()


def _one(account: str, job: QbrJob, path: Path) -> tuple[str, str | None]:
    try:
        write_qbr(_WORKER["data"], account, job, path)
        return account, None
    except CsxlDataError as err:
        return account, str(err)
    except Exception as err:  # noqa: BLE001 - one bad account must not stop the batch; the reason is reported
        return account, f"{type(err).__name__}: {err}"


def write_all_qbrs(load: Callable[[], Dataset], accounts: list[str], job: QbrJob, out_dir: Path,
                   workers: int | None = None) -> Iterator[tuple[str, Path, str | None]]:
    """Write one QBR per account into `out_dir`; yields (account, path, error or None) as each finishes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    paths = {a: out_dir / qbr_file_name(a) for a in accounts}
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(load,)) as pool:
        futures = [pool.submit(_one, a, job, paths[a]) for a in accounts]
        for future in as_completed(futures):
            account, error = future.result()
            yield account, paths[account], error
