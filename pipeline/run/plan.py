"""Plan a run, once: which documents it reads, with their hashes; what is missing or
cannot be used. The plan is the one description of the run every later step reads."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import BriefdataError, RegistryError
from pipeline.ingest.reader import MEDIA_TYPES
from pipeline.run.cache import sha256_file
from pipeline.run.options import Settings
from pipeline.sources.registry import Registry, load_registry, resolve_in
from pipeline.text import document_id, printable
from pipeline.types import DocumentMeta

# When two files of a folder give one document id, the richer format is read.
FORMAT_RANK = {".md": 0, ".markdown": 0, ".docx": 1, ".html": 2, ".htm": 2, ".pdf": 3,
               ".txt": 4, ".text": 4}  # fmt: skip


@dataclass(frozen=True)
class WorkItem:
    doc_id: str
    path: Path
    meta: DocumentMeta
    sha256: str
    display_path: str  # as shown in messages
    relative_path: str  # inside the raw (or input) folder, as the manifest records it
    selected: bool = True  # extract it; else reuse its cached record or its last release


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

    def display_path(self, doc_id: str) -> str:
        return next((i.display_path for i in self.items if i.doc_id == doc_id), doc_id)


def plan_run(settings: Settings, registry: Registry | None = None) -> Plan:
    """What this run will read: registry sources (or a folder), with hashes.

    `registry`: the registry already loaded for this run (it is read once per run).
    """
    if settings.input_dir is not None:
        return _plan_folder(settings.input_dir)
    return _plan_registry(registry or load_registry(settings.registry), settings)


def _plan_registry(registry: Registry, settings: Settings) -> Plan:
    wanted = set(settings.only)
    unknown = wanted - registry.ids()
    if unknown:
        raise RegistryError(f"{settings.registry}: no source with id {', '.join(sorted(unknown))}")
    plan = Plan(registered={s.id: s.title for s in registry.sources})
    for entry in registry.invalid:
        if not settings.subset or entry.id in wanted:
            plan.failed.append(Failure(entry.id, f"{settings.registry}", entry.problem))
    hashes: dict[str, str] = {}
    for source in registry.sources:
        if settings.subset and source.id not in wanted:
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
        if digest in hashes:
            plan.failed.append(
                Failure(source.id, shown, f"same file as source {hashes[digest]!r}; not read twice")
            )
            continue
        hashes[digest] = source.id
        if source.sha256 and digest != source.sha256:
            plan.warnings.append(
                f"{shown}: sha256 {digest[:12]}… differs from the registry's {source.sha256[:12]}…"
                f" (run `briefdata update {source.id}` to accept the new file)"
            )
        selected = not wanted or source.id in wanted
        plan.items.append(
            WorkItem(source.id, path, source.meta(), digest, shown, source.path, selected)
        )
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


# ------------------------------------------------------------------------ folders


def folder_files(folder: Path) -> tuple[list[Path], list[str]]:
    """Every file under `folder` a run may read, and what was skipped and why.

    Hidden files and folders (.git, .cache ...) are skipped, and so are links that
    lead out of the folder: an input folder never publishes what is not in it.
    """
    root = folder.resolve()
    files: list[Path] = []
    skipped: list[str] = []
    for directory, subdirectories, names in os.walk(folder, followlinks=False):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(directory) / name
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                skipped.append(printable(f"{path}: skipped, a link to a file outside {folder}"))
            elif path.is_file():
                files.append(path)
    return sorted(files), skipped


def _plan_folder(folder: Path) -> Plan:
    if not folder.is_dir():
        raise BriefdataError(f"{folder}: not a folder")
    plan = Plan()
    files, plan.warnings = folder_files(folder)
    chosen: dict[str, Path] = {}
    for path in files:
        if path.suffix.lower() not in MEDIA_TYPES:
            plan.warnings.append(
                printable(f"{path}: skipped, unsupported file type {path.suffix!r}")
            )
            continue
        doc_id = document_id(path.stem)
        other = chosen.get(doc_id)
        if other is None:
            chosen[doc_id] = path
        elif _rank(path) < _rank(other):
            plan.warnings.append(f"{other}: skipped, {path.name} has the same document id")
            chosen[doc_id] = path
        elif _rank(path) > _rank(other):
            plan.warnings.append(f"{path}: skipped, {other.name} has the same document id")
        else:
            plan.failed.append(
                Failure(doc_id, str(path), f"duplicate document id {doc_id!r} (also {other})")
            )
    hashes: dict[str, str] = {}
    for doc_id, path in sorted(chosen.items()):
        digest = sha256_file(path)
        if digest in hashes:
            plan.warnings.append(f"{path}: skipped, the same file as {hashes[digest]}")
            continue
        hashes[digest] = str(path)
        meta = DocumentMeta(doc_id=doc_id, media_type=MEDIA_TYPES[path.suffix.lower()])
        relative = printable(path.relative_to(folder).as_posix())
        plan.items.append(WorkItem(doc_id, path, meta, digest, printable(str(path)), relative))
    return plan


def _rank(path: Path) -> int:
    return FORMAT_RANK.get(path.suffix.lower(), len(FORMAT_RANK))


# ------------------------------------------------------------------------ references


def save_plan(plan: Plan, folder: Path) -> Path:
    """The plan as a JSON file named by its hash: what flow parameters refer to."""
    import hashlib

    # File names that are not valid UTF-8 survive the round trip (surrogate escapes).
    text = json.dumps(_plan_dict(plan), sort_keys=True, ensure_ascii=False)
    data = text.encode("utf-8", "surrogateescape")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"plan-{hashlib.sha256(data).hexdigest()[:20]}.json"
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    return path


def load_plan(path: Path) -> Plan:
    data = json.loads(Path(path).read_bytes().decode("utf-8", "surrogateescape"))
    return Plan(
        items=[_item(item) for item in data["items"]],
        missing=[MissingSource(**m) for m in data["missing"]],
        failed=[Failure(**f) for f in data["failed"]],
        warnings=list(data["warnings"]),
        registered=dict(data["registered"]),
    )


def _plan_dict(plan: Plan) -> dict[str, Any]:
    return {
        "items": [{**asdict(item), "path": str(item.path)} for item in plan.items],
        "missing": [asdict(m) for m in plan.missing],
        "failed": [asdict(f) for f in plan.failed],
        "warnings": plan.warnings,
        "registered": plan.registered,
    }


def _item(data: dict[str, Any]) -> WorkItem:
    meta = dict(data["meta"])
    meta["authors"] = tuple(meta["authors"])
    return WorkItem(**{**data, "path": Path(data["path"]), "meta": DocumentMeta(**meta)})
