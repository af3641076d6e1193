"""A run, stage by stage: plan the inputs, extract (or reuse) each document's
record, build the corpus tables, publish. The Prefect flows in `flows/` call
these functions; nothing here depends on Prefect.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.cache import RecordCache, record_key, sha256_file
from pipeline.config import Settings
from pipeline.errors import BriefdataError, IngestError, RegistryError
from pipeline.ingest.reader import MEDIA_TYPES
from pipeline.model import DocumentMeta
from pipeline.registry import load_registry, resolve_in
from pipeline.tables import build_tables
from pipeline.text import slugify

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR.parent / "data" / "reference"
# Modules whose code shapes a document's record; editing one invalidates the cache.
RECORD_CODE = ("ingest", "extract", "segment.py", "process.py", "model.py", "nlp.py", "tables.py",
               "kb_entities.py", "kb_treaties.py")  # fmt: skip

# Modules that turn records into a release (tables, manifest, report).
RELEASE_CODE = ("tables.py", "tableschema.py", "stale.py", "run.py", "publish.py", "report.py")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PARTIAL = 2  # published, but some sources are missing, failed or stale


@dataclass(frozen=True)
class WorkItem:
    doc_id: str
    path: Path
    meta: DocumentMeta
    sha256: str
    display_path: str  # as shown in messages
    relative_path: str  # inside the raw (or input) folder, as the manifest records it


@dataclass(frozen=True)
class MissingSource:
    doc_id: str
    title: str
    url: str
    expected_path: str
    reason: str


@dataclass(frozen=True)
class Failure:
    doc_id: str
    path: str
    error: str


@dataclass
class Plan:
    items: list[WorkItem] = field(default_factory=list)
    missing: list[MissingSource] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    registered: dict[str, str] = field(default_factory=dict)  # id -> title, for citations


@dataclass
class Outcome:
    doc_id: str
    status: str  # processed, cached, failed
    record: dict[str, Any] | None = None
    error: str = ""
    seconds: float = 0.0


# --- planning -----------------------------------------------------------------------------


def plan_run(settings: Settings) -> Plan:
    """What this run will read: registry sources (or a folder), with hashes."""
    if settings.input_dir is not None:
        return _plan_folder(settings)
    registry = load_registry(settings.registry)
    plan = Plan(registered={s.id: s.title for s in registry.sources})
    wanted = set(settings.only)
    unknown = wanted - {s.id for s in registry.sources}
    if unknown:
        raise RegistryError(f"{settings.registry}: no source with id {', '.join(sorted(unknown))}")
    for source in registry.sources:
        if wanted and source.id not in wanted:
            continue
        shown = f"{settings.raw}/{source.path}"
        try:
            path = resolve_in(settings.raw, source.path, f"{settings.registry} ({source.id})")
        except RegistryError as error:
            plan.failed.append(Failure(source.id, shown, str(error)))
            continue
        if not path.is_file():
            plan.missing.append(
                _missing(source.id, source.title, source.url, shown, source.download_url)
            )
            continue
        digest = sha256_file(path)
        if source.sha256 and digest != source.sha256:
            plan.warnings.append(
                f"{shown}: sha256 {digest[:12]}… differs from the registry's {source.sha256[:12]}…"
            )
        plan.items.append(WorkItem(source.id, path, source.meta(), digest, shown, source.path))
    return plan


def _missing(doc_id: str, title: str, url: str, shown: str, download_url: str) -> MissingSource:
    if download_url:
        how = f"run `briefdata fetch {doc_id}` to download it from {download_url}"
    else:
        how = "no download URL is registered; download it by hand"
        how += f" from {url}" if url else ""
    return MissingSource(
        doc_id, title, url, shown, f"file not found at {shown}; {how} and save it there"
    )


def _plan_folder(settings: Settings) -> Plan:
    folder = settings.input_dir
    assert folder is not None
    if not folder.is_dir():
        raise BriefdataError(f"{folder}: not a folder")
    plan = Plan()
    seen: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        shown = str(path)
        if path.suffix.lower() not in MEDIA_TYPES:
            plan.warnings.append(f"{shown}: skipped, unsupported file type {path.suffix!r}")
            continue
        doc_id = slugify(path.stem)
        if doc_id in seen:
            plan.failed.append(
                Failure(doc_id, shown, f"duplicate document id {doc_id!r} (also {seen[doc_id]})")
            )
            continue
        seen[doc_id] = shown
        meta = DocumentMeta(doc_id=doc_id, media_type=MEDIA_TYPES[path.suffix.lower()])
        relative = path.relative_to(folder).as_posix()
        plan.items.append(WorkItem(doc_id, path, meta, sha256_file(path), shown, relative))
    return plan


# --- fingerprint --------------------------------------------------------------------------


def code_version(names: tuple[str, ...] = RECORD_CODE, root: Path = PACKAGE_DIR) -> str:
    """Hash of the source files (or folders) that shape an output."""
    digest = hashlib.sha256()
    for name in names:
        target = root / name
        files = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
        for path in files:
            if path.exists() and path.suffix in (".py", ".json"):
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def release_key(plan: Plan, plan_fingerprint: dict[str, Any], failures: list[Outcome]) -> str:
    """Everything a release is made from; equal keys mean byte-identical releases."""
    payload = {
        "records": [(item.doc_id, item_key(item, plan_fingerprint)) for item in plan.items],
        "missing": [asdict(m) for m in plan.missing],
        "plan_failed": [asdict(f) for f in plan.failed],
        "failures": sorted((o.doc_id, o.error) for o in failures),
        "release_code": code_version(RELEASE_CODE),
        "schemas": code_version(("schemas",), PACKAGE_DIR.parent),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def published_release_key(output: Path) -> str | None:
    try:
        return json.loads((output / "manifest.json").read_text(encoding="utf-8")).get("release_key")
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def knowledge_base_versions() -> dict[str, str]:
    return {
        path.stem: hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for path in sorted(REFERENCE_DIR.glob("*.yaml"))
    }


def model_fingerprint() -> dict[str, str]:
    from pipeline.nlp import installed_model_name, model_version

    name = installed_model_name()
    return {
        "name": name,
        "version": model_version(name),
        "spacy": importlib.metadata.version("spacy"),
    }


def fingerprint(plan: Plan) -> dict[str, Any]:
    return {
        "code": code_version(),
        "model": model_fingerprint(),
        "knowledge_bases": knowledge_base_versions(),
        "registered_titles": plan.registered,
    }


# --- extraction ---------------------------------------------------------------------------


def extract_items(
    items: list[WorkItem],
    settings: Settings,
    plan_fingerprint: dict[str, Any],
    registered: dict[str, str],
) -> list[Outcome]:
    """Each document's record, from the cache when its key is known, else extracted.

    Documents are parsed a chunk at a time through one spaCy stream, and each
    record goes to the cache as soon as it is made, so memory stays flat.
    """
    cache = RecordCache(settings.cache)
    outcomes: dict[str, Outcome] = {}
    pending: list[WorkItem] = []
    for item in items:
        cached = cache.get(item_key(item, plan_fingerprint)) if settings.use_cache else None
        if cached is not None:
            outcomes[item.doc_id] = Outcome(item.doc_id, "cached", cached)
        else:
            pending.append(item)
    for start in range(0, len(pending), CHUNK_DOCS):
        chunk = pending[start : start + CHUNK_DOCS]
        for outcome in _extract_chunk(chunk, settings, plan_fingerprint, registered, cache):
            outcomes[outcome.doc_id] = outcome
    return [outcomes[item.doc_id] for item in items]


CHUNK_DOCS = 25


def extract_summaries(
    items: list[WorkItem],
    settings: Settings,
    plan_fingerprint: dict[str, Any],
    registered: dict[str, str],
) -> list[Outcome]:
    """`extract_items` without the records (they travel through the cache)."""
    outcomes = extract_items(items, settings, plan_fingerprint, registered)
    return [Outcome(o.doc_id, o.status, None, o.error, o.seconds) for o in outcomes]


def _extract_chunk(
    items: list[WorkItem],
    settings: Settings,
    plan_fingerprint: dict[str, Any],
    registered: dict[str, str],
    cache: RecordCache,
) -> list[Outcome]:
    from pipeline.nlp import load_nlp
    from pipeline.process import read_source, run_extractors
    from pipeline.segment import segment_many
    from pipeline.tables import document_record

    outcomes: list[Outcome] = []
    readable = []
    for item in items:
        try:
            read, meta = read_source(item.path, item.meta, max_bytes=settings.max_bytes)
        except IngestError as error:
            outcomes.append(
                Outcome(item.doc_id, "failed", error=f"{item.display_path}: {error.problem}")
            )
            continue
        except Exception as error:
            outcomes.append(_crash(item, error))
            continue
        readable.append((item, read, meta))
    if not readable:
        return outcomes
    segmented = segment_many([read.blocks for _, read, _ in readable], load_nlp())
    for (item, read, meta), (text, sentences) in zip(readable, segmented, strict=True):
        started = time.perf_counter()
        try:
            extraction, links = run_extractors(meta, text, sentences, registered)
            record = document_record(
                extraction, sha256=item.sha256, pages=read.pages, treaty_links=links
            )
        except Exception as error:
            outcomes.append(_crash(item, error))
            continue
        record["text"] = text
        record["warnings"] = [f"{item.display_path}: {w}" for w in read.warnings]
        record["page_stats"] = read.page_stats
        cache.put(item_key(item, plan_fingerprint), record)
        outcomes.append(
            Outcome(item.doc_id, "processed", record, seconds=time.perf_counter() - started)
        )
    return outcomes


def warm_up() -> None:
    """Load the model and knowledge bases once in a worker process, before its first task."""
    from pipeline.kb_entities import load_entity_kb
    from pipeline.kb_treaties import load_treaty_kb
    from pipeline.nlp import load_nlp

    load_nlp()
    load_entity_kb()
    load_treaty_kb()


def _crash(item: WorkItem, error: Exception) -> Outcome:
    return Outcome(
        item.doc_id, "failed", error=f"{item.display_path}: {type(error).__name__}: {error}"
    )


def item_key(item: WorkItem, plan_fingerprint: dict[str, Any]) -> str:
    return record_key(item.sha256, {**plan_fingerprint, "meta": asdict(item.meta)})


def partition_items(
    items: list[WorkItem], settings: Settings, plan_fingerprint: dict[str, Any]
) -> tuple[list[WorkItem], list[WorkItem]]:
    """(cached, pending): which documents already have a record for this fingerprint."""
    if not settings.use_cache:
        return [], list(items)
    cache = RecordCache(settings.cache)
    cached = [item for item in items if cache.has(item_key(item, plan_fingerprint))]
    known = {item.doc_id for item in cached}
    return cached, [item for item in items if item.doc_id not in known]


# --- assembly -----------------------------------------------------------------------------


def assemble(
    plan: Plan, outcomes: list[Outcome], settings: Settings, plan_fingerprint: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Tables, texts and the manifest of the release this run publishes."""
    from pipeline.stale import stale_records

    good = {o.doc_id: o.record for o in outcomes if o.record is not None}
    failed = [
        Failure(o.doc_id, _display(plan, o.doc_id), o.error)
        for o in outcomes
        if o.status == "failed"
    ]
    failed += plan.failed
    stale = stale_records(settings.output, [f.doc_id for f in failed if f.doc_id not in good])
    records = {**stale, **good}
    ordered = [records[doc_id] for doc_id in sorted(records)]
    tables = build_tables(ordered)
    texts = {doc_id: record["text"] for doc_id, record in records.items()}
    manifest = build_manifest(plan, outcomes, failed, stale, tables, plan_fingerprint, records)
    return tables, texts, manifest


def _display(plan: Plan, doc_id: str) -> str:
    return next((i.display_path for i in plan.items if i.doc_id == doc_id), doc_id)


def build_manifest(
    plan: Plan,
    outcomes: list[Outcome],
    failed: list[Failure],
    stale: dict[str, dict[str, Any]],
    tables: dict[str, Any],
    plan_fingerprint: dict[str, Any],
    records: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Everything needed to reproduce and audit a release; no timestamps (deterministic)."""
    failed_ids = {f.doc_id for f in failed}
    inputs = []
    for item in sorted(plan.items, key=lambda i: i.doc_id):
        record = records.get(item.doc_id) or {}
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
                "page_stats": record.get("page_stats", []) if status == "published" else [],
            }
        )
    warnings = sorted(
        set(plan.warnings) | {w for r in records.values() for w in r.get("warnings", [])}
    )
    return {
        "dataset": "briefdata",
        "briefdata_version": __version__,
        "code_version": plan_fingerprint["code"],
        "model": plan_fingerprint["model"],
        "knowledge_bases": plan_fingerprint["knowledge_bases"],
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
    partial = manifest["missing"] or manifest["failed"] or manifest["stale"]
    return EXIT_PARTIAL if partial else EXIT_OK


def load_records(
    plan: Plan, settings: Settings, plan_fingerprint: dict[str, Any], failures: list[Outcome]
) -> list[Outcome]:
    """The records the extract step left in the cache, and its failures."""
    cache = RecordCache(settings.cache)
    failed = {o.doc_id: o for o in failures}
    outcomes = []
    for item in plan.items:
        if item.doc_id in failed:
            outcomes.append(failed[item.doc_id])
            continue
        record = cache.get(item_key(item, plan_fingerprint))
        if record is None:
            outcomes.append(
                Outcome(
                    item.doc_id,
                    "failed",
                    error=f"{item.display_path}: not extracted (run extract first)",
                )
            )
        else:
            outcomes.append(Outcome(item.doc_id, "cached", record))
    return outcomes


def publish_release(
    settings: Settings, tables: dict[str, Any], texts: dict[str, str], manifest: dict[str, Any]
) -> None:
    from pipeline.publish import publish

    publish(settings.output, tables, texts, manifest)


def publish_run(
    plan: Plan, settings: Settings, plan_fingerprint: dict[str, Any], failures: list[Outcome]
) -> dict[str, Any]:
    """Build and publish this run's release, unless the published one is already it.

    Returns the release's manifest.
    """
    from pipeline.publish import publish_lock, recover

    key = release_key(plan, plan_fingerprint, failures)
    with publish_lock(settings.output):
        recover(settings.output)
        if settings.use_cache and published_release_key(settings.output) == key:
            return json.loads((settings.output / "manifest.json").read_text(encoding="utf-8"))
        outcomes = load_records(plan, settings, plan_fingerprint, failures)
        tables, texts, manifest = assemble(plan, outcomes, settings, plan_fingerprint)
        manifest["release_key"] = key
        publish_release(settings, tables, texts, manifest)
    return manifest


def run_without_prefect(settings: Settings) -> dict[str, Any]:
    """The same stages as the `pipeline` flow, in-process: for tests and benchmarks."""
    from pipeline.publish import publish_lock

    with publish_lock(settings.output):
        plan = plan_run(settings)
        plan_fingerprint = fingerprint(plan)
        outcomes = extract_items(plan.items, settings, plan_fingerprint, plan.registered)
        failures = [o for o in outcomes if o.status == "failed"]
        return publish_run(plan, settings, plan_fingerprint, failures)
