"""Extract: every document's record, from the cache or from spaCy, in batches."""

from __future__ import annotations

import math
import os
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.futures import as_completed

from flows.ingest import plan_inputs
from flows.options import settings_from
from pipeline.progress import emit
from pipeline.run import Outcome, WorkItem, extract_summaries, fingerprint, partition_items
from pipeline.workers import run_in_pool, worker_pool

MAX_BATCH_DOCS = 50
MIN_BATCH_DOCS = 5


@task(name="extract-batch")
def extract_batch(
    items: list[WorkItem], options: dict[str, Any], plan_fingerprint: dict, registered: dict
) -> list[Outcome]:
    settings = settings_from(**options)
    return run_in_pool(extract_summaries, items, settings, plan_fingerprint, registered)


def batches(items: list[WorkItem], workers: int) -> list[list[WorkItem]]:
    """Batches that shrink towards the end (guided scheduling).

    Large batches keep task overhead small; small last ones keep every worker
    busy until the end instead of one finishing a big batch alone.
    """
    result: list[list[WorkItem]] = []
    start = 0
    while start < len(items):
        remaining = len(items) - start
        size = math.ceil(remaining / (2 * max(1, workers)))
        size = max(MIN_BATCH_DOCS, min(MAX_BATCH_DOCS, size))
        result.append(items[start : start + size])
        start += size
    return result


@flow(name="extract")
def extract(
    registry: str = "data/sources.yaml",
    raw: str = "data/raw",
    input_dir: str | None = None,
    only: list[str] | None = None,
    use_cache: bool = True,
    n_process: int | None = None,
    plan_fingerprint: dict | None = None,
    use_pool: bool = True,
) -> list[Outcome]:
    """Extract every planned document into the record cache; cached ones cost nothing.

    Batches are Prefect tasks; with `use_pool` (the default runner) their work
    runs in a pool of worker processes, one per core, once there is enough of it.
    """
    options = {"registry": registry, "raw": raw, "input_dir": input_dir, "only": only,
               "use_cache": use_cache}  # fmt: skip
    settings = settings_from(**options)
    plan = plan_inputs(registry=registry, raw=raw, input_dir=input_dir, only=only)
    plan_fingerprint = plan_fingerprint or fingerprint(plan)
    cached, pending = partition_items(plan.items, settings, plan_fingerprint)
    workers = n_process or settings.n_process or os.cpu_count() or 1
    outcomes = [Outcome(item.doc_id, "cached") for item in cached]
    emit("extract-start", total=len(plan.items), cached=len(cached))
    with worker_pool(workers if use_pool and len(pending) >= settings.pool_min_docs else 1):
        futures = [
            extract_batch.submit(batch, options, plan_fingerprint, plan.registered)
            for batch in batches(pending, workers)
        ]
        for future in as_completed(futures):
            done = future.result()
            outcomes += done
            emit("extract-advance", outcomes=done)
    logger = get_run_logger()
    for outcome in outcomes:
        if outcome.status == "failed":
            logger.error("%s", outcome.error)
    order = {item.doc_id: n for n, item in enumerate(plan.items)}
    return sorted(outcomes, key=lambda o: order[o.doc_id])
