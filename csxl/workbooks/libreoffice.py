"""Recalculating and rendering generated workbooks with headless LibreOffice.

openpyxl writes formulas without their values; LibreOffice computes them when
it loads the file. Converting to xlsx therefore yields a recalculated copy
whose values openpyxl can read (`data_only=True`); converting to pdf renders
what a reader sees. Each call uses its own LibreOffice profile so parallel
test workers never share one.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from csxl.errors import CsxlDataError


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise CsxlDataError("LibreOffice (soffice) is not installed",
                            fix="install it: apt-get install libreoffice-calc-nogui, or run `make test`")
    return path


# A fresh profile with the locale set, so LibreOffice shows numbers and dates the way that language's Excel does.
_LOCALE_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
</oor:items>
"""


def convert(files: Iterable[Path], out_dir: Path, to: str = "xlsx", timeout: float = 600,
            locale: str | None = None) -> list[Path]:
    """Convert workbooks with LibreOffice (recalculating them); returns the converted paths.

    `locale` (a BCP 47 tag such as pt-BR) sets the separators and month names a
    rendered pdf shows; by default LibreOffice follows the machine's locale.
    """
    files = [Path(f).resolve() for f in files]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="csxl-lo-profile-") as profile:
        if locale:
            (Path(profile) / "user").mkdir()
            (Path(profile) / "user" / "registrymodifications.xcu").write_text(_LOCALE_PROFILE.format(locale=locale))
        command = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                   "--convert-to", to, "--outdir", str(out_dir), *map(str, files)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    converted = [out_dir / f"{f.stem}.{to.split(':')[0]}" for f in files]
    missing = [c for c in converted if not c.exists()]
    if done.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice could not convert {missing or files}: {done.stderr.strip()}")
    return converted


def recalculated(path: Path, out_dir: Path) -> Path:
    """A copy of `path` with every formula computed by LibreOffice."""
    return convert([path], out_dir, "xlsx")[0]
