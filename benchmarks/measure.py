"""Timing and memory of one workload, printed with its target and the ratio to it."""

from __future__ import annotations

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


def measure_command(name: str, args: list[str], target_seconds: float) -> float:
    """Wall time of one whole `csxl ARGS` process - start-up, reading the files, writing - as a user waits for it."""
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("csxl")), *args], check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    print(f"{name:<58} {elapsed:8.3f} s   target {target_seconds:7.3f} s   ratio {elapsed / target_seconds:5.2f}",
          flush=True)
    return elapsed
