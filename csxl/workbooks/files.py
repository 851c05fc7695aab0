"""Writing workbooks without losing anything.

A workbook is saved to a temporary file in the destination folder and renamed
into place, so a failure leaves what was there. An output path that is one of
the inputs is refused before any work is done.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

from csxl.data.readers import read_in_folder
from csxl.errors import CsxlDataError


def refuse_overwriting_inputs(output: Path, inputs: Iterable[Path]) -> None:
    """Raise if `output` is an input, or a file that reading an input folder would read.

    A workbook written into the data folder would be read as data the next
    time (csxl reads every workbook there), so it is refused even when new.
    """
    target = Path(output).resolve()
    for source in inputs:
        source = Path(source).resolve()
        in_folder = source.is_dir() and target.parent == source and read_in_folder(target)
        if target == source or (in_folder and target.exists()):
            raise CsxlDataError("the output would overwrite an input file", file=str(output),
                                fix="choose another output path")
        if in_folder:
            raise CsxlDataError(f"the output would be read as input the next time: csxl reads every workbook and "
                                f"table file in {source}", file=str(output),
                                fix="write it outside the data folder, e.g. out/")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_save(workbook: Workbook, path: Path) -> Path:
    """Save `workbook` to `path` through a temporary file renamed into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes the file private; an output is an ordinary file
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
