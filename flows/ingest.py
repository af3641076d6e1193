"""Ingest: fetch what is downloadable, then plan which documents this run reads."""

from __future__ import annotations

from prefect import flow, get_run_logger, task

from flows.options import settings_from
from pipeline.fetch import FetchResult, fetch_all
from pipeline.registry import load_registry
from pipeline.run import Plan, plan_run


@task(name="fetch-sources")
def fetch_sources(registry: str, raw: str, only: list[str] | None) -> list[FetchResult]:
    settings = settings_from(registry=registry, raw=raw, only=only)
    return fetch_all(
        load_registry(settings.registry),
        settings.raw,
        only=settings.only,
        timeout=settings.fetch_timeout,
    )


@task(name="plan-inputs")
def plan_inputs(
    registry: str = "data/sources.yaml",
    raw: str = "data/raw",
    input_dir: str | None = None,
    only: list[str] | None = None,
) -> Plan:
    return plan_run(settings_from(registry=registry, raw=raw, input_dir=input_dir, only=only))


@flow(name="ingest")
def ingest(
    registry: str = "data/sources.yaml",
    raw: str = "data/raw",
    input_dir: str | None = None,
    only: list[str] | None = None,
) -> Plan:
    """Download registered sources that are absent, then list what this run reads."""
    logger = get_run_logger()
    if input_dir is None:
        for result in fetch_sources(registry, raw, only):
            if result.status in ("downloaded", "failed"):
                logger.warning("%s", result.message)
    plan = plan_inputs(registry=registry, raw=raw, input_dir=input_dir, only=only)
    for missing in plan.missing:
        logger.warning("missing source %s (%s): %s", missing.doc_id, missing.title, missing.reason)
    for failure in plan.failed:
        logger.error("%s", failure.error)
    return plan
