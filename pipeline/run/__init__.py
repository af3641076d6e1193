"""A run, stage by stage: plan the inputs (once), extract (or reuse) each document's
record, assemble the release, publish it. The Prefect flows in `flows/` call these
functions; nothing here depends on Prefect.

    options.py      RunOptions (the flow parameters) and Settings (paths, limits)
    plan.py         Plan: what a run reads, made once and passed by reference
    fingerprint.py  record and release keys (what an output is made from)
    extract.py      records from the cache or the extractors
    release.py      tables, manifest and the guards of a release
"""

from __future__ import annotations

from typing import Any

from pipeline.run.extract import Outcome, extract_items
from pipeline.run.fingerprint import fingerprint
from pipeline.run.options import RunOptions, Settings
from pipeline.run.plan import Plan, WorkItem, plan_run
from pipeline.run.release import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, exit_code, publish_run

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "Outcome",
    "Plan",
    "RunOptions",
    "Settings",
    "WorkItem",
    "exit_code",
    "plan_run",
    "run_local",
]


def run_local(settings: Settings) -> dict[str, Any]:
    """The same stages as the main flow, in this process without Prefect (tests, bench)."""
    from pipeline.release.publish import publish_lock

    with publish_lock(settings.output):
        plan = plan_run(settings)
        run_fingerprint = fingerprint()
        from pipeline.run.extract import partition_items

        cached, pending, deferred = partition_items(plan.items, settings, run_fingerprint)
        outcomes = [Outcome(item.doc_id, "cached") for item in cached]
        outcomes += [Outcome(item.doc_id, "deferred") for item in deferred]
        outcomes += extract_items(pending, settings, run_fingerprint)
        return publish_run(plan, settings, run_fingerprint, outcomes)
