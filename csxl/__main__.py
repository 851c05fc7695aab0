"""`python -m csxl` runs the command line."""

from csxl.cli import app

app()
