"""Recalculating and rendering generated workbooks with headless LibreOffice.

openpyxl writes formulas without their values; LibreOffice computes them when
it loads the file. Converting to xlsx therefore yields a recalculated copy
whose values openpyxl can read (`data_only=True`); converting to pdf renders
what a reader sees. Each call uses its own LibreOffice profile so parallel
test workers never share one, and one process converts all the files of a
call: starting LibreOffice takes longer than converting a workbook.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from csxl.errors import CsxlDataError


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise CsxlDataError("LibreOffice (soffice) is not installed",
                            fix="install it: apt-get install libreoffice-calc-nogui, or run `make test`")
    return path


class LibreOfficeError(RuntimeError):
    """LibreOffice failed, or did not finish in time."""


# A fresh profile with the locale set, so LibreOffice shows numbers and dates the way that language's Excel does.
_LOCALE_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
</oor:items>
"""


@dataclass(frozen=True)
class Conversion:
    """What one LibreOffice run made: each input's converted file, or None where it made none."""

    outputs: dict[Path, Path | None]
    returncode: int
    stderr: str

    @property
    def missing(self) -> list[Path]:
        return [source for source, made in self.outputs.items() if made is None]


def _wait(process: subprocess.Popen, timeout: float, watch: Callable[[], None] | None) -> None:
    """Wait for `process`, calling `watch` as it works. On timeout, or when the wait itself is interrupted
    (Ctrl-C), end its whole process group: soffice is a script that starts soffice.bin, which killing the script
    alone would leave running, and a process of its own session hears no Ctrl-C."""
    deadline = time.monotonic() + timeout
    try:
        while process.poll() is None:
            if watch:
                watch()
            if time.monotonic() > deadline:
                raise LibreOfficeError(f"LibreOffice did not finish within {timeout:.0f} s")
            time.sleep(0.2)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def convert_each(files: Iterable[Path], out_dir: Path, to: str = "xlsx", timeout: float = 600,
                 locale: str | None = None, progress: Callable[[int], None] | None = None) -> Conversion:
    """Convert workbooks with one LibreOffice process (recalculating them), keeping going past a file it cannot
    convert; `progress(n)` hears how many converted files are in `out_dir` while it works.

    `locale` (a BCP 47 tag such as pt-BR) sets the separators and month names a
    rendered pdf shows; by default LibreOffice follows the machine's locale.
    """
    files = [Path(f).resolve() for f in files]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = to.split(":")[0]
    expected = {f: out_dir / f"{f.stem}.{suffix}" for f in files}

    def watch() -> None:
        if progress:
            progress(sum(target.exists() for target in expected.values()))

    with tempfile.TemporaryDirectory(prefix="csxl-lo-profile-") as profile:
        if locale:
            (Path(profile) / "user").mkdir()
            (Path(profile) / "user" / "registrymodifications.xcu").write_text(_LOCALE_PROFILE.format(locale=locale))
        command = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                   "--convert-to", to, "--outdir", str(out_dir), *map(str, files)]
        log = Path(profile) / "stderr.txt"  # a file, not a pipe: a long log cannot fill a pipe and stall it
        with log.open("w") as stderr:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
            _wait(process, timeout, watch)
        errors = log.read_text(errors="replace").strip()
    watch()
    return Conversion({f: target if target.exists() else None for f, target in expected.items()},
                      process.returncode, errors)


def convert(files: Iterable[Path], out_dir: Path, to: str = "xlsx", timeout: float = 600,
            locale: str | None = None) -> list[Path]:
    """Convert workbooks with LibreOffice (recalculating them); returns the converted paths, or raises
    `LibreOfficeError` when any is missing."""
    done = convert_each(files, out_dir, to, timeout, locale)
    if done.returncode != 0 or done.missing:
        raise LibreOfficeError(f"LibreOffice could not convert {done.missing or list(done.outputs)}: {done.stderr}")
    return [made for made in done.outputs.values() if made is not None]


def recalculated(path: Path, out_dir: Path) -> Path:
    """A copy of `path` with every formula computed by LibreOffice."""
    return convert([path], out_dir, "xlsx")[0]
