"""A pool of worker processes for extraction, each loading the model once.

The workers run plain functions of `pipeline.run.extract`: no Prefect inside them, so
they start in about a second (model and knowledge bases included). Prefect
tasks hand their batch to the pool and wait for it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
_pool: ProcessPoolExecutor | None = None


@contextmanager
def worker_pool(workers: int) -> Iterator[None]:
    """Workers for the duration of a block; `run_in_pool` uses them, else runs inline."""
    global _pool
    from pipeline.run.extract import warm_up

    if workers <= 1:
        yield
        return
    # spawn: the parent holds threads (Prefect's), which fork must not copy
    context = multiprocessing.get_context("spawn")
    _pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up)
    try:
        yield
    finally:
        pool, _pool = _pool, None
        pool.shutdown(wait=True, cancel_futures=True)


def run_in_pool(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a pooled worker when a pool is open, else here."""
    if _pool is None:
        return function(*args)
    return _pool.submit(function, *args).result()
