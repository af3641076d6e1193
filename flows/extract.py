"""Extract: every document's record, from the cache or from spaCy, in batches."""

from __future__ import annotations

from prefect import flow, get_run_logger, task

from flows.ingest import plan_inputs
from flows.options import settings_from
from pipeline.run import Outcome, extract_items, fingerprint


@task(name="extract-batch")
def extract_batch(items: list, options: dict, plan_fingerprint: dict, registered: dict) -> list[Outcome]:
    settings = settings_from(**options)
    outcomes = extract_items(items, settings, plan_fingerprint, registered)
    # The records travel through the cache; only the outcome summary returns.
    return [Outcome(o.doc_id, o.status, None, o.error, o.seconds) for o in outcomes]


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
    """Extract every planned document into the record cache."""
    options = {"registry": registry, "raw": raw, "input_dir": input_dir, "only": only,
               "use_cache": use_cache, "n_process": n_process}
    settings = settings_from(**options)
    plan = plan_inputs(registry=registry, raw=raw, input_dir=input_dir, only=only)
    plan_fingerprint = plan_fingerprint or fingerprint(plan)
    size = settings.batch_docs
    batches = [plan.items[i : i + size] for i in range(0, len(plan.items), size)]
    futures = [extract_batch.submit(b, options, plan_fingerprint, plan.registered) for b in batches]
    outcomes = [outcome for future in futures for outcome in future.result()]
    logger = get_run_logger()
    for outcome in outcomes:
        if outcome.status == "failed":
            logger.error("%s", outcome.error)
    return outcomes
