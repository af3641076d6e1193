"""Ingest: fetch what is downloadable, then plan, once, which documents this run reads."""

from __future__ import annotations

from prefect import flow, get_run_logger, task

from pipeline.fetch import FetchResult, fetch_all
from pipeline.registry import load_registry
from pipeline.run.options import RunOptions, Settings
from pipeline.run.plan import Plan, plan_run


@task(name="fetch-sources")
def fetch_sources(settings: Settings) -> list[FetchResult]:
    return fetch_all(
        load_registry(settings.registry),
        settings.raw,
        only=settings.only,
        timeout=settings.fetch_timeout,
    )


@task(name="plan-inputs")
def plan_inputs(settings: Settings) -> Plan:
    return plan_run(settings)


@flow(name="ingest")
def ingest(options: RunOptions) -> Plan:
    """Download registered sources that are absent, then list what this run reads."""
    logger = get_run_logger()
    settings = Settings.from_options(options)
    if settings.input_dir is None:
        for result in fetch_sources(settings):
            if result.status in ("downloaded", "failed"):
                logger.warning("%s", result.message)
    plan = plan_inputs(settings)
    for missing in plan.missing:
        logger.warning("missing source %s (%s): %s", missing.doc_id, missing.title, missing.reason)
    for failure in plan.failed:
        logger.error("%s: %s", failure.doc_id, failure.error)
    for warning in plan.warnings:
        logger.warning("%s", warning)
    return plan
