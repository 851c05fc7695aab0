"""Running workbook jobs: one QBR, or one per account in parallel over the machine's cores.

A batch never stops at a bad account: each account's failure is caught in its
worker and reported with its reason in the closing summary. A worker process
that dies (out of memory, killed) cannot report anything, so the accounts it
leaves unwritten are reported as such instead of ending the batch with a
traceback. Workers load the data once each (not once per account) and write
each file atomically. The template's warnings are the same for every account,
so a batch computes them once (`batch_warnings`) rather than in each worker.
Workers end with the command, even when it is killed with SIGKILL.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from csxl.data.dataset import Dataset
from csxl.errors import CsxlDataError
from csxl.workbooks.currency import book_locale, set_currency
from csxl.workbooks.files import atomic_save
from csxl.workbooks.labels import Locale
from csxl.workbooks.pdf import save_customer_copy
from csxl.workbooks.qbr import KIND


@dataclass(frozen=True)
class QbrJob:
    """What every QBR of a run shares."""

    as_of: pd.Timestamp
    locale: Locale  # its currency only supplies one the data does not state: each QBR is in its account's
    template: Path | None = None
    customer_copies: Path | None = None  # a folder for the copies the PDFs are printed from (csxl.workbooks.pdf)


def build_qbr(data: Dataset, account: str, job: QbrJob):
    """The filled QBR workbook of one account, and the template warnings."""
    return KIND.build(data, job.as_of, job.locale, job.template, account=account)


def write_qbr(data: Dataset, account: str, job: QbrJob, path: Path) -> tuple[Path, list[str]]:
    """Build and save one QBR; with `job.customer_copies`, also the copy of its customer pages a PDF is printed
    from, under the same file name in that folder."""
    wb, warnings = build_qbr(data, account, job)
    written = atomic_save(wb, Path(path))
    if job.customer_copies is not None:
        save_customer_copy(wb, job.customer_copies / written.name)
    return written, warnings


def batch_warnings(job: QbrJob, data: Dataset) -> list[str]:
    """The warnings every QBR of a batch shares, once (the workers' own copies are not collected): the
    template's, then the currency's.

    Opening the template here also refuses an unreadable one with one error before any worker starts, and so is
    a currency given that the data contradicts, instead of the same failure once per account. Over customers in
    several currencies each QBR is in its account's: then there is no currency to say anything about once.
    """
    wb, warnings = KIND.open(job.template) if job.template else (None, [])
    try:
        data.currency()
    except CsxlDataError:
        return warnings
    locale, assumed = book_locale(job.locale, data)
    return warnings + assumed + (set_currency(wb, locale) if wb is not None else [])


def accounts_with_mrr(data: Dataset, as_of: pd.Timestamp) -> list[str]:
    """Accounts paying in the AsOf month: the ones that get a QBR."""
    now = data.mrr[(data.mrr["month"] == as_of) & (data.mrr["mrr"] > 0)]
    return sorted(now["customer_id"].unique())


def _hash(account: str) -> str:
    return hashlib.sha1(account.encode()).hexdigest()[:6]


# The end of a name that carries a hash, as `qbr_paths` writes it: an id that already ends so gets one too.
_HASHED = re.compile(r"_[0-9a-f]{6}$", re.IGNORECASE)


def qbr_paths(accounts: Iterable[str], out_dir: Path) -> dict[str, Path]:
    """A QBR file per account in `out_dir`, safe on every file system and distinct where case is ignored.

    Windows and macOS compare file names without case, so `ACME` and `acme` would share a file there. An id is
    its own name when it is safe as it is (letters, digits, `_.-`), unique without case and not ending like a
    hashed name; any other id gets the first 6 hex digits of the SHA-1 of the id as written (`a/b` becomes
    `qbr_a_b_` and those digits). Two names still alike (two such hashes equal) are refused rather than one
    file overwriting the other.
    """
    safe = {a: re.sub(r"[^A-Za-z0-9_.-]+", "_", a).strip("._")[:60] or "account" for a in accounts}
    uses = Counter(name.lower() for name in safe.values())
    names = {a: name if name == a and uses[name.lower()] == 1 and not _HASHED.search(name) else f"{name}_{_hash(a)}"
             for a, name in safe.items()}
    seen: dict[str, str] = {}
    for account, name in names.items():
        other = seen.setdefault(name.lower(), account)
        if other != account:
            raise CsxlDataError(f"the accounts {other!r} and {account!r} would get the same QBR file, "
                                f"qbr_{name}.xlsx", fix="write one of them with --account ID -o FILE.xlsx")
    return {a: out_dir / f"qbr_{name}.xlsx" for a, name in names.items()}


# Each worker process keeps the data set it loaded, so a batch reads the input once per core.
_WORKER: dict[str, object] = {}


# Why the accounts of a dead worker were not written; the process cannot say more, the pool only sees it gone.
WORKER_DIED = ("not written: a process writing QBRs stopped abruptly (out of memory or killed); "
               "write this account again with --account")


class _CommandGone(BaseException):
    """Unwinds the QBR a worker is writing when the command that started it has died (its temporary file is
    removed on the way), so the worker can exit. Not an Exception: nothing on the way may catch it."""


def _stop(signum: int, frame: object) -> None:
    """SIGTERM in a worker: unwind the QBR being written, or exit at once when idle (an exception raised while
    waiting for work would end in the pool's traceback on a terminal the command has left)."""
    if _WORKER.get("writing"):
        raise _CommandGone
    os._exit(1)


def _watch() -> None:
    """Wait for the command to end, then stop this worker: the portable way, through the handle on its parent
    that multiprocessing gives every child (whatever the start method: fork, spawn, or a fork server)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os.kill(os.getpid(), signal.SIGTERM)


_PR_SET_PDEATHSIG = 1  # from linux/prctl.h


def _exit_with_command() -> None:
    """Make this worker end when the command ends, even by `kill -9`, instead of writing QBRs no one asked
    for and then waiting for work forever.

    On Linux the kernel sends SIGTERM at the parent's death (prctl PR_SET_PDEATHSIG); everywhere, and for a
    parent dead before that was set, a thread waits for the parent to end.
    """
    signal.signal(signal.SIGTERM, _stop)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    threading.Thread(target=_watch, daemon=True, name="csxl-watch-command").start()


def _start_worker(load: Callable[[], Dataset]) -> None:
    """Tie this worker to the command, then load the data; a failure is kept and reported per account.

    An exception escaping an initializer would print a traceback and break the whole pool.
    """
    _exit_with_command()
    try:
        _WORKER["data"] = load()
    except Exception as err:  # noqa: BLE001 - reported for each account by _one
        _WORKER["error"] = f"cannot load the data in a worker: {err}"


def _one(account: str, job: QbrJob, path: Path) -> tuple[str, str | None]:
    if "error" in _WORKER:
        return account, str(_WORKER["error"])
    _WORKER["writing"] = True
    try:
        write_qbr(_WORKER["data"], account, job, path)  # type: ignore[arg-type]  # the worker's loaded Dataset
        return account, None
    except CsxlDataError as err:
        return account, str(err)
    except Exception as err:  # noqa: BLE001 - one bad account must not stop the batch; the reason is reported
        return account, f"{type(err).__name__}: {err}"
    except _CommandGone:
        os._exit(1)
    finally:
        _WORKER["writing"] = False


def write_all_qbrs(load: Callable[[], Dataset], accounts: list[str], job: QbrJob, out_dir: Path,
                   workers: int | None = None) -> Iterator[tuple[str, Path, str | None]]:
    """Write one QBR per account into `out_dir`; yields (account, path, error or None) as each finishes.

    Every account is yielded exactly once, even when a worker process dies: the pool is then broken and
    each account not yet written comes back with `WORKER_DIED` as its error. One whose file a worker saved
    before the pool broke (its result lost with the pool) is written: saving is atomic, so a file renamed into
    place since the batch began is whole. Which files were saved is looked at only once the pool has ended its
    workers, since a worker may still finish renaming its file after the pool is known to be broken.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    paths = qbr_paths(accounts, out_dir)
    began = time.time()
    lost: list[str] = []
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(load,)) as pool:
        futures = {}
        for account in accounts:
            try:
                futures[pool.submit(_one, account, job, paths[account])] = account
            except BrokenProcessPool:  # a worker died while the batch was still being handed out
                yield account, paths[account], WORKER_DIED
        lost = []  # accounts whose result the broken pool lost: told once its workers are gone
        for future in as_completed(futures):
            try:
                account, error = future.result()
            except BrokenProcessPool:
                lost.append(futures[future])
                continue
            yield account, paths[account], error
    # The pool marks its futures broken before it stops the other workers, so one of them may still rename its
    # file into place: what a lost account left is read only once the pool has shut down and every worker is gone.
    for account in lost:
        saved = paths[account].exists() and paths[account].stat().st_mtime >= began
        yield account, paths[account], None if saved else WORKER_DIED
