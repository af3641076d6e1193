"""Ingest: fetch what is downloadable, then plan, once, which documents this run reads."""

from __future__ import annotations

from prefect import flow, get_run_logger, task

from pipeline.run.options import RunOptions, Settings
from pipeline.run.plan import Plan, plan_run
from pipeline.sources.fetch import FetchResult, fetch_all
from pipeline.sources.registry import Registry, load_registry

LOGGED_PROBLEMS = 50  # per run; the manifest and the run's artifact have the full list


@task(name="fetch-sources")
def fetch_sources(registry: Registry, settings: Settings) -> list[FetchResult]:
    return fetch_all(registry, settings.raw, only=settings.only, timeout=settings.fetch_timeout)


@task(name="plan-inputs")
def plan_inputs(settings: Settings, registry: Registry | None) -> Plan:
    return plan_run(settings, registry)


@flow(name="ingest")
def ingest(options: RunOptions) -> Plan:
    """Download registered sources that are absent, then list what this run reads."""
    logger = get_run_logger()
    settings = Settings.from_options(options)
    registry = None if settings.input_dir is not None else load_registry(settings.registry)
    if registry is not None:
        for result in fetch_sources(registry, settings):
            if result.status in ("downloaded", "failed"):
                logger.warning("%s", result.message)
    plan = plan_inputs(settings, registry)
    lines = [
        *(f"missing source {m.doc_id} ({m.title}): {m.reason}" for m in plan.missing),
        *(f"{f.doc_id}: {f.error}" for f in plan.failed),
        *plan.warnings,
    ]
    for line in lines[:LOGGED_PROBLEMS]:
        logger.warning("%s", line)
    if len(lines) > LOGGED_PROBLEMS:
        logger.warning(
            "... and %d more (the manifest lists them all)", len(lines) - LOGGED_PROBLEMS
        )
    return plan
