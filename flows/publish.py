"""Publish: the release assembled from the records, validated, swapped in atomically."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from pipeline.progress import emit
from pipeline.run.extract import Outcome
from pipeline.run.options import Settings
from pipeline.run.plan import Plan
from pipeline.run.release import publish_run


@task(name="publish-release", cache_policy=NO_CACHE)
def publish_release(
    plan: Plan, settings: Settings, run_fingerprint: dict[str, Any], outcomes: list[Outcome]
) -> dict[str, Any]:
    """Build the tables from the records and publish them; returns the manifest."""
    emit("publish-start")
    manifest = publish_run(plan, settings, run_fingerprint, outcomes)
    emit("publish-done")
    return manifest
