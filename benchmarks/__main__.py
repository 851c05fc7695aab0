"""Run every benchmarks/bench_*.py module's main(), or the ones named on the command line."""

import importlib
import pkgutil
import sys

import benchmarks

wanted = sys.argv[1:]
for module in sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")):
    if not wanted or module in wanted:
        print(f"== {module}")
        importlib.import_module(f"benchmarks.{module}").main()
