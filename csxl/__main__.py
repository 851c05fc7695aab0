"""`python -m csxl` runs the command line (csxl.entry: `csxl metrics` over plain Parquet first, then csxl.cli)."""

from csxl.entry import main

main()
