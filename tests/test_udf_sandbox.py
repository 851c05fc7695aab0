"""The Excel functions start no thread or process and open no socket: Pyodide (xlwings Lite) has none of them.

A fresh interpreter replaces threading.Thread.start, socket.socket, multiprocessing's Process.start,
subprocess.Popen and os.fork with functions that raise before csxl is even imported, then runs every
documented example (tests/examples.py) and a whole-column table."""

import json
import subprocess
import sys

from csxl.udfs import FUNCTIONS
from tests.venvs import ROOT

SANDBOX = """
import json, multiprocessing, os, socket, subprocess, sys, threading
used = []
def refuse(what):
    def refused(*args, **kwargs):
        used.append(what)
        raise RuntimeError(what + " is not available in Pyodide")
    return refused
threading.Thread.start = refuse("threading.Thread.start")
multiprocessing.Process.start = refuse("multiprocessing.Process.start")
subprocess.Popen = refuse("subprocess.Popen")
os.fork = refuse("os.fork")
class NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        refuse("socket.socket")()
socket.socket = NoSocket
sys.path.insert(0, sys.argv[1])
from tests.examples import disagreements
from csxl import udfs
wrong = disagreements()
data = [["customer", "month", "mrr"]] + [[f"c{i % 50}", 46023.0 + 31 * (i // 50), 10.0] for i in range(600)]
table = udfs.CS_MRR_MOVEMENTS(data + [[None, None, None]] * 10_000)
print(json.dumps({"functions": sorted(udfs.FUNCTIONS), "disagree": wrong, "used": used, "rows": len(table)}))
"""


def test_no_thread_process_or_socket_is_used():
    done = subprocess.run([sys.executable, "-c", SANDBOX, str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["used"] == []
    assert report["functions"] == sorted(FUNCTIONS) and report["disagree"] == {}
    assert report["rows"] == 13  # a header and twelve months


def test_the_sandbox_does_refuse_threads():
    """The patched entry points are the ones threads and pools go through: a thread pool is refused."""
    probe = SANDBOX.split("sys.path.insert")[0] + (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "try:\n    ThreadPoolExecutor(1).submit(print, 1)\nexcept RuntimeError:\n    pass\n"
        "try:\n    socket.create_connection(('127.0.0.1', 9))\nexcept RuntimeError:\n    pass\n"
        "print(json.dumps(used))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert json.loads(done.stdout) == ["threading.Thread.start", "socket.socket"], done.stderr
