"""Run the Prefect `pipeline` flow in-process (ephemeral mode, no server)."""

from __future__ import annotations

import os
from typing import Any

import flows  # noqa: F401 - sets Prefect's environment defaults before Prefect is imported


def task_runner(runner: str, address: str | None, workers: int | None = None) -> Any:
    """The task runner for the extraction step.

    default: None, Prefect's threads, which hand the work to a pool of worker
    processes (see `pipeline.workers`); dask: a Dask cluster at `address`, or
    a local one with a worker process per core.
    """
    workers = workers or os.cpu_count() or 1
    if runner == "default":
        return None
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True},
        )
    from pipeline.errors import BriefdataError

    raise BriefdataError(f"unknown runner {runner!r} (choose default or dask)")


def run_flow(
    *, runner: str = "default", address: str | None = None, **parameters: Any
) -> dict[str, Any]:
    """The main flow's manifest. The per-run heartbeat is off: nothing watches it here."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.pipeline import pipeline

    task_runner(runner, address)  # fail fast on an unknown runner, before Prefect starts
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return pipeline(**parameters, runner=runner, address=address)


DEFAULT_CRON = "0 6 * * *"


def scheduled_deployment(*, cron: str = DEFAULT_CRON, name: str = "briefdata-scheduled") -> Any:
    """The main flow as a deployment on a cron schedule, ready for `prefect.serve`."""
    from prefect.client.schemas.schedules import CronSchedule

    from flows.pipeline import pipeline
    from pipeline.errors import BriefdataError

    try:
        schedule = CronSchedule(cron=cron, timezone="UTC")
    except ValueError as error:
        raise BriefdataError(f"invalid cron expression {cron!r}: {error}") from error
    return pipeline.to_deployment(name=name, schedules=[schedule])
