"""Assemble the release a run publishes: records into tables, citations linked across
the registry, the manifest, and the guards that keep a release from losing data."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.errors import BriefdataError
from pipeline.release.record import DocumentRecord
from pipeline.run.cache import RecordCache
from pipeline.run.extract import Outcome
from pipeline.run.fingerprint import item_key, release_key
from pipeline.run.options import Settings
from pipeline.run.plan import Failure, Plan

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PARTIAL = 2  # published, but some sources are missing, failed or stale
DEFERRED = "not re-extracted in this run (--source); run `briefdata run` to extract it"


class ReleaseWouldShrink(BriefdataError):
    """The new release would drop documents the published one has."""


def load_records(
    plan: Plan, settings: Settings, run_fingerprint: dict[str, Any], outcomes: list[Outcome]
) -> list[Outcome]:
    """Every planned document's outcome with its record (from memory or the cache)."""
    cache = RecordCache(settings.cache)
    known = {o.doc_id: o for o in outcomes}
    loaded = []
    for item in plan.items:
        outcome = known.get(item.doc_id)
        if outcome is not None and (outcome.record is not None or outcome.status == "failed"):
            loaded.append(outcome)
            continue
        if outcome is not None and outcome.status == "deferred":
            loaded.append(
                Outcome(item.doc_id, "deferred", error=f"{item.display_path}: {DEFERRED}")
            )
            continue
        data = cache.get(item_key(item, run_fingerprint))
        if data is None:
            error = f"{item.display_path}: its record is no longer in the cache; run again"
            loaded.append(Outcome(item.doc_id, "failed", error=error))
        else:
            status = outcome.status if outcome else "cached"
            loaded.append(Outcome(item.doc_id, status, DocumentRecord.from_json(data)))
    return loaded


def assemble(
    plan: Plan, outcomes: list[Outcome], settings: Settings, run_fingerprint: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Tables, texts and the manifest of the release this run publishes."""
    from pipeline.extract.citations import TitleIndex, link_citations
    from pipeline.release.stale import stale_records
    from pipeline.release.tables import build_tables

    good = {o.doc_id: o.record for o in outcomes if o.record is not None}
    failed = [
        Failure(o.doc_id, plan.display_path(o.doc_id), o.error)
        for o in outcomes
        if o.status in ("failed", "deferred")
    ] + plan.failed
    stale = stale_records(settings.output, [f.doc_id for f in failed if f.doc_id not in good])
    records: dict[str, DocumentRecord] = {**stale, **good}
    index = TitleIndex(plan.registered)
    for record in records.values():
        record.rows["citations"] = link_citations(
            record.doc_id,
            record.document["title"],
            record.rows["sentences"],
            record.rows["citations"],
            index,
        )
    tables = build_tables(records[doc_id] for doc_id in sorted(records))
    texts = {doc_id: record.text for doc_id, record in records.items()}
    manifest = build_manifest(plan, failed, stale, tables, run_fingerprint, records)
    return tables, texts, manifest


def build_manifest(
    plan: Plan,
    failed: list[Failure],
    stale: dict[str, DocumentRecord],
    tables: dict[str, Any],
    run_fingerprint: dict[str, Any],
    records: dict[str, DocumentRecord],
) -> dict[str, Any]:
    """Everything needed to reproduce and audit a release; no timestamps (deterministic)."""
    failed_ids = {f.doc_id for f in failed}
    inputs = []
    for item in sorted(plan.items, key=lambda i: i.doc_id):
        record = records.get(item.doc_id)
        status = (
            "stale"
            if item.doc_id in stale
            else ("failed" if item.doc_id in failed_ids else "published")
        )
        inputs.append(
            {
                "doc_id": item.doc_id,
                "path": item.relative_path,
                "sha256": item.sha256,
                "status": status,
                "page_stats": record.page_stats if record and status == "published" else [],
            }
        )
    warnings = sorted(set(plan.warnings) | {w for r in records.values() for w in r.warnings})
    return {
        "dataset": "briefdata",
        "briefdata_version": __version__,
        "code_version": run_fingerprint["code"],
        "model": run_fingerprint["model"],
        "knowledge_bases": run_fingerprint["knowledge_bases"],
        "inputs": inputs,
        "missing": [asdict(m) for m in sorted(plan.missing, key=lambda m: m.doc_id)],
        "failed": [asdict(f) for f in sorted(failed, key=lambda f: f.doc_id)],
        "stale": [
            {"doc_id": doc_id, "reason": next(f.error for f in failed if f.doc_id == doc_id)}
            for doc_id in sorted(stale)
        ],
        "warnings": warnings,
        "counts": {table: len(frame) for table, frame in tables.items()},
    }


def exit_code(manifest: dict[str, Any]) -> int:
    return EXIT_PARTIAL if has_gaps(manifest) else EXIT_OK


def has_gaps(manifest: dict[str, Any]) -> bool:
    return bool(manifest["missing"] or manifest["failed"] or manifest["stale"])


def published_manifest(output: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def published_documents(output: Path) -> set[str]:
    manifest = published_manifest(output)
    if manifest is None:
        return set()
    published = {i["doc_id"] for i in manifest.get("inputs", []) if i.get("status") != "failed"}
    return published | {s["doc_id"] for s in manifest.get("stale", [])}


def check_not_shrinking(settings: Settings, texts: dict[str, str]) -> None:
    """Refuse a release that drops published documents, unless asked to (--prune)."""
    if settings.prune:
        return
    dropped = sorted(published_documents(settings.output) - set(texts))
    if dropped:
        shown = ", ".join(dropped[:5]) + (
            f" and {len(dropped) - 5} more" if len(dropped) > 5 else ""
        )
        raise ReleaseWouldShrink(
            f"nothing published: this release would drop {len(dropped)} document(s) that "
            f"{settings.output} has ({shown}), because this run does not include them. "
            "Check --registry/--input; to drop them on purpose, run again with --prune."
        )


def publish_run(
    plan: Plan, settings: Settings, run_fingerprint: dict[str, Any], outcomes: list[Outcome]
) -> dict[str, Any]:
    """Build and publish this run's release, unless the published one is already it.

    The caller holds the output's lock. Returns the release's manifest.
    """
    from pipeline.release.publish import publish, recover

    failures = [o for o in outcomes if o.status in ("failed", "deferred")]
    key = release_key(plan, run_fingerprint, failures)
    recover(settings.output)
    current = published_manifest(settings.output)
    if settings.use_cache and current is not None and current.get("release_key") == key:
        return current
    loaded = load_records(plan, settings, run_fingerprint, outcomes)
    tables, texts, manifest = assemble(plan, loaded, settings, run_fingerprint)
    check_not_shrinking(settings, texts)
    manifest["release_key"] = key
    publish(settings.output, tables, texts, manifest, report_folder=settings.cache)
    return manifest


def check_paths(settings: Settings) -> None:
    """Refuse outputs that would overwrite inputs or a folder that is not a release."""
    from pipeline.release.publish import OutputRefused, check_output, real_output

    output = real_output(settings.output)
    inputs = (
        [("--input", settings.input_dir)]
        if settings.input_dir is not None
        else [("--raw", settings.raw), ("--registry", settings.registry)]
    )
    for option, path in inputs:
        real = path.resolve()
        if output == real or real.is_relative_to(output) or output.is_relative_to(real):
            raise OutputRefused(
                f"--output {settings.output} and {option} {path} overlap; publishing would "
                "replace the inputs. Choose an output folder outside them."
            )
    check_output(settings.output)
