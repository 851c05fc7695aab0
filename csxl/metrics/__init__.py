"""The definitions: pure functions over numbers and DataFrames, no I/O."""
