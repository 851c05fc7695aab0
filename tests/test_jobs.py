"""QBR batches: a file per account whatever the ids, the template's warnings told once, a dead worker in the summary."""

import contextlib
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from functools import partial
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import csxl.data.load
from csxl.cli import app
from csxl.errors import CsxlDataError
from csxl.workbooks import jobs
from csxl.workbooks.files import atomic_save
from csxl.workbooks.labels import Locale
from csxl.workbooks.qbr import qbr_template

runner = CliRunner()
# b and c pay in March 2026, a does not: a batch for 2026-03 writes two QBRs
BOOK = "customer_id,month,mrr\na,2026-01,100\nb,2026-01,50\na,2026-02,120\nb,2026-03,60\nc,2026-03,10\n"
real_load = csxl.data.load.load
AS_OF = pd.Timestamp("2026-03-01")


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "mrr.csv"
    path.write_text(BOOK)
    return path


def flat(text: str) -> str:
    """Console output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_a_batch_prints_the_template_warnings_once(book, tmp_path):
    template = tmp_path / "pivot.xlsx"
    shutil.copy(atomic_save(qbr_template(Locale("en")), tmp_path / "plain.xlsx"), template)
    with zipfile.ZipFile(template, "a") as package:
        package.writestr("xl/pivotTables/pivotTable1.xml", "<pivotTableDefinition/>")
    out = tmp_path / "qbrs"
    result = runner.invoke(app, ["qbr", str(book), "--all", "--as-of", "2026-03", "--template", str(template),
                                 "--currency", "USD", "-o", str(out)])  # stated: no warning that it was assumed
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["qbr_b.xlsx", "qbr_c.xlsx"]
    stderr = flat(result.stderr)
    assert stderr.count("csxl: warning:") == 1 and stderr.count("pivot tables") == 1


def test_a_batch_with_an_unreadable_template_is_one_error(book, tmp_path):
    template = tmp_path / "not_a_workbook.xlsx"
    template.write_text("hello")
    result = runner.invoke(app, ["qbr", str(book), "--all", "--as-of", "2026-03", "--template", str(template),
                                 "-o", str(tmp_path / "qbrs")])
    assert result.exit_code == 2 and flat(result.stderr).count("cannot open the template") == 1


def load_then_die_on_c(path, **options):
    """The data loader, which in a worker process (not in the command itself) makes writing c's QBR kill it.

    A worker runs the loader first, so the trap is set inside the worker whatever the start method.
    """
    if multiprocessing.parent_process() is not None:
        write = jobs.write_qbr

        def write_or_die(data, account, job, out):
            if account == "c":
                os._exit(1)  # as the kernel's out-of-memory killer would end it: no exception, no cleanup
            return write(data, account, job, out)

        jobs.write_qbr = write_or_die
    return real_load(path, **options)


def test_a_worker_that_dies_ends_in_the_summary_not_a_traceback(book, tmp_path, monkeypatch):
    monkeypatch.setattr(csxl.data.load, "load", load_then_die_on_c)
    out = tmp_path / "qbrs"
    result = runner.invoke(app, ["qbr", str(book), "--all", "--as-of", "2026-03", "-o", str(out)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    stdout = flat(result.stdout)
    assert f"c: {jobs.WORKER_DIED}" in stdout and not (out / "qbr_c.xlsx").exists()
    # b was written, or is listed as not written if the pool broke before it was done: never neither
    written = (out / "qbr_b.xlsx").exists()
    assert written != (f"b: {jobs.WORKER_DIED}" in stdout)
    assert f"{int(written)} QBRs written to {out.resolve()}, {2 - int(written)} failed" in stdout
    assert "Traceback" not in result.output


def test_with_one_worker_the_accounts_before_the_death_are_written(book, tmp_path):
    results = {a: (p, e) for a, p, e in jobs.write_all_qbrs(
        partial(load_then_die_on_c, book), ["b", "c"], jobs.QbrJob(AS_OF, Locale("en")), tmp_path,
        workers=1)}
    assert results["b"][1] is None and results["b"][0].exists()
    assert results["c"][1] == jobs.WORKER_DIED and not results["c"][0].exists()


def broken_load():
    raise OSError("the data folder went away")


def test_a_loader_failing_in_the_workers_is_reported_for_each_account(tmp_path, capfd):
    results = list(jobs.write_all_qbrs(broken_load, ["b", "c"], jobs.QbrJob(AS_OF, Locale("en")),
                                       tmp_path, workers=2))
    assert sorted(a for a, _, _ in results) == ["b", "c"]
    assert all(e == "cannot load the data in a worker: the data folder went away" for _, _, e in results)
    assert "Traceback" not in capfd.readouterr().err



def written_ids(path, ids):
    """Which of `ids` the workbook at `path` holds as a cell value."""
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb for row in ws.iter_rows() for c in row} & set(ids)


def test_ids_whose_file_names_would_collide_get_a_file_each(tmp_path):
    # '../../x' sanitised is 'x' + the hash of '../../x', which is 9bdbf2; ACME and acme are one file on Windows
    ids = ["../../x", "x_9bdbf2", "ACME", "acme"]
    (tmp_path / "mrr.csv").write_text("customer_id,month,mrr\n" + "".join(f"{i},2026-03,10\n" for i in ids))
    out = tmp_path / "qbrs"
    result = runner.invoke(app, ["qbr", str(tmp_path / "mrr.csv"), "--all", "--as-of", "2026-03", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 QBRs written" in result.stdout
    files = list(out.iterdir())
    assert len({f.name.lower() for f in files}) == 4
    assert sorted(i for f in files for i in written_ids(f, ids)) == sorted(ids)  # each file holds one account


SAFE_NAME = re.compile(r"qbr_[A-Za-z0-9_.-]{1,80}\.xlsx")


def assert_own_safe_names(ids):
    try:
        paths = jobs.qbr_paths(ids, Path("out"))
    except CsxlDataError as err:  # allowed, when it names two ids whose names would be alike
        assert "would get the same QBR file" in str(err)
        return
    names = [p.name for p in paths.values()]
    assert sorted(paths) == sorted(ids)
    assert len({n.lower() for n in names}) == len(ids), names
    assert all(SAFE_NAME.fullmatch(n) for n in names), names
    assert all(p.parent == Path("out") for p in paths.values())


@given(st.lists(st.text(min_size=1, max_size=70), min_size=2, max_size=6, unique=True))
def test_every_account_gets_its_own_safe_file_name_whatever_the_ids(ids):
    assert_own_safe_names(ids)


@given(st.text(min_size=1, max_size=70))
def test_an_id_and_its_lookalikes_get_their_own_file_names(account):
    """The ids most likely to collide with one: itself in other cases, and the name its own file gets."""
    own_name = jobs.qbr_paths([account], Path("out"))[account].stem.removeprefix("qbr_")
    assert_own_safe_names(sorted({account, account.upper(), account.lower(), account.swapcase(), own_name}))


CSXL = Path(sys.executable).parent / "csxl"


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from Linux's /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether `pid` is alive: not gone, and not a zombie waiting for a parent to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from Linux's /proc")
def test_killing_a_batch_with_sigkill_ends_its_workers(tmp_path):
    from csxl.data.demo import write_demo_csv

    write_demo_csv(tmp_path / "data", customers=80)
    out = tmp_path / "qbrs"
    batch = subprocess.Popen([CSXL, "qbr", tmp_path / "data", "--all", "-o", out],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: any(out.glob("qbr_*.xlsx")), 120), "the batch wrote nothing"
        workers = children(batch.pid)
        assert workers, "the batch has no worker processes"
    finally:
        batch.kill()
        batch.wait()
    try:
        assert wait_for(lambda: not any(running(w) for w in workers), 5), "a worker outlived the command"
    finally:  # a worker that did not end would write on and then wait forever
        for worker in filter(running, workers):
            os.kill(worker, signal.SIGKILL)
    written = sorted(out.iterdir())
    time.sleep(1)
    assert sorted(out.iterdir()) == written  # nothing more is written
    assert all(p.name.startswith("qbr_") and p.suffix == ".xlsx" for p in written)  # no temporary file left


BATCH_UNDER = """
import multiprocessing, sys
from functools import partial
from pathlib import Path
import pandas as pd
from csxl.data.load import load
from csxl.workbooks import jobs
from csxl.workbooks.labels import Locale
if __name__ == "__main__":
    multiprocessing.set_start_method(sys.argv[1])
    for account, path, error in jobs.write_all_qbrs(partial(load, sys.argv[2]), ["b", "c"],
                                                    jobs.QbrJob(pd.Timestamp("2026-03-01"), Locale("en")),
                                                    Path(sys.argv[3]), workers=2):
        print(account, error)
"""


@pytest.mark.parametrize("start", ["spawn", "forkserver"])
def test_workers_not_started_by_fork_write_their_qbrs(book, tmp_path, start):
    """A fork server's workers have the server as parent, not the command: they must not take it for dead."""
    script = tmp_path / "batch.py"
    script.write_text(BATCH_UNDER)
    done = subprocess.run([sys.executable, script, start, book, tmp_path / "out"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == ["b None", "c None"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["qbr_b.xlsx", "qbr_c.xlsx"]
