"""The source registry: one YAML entry per document (`data/sources.yaml`).

A registry that cannot be read at all (missing, malformed, duplicate ids) stops the
run. An entry with a bad field fails only that source, named by its id and the field;
the other sources are published.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import RegistryError
from pipeline.text import MAX_DOC_ID
from pipeline.types import DocumentMeta
from pipeline.yamlsafe import load_yaml_no_aliases

DOC_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
FIELDS = (
    "id", "title", "authors", "publisher", "published", "url", "download_url", "license",
    "path", "media_type", "sha256", "cites",
)  # fmt: skip
TEXT_FIELDS = ("title", "publisher", "url", "download_url", "license", "path", "media_type")
LIST_FIELDS = ("authors", "cites")
HEADER = (
    "# Source registry: one entry per document. `path` is relative to data/raw/.\n"
    "# `download_url` is the direct file that `briefdata fetch` downloads (leave it out when\n"
    "# unknown); `sha256` is checked when present; `cites` lists registered ids it cites.\n"
)


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


@dataclass(frozen=True)
class InvalidSource:
    """A registry entry that cannot be used; only this source fails."""

    id: str  # the entry's id, or "source #N" when it has no usable id
    path: str
    problem: str


@dataclass
class Registry:
    path: Path
    sources: list[Source] = field(default_factory=list)
    invalid: list[InvalidSource] = field(default_factory=list)

    def get(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        if any(entry.id == source_id for entry in self.invalid):
            problem = next(e.problem for e in self.invalid if e.id == source_id)
            raise RegistryError(f"{self.path}: source {source_id!r} is invalid: {problem}")
        raise RegistryError(f"{self.path}: no source with id {source_id!r}")

    def ids(self) -> set[str]:
        return {s.id for s in self.sources} | {e.id for e in self.invalid}


# ------------------------------------------------------------------------ reading


def load_registry(path: Path) -> Registry:
    """Parse and check the registry; errors name the file, the source id and the field."""
    registry = Registry(path=path)
    for number, entry in enumerate(read_entries(path), 1):
        parsed = parse_entry(entry, f"source #{number}")
        if isinstance(parsed, Source):
            registry.sources.append(parsed)
        else:
            registry.invalid.append(parsed)
    _check_unique(registry)
    return registry


def read_entries(path: Path) -> list[Any]:
    """The registry's entries as written (mappings), before any check of their fields."""
    if not path.exists():
        raise RegistryError(
            f"{path}: no such registry; check --registry, or create it with `briefdata add`"
        )
    if not path.is_file():
        raise RegistryError(f"{path}: not a file")
    try:
        data = load_yaml_no_aliases(path.read_text(encoding="utf-8"), dates_as_text=True)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        raise RegistryError(f"{path}:{where} malformed YAML: {error.problem}") from error
    except UnicodeDecodeError as error:
        raise RegistryError(f"{path}: not UTF-8 text") from error
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        raise RegistryError(f"{path}: malformed YAML: {error}") from error
    entries = (data or {}).get("sources", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: expected a mapping with a `sources:` list")
    return entries


def parse_entry(entry: Any, position: str) -> Source | InvalidSource:
    """A Source, or the first problem of the entry (naming the field)."""
    if not isinstance(entry, dict):
        return InvalidSource(position, "", f"expected a mapping, got {type(entry).__name__}")
    source_id = entry.get("id")
    name = source_id if isinstance(source_id, str) and source_id else position
    path = entry.get("path") if isinstance(entry.get("path"), str) else ""
    problems = entry_problems(entry)
    if problems:
        return InvalidSource(name, path, "; ".join(problems))
    return Source(
        id=source_id,
        title=" ".join(entry["title"].split()),
        path=entry["path"],
        authors=tuple(_as_list(entry.get("authors"))),
        publisher=entry.get("publisher") or "",
        published=published_date(entry.get("published")),
        url=entry.get("url") or "",
        download_url=entry.get("download_url") or "",
        license=entry.get("license") or "",
        media_type=entry.get("media_type") or "",
        sha256=(entry.get("sha256") or "").lower(),
        cites=tuple(_as_list(entry.get("cites"))),
    )


def entry_problems(entry: dict[str, Any]) -> list[str]:
    """Everything wrong with one entry, each naming its field."""
    from pipeline.ingest.reader import MEDIA_TYPES

    problems = [f"unknown field `{key}`" for key in sorted(set(entry) - set(FIELDS), key=str)]
    for required in ("id", "title", "path"):
        if not entry.get(required):
            problems.append(f"missing required field `{required}`")
    for key in ("id", *TEXT_FIELDS):
        value = entry.get(key)
        if value not in (None, "") and not isinstance(value, str):
            problems.append(f"field `{key}` must be text, got {type(value).__name__}")
        elif isinstance(value, str) and (problem := text_problem(value)):
            problems.append(f"field `{key}` {problem}")
    for key in LIST_FIELDS:
        values = _as_list(entry.get(key))
        if any(not isinstance(v, str) or text_problem(v) for v in values):
            problems.append(f"field `{key}` must be a list of text items")
    source_id = entry.get("id")
    if isinstance(source_id, str) and source_id:
        if not DOC_ID.match(source_id):
            problems.append(
                f"field `id` {source_id!r} must be a lowercase slug "
                "(letters, digits, '.', '_', '-')"
            )
        elif len(source_id) > MAX_DOC_ID:
            problems.append(f"field `id` is longer than {MAX_DOC_ID} characters")
    try:
        published_date(entry.get("published"))
    except ValueError as error:
        problems.append(f"field `published` {error}")
    media_type = entry.get("media_type")
    if isinstance(media_type, str) and media_type and media_type not in MEDIA_TYPES.values():
        known = ", ".join(sorted(set(MEDIA_TYPES.values())))
        problems.append(f"field `media_type` {media_type!r} is not one of {known}")
    for key in ("url", "download_url"):
        value = entry.get(key)
        if isinstance(value, str) and value and not value.startswith(("http://", "https://")):
            problems.append(f"field `{key}` {value!r} is not an http(s) URL")
    sha = entry.get("sha256")
    if isinstance(sha, str) and sha and not SHA256.match(sha.lower()):
        problems.append("field `sha256` is not 64 hexadecimal digits")
    path = entry.get("path")
    if isinstance(path, str) and path:
        try:
            check_relative_path(path, "field `path`")
        except RegistryError as error:
            problems.append(str(error))
    return problems


def text_problem(value: str) -> str:
    """Why a text value cannot be published ("" when it can)."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an invalid character (a lone surrogate)"
    if len(value) > 10_000:
        return "is longer than 10,000 characters"
    return ""


def published_date(value: Any) -> str:
    """A publication date as YYYY, YYYY-MM or YYYY-MM-DD; raises ValueError otherwise."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    match = PUBLISHED.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real calendar date ({error})") from None
    return text


def _check_unique(registry: Registry) -> None:
    seen: set[str] = set()
    for source_id in [s.id for s in registry.sources] + [e.id for e in registry.invalid]:
        if source_id in seen:
            raise RegistryError(f"{registry.path}: duplicate source id {source_id!r}")
        seen.add(source_id)


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


# ------------------------------------------------------------------------ paths


def check_relative_path(relative: str, where: str) -> None:
    """Refuse paths that could leave the raw folder."""
    if "\x00" in relative:
        raise RegistryError(f"{where}: path contains a NUL character")
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


# ------------------------------------------------------------------------ writing


def save_entries(path: Path, entries: list[Any]) -> None:
    """Write the registry atomically (a crash leaves the old or the new file, whole).

    Entries are written as given: an entry this version cannot use is kept, not lost.
    """
    body = yaml.safe_dump({"sources": entries}, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(HEADER + body, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
