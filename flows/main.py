"""The main flow, `briefdata`: ingest, extract, publish.

Deployments use the entrypoint `flows/main.py:briefdata` (a worker loads that file as
a module named after it, so it must not be named like the `pipeline` package).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.states import Completed, Failed, State

from flows.extract import extract
from flows.ingest import ingest
from flows.publish import publish_release
from flows.runners import task_runner
from pipeline.errors import BriefdataError
from pipeline.release.publish import publish_lock
from pipeline.run.fingerprint import fingerprint
from pipeline.run.options import RunOptions, Settings
from pipeline.run.plan import save_plan
from pipeline.run.release import check_paths, has_gaps
from pipeline.run.summary import PARTIAL, gaps_message, markdown_summary, run_record

ARTIFACT_KEY = "briefdata-run"


@flow(name="briefdata")
def briefdata(
    registry: str = "data/sources.yaml",
    raw: str = "data/raw",
    output: str = "data/processed",
    input_dir: str | None = None,
    only: list[str] | None = None,
    subset: bool = False,
    prune: bool = False,
    use_cache: bool = True,
    n_process: int | None = None,
    runner: str = "default",
    address: str | None = None,
    fail_on_gaps: bool = False,
) -> dict[str, Any] | State:
    """Registered (or folder) documents into validated tables under `output`.

    Returns {"manifest": ..., "run": ...}. A run that published with missing, failed or
    stale sources ends Completed named "Partial" (or Failed with `fail_on_gaps`); a run
    that published nothing ends Failed with the reason as its message.
    """
    options = RunOptions(
        registry=registry, raw=raw, output=output, input_dir=input_dir,
        only=tuple(only or ()), subset=subset, prune=prune, use_cache=use_cache,
        n_process=n_process, runner=runner, address=address, fail_on_gaps=fail_on_gaps,
    )  # fmt: skip
    logger = get_run_logger()
    started, clock = datetime.now(UTC), time.perf_counter()
    try:
        manifest, outcomes = run_stages(options)
    except BriefdataError as error:
        logger.error("%s", error)
        create_markdown_artifact(
            key=ARTIFACT_KEY,
            markdown=f"# briefdata run: Failed\n\nNothing published.\n\n{error}\n",
            description="briefdata run: nothing published",
        )
        return Failed(message=str(error))
    record = run_record(
        manifest, outcomes, started.isoformat(timespec="seconds"),
        datetime.now(UTC).isoformat(timespec="seconds"), time.perf_counter() - clock,
    )  # fmt: skip
    create_markdown_artifact(
        key=ARTIFACT_KEY,
        markdown=markdown_summary(manifest, record, output),
        description=f"briefdata run: {record['state']}",
    )
    result = {"manifest": manifest, "run": record}
    if has_gaps(manifest):
        message = gaps_message(manifest)
        logger.warning("%s", message)
        if fail_on_gaps:
            return Failed(message=message)
        return Completed(name=PARTIAL, message=message, data=result)
    return result


def save_plan_somewhere(plan: Any, settings: Settings) -> Path:
    """The plan in the cache, or in the system's temporary folder when the cache is
    not writable: a broken cache costs time, never the run."""
    import tempfile

    try:
        return save_plan(plan, settings.cache / "plans")
    except OSError:
        return save_plan(plan, Path(tempfile.gettempdir()) / "briefdata-plans")


def run_stages(options: RunOptions) -> tuple[dict[str, Any], list[Any]]:
    """Plan once, extract, publish, holding the output's lock the whole time."""
    settings = Settings.from_options(options)
    runner = task_runner(options.runner, options.address, workers=options.n_process)
    check_paths(settings)
    with publish_lock(settings.output):
        plan = ingest(options)
        run_fingerprint = fingerprint()
        plan_file = save_plan_somewhere(plan, settings)
        extract_flow = extract.with_options(task_runner=runner) if runner else extract
        outcomes = extract_flow(options, str(plan_file), run_fingerprint, use_pool=runner is None)
        manifest = publish_release(plan, settings, run_fingerprint, outcomes)
        Path(plan_file).unlink(missing_ok=True)
    return manifest, outcomes
