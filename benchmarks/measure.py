"""Timing and memory of one workload, printed with its target and the ratio to it."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path


def measure(name: str, work: Callable[[], object], target_seconds: float, repeat: int = 3) -> float:
    """Best wall time of `repeat` runs and the peak Python memory of one; prints one line."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name:<58} {best:8.3f} s   target {target_seconds:7.3f} s   ratio {best / target_seconds:5.2f}   "
          f"peak {peak / 2**20:7.1f} MiB", flush=True)
    return best


def measure_command(name: str, args: list[str], target_seconds: float, repeat: int = 1) -> float:
    """Wall time of a whole `csxl ARGS` process - start-up, reading the files, writing - as a user waits for it:
    the best of `repeat` runs (and their median when there are several), the machine's other work being noise.

    Runs may write the compiled bytecode of csxl's modules, and with several runs an untimed one writes it
    first: an installed csxl has it (pip compiles it), while an environment with PYTHONDONTWRITEBYTECODE
    would make every timed run compile each module again, a cost no user pays.
    """
    command = [str(Path(sys.executable).with_name("csxl")), *args]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if repeat > 1:
        subprocess.run(command, check=True, capture_output=True, env=env)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    best = min(times)
    spread = f"   median {statistics.median(times):6.3f} s of {repeat}" if repeat > 1 else ""
    print(f"{name:<58} {best:8.3f} s   target {target_seconds:7.3f} s   ratio {best / target_seconds:5.2f}{spread}",
          flush=True)
    return best
