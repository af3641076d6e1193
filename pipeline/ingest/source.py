"""One source file into blocks and metadata: registry first, then front matter,
then the document's own title."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from pipeline.ingest.reader import ReadResult, read_document
from pipeline.nlp.language import LANGUAGE_NAMES, language_of
from pipeline.paths import REFERENCE_DIR
from pipeline.types import Block, DocumentMeta

PUBLISHERS_FILE = REFERENCE_DIR / "publishers.yaml"


def meta_from_front_matter(
    doc_id: str, front_matter: dict[str, Any], media_type: str, base: DocumentMeta | None = None
) -> DocumentMeta:
    """Registry metadata wins; front matter fills what the registry leaves empty."""
    fm = {key.lower(): value for key, value in front_matter.items()}
    authors = fm.get("authors") or fm.get("author") or ()
    if isinstance(authors, str):
        authors = tuple(a.strip() for a in re.split(r";|\band\b", authors) if a.strip())
    found = DocumentMeta(
        doc_id=doc_id,
        title=_text(fm.get("title")),
        authors=tuple(str(a) for a in authors),
        publisher=_text(fm.get("publisher")),
        published=_iso(fm.get("published") or fm.get("date") or fm.get("published_time")),
        source_url=_text(fm.get("source_url") or fm.get("url")),
        license=_text(fm.get("license")),
        media_type=media_type,
    )
    if base is None:
        return found
    merged = {
        name: getattr(base, name) or getattr(found, name)
        for name in ("title", "authors", "publisher", "published", "source_url", "license")
    }
    return replace(base, media_type=base.media_type or media_type, **merged)


def read_source(
    path: Path, meta: DocumentMeta | None = None, *, max_bytes: int | None = None
) -> tuple[ReadResult, DocumentMeta]:
    """A file's blocks and its metadata (registry first, then front matter, then headings)."""
    read = read_document(path, max_bytes=max_bytes) if max_bytes else read_document(path)
    doc_id = meta.doc_id if meta else path.stem
    front_matter, problems = checked_front_matter(read.front_matter)
    read.warnings.extend(problems)
    full_meta = meta_from_front_matter(doc_id, front_matter, read.media_type, meta)
    if not full_meta.publisher and full_meta.source_url:
        full_meta = replace(full_meta, publisher=publisher_of(full_meta.source_url))
    if not full_meta.language:
        full_meta = replace(full_meta, language=language_of(" ".join(b.text for b in read.blocks)))
    if full_meta.language != "en":
        read.warnings.append(
            f"{path.name}: written in {LANGUAGE_NAMES.get(full_meta.language, full_meta.language)}"
            f" ({full_meta.language}); the English models do not read it, so only its document,"
            " sentences and dates are published"
        )
    if not full_meta.title:
        full_meta = replace(full_meta, title=_title_from_blocks(read.blocks))
    return read, full_meta


@cache
def _publishers() -> dict[str, str]:
    """Host -> publisher (`data/reference/publishers.yaml`)."""
    data = yaml.safe_load(PUBLISHERS_FILE.read_text(encoding="utf-8")) or {}
    return {
        str(host).casefold(): str(name) for host, name in (data.get("publishers") or {}).items()
    }


def publisher_of(url: str) -> str:
    """The publisher of the site a URL is on ("" when the table does not know it)."""
    host = (urlsplit(url).hostname or "").casefold().removeprefix("www.")
    known = _publishers()
    while host:
        if host in known:
            return known[host]
        host = host.partition(".")[2] if host.count(".") > 1 else ""
    return ""


def checked_front_matter(front_matter: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Front matter without the values a release would reject, and why each was dropped."""
    from pipeline.sources.registry import published_date, text_problem

    kept: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in front_matter.items():
        name = str(key).lower()
        if name in ("published", "date", "published_time"):
            try:
                published_date(value if not isinstance(value, str) else value[:10])
            except ValueError as error:
                problems.append(f"front matter `{key}` ignored: {error}")
                continue
        if isinstance(value, str) and (problem := text_problem(value)):
            problems.append(f"front matter `{key}` ignored: it {problem}")
            continue
        kept[key] = value
    return kept, problems


def _title_from_blocks(blocks: list[Block]) -> str:
    """A document without metadata is titled by its title block, else its first heading."""
    for kind in ("title", "heading"):
        for block in blocks:
            if block.kind == kind:
                return block.text
    return ""


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    return "-".join(part for part in match.groups() if part) if match else ""
