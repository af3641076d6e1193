"""The source registry: one YAML entry per document (`data/sources.yaml`)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import RegistryError
from pipeline.model import DocumentMeta

DOC_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
FIELDS = (
    "id", "title", "authors", "publisher", "published", "url", "download_url", "license",
    "path", "media_type", "sha256", "cites",
)  # fmt: skip


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    path: str  # relative to the raw folder
    authors: tuple[str, ...] = ()
    publisher: str = ""
    published: str = ""
    url: str = ""  # landing page
    download_url: str = ""  # direct file URL that `fetch` downloads; "" when unknown
    license: str = ""
    media_type: str = ""
    sha256: str = ""
    cites: tuple[str, ...] = ()

    def meta(self) -> DocumentMeta:
        return DocumentMeta(
            doc_id=self.id,
            title=self.title,
            authors=self.authors,
            publisher=self.publisher,
            published=self.published,
            source_url=self.url,
            license=self.license,
            media_type=self.media_type,
        )

    def to_yaml_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["authors"] = list(self.authors)
        data["cites"] = list(self.cites)
        return {key: data[key] for key in FIELDS if data[key] not in ("", [], None)}


@dataclass
class Registry:
    path: Path
    sources: list[Source] = field(default_factory=list)

    def get(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise RegistryError(f"{self.path}: no source with id {source_id!r}")


def load_registry(path: Path) -> Registry:
    """Parse and check the registry; errors name the file, the line and the problem."""
    if not path.exists():
        return Registry(path=path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise RegistryError(f"{path}:{where}: malformed YAML: {problem}") from error
    except UnicodeDecodeError as error:
        raise RegistryError(f"{path}: not UTF-8 text") from error
    entries = (data or {}).get("sources", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: expected a mapping with a `sources:` list")
    sources = [_parse_entry(path, number, entry) for number, entry in enumerate(entries, 1)]
    _check_unique(path, sources)
    return Registry(path=path, sources=sources)


def save_registry(registry: Registry) -> None:
    header = (
        "# Source registry: one entry per document. `path` is relative to data/raw/.\n"
        "# `download_url` is the direct file that `briefdata fetch` downloads (leave it out when\n"
        "# unknown); `sha256` is checked when present; `cites` lists registered ids it cites.\n"
    )
    body = yaml.safe_dump(
        {"sources": [source.to_yaml_dict() for source in registry.sources]},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    registry.path.write_text(header + body, encoding="utf-8")


def _parse_entry(path: Path, number: int, entry: Any) -> Source:
    where = f"{path}: source #{number}"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: expected a mapping, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise RegistryError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for required in ("id", "title", "path"):
        if not entry.get(required):
            raise RegistryError(f"{where}: missing required field `{required}`")
    source_id = str(entry["id"])
    if not DOC_ID.match(source_id):
        raise RegistryError(
            f"{where}: id {source_id!r} must be a lowercase slug (letters, digits, '.', '_', '-')"
        )
    # An unsafe `path` fails only its own source, when the run resolves it (resolve_in).
    return Source(
        id=source_id,
        title=str(entry["title"]),
        path=str(entry["path"]),
        authors=tuple(str(a) for a in _as_list(entry.get("authors"))),
        publisher=str(entry.get("publisher") or ""),
        published=str(entry.get("published") or ""),
        url=str(entry.get("url") or ""),
        download_url=str(entry.get("download_url") or ""),
        license=str(entry.get("license") or ""),
        media_type=str(entry.get("media_type") or ""),
        sha256=str(entry.get("sha256") or "").lower(),
        cites=tuple(str(c) for c in _as_list(entry.get("cites"))),
    )


def check_relative_path(relative: str, where: str) -> None:
    """Refuse paths that could leave the raw folder."""
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts or relative.startswith("~"):
        raise RegistryError(f"{where}: path {relative!r} must stay inside data/raw/")


def resolve_in(root: Path, relative: str, where: str) -> Path:
    """`root / relative`, refusing anything (symlinks included) that resolves outside root."""
    check_relative_path(relative, where)
    resolved = (root / relative).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise RegistryError(f"{where}: path {relative!r} resolves outside {root} (symlink?)")
    return resolved


def _check_unique(path: Path, sources: list[Source]) -> None:
    seen: set[str] = set()
    for source in sources:
        if source.id in seen:
            raise RegistryError(f"{path}: duplicate source id {source.id!r}")
        seen.add(source.id)


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def add_source(
    registry_path: Path,
    raw: Path,
    file: Path,
    *,
    title: str,
    doc_id: str | None = None,
    **fields: Any,
) -> Source:
    """Copy `file` into raw/ and register it; refuses ids or files that already exist."""
    import hashlib
    import shutil

    from pipeline.ingest.reader import media_type_of
    from pipeline.text import slugify

    media_type = media_type_of(file)
    source_id = doc_id or slugify(file.stem)
    if not DOC_ID.match(source_id):
        raise RegistryError(f"{file}: cannot make a source id from the file name; pass --id")
    registry = load_registry(registry_path)
    if any(s.id == source_id for s in registry.sources):
        raise RegistryError(
            f"{registry_path}: a source with id {source_id!r} is already registered"
        )
    relative = f"{source_id}{file.suffix.lower()}"
    target = resolve_in(raw, relative, f"source {source_id}")
    if target.exists():
        raise RegistryError(f"{target} already exists; pass another --id")
    raw.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(file, target)
    source = Source(
        id=source_id,
        title=title,
        path=relative,
        media_type=media_type,
        sha256=hashlib.sha256(target.read_bytes()).hexdigest(),
        **{k: v for k, v in fields.items() if v not in (None, "", ())},
    )
    registry.sources.append(source)
    save_registry(registry)
    return source
