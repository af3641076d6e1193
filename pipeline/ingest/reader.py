"""One entry point for every supported file type."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.errors import IngestError
from pipeline.ingest.normalize import MAX_WORD_CHARS, drop_overlong_words
from pipeline.types import Block

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
    ".docx": DOCX,
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_HAS_WORD = re.compile(r"\w")
# Bytes that are not valid UTF-8 come out of "surrogateescape" as U+DC80..U+DCFF.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
# Windows-1252 leaves five bytes undefined; Latin-1 gives them their C1 control characters.
_ESCAPED_AS_CP1252 = {
    0xDC00 + byte: bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)
    for byte in range(0x80, 0x100)
}


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
    """Blocks of normalized text from a Markdown, text, PDF, HTML or Word file."""
    media_type = media_type_of(path)
    if not path.is_file():
        raise IngestError(path, "file not found")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, "empty file (0 bytes)")
    if size > max_bytes:
        raise IngestError(path, f"file is {size:,} bytes, over the size limit of {max_bytes:,}")
    result = _read_pdf(path) if media_type == "application/pdf" else _read_text(path, media_type)
    return _without_overlong_words(path, result)


_KINDS = {"text/markdown": "Markdown", "text/plain": "plain text", "text/html": "HTML",
          DOCX: "a Word document"}  # fmt: skip


def _read_text(path: Path, media_type: str) -> ReadResult:
    """A Markdown, plain-text, web-page or Word file; whatever goes wrong is an
    `IngestError` naming it."""
    kind = _KINDS[media_type]
    warnings: list[str] = []
    try:
        if media_type == DOCX:
            from pipeline.ingest.docx import read_docx

            parsed = read_docx(path)
        else:
            text, warnings = decode_text(path, path.read_bytes())
            parsed = _parsed_text(text, media_type)
    except IngestError:
        raise
    except RecursionError as error:
        raise IngestError(path, f"cannot be read as {kind}: nested too deeply") from error
    except MemoryError as error:
        raise IngestError(path, f"cannot be read as {kind}: out of memory") from error
    except Exception as error:
        problem = f"cannot be read as {kind}: {type(error).__name__}: {error}"
        raise IngestError(path, problem) from error
    if not parsed.blocks:
        raise IngestError(path, "no text found")
    return ReadResult(
        blocks=parsed.blocks,
        media_type=media_type,
        front_matter=parsed.front_matter,
        warnings=warnings + [f"{path.name}: {warning}" for warning in parsed.warnings],
    )


def _parsed_text(text: str, media_type: str) -> Any:
    """Blocks, front matter and warnings of a decoded Markdown, plain-text or HTML file."""
    from pipeline.ingest.html import read_html
    from pipeline.ingest.markdown import read_markdown, read_plain_text

    if media_type == "text/html":
        return read_html(text)
    return read_markdown(text) if media_type == "text/markdown" else read_plain_text(text)


def _without_overlong_words(path: Path, result: ReadResult) -> ReadResult:
    """Runs of over `MAX_WORD_CHARS` non-space characters dropped from the blocks, with a warning.

    No reader needs them, and the model's tokenizer takes time quadratic in their length.
    """
    blocks: list[Block] = []
    dropped: list[int] = []
    for block in result.blocks:
        text, lengths = drop_overlong_words(block.text)
        dropped += lengths
        if not lengths:
            blocks.append(block)
        elif _HAS_WORD.search(text):
            blocks.append(replace(block, text=text))
    if not dropped:
        return result
    if not blocks:
        raise IngestError(path, f"no text found (only runs of over {MAX_WORD_CHARS:,} characters)")
    warning = (
        f"{path.name}: dropped {len(dropped):,} run(s) of over {MAX_WORD_CHARS:,} characters "
        f"without a space (longest {max(dropped):,}) from the text"
    )
    return replace(result, blocks=blocks, warnings=[*result.warnings, warning])


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
    """Text from bytes: UTF-8 or UTF-16 (by BOM); bytes that are not UTF-8 as Windows-1252,
    with a warning.

    Binary content (a PDF or image renamed to .md) is refused rather than
    published as noise.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _decode(path, data, encoding), []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
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
    text, invalid = decode_utf8_with_cp1252_fallback(data)
    return text, [
        f"{path.name}: not valid UTF-8; decoded as windows-1252 where invalid "
        f"({invalid:,} bytes), as UTF-8 elsewhere"
    ]


def decode_utf8_with_cp1252_fallback(data: bytes) -> tuple[str, int]:
    """Valid UTF-8 runs as UTF-8, each invalid byte as Windows-1252; and how many bytes were.

    A file edited with two encodings ("Müller" in UTF-8, "café" in Windows-1252)
    keeps both readable; a file wholly in Windows-1252 decodes as it would alone.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    invalid = len(_ESCAPED_BYTE.findall(text))
    return text.translate(_ESCAPED_AS_CP1252), invalid


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
