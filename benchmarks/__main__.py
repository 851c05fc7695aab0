"""Run every benchmarks/bench_*.py module's main(), or the ones named on the command line (sql or bench_sql)."""

import importlib
import pkgutil
import sys

import benchmarks

names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
# modules named with or without bench_ (`python -m benchmarks sql --rows 100M`); the options are theirs to read
wanted = {f"bench_{a}" if f"bench_{a}" in names else a for a in sys.argv[1:] if not a.startswith("-")}
for module in names:
    if not wanted & set(names) or module in wanted:
        print(f"== {module}")
        importlib.import_module(f"benchmarks.{module}").main()
