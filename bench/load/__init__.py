"""The load test (issue 16.3): `python -m bench.load`; see bench/load/runner.py."""
