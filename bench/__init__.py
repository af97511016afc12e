"""Benchmarks that print side-by-side figures (``python -m bench.bench_engine``).

The scripted interviews in :mod:`bench.scenarios` are shared with the end-to-end tests, so the
numbers the benchmark prints and the behaviour the tests pin come from the same answers.
"""
