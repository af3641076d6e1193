"""Extract each planned document's record, or reuse it from the cache.

Records go to the cache as soon as they are made; when the cache cannot be written
(full or read-only disk), the record travels back in memory instead: a broken cache
costs time, never a release.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from pipeline.errors import IngestError
from pipeline.progress import heartbeat
from pipeline.release.record import DocumentRecord
from pipeline.run.cache import RecordCache
from pipeline.run.fingerprint import item_key
from pipeline.run.options import Settings
from pipeline.run.plan import WorkItem
from pipeline.text import printable

CHUNK_DOCS = 25


@dataclass
class Outcome:
    doc_id: str
    status: str  # processed, cached, failed, deferred (not selected and not cached)
    record: DocumentRecord | None = None
    error: str = ""
    seconds: float = 0.0
    in_cache: bool = True  # False: the cache could not store the record

    def summary(self) -> Outcome:
        """The outcome without its record when the record is safe in the cache."""
        if self.record is not None and self.in_cache:
            return replace(self, record=None)
        return self


def partition_items(
    items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any]
) -> tuple[list[WorkItem], list[WorkItem], list[WorkItem]]:
    """(cached, pending, deferred): which documents have a record for this fingerprint,
    which must be extracted, and which are not selected and have none."""
    cache = RecordCache(settings.cache)
    cached: list[WorkItem] = []
    pending: list[WorkItem] = []
    deferred: list[WorkItem] = []
    for item in items:
        if (settings.use_cache or not item.selected) and cache.has(item_key(item, run_fingerprint)):
            cached.append(item)
        elif item.selected:
            pending.append(item)
        else:
            deferred.append(item)
    return cached, pending, deferred


def extract_outcomes(
    items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any]
) -> Iterator[Outcome]:
    """Each document's outcome as soon as it is known: from the cache when its key is
    there, else extracted.

    Documents are parsed a chunk at a time through one spaCy stream, and each record
    goes to the cache as soon as it is made, so memory stays flat.
    """
    cache = RecordCache(settings.cache)
    pending: list[WorkItem] = []
    for item in items:
        cached = cache.get(item_key(item, run_fingerprint)) if settings.use_cache else None
        if cached is not None:
            yield Outcome(item.doc_id, "cached", DocumentRecord.from_json(cached))
        else:
            pending.append(item)
    for start in range(0, len(pending), CHUNK_DOCS):
        chunk = pending[start : start + CHUNK_DOCS]
        yield from _extract_chunk(chunk, settings, run_fingerprint, cache)


def extract_items(
    items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any]
) -> list[Outcome]:
    """Every item's outcome, in the items' order."""
    outcomes = {o.doc_id: o for o in extract_outcomes(items, settings, run_fingerprint)}
    return [outcomes[item.doc_id] for item in items]


def extract_summaries(
    items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any]
) -> list[Outcome]:
    """`extract_items` without the records that are safe in the cache."""
    return [o.summary() for o in extract_items(items, settings, run_fingerprint)]


def _extract_chunk(
    items: list[WorkItem], settings: Settings, run_fingerprint: dict[str, Any], cache: RecordCache
) -> Iterator[Outcome]:
    from pipeline.extract.document import run_extractors
    from pipeline.ingest.source import read_source
    from pipeline.nlp.model import load_nlp
    from pipeline.nlp.segment import segment_many
    from pipeline.release.tables import document_record

    readable = []
    for item in items:
        heartbeat()
        try:
            read, meta = read_source(item.path, item.meta, max_bytes=settings.max_bytes)
        except IngestError as error:
            yield failed_outcome(item, error.problem)
            continue
        except Exception as error:
            yield _crash(item, error)
            continue
        readable.append((item, read, meta))
    if not readable:
        return
    segmented = segment_many([read.blocks for _, read, _ in readable], load_nlp())
    for (item, read, meta), (text, sentences) in zip(readable, segmented, strict=True):
        heartbeat()
        started = time.perf_counter()
        try:
            extraction = run_extractors(meta, text, sentences)
            record = document_record(extraction, sha256=item.sha256, pages=read.pages)
        except Exception as error:
            yield _crash(item, error)
            continue
        record.warnings = [f"{item.display_path}: {w}" for w in read.warnings]
        record.page_stats = read.page_stats
        stored = cache.put(item_key(item, run_fingerprint), record.to_json())
        seconds = time.perf_counter() - started
        yield Outcome(item.doc_id, "processed", record, seconds=seconds, in_cache=stored)


def failed_outcome(item: WorkItem, problem: str) -> Outcome:
    return Outcome(item.doc_id, "failed", error=printable(f"{item.display_path}: {problem}"))


def warm_up() -> None:
    """Load the model and the knowledge once in a worker process, before its first task."""
    from pipeline.extract.common import knowledge
    from pipeline.extract.document import run_extractors  # noqa: F401 - imports the extractors
    from pipeline.nlp.model import load_nlp

    load_nlp()
    knowledge()


def _crash(item: WorkItem, error: Exception) -> Outcome:
    return failed_outcome(item, f"{type(error).__name__}: {error}")
