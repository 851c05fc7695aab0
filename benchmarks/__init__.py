"""Measured workloads and their targets: `make bench` (python -m benchmarks) prints each one's figures."""
