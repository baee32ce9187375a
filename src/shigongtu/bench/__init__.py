"""Benchmarks run by ``shigongtu bench NAME``; each builds synthetic data and returns figures."""
