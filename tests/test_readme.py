"""Every command-line example in the README runs as written on the demo data, and the command is where it says.

The README's ```sh blocks are read; each line that starts with `csxl ` runs in a shell, in one folder
where the README's own first example, `csxl demo-data demo/`, was run. Each must exit 0 and show
something: output on the terminal, or the file or folder it was asked to write.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # every README example, a batch of 300 QBRs among them: not in `make test-fast`

README = Path(__file__).resolve().parent.parent / "README.md"
BIN = Path(sys.executable).parent


def sh_blocks(text: str) -> list[list[str]]:
    """The csxl command lines of each ```sh block, in order."""
    blocks = re.findall(r"^```sh\n(.*?)^```", text, flags=re.M | re.S)
    return [lines for block in blocks if (lines := [line for line in block.splitlines() if line.startswith("csxl ")])]


BLOCKS = sh_blocks(README.read_text(encoding="utf-8"))
FIRST = BLOCKS[0][0]


def run(line: str, folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", line], cwd=folder, env=env, capture_output=True, text=True, timeout=600)


def written(line: str, folder: Path) -> Path | None:
    """What the line asks to write: its -o file or folder, or the file its output is redirected to."""
    words = shlex.split(line, comments=True)
    for flag in ("-o", ">"):
        if flag in words:
            return folder / words[words.index(flag) + 1]
    return folder / words[2] if words[1] == "demo-data" else None


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder prepared by the README's first example, which gives every other one its data."""
    folder = tmp_path_factory.mktemp("readme")
    done = run(FIRST, folder)
    assert done.returncode == 0, done.stderr
    assert (folder / "demo" / "mrr.csv").stat().st_size > 0
    return folder


def test_the_first_example_writes_the_demo_data_the_others_use():
    assert shlex.split(FIRST, comments=True) == ["csxl", "demo-data", "demo/"]


def test_the_command_is_where_the_readme_says_after_make_demo():
    text = README.read_text(encoding="utf-8")
    assert "After `make demo` the command is `.venv/bin/csxl`; `source .venv/bin/activate`" in text
    venv = README.parent / ".venv" / "bin"  # made by make demo, and by make test, which runs this
    assert (venv / "csxl").is_file() and (venv / "activate").is_file()


@pytest.mark.parametrize("block", BLOCKS, ids=lambda block: block[0].split("#")[0].strip())
def test_every_example_runs_as_written(block, folder):
    for line in block:
        if line == FIRST:
            continue
        done = run(line, folder)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        target = written(line, folder)
        if target is None:
            assert done.stdout.strip(), f"{line} printed nothing"
        elif target.is_dir():
            assert any(target.iterdir()), f"{line} wrote nothing into {target}"
        else:
            assert target.stat().st_size > 0, f"{line} wrote an empty {target}"
