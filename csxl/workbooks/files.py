"""Writing workbooks and files without losing anything.

A workbook is saved to a temporary file in the destination folder and renamed
into place, so a failure leaves what was there; a set of files (the demo data)
is written to a temporary folder there and each file renamed into place,
replacing a file of the same name only when asked to. A temporary name says
which process writes it, so that the next run can remove what a killed one left.

An output path that is one of the inputs, or that cannot be written (a folder,
a device, a name too long, a read-only place), is refused before any work is
done; what fails only while writing (a full disk) is one error naming the file
and the reason in words.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from csxl.data.readers import read_in_folder
from csxl.errors import CsxlDataError


def refuse_overwriting_inputs(output: Path, inputs: Iterable[Path]) -> None:
    """Raise if `output` is an input, an input folder, or a file that reading an input folder would read.

    A workbook written into the data folder would be read as data the next
    time (csxl reads every workbook there), so it is refused even when new.
    """
    target = Path(output).resolve()
    for source in inputs:
        source = Path(source).resolve()
        if source.is_dir() and target == source:
            raise CsxlDataError(f"the output would be written into the input folder {source}, which csxl reads",
                                file=str(output), fix="write it outside the data folder, e.g. out/")
        in_folder = source.is_dir() and target.parent == source and read_in_folder(target)
        if target == source or (in_folder and target.exists()):
            raise CsxlDataError("the output would overwrite an input file", file=str(output),
                                fix="choose another output path")
        if in_folder:
            raise CsxlDataError(f"the output would be read as input the next time: csxl reads every workbook and "
                                f"table file in {source}", file=str(output),
                                fix="write it outside the data folder, e.g. out/")


# What a failed write means to the person who asked for it, and what to do about it.
_REASONS = {
    # first, so that where errno has no EDQUOT (Windows) the ENOSPC entry below replaces it
    getattr(errno, "EDQUOT", errno.ENOSPC): ("the disk quota is used up", "free some space, or write elsewhere"),
    errno.ENOSPC: ("the disk is full", "free some space, or write elsewhere"),
    errno.EFBIG: ("the file is larger than this system allows", "write elsewhere"),
    errno.EROFS: ("the file system is read-only", "write elsewhere, e.g. to a folder in your home"),
    errno.EACCES: ("permission denied", "write to a folder you may write to"),
    errno.EPERM: ("permission denied", "write to a folder you may write to"),
    errno.ENAMETOOLONG: ("the file name is too long", "choose a shorter name"),
    errno.EISDIR: ("it is a folder", "give a file name"),
    errno.ENOTDIR: ("part of the path is a file, not a folder", "check the path"),
}
# Longest file name, in bytes, on the common file systems (ext4, APFS, NTFS in UTF-16 units)
NAME_MAX = 255


def os_error(err: OSError, path: Path | str | None = None, doing: str = "write") -> CsxlDataError:
    """A failed file operation as a user's error: which file, the reason in words, what to do."""
    reason, fix = _REASONS.get(err.errno or 0, (err.strerror or str(err), "check the path"))
    return CsxlDataError(f"cannot {doing} it: {reason}", file=str(path or err.filename or ""), fix=fix)


def check_output(path: Path, inputs: Iterable[Path] = (), *, folder: bool = False) -> Path:
    """Refuse, before any work is done, an output that cannot be written or would overwrite `inputs`; return it.

    A file output must not be an existing folder (`-o ""` and `-o .` name one), a name longer than file
    systems allow, or inside a file; a `folder` output must not be a file. Its nearest existing folder
    must be writable, so that a read-only place fails now rather than after the workbook is built.
    """
    path = Path(path)
    what = "folder" if folder else "file"
    for part in path.parts:  # first: asking a file system about a name too long for it is an error
        if len(os.fsencode(part)) > NAME_MAX:
            raise CsxlDataError(f"the {what} name is {len(os.fsencode(part))} bytes long, more than the "
                                f"{NAME_MAX} file systems allow", file=f"{str(path)[:60]}...",
                                fix="choose a shorter name")
    refuse_overwriting_inputs(path, inputs)
    _refuse_special(path)
    if path.is_dir() and not folder:
        raise CsxlDataError("the output is a folder, not a file", file=str(path) or ".",
                            fix="give a file name, e.g. out/report.xlsx")
    if path.exists() and not path.is_dir() and folder:
        raise CsxlDataError("the output is a file, not a folder", file=str(path),
                            fix="give a folder, e.g. out/")
    existing = path if folder else path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise CsxlDataError(f"{existing} is a file, not a folder", file=str(path), fix="check the path")
    if not os.access(existing, os.W_OK):
        raise CsxlDataError(f"cannot write in {existing.resolve()}: it is read-only or not yours", file=str(path),
                            fix="write elsewhere, e.g. to a folder in your home")
    return path


def _refuse_special(path: Path) -> None:
    """Refuse a device, pipe or socket (`-o /dev/null`, or a link to one): renaming a file onto it would replace
    the node itself, which a user never means."""
    if path.exists() and not path.is_dir() and not path.is_file():
        raise CsxlDataError("the output is not a regular file but a device, pipe or socket", file=str(path),
                            fix="write to a file, e.g. out/report.xlsx")


def _temporary_prefix(name: str) -> str:
    """The start of a temporary name: hidden (the folder reader skips it), and naming the process writing it,
    so that a later run can tell a file left by a killed run from one still being written. It must fit where
    the final name does: the random part and suffix add about 20 characters."""
    return f".{name[:NAME_MAX - 50]}-pid{os.getpid()}-"


# A temporary file or folder as _temporary_prefix names them, with tempfile's 8 random characters
_TEMPORARY = re.compile(r"\..*-pid(\d+)-[a-z0-9_]{8}(\.xlsx)?\.tmp")
# A temporary file untouched this long is stale whatever its process id says (ids are reused)
STALE_AFTER = datetime.timedelta(days=1)


def _abandoned(entry: os.DirEntry) -> bool:
    match = _TEMPORARY.fullmatch(entry.name)
    if not match:
        return False
    if time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER.total_seconds():
        return True
    pid = int(match[1])
    # Windows cannot ask about a process without signalling it: there only the age tells
    return os.name != "nt" and pid != os.getpid() and not process_exists(pid)


def process_exists(pid: int) -> bool:
    """Whether process `pid` exists (POSIX: signal 0 only asks)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, but is another user's
        pass
    return True


def remove_abandoned(folder: Path) -> list[str]:
    """Remove the temporary files and folders a killed csxl run left in `folder`; return their names.

    Only names of csxl's own making whose process is gone (or that are a day old) are touched: a run still
    writing in the same folder keeps its files.
    """
    try:
        abandoned = [entry for entry in os.scandir(folder) if _abandoned(entry)]
    except OSError:  # no folder yet, or not readable: nothing of ours in it
        return []
    for entry in abandoned:
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    return sorted(entry.name for entry in abandoned)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _SheetsInMemory(ExcelWriter):
    """openpyxl's writer, except that each sheet is serialised in memory rather than to a temporary file.

    openpyxl writes a sheet's XML to a file in the system's temporary folder, then copies it into the
    archive. With lxml (its serialiser when importable) a failed write there is a `SerialisationError`
    instead of an OSError, and a failure in the last buffer written, as the file closes, is not reported
    at all: the sheet is copied in empty or cut short and the workbook saved as if whole. In memory, the
    only file written is the archive, whose failures are OSErrors naming what went wrong. The price is the
    largest sheet's XML in memory while it is compressed: 222 MiB for 5,000 customers x 36 months.
    """

    def write_worksheet(self, ws: Worksheet) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def _save(workbook: Workbook, temp: str) -> None:
    """What `Workbook.save` does, except that a failed write closes the archive at once.

    openpyxl leaves a half-written archive to the garbage collector, whose second failed write (a full
    disk) then prints "Exception ignored in ZipFile.__del__" after csxl's own message.
    """
    archive = ZipFile(temp, "w", ZIP_DEFLATED, allowZip64=True)
    try:
        workbook.properties.modified = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        _SheetsInMemory(workbook, archive).save()
    except BaseException:
        with contextlib.suppress(OSError, ValueError):
            archive.close()
        raise


def atomic_save(workbook: Workbook, path: Path) -> Path:
    """Save `workbook` to `path` through a temporary file renamed into place; return `path`.

    A `path` that is a symbolic link is written through: the file it points to is replaced and the link
    kept. A device, pipe or socket is refused, and a file system error (a full disk, a read-only folder)
    becomes a `CsxlDataError` naming `path`.
    """
    path = Path(path)
    _refuse_special(path)
    target = path.resolve() if path.is_symlink() else path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=_temporary_prefix(target.stem), suffix=".xlsx.tmp",
                                        dir=target.parent)
        os.close(handle)
    except OSError as err:
        raise os_error(err, path) from None
    try:
        _save(workbook, temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes the file private; an output is an ordinary file
        os.replace(temp, target)
    except BaseException as err:
        Path(temp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise os_error(err, path) from None
        raise
    return path


def publish_files(write: Callable[[Path], list[Path]], folder: Path, replace: bool = False) -> list[Path]:
    """Have `write` make its files in a temporary folder inside `folder`, then rename each into `folder`.

    A full disk or a killed run leaves no half-written file in `folder`. Files of the same names already
    there are refused, all named in one error before any is touched, unless `replace`.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=_temporary_prefix(folder.name), suffix=".tmp", dir=folder))
    except OSError as err:
        raise os_error(err, folder) from None
    try:
        made = write(staging)
        targets = [folder / file.name for file in made]
        existing = [target.name for target in targets if target.exists() or target.is_symlink()]
        if existing and not replace:
            raise CsxlDataError(f"the folder already has {', '.join(existing)}, which this would replace",
                                file=str(folder), fix="choose an empty folder, or add --force to replace them")
        for file, target in zip(made, targets):
            _refuse_special(target)
            os.replace(file, target)
    except OSError as err:
        raise os_error(err, folder) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return targets
