"""One entry point for every supported file type."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import IngestError
from pipeline.model import Block

MEDIA_TYPES = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".pdf": "application/pdf",
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class ReadResult:
    blocks: list[Block]
    media_type: str
    pages: int | None = None
    front_matter: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    page_stats: list[dict[str, Any]] = field(default_factory=list)


def media_type_of(path: Path) -> str:
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        supported = ", ".join(sorted(MEDIA_TYPES))
        raise IngestError(path, f"unsupported file type {path.suffix!r} (supported: {supported})")
    return media_type


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Blocks of normalized text from a Markdown, text or PDF file."""
    media_type = media_type_of(path)
    if not path.is_file():
        raise IngestError(path, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, "empty file (0 bytes)")
    if size > max_bytes:
        raise IngestError(path, f"file is {size:,} bytes, over the size limit of {max_bytes:,}")
    if media_type == "application/pdf":
        return _read_pdf(path)
    text, warnings = decode_text(path, path.read_bytes())
    from pipeline.ingest.markdown import read_markdown, read_plain_text

    parsed = read_markdown(text) if media_type == "text/markdown" else read_plain_text(text)
    if not parsed.blocks:
        raise IngestError(path, "no text found")
    return ReadResult(
        blocks=parsed.blocks,
        media_type=media_type,
        front_matter=parsed.front_matter,
        warnings=warnings,
    )


def _read_pdf(path: Path) -> ReadResult:
    from pipeline.ingest.pdf import read_pdf

    result = read_pdf(path)
    return ReadResult(
        blocks=result.blocks,
        media_type="application/pdf",
        pages=result.pages,
        warnings=list(result.warnings),
        page_stats=[
            vars(stats) if hasattr(stats, "__dict__") else _as_dict(stats)
            for stats in result.page_stats
        ],
    )


def _as_dict(stats: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(stats)


def decode_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    """Text from bytes: UTF-8 or UTF-16 (by BOM), else Windows-1252/Latin-1, with a warning.

    Binary content (a PDF or image renamed to .md) is refused rather than
    published as noise.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
        (codecs.BOM_UTF8, "utf-8-sig"),
    ):
        if data.startswith(bom):
            return _decode(path, data, encoding), []
    if _looks_utf16(data):
        encoding = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        return _decode(path, data, encoding), [
            f"{path.name}: decoded as {encoding} (no byte order mark)"
        ]
    if b"\x00" in data or _binary_share(data) > 0.05:
        raise IngestError(
            path, "binary content, not text (is it a PDF or an image with the wrong extension?)"
        )
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "windows-1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    return text, [f"{path.name}: not valid UTF-8; decoded as {encoding}"]


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise IngestError(
            path, f"not valid {encoding}: {error.reason} at byte {error.start}"
        ) from error


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    if len(sample) < 4:
        return False
    zeros_even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    zeros_odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    return max(zeros_even, zeros_odd) > 0.3 and min(zeros_even, zeros_odd) < 0.05


def _binary_share(data: bytes) -> float:
    sample = data[:8192]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / max(1, len(sample))
