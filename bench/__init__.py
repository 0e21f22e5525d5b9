"""Benchmarks (not tests): a synthetic archive and the search timings."""
