"""Run the main Prefect flow: in-process (ephemeral, no server) or served on a schedule."""

from __future__ import annotations

import contextlib
from typing import Any

import flows  # noqa: F401 - sets Prefect's environment defaults before Prefect is imported
from pipeline.errors import BriefdataError

DEFAULT_CRON = "0 6 * * *"


class RunFailed(BriefdataError):
    """The main flow ended Failed: nothing was published."""


def run_flow(**parameters: Any) -> dict[str, Any]:
    """The main flow's result ({"manifest", "run"}); raises RunFailed with its message.

    The per-run heartbeat is off: nothing watches it in-process.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.main import briefdata
    from flows.runners import task_runner

    task_runner(parameters.get("runner", "default"), None)  # fail fast, before Prefect starts
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        state = briefdata(**parameters, return_state=True)
    if not state.is_completed():
        from prefect.exceptions import FailedRun

        with contextlib.suppress(FailedRun):
            state.result()  # re-raises an unexpected exception as itself
        raise RunFailed(state.message or f"the run ended {state.name}")
    return state.result()


def scheduled_deployment(*, cron: str = DEFAULT_CRON, name: str = "briefdata-scheduled") -> Any:
    """The main flow as a deployment on a cron schedule, ready for `prefect.serve`."""
    from prefect.client.schemas.schedules import CronSchedule

    from flows.main import briefdata

    try:
        schedule = CronSchedule(cron=cron, timezone="UTC")
    except ValueError as error:
        raise BriefdataError(f"invalid cron expression {cron!r}: {error}") from error
    return briefdata.to_deployment(name=name, schedules=[schedule])
