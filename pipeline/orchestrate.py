"""Run the Prefect `pipeline` flow in-process (ephemeral mode, no server)."""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# A fresh ephemeral database takes a while to migrate on a busy machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# The CLI reports progress itself; Prefect's own INFO lines would drown it.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


PROCESS_POOL_MIN_DOCS = 40  # below this, starting worker processes costs more than it saves


def task_runner(
    runner: str, address: str | None, pending: int = 0, workers: int | None = None
) -> Any:
    """The task runner for the extraction step.

    default: in-process threads for small runs, a pool of worker processes (one
    per core, each loading the model once) when there is real work; dask: a
    Dask cluster at `address`, or a local one.
    """
    workers = workers or os.cpu_count() or 1
    if runner == "default":
        if pending >= PROCESS_POOL_MIN_DOCS and workers > 1:
            from prefect.task_runners import ProcessPoolTaskRunner

            from pipeline.run import warm_up

            return ProcessPoolTaskRunner(max_workers=workers, initializer=warm_up)
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
