"""Extract: every planned document's record, from the cache or from spaCy, in batches."""

from __future__ import annotations

import math
import os
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.futures import as_completed

from flows.ingest import LOGGED_PROBLEMS
from pipeline.progress import emit
from pipeline.run.extract import Outcome, partition_items
from pipeline.run.options import RunOptions, Settings
from pipeline.run.plan import WorkItem, load_plan
from pipeline.run.workers import run_in_pool, worker_pool

MAX_BATCH_DOCS = 50
MIN_BATCH_DOCS = 5


@task(name="extract-batch")
def extract_batch(
    items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any]
) -> list[Outcome]:
    return run_in_pool(items, settings, run_fingerprint)


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
    options: RunOptions, plan_file: str, run_fingerprint: dict[str, Any], use_pool: bool = True
) -> list[Outcome]:
    """Extract the planned documents into the record cache; cached ones cost nothing.

    The plan arrives by reference (a file named by its hash), not as parameters.
    Batches are Prefect tasks; with `use_pool` (the default runner) their work runs in
    supervised worker processes (one per core, one for small runs), which give each
    document a time budget and isolate a document that crashes or hangs.
    """
    settings = Settings.from_options(options)
    plan = load_plan(Path(plan_file))
    cached, pending, deferred = partition_items(plan.items, settings, run_fingerprint)
    workers = settings.n_process or os.cpu_count() or 1
    outcomes = [Outcome(item.doc_id, "cached") for item in cached]
    outcomes += [Outcome(item.doc_id, "deferred") for item in deferred]
    emit("extract-start", total=len(plan.items), cached=len(cached) + len(deferred))
    size = workers if len(pending) >= settings.pool_min_docs else 1
    with worker_pool(size) if use_pool and pending else nullcontext():
        futures = [
            extract_batch.submit(batch, settings, run_fingerprint)
            for batch in batches(pending, workers)
        ]
        for future in as_completed(futures):
            done = future.result()
            outcomes += done
            emit("extract-advance", outcomes=done)
    logger = get_run_logger()
    failed = [outcome.error for outcome in outcomes if outcome.status == "failed"]
    for error in failed[:LOGGED_PROBLEMS]:
        logger.error("%s", error)
    if len(failed) > LOGGED_PROBLEMS:
        logger.error(
            "... and %d more failed documents (see the manifest)", len(failed) - LOGGED_PROBLEMS
        )
    order = {item.doc_id: n for n, item in enumerate(plan.items)}
    return sorted(outcomes, key=lambda o: order[o.doc_id])
