"""Nothing lost: outputs never overwrite or join the inputs, and a failed save leaves what was there."""

import errno
import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from csxl.data.demo import write_demo_csv
from csxl.data.load import load
from csxl.errors import CsxlDataError
from csxl.workbooks.files import atomic_save, refuse_overwriting_inputs, remove_abandoned


def test_an_output_that_is_an_input_is_refused(tmp_path):
    data = tmp_path / "mrr.csv"
    data.write_text("customer_id,month,mrr\nA,2026-01,10\n")
    with pytest.raises(CsxlDataError, match="overwrite an input"):
        refuse_overwriting_inputs(data, [data])
    with pytest.raises(CsxlDataError, match="overwrite an input"):
        refuse_overwriting_inputs(data, [tmp_path])
    assert data.read_text().startswith("customer_id")


@pytest.mark.parametrize("name", ["qbr.xlsx", "QBR_C0001.XLSM", "customers.csv", "clientes.parquet"])
def test_a_new_file_the_folder_reader_would_read_is_refused(tmp_path, name):
    (tmp_path / "mrr.csv").write_text("customer_id,month,mrr\nA,2026-01,10\n")
    with pytest.raises(CsxlDataError, match=r"read as input the next time.*write it outside the data folder"):
        refuse_overwriting_inputs(tmp_path / name, [tmp_path])


@pytest.mark.parametrize("name", ["notes.csv", "report.pdf", "out/qbr.xlsx", ".qbr.xlsx"])
def test_files_the_folder_reader_ignores_may_go_beside_the_data(tmp_path, name):
    (tmp_path / "mrr.csv").write_text("customer_id,month,mrr\nA,2026-01,10\n")
    refuse_overwriting_inputs(tmp_path / name, [tmp_path])  # allowed, because the next load does not read it:
    (tmp_path / name).parent.mkdir(exist_ok=True)
    (tmp_path / name).write_bytes(b"not a table at all \x00\xff")
    data = load(tmp_path)
    assert data.mrr["mrr"].tolist() == [10.0] and data.customers is None


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "qbr.xlsx"
    old = openpyxl.Workbook()
    old.active["A1"] = "last quarter"
    atomic_save(old, path)
    before = path.read_bytes()
    new = openpyxl.Workbook()
    new.active["A1"] = "this quarter"

    def full_disk(self, name, data, *args, **kwargs):
        self.fp.write(b"half a part")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full_disk)
    with pytest.raises(CsxlDataError, match=f"{path}: cannot write it: the disk is full"):
        atomic_save(new, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["qbr.xlsx"]


def test_a_save_writes_no_file_but_the_workbook(tmp_path):
    """Under a file size limit of 50 KB a 16 KB workbook is saved whole, though its sheet's XML is 186 KB.

    openpyxl would write that XML to a temporary file first, elsewhere (maybe another, fuller disk), where
    lxml reports a failed write as no OSError or, in its last buffer, not at all: a sheet cut short.
    """
    save = ("import resource, sys, openpyxl\n"
            "from csxl.workbooks.files import atomic_save\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))\n"
            "wb = openpyxl.Workbook()\n"
            "for r in range(1, 2001):\n"
            "    wb.active.cell(r, 1).value = 'the same words on every row'\n"
            "atomic_save(wb, sys.argv[1])\n")
    path = tmp_path / "big.xlsx"
    done = subprocess.run([sys.executable, "-c", save, path], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert 10_000 < path.stat().st_size < 50_000
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 150_000
    rows = [row for row, in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
    assert rows == ["the same words on every row"] * 2000


def test_a_link_to_a_file_is_written_through_and_kept(tmp_path):
    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "qbr.xlsx"
    target.write_text("last quarter")
    link = tmp_path / "qbr.xlsx"
    link.symlink_to(target)
    wb = openpyxl.Workbook()
    wb.active["A1"] = "this quarter"
    assert atomic_save(wb, link) == link
    assert link.is_symlink() and link.resolve() == target
    assert openpyxl.load_workbook(target).active["A1"].value == "this quarter"  # own cell
    assert sorted(os.listdir(tmp_path / "shared")) == ["qbr.xlsx"]


def test_a_pipe_is_never_replaced_by_a_file(tmp_path):
    """A named pipe stands for every node that is not a regular file (/dev/null itself would be at risk here)."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    link = tmp_path / "qbr.xlsx"
    link.symlink_to(pipe)
    for path in (pipe, link):
        with pytest.raises(CsxlDataError, match="not a regular file but a device, pipe or socket"):
            atomic_save(openpyxl.Workbook(), path)
    assert link.is_symlink() and link.resolve() == pipe and stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(os.listdir(tmp_path)) == ["pipe", "qbr.xlsx"]


def test_the_temporary_file_of_a_killed_run_is_removed_by_the_next_run_into_that_folder(tmp_path):
    write_demo_csv(tmp_path / "data")
    out = tmp_path / "out"
    out.mkdir()
    command = [Path(sys.executable).parent / "csxl", "portfolio", tmp_path / "data", "-o", out / "portfolio.xlsx"]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (left := [p.name for p in out.glob(".portfolio-*.tmp")]) and run.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    run.kill()
    run.wait()
    assert len(left) == 1 and os.listdir(out) == left, "the run was not caught saving"
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stderr == f"csxl: warning: removed 1 temporary file(s) left by an interrupted run: {left[0]}\n"
    assert os.listdir(out) == ["portfolio.xlsx"]


def test_temporary_files_of_runs_still_going_and_other_files_are_kept(tmp_path):
    mine = atomic_save(openpyxl.Workbook(), tmp_path / "kept.xlsx")
    alive = tmp_path / f".qbr-pid{os.getpid()}-abcd1234.xlsx.tmp"  # this very process is writing it
    names = [".qbr-abcd1234.xlsx.tmp", "notes.tmp", ".hidden", alive.name]
    for name in names:
        (tmp_path / name).write_text("not ours to remove")
    assert remove_abandoned(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == sorted(names + [mine.name])
