"""The supervised worker pool: a document that hangs, kills its worker or breaks its
batch fails alone, named, and every other document of its batch is published."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.progress import heartbeat
from pipeline.run.extract import Outcome
from pipeline.run.options import Settings
from pipeline.run.plan import WorkItem
from pipeline.run.workers import WorkerPool
from pipeline.types import DocumentMeta


def nothing_to_load() -> None:
    """Stands for loading the model: these workers need nothing."""


def pretend_extraction(
    items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any]
) -> Iterator[Outcome]:
    """Each document's name says what it does: hang, crash its process, raise, or work."""
    for item in items:
        heartbeat()
        if item.doc_id.startswith("hang"):
            time.sleep(3600)
        if item.doc_id.startswith("crash"):
            os._exit(9)  # as the kernel's out-of-memory killer would end it
        if item.doc_id.startswith("raise") and len(items) > 1:
            raise MemoryError("the batch ran out of memory")
        yield Outcome(item.doc_id, "processed", seconds=0.0)


def item(doc_id: str) -> WorkItem:
    return WorkItem(
        doc_id,
        Path(f"{doc_id}.md"),
        DocumentMeta(doc_id),
        "0" * 64,
        f"in/{doc_id}.md",
        f"{doc_id}.md",
    )


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(2, work=pretend_extraction, warm=nothing_to_load)
    try:
        yield pool
    finally:
        pool.close()


def test_a_hanging_document_fails_alone_at_its_time_budget(pool):
    settings = Settings(document_seconds=1.0)
    started = time.monotonic()
    outcomes = pool.run([item("a"), item("hang-1"), item("b")], settings, {})
    assert time.monotonic() - started < 60
    by_id = {o.doc_id: o for o in outcomes}
    assert by_id["a"].status == by_id["b"].status == "processed"
    assert by_id["hang-1"].status == "failed"
    assert by_id["hang-1"].error == "in/hang-1.md: no progress for 1 s (over the time budget)"


def test_a_document_that_kills_its_worker_fails_alone(pool):
    outcomes = pool.run([item("a"), item("crash-1"), item("b")], Settings(), {})
    by_id = {o.doc_id: o for o in outcomes}
    assert by_id["a"].status == by_id["b"].status == "processed"
    assert by_id["crash-1"].status == "failed"
    assert "the worker process died (exit 9" in by_id["crash-1"].error
    # The pool replaced the worker and goes on.
    assert [o.status for o in pool.run([item("c")], Settings(), {})] == ["processed"]


def test_a_batch_that_fails_as_a_whole_is_retried_one_document_at_a_time(pool):
    outcomes = pool.run([item("a"), item("raise-1"), item("b")], Settings(), {})
    assert [o.status for o in outcomes] == ["processed", "processed", "processed"]


def test_closing_the_pool_stops_its_workers_at_once():
    pool = WorkerPool(2, work=pretend_extraction, warm=nothing_to_load)
    processes = [worker.process for worker in pool._workers]
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 10
    assert not any(process.is_alive() for process in processes)
