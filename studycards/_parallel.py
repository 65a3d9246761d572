"""Run a per-file function over many files on every core (cold scans of big vaults)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, one process is faster than starting workers.
PARALLEL_FROM = 400


def parallel_map(func: Callable[..., R], items: Sequence[T], *args: Any) -> list[R]:
    """``[func(*args, item) for item in items]``, in order, across cores when it pays.

    ``func`` must be a module-level function and its results picklable. Workers are forked, so
    they see the caller's state without it being sent to them.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(items) < PARALLEL_FROM or workers < 2:
        return [func(*args, item) for item in items]
    import multiprocessing  # only here: a few changed notes are parsed without it

    if "fork" not in multiprocessing.get_all_start_methods():
        return [func(*args, item) for item in items]
    chunks = [list(items[i::workers]) for i in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.starmap(_run_chunk, [(func, args, chunk) for chunk in chunks])
    results: list[Any] = [None] * len(items)
    for offset, part in enumerate(parts):
        results[offset::workers] = part
    return results


def _run_chunk(func: Callable[..., R], args: tuple, chunk: list[T]) -> list[R]:
    return [func(*args, item) for item in chunk]
