"""Task runners for the extract step: Prefect's default, or a Dask cluster."""

from __future__ import annotations

import os
from typing import Any

from pipeline.errors import BriefdataError
from pipeline.run.options import RUNNERS


def task_runner(runner: str, address: str | None, workers: int | None = None) -> Any:
    """The task runner for the extraction step.

    default: None, Prefect's threads, which hand the work to supervised worker
    processes (see `pipeline.run.workers`); dask: a Dask cluster at `address`, or a local
    one with a worker process per core.
    """
    if runner not in RUNNERS:
        raise BriefdataError(f"unknown runner {runner!r} (choose {' or '.join(RUNNERS)})")
    if runner == "default":
        return None
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers or os.cpu_count() or 1,
            "threads_per_worker": 1,
            "processes": True,
        },
    )
