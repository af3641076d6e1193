"""Publish: corpus tables from the records, validated, swapped in atomically."""

from __future__ import annotations

from typing import Any

from prefect import flow, task

from flows.ingest import plan_inputs
from flows.options import settings_from
from pipeline.progress import emit
from pipeline.run import Outcome, fingerprint, publish_run


@task(name="build-and-publish")
def build_and_publish(
    options: dict[str, Any], failures: list[Outcome], plan_fingerprint: dict[str, Any] | None
) -> dict[str, Any]:
    settings = settings_from(**options)
    plan = plan_inputs.fn(
        registry=options["registry"],
        raw=options["raw"],
        input_dir=options["input_dir"],
        only=options["only"],
    )
    emit("publish-start")
    manifest = publish_run(plan, settings, plan_fingerprint or fingerprint(plan), failures)
    emit("publish-done")
    return manifest


@flow(name="publish")
def publish(
    registry: str = "data/sources.yaml",
    raw: str = "data/raw",
    output: str = "data/processed",
    input_dir: str | None = None,
    only: list[str] | None = None,
    failures: list[Outcome] | None = None,
    plan_fingerprint: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the tables from the cached records and publish them to `output`."""
    options = {
        "registry": registry,
        "raw": raw,
        "output": output,
        "input_dir": input_dir,
        "only": only,
    }
    return build_and_publish(options, failures or [], plan_fingerprint)
