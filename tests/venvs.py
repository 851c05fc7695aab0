"""Fresh virtual environments for the tests that prove how csxl installs: from its built wheel, never the checkout.

Building the wheel and each environment takes seconds to tens of seconds, so each is made once per test
session, under pytest's session temporary directory. pip takes the packages from its configured indexes and
cache. No environment sees the system's or the test runner's site-packages.
"""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a command, failing with its output when it fails."""
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd)
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@functools.cache
def built(where: Path) -> tuple[Path, Path]:
    """The wheel and the sdist `python -m build` makes of the checkout (the wheel is built from the sdist)."""
    run(sys.executable, "-m", "build", "--outdir", where, ROOT)
    (wheel,), (sdist,) = where.glob("csxl-*.whl"), where.glob("csxl-*.tar.gz")
    return wheel, sdist


@functools.cache
def environment(where: Path, *installs: str, python: str = sys.executable) -> Path:
    """A new virtual environment with `installs`, each a `pip install` argument list joined by spaces; its python."""
    run(python, "-m", "venv", where)
    bin_dir = where / ("Scripts" if sys.platform == "win32" else "bin")
    for install in installs:
        run(bin_dir / "python", "-m", "pip", "install", "--quiet", *install.split(" "))
    return bin_dir / "python"
