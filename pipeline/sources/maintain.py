"""What a maintainer does to the registry: add, update and remove sources.

Every change is checked completely before anything is written, then written so
that a crash leaves the old or the new state: the file is copied into raw/ under
a temporary name, the registry is replaced atomically, and only then is the file
renamed into place.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import RegistryError
from pipeline.ingest.reader import media_type_of
from pipeline.run.cache import sha256_file
from pipeline.sources.licenses import canonical_license
from pipeline.sources.registry import (
    FIELDS,
    Source,
    entry_problems,
    load_registry,
    parse_entry,
    read_entries,
    resolve_in,
    save_entries,
)
from pipeline.text import document_id

EDITABLE = ("title", "authors", "publisher", "published", "url", "download_url", "license", "cites")


@dataclass(frozen=True)
class Removal:
    source_id: str
    file: Path
    file_deleted: bool


def add_source(
    registry_path: Path, raw: Path, file: Path, *, title: str, doc_id: str | None = None,
    **fields: Any,
) -> Source:  # fmt: skip
    """Copy `file` into raw/ and register it; refuses anything a run would reject."""
    entries = read_entries(registry_path) if registry_path.exists() else []
    registry = load_registry(registry_path) if registry_path.exists() else None
    if not file.is_file():
        raise RegistryError(f"{file}: not a file")
    media_type = media_type_of(file)
    digest = sha256_file(file)
    source_id = doc_id or document_id(file.stem)
    if registry is not None:
        _refuse_duplicates(registry_path, registry, source_id, digest)
    relative = f"{source_id}{file.suffix.lower()}"
    target = resolve_in(raw, relative, f"source {source_id}")
    if target.exists():
        raise RegistryError(f"{target} already exists; pass another --id")
    entry = {"id": source_id, "title": title, "path": relative, "media_type": media_type,
             "sha256": digest, **fields}  # fmt: skip
    entry = _checked(entry, registry, registry_path)
    raw.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        shutil.copyfile(file, temporary)
        save_entries(registry_path, [*entries, entry])
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return load_registry(registry_path).get(source_id)


def update_source(
    registry_path: Path, raw: Path, source_id: str, *, file: Path | None = None, **fields: Any
) -> Source:
    """Accept a changed file (re-record its sha256), replace it, or change metadata."""
    entries = read_entries(registry_path)
    registry = load_registry(registry_path)
    index = _entry_index(registry_path, entries, source_id)
    entry = dict(entries[index])
    entry.update({k: v for k, v in fields.items() if k in EDITABLE})
    target = resolve_in(raw, str(entry.get("path", "")), f"source {source_id}")
    source_file = file or target
    if not source_file.is_file():
        raise RegistryError(f"{source_file}: not a file")
    if file is not None and media_type_of(file) != media_type_of(target):
        raise RegistryError(
            f"{file}: a {file.suffix} file cannot replace {target.name}; remove and add it instead"
        )
    entry["sha256"] = sha256_file(source_file)
    others = [s for s in registry.sources if s.id != source_id]
    same = next((s for s in others if s.sha256 == entry["sha256"]), None)
    if same:
        raise RegistryError(f"{source_file}: the same file is already registered as {same.id!r}")
    entry = _checked(entry, registry, registry_path, editing=source_id)
    updated = [*entries[:index], entry, *entries[index + 1 :]]
    if file is None:
        save_entries(registry_path, updated)
    else:
        temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            shutil.copyfile(file, temporary)
            save_entries(registry_path, updated)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return load_registry(registry_path).get(source_id)


def remove_source(
    registry_path: Path, raw: Path, source_id: str, *, delete_file: bool = False
) -> Removal:
    """Unregister a source. Its file stays in raw/ unless `delete_file`."""
    entries = read_entries(registry_path)
    index = _entry_index(registry_path, entries, source_id)
    path = entries[index].get("path") if isinstance(entries[index], dict) else None
    file = resolve_in(raw, path, f"source {source_id}") if isinstance(path, str) and path else raw
    save_entries(registry_path, [*entries[:index], *entries[index + 1 :]])
    deleted = False
    if delete_file and file != raw and file.is_file():
        file.unlink()
        deleted = True
    return Removal(source_id, file, deleted)


def _entry_index(registry_path: Path, entries: list[Any], source_id: str) -> int:
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("id") == source_id:
            return index
    raise RegistryError(f"{registry_path}: no source with id {source_id!r}")


def _refuse_duplicates(registry_path: Path, registry: Any, source_id: str, digest: str) -> None:
    if source_id in registry.ids():
        raise RegistryError(
            f"{registry_path}: a source with id {source_id!r} is already registered"
        )
    same = next((s for s in registry.sources if s.sha256 == digest), None)
    if same:
        raise RegistryError(f"the same file is already registered as {same.id!r}")


def _checked(
    entry: dict[str, Any], registry: Any, registry_path: Path, *, editing: str = ""
) -> dict[str, Any]:
    """The entry with empty fields dropped and its licence canonical; refuses any problem."""
    entry = {k: v for k, v in entry.items() if v not in (None, "", (), [])}
    for key in ("authors", "cites"):
        if key in entry:
            entry[key] = list(entry[key]) if isinstance(entry[key], list | tuple) else [entry[key]]
    problems = entry_problems(entry)
    if entry.get("license"):
        canonical = canonical_license(str(entry["license"]))
        if canonical is None:
            problems.append(
                f"field `license` {entry['license']!r} is not a known licence "
                "(an SPDX expression such as CC-BY-4.0, or 'All rights reserved', 'Public domain')"
            )
        else:
            entry["license"] = canonical
    known = registry.ids() if registry is not None else set()
    unknown = [c for c in entry.get("cites", []) if c not in known or c in (entry["id"], editing)]
    if unknown:
        problems.append(f"field `cites` names unregistered source(s): {', '.join(unknown)}")
    if problems:
        raise RegistryError(f"{registry_path}: source {entry.get('id')!r}: " + "; ".join(problems))
    parsed = parse_entry(entry, "new source")
    assert isinstance(parsed, Source), parsed
    return {key: entry[key] for key in FIELDS if key in entry}


# ---------------------------------------------------------------- from the web

_SIGNATURES = ((b"%PDF-", ".pdf"), (b"PK\x03\x04", ".docx"))


def suffix_of_content(data: bytes) -> str:
    """The file type the bytes are (".pdf", ".docx", ".html", ".txt"), not what the URL says."""
    for signature, suffix in _SIGNATURES:
        if data.startswith(signature):
            return suffix
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head:
        return ".html"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError as error:
        problem = "the download is neither a PDF, a Word file, a web page nor text"
        raise RegistryError(problem) from error
    return ".txt"


def found_metadata(path: Path) -> dict[str, Any]:
    """What a downloaded file says of itself: a page's or a Word file's metadata."""
    from pipeline.ingest.reader import read_document

    front = read_document(path).front_matter if path.suffix in (".html", ".docx") else {}
    found = {
        "title": front.get("title", ""),
        "authors": tuple(front.get("authors") or ()),
        "publisher": front.get("publisher", ""),
        "published": str(front.get("date") or "")[:10],
        "url": front.get("source_url", ""),
        "license": front.get("license", ""),
    }
    return {key: value for key, value in found.items() if value}


def add_url(
    registry_path: Path, raw: Path, url: str, *, timeout: float, overrides: dict[str, Any]
) -> tuple[Source, dict[str, Any]]:
    """Download `url`, detect its type from its content, take its metadata (the maintainer's
    `overrides` win) and register it as `add_source` does; returns the source and what the
    page said."""
    import tempfile
    from urllib.parse import urlsplit

    from pipeline.sources.fetch import download

    data = download(url, timeout=timeout)
    suffix = suffix_of_content(data)
    stem = document_id(Path(urlsplit(url).path).stem or urlsplit(url).hostname or "page")
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"{stem}{suffix}"
        file.write_bytes(data)
        found = found_metadata(file)
        fields = {**found, **{k: v for k, v in overrides.items() if v}}
        fields.setdefault("url", url)
        if suffix != ".html":
            fields.setdefault("download_url", url)
        title = fields.pop("title", "")
        if not title:
            raise RegistryError(f"{url}: the file names no title; pass --title")
        doc_id = fields.pop("doc_id", None) or document_id(title)[:80].strip("-")
        return add_source(registry_path, raw, file, title=title, doc_id=doc_id, **fields), found
