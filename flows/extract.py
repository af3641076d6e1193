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
from pipeline.run import Outcome, WorkItem, extract_items, fingerprint, partition_items

MAX_BATCH_DOCS = 50
MIN_BATCH_DOCS = 5


@task(name="extract-batch")
def extract_batch(
    items: list[WorkItem], options: dict[str, Any], plan_fingerprint: dict, registered: dict
) -> list[Outcome]:
    settings = settings_from(**options)
    outcomes = extract_items(items, settings, plan_fingerprint, registered)
    # Records travel through the content-addressed cache; only a summary returns.
    return [Outcome(o.doc_id, o.status, None, o.error, o.seconds) for o in outcomes]


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
) -> list[Outcome]:
    """Extract every planned document into the record cache; cached ones cost nothing."""
    options = {"registry": registry, "raw": raw, "input_dir": input_dir, "only": only,
               "use_cache": use_cache}  # fmt: skip
    settings = settings_from(**options)
    plan = plan_inputs(registry=registry, raw=raw, input_dir=input_dir, only=only)
    plan_fingerprint = plan_fingerprint or fingerprint(plan)
    cached, pending = partition_items(plan.items, settings, plan_fingerprint)
    workers = n_process or os.cpu_count() or 1
    futures = [
        extract_batch.submit(batch, options, plan_fingerprint, plan.registered)
        for batch in batches(pending, workers)
    ]
    outcomes = [Outcome(item.doc_id, "cached") for item in cached]
    emit("extract-start", total=len(plan.items), cached=len(cached))
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
