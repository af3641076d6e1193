"""The main flow: ingest, extract, publish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow

from flows.extract import extract
from flows.ingest import ingest
from flows.publish import publish
from pipeline.orchestrate import task_runner
from pipeline.publish import publish_lock
from pipeline.run import fingerprint


@flow(name="pipeline")
def pipeline(
    registry: str = "data/sources.yaml",
    raw: str = "data/raw",
    output: str = "data/processed",
    input_dir: str | None = None,
    only: list[str] | None = None,
    use_cache: bool = True,
    n_process: int | None = None,
    runner: str = "default",
    address: str | None = None,
) -> dict[str, Any]:
    """Registered (or folder) documents into validated tables under `output`.

    Returns the run manifest. Holds the output's lock for the whole run, so a
    second run at the same time stops at once with a clear message.
    """
    with publish_lock(Path(output)):
        plan = ingest(registry=registry, raw=raw, input_dir=input_dir, only=only)
        plan_fingerprint = fingerprint(plan)  # one per run, shared by its steps
        runner_object = task_runner(runner, address, workers=n_process)
        extract_flow = extract.with_options(task_runner=runner_object) if runner_object else extract
        outcomes = extract_flow(
            registry=registry,
            raw=raw,
            input_dir=input_dir,
            only=only,
            use_cache=use_cache,
            n_process=n_process,
            plan_fingerprint=plan_fingerprint,
            use_pool=runner_object is None,
        )
        failures = [o for o in outcomes if o.status == "failed"]
        manifest = publish(
            registry=registry,
            raw=raw,
            output=output,
            input_dir=input_dir,
            only=only,
            failures=failures,
            plan_fingerprint=plan_fingerprint,
        )
    manifest["outcomes"] = [
        {"doc_id": o.doc_id, "status": o.status, "seconds": round(o.seconds, 3)} for o in outcomes
    ]
    return manifest
