"""Word files (.docx, python-docx): headings, paragraphs, lists, tables and footnotes as
blocks, the core properties (title, author) as front matter.

Paragraph styles decide the kind: "Title" is the title, "Heading N" opens a section of
level N, list styles ("List Bullet", "List Number", or numbering properties) make list
items; paragraphs under a "Notes" or "Endnotes" heading are footnotes. Tables give one
line per row, body order kept. Footnotes come from the package's
footnotes part, after the body, in the footnotes section; their reference marks are not
in the paragraph text python-docx reads, so "1960.[1]" reads "1960.".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pipeline.ingest.html import NOTE_HEADINGS, HtmlResult
from pipeline.ingest.markdown import FOOTNOTES_SECTION
from pipeline.ingest.normalize import normalize_text
from pipeline.types import Block

_HEADING = re.compile(r"^Heading (\d)$")
_HAS_WORD = re.compile(r"\w")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> HtmlResult:
    """The blocks and metadata of a Word file."""
    import docx

    document = docx.Document(str(path))
    blocks = [*_body_blocks(document), *_footnotes(document)]
    return HtmlResult(blocks=blocks, front_matter=_metadata(document.core_properties))


def _metadata(properties: Any) -> dict[str, Any]:
    """Title and authors; not the file's creation date, which is not its publication date
    (and is a template's date in many generated files)."""
    found = {
        "title": properties.title or "",
        "authors": [a.strip() for a in re.split(r";|,", properties.author or "") if a.strip()],
    }
    return {key: value for key, value in found.items() if value}


def _body_blocks(document: Any):
    """Paragraphs and tables in body order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    levels: list[tuple[int, str]] = []
    in_notes = False
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            paragraph = Paragraph(child, document)
            text = normalize_text(" ".join(paragraph.text.split()))
            if not _HAS_WORD.search(text):
                continue
            style = paragraph.style.name if paragraph.style is not None else ""
            heading = _HEADING.match(style)
            if style == "Title":
                yield Block(text=text, kind="title")
            elif heading:
                level = int(heading.group(1))
                levels = [(lvl, t) for lvl, t in levels if lvl < level] + [(level, text)]
                in_notes = bool(NOTE_HEADINGS.match(text))
                yield Block(text=text, kind="heading", section=_path(levels))
            elif in_notes:
                yield Block(text=text, kind="footnote", section=FOOTNOTES_SECTION)
            else:
                kind = "list_item" if _is_list(paragraph, style) else "body"
                yield Block(text=text, kind=kind, section=_path(levels))
        elif child.tag == f"{_W}tbl":
            for row in Table(child, document).rows:
                cells = [normalize_text(" ".join(c.text.split())) for c in row.cells]
                line = "; ".join(dict.fromkeys(c for c in cells if c))  # merged cells repeat
                if _HAS_WORD.search(line):
                    yield Block(text=line, section=_path(levels))


def _is_list(paragraph: Any, style: str) -> bool:
    properties = paragraph._p.pPr
    return style.startswith("List") or (properties is not None and properties.numPr is not None)


def _footnotes(document: Any):
    """The footnotes part's notes (separators excluded), in order."""
    part = next(
        (
            rel.target_part
            for rel in document.part.rels.values()
            if rel.reltype.endswith("/footnotes")
        ),
        None,
    )
    if part is None:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    for note in root.iter(f"{_W}footnote"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator"):
            continue
        text = normalize_text(" ".join("".join(note.itertext()).split()))
        if _HAS_WORD.search(text):
            yield Block(text=text, kind="footnote", section=FOOTNOTES_SECTION)


def _path(levels: list[tuple[int, str]]) -> str:
    return " > ".join(text for _, text in levels)
