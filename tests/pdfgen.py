"""Render Markdown as a two-column PDF (reportlab) for reader round-trip tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|\*|__|_)(\S(?:.*?\S)?)\1")
_SUP = re.compile(r"<sup>(.*?)</sup>")
_FOOTNOTE_DEF = re.compile(r"^<sup>(\w+)</sup>\s*(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")

BODY = ParagraphStyle("body", fontName="Times-Roman", fontSize=10, leading=12.5, spaceAfter=6)
BULLET = ParagraphStyle("bullet", parent=BODY, leftIndent=12, bulletIndent=2)
NOTE = ParagraphStyle("note", fontName="Times-Roman", fontSize=7.5, leading=9)
HEADINGS = {
    1: ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=17, leading=21, spaceAfter=10),
    2: ParagraphStyle(
        "h2", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=6, spaceAfter=5
    ),
    3: ParagraphStyle(
        "h3", fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=4, spaceAfter=4
    ),
}


def plain_inline(text: str) -> str:
    """Markdown inline markup removed: links -> their text, emphasis -> plain."""
    text = _LINK.sub(r"\1", text)
    return _EMPHASIS.sub(r"\2", text)


@dataclass
class MarkdownParts:
    """A Markdown document split into what the PDF shows where."""

    flow: list[tuple[str, str]] = field(default_factory=list)  # (kind, inline markdown)
    footnotes: dict[str, str] = field(default_factory=dict)  # mark -> plain text


def split_markdown(markdown_text: str) -> MarkdownParts:
    """Headings ("h1".."h3"), paragraphs ("p"), bullets ("li") and footnote definitions."""
    parts = MarkdownParts()
    for raw in re.split(r"\n\s*\n", markdown_text):
        block = " ".join(raw.split())
        if not block or set(block) <= set("-*_ "):
            continue  # blank or a thematic break
        if m := _FOOTNOTE_DEF.match(block):
            parts.footnotes[m.group(1)] = plain_inline(m.group(2))
        elif m := _HEADING.match(block):
            parts.flow.append((f"h{min(len(m.group(1)), 3)}", m.group(2)))
        elif _BULLET.match(raw.strip().splitlines()[0]):
            for line in raw.strip().splitlines():
                if m := _BULLET.match(line):
                    # Drop decorative glyphs the standard PDF fonts cannot encode.
                    parts.flow.append(("li", m.group(1).lstrip("◆■●▪► ")))
        else:
            parts.flow.append(("p", block))
    return parts


class _NotedParagraph(Paragraph):
    """A paragraph that queues its footnotes for the page it is drawn on."""

    def __init__(
        self,
        text: str | None,
        style: ParagraphStyle,
        *args: object,
        notes: list[str] | None = None,
        queue: list[str] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(text, style, *args, **kwargs)
        self._notes = notes if notes is not None else []
        self._queue = queue if queue is not None else []

    def split(self, avail_width: float, avail_height: float) -> list[Paragraph]:
        pieces = super().split(avail_width, avail_height)
        for piece in pieces:  # a note goes with whichever piece is drawn first
            piece._notes, piece._queue = self._notes, self._queue
        return pieces

    def draw(self) -> None:
        super().draw()
        self._queue.extend(n for n in self._notes if n not in self._queue)
        self._notes.clear()


def _markup(text: str) -> str:
    """Inline Markdown as reportlab paragraph markup; <sup> marks become superscripts."""
    text = escape(plain_inline(_SUP.sub("\x00\\1\x01", text)))
    return text.replace("\x00", "<super>").replace("\x01", "</super>")


def render_two_column_pdf(
    markdown_text: str, path: Path, *, title: str, running_header: str
) -> None:
    """Render Markdown as a two-column PDF with a running header, page numbers and
    footnotes (small type at the bottom of the page that references them)."""
    parts = split_markdown(markdown_text)
    queue: list[str] = []
    width, height = letter
    margin, gutter, note_area = 54.0, 18.0, 90.0
    column = (width - 2 * margin - gutter) / 2
    frames = [
        Frame(
            margin + i * (column + gutter),
            margin + note_area,
            column,
            height - 2 * margin - note_area - 12,
            id=f"col{i}",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        for i in range(2)
    ]

    def page_end(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(margin, height - margin + 14, running_header)
        canvas.drawCentredString(width / 2, margin - 24, str(doc.page))
        y = margin + note_area - 14
        if queue:
            canvas.line(margin, y + 8, margin + 120, y + 8)
        for mark in queue:
            note = Paragraph(f"<super>{escape(mark)}</super> {escape(parts.footnotes[mark])}", NOTE)
            _, used = note.wrap(width - 2 * margin, note_area)
            note.drawOn(canvas, margin, y - used + NOTE.leading)
            y -= used + 2
        queue.clear()
        canvas.restoreState()

    story = []
    for kind, text in parts.flow:
        notes = [m for m in _SUP.findall(text) if m in parts.footnotes]
        if kind.startswith("h"):
            story.append(Paragraph(_markup(text), HEADINGS[int(kind[1])]))
        elif kind == "li":
            story.append(
                _NotedParagraph(_markup(text), BULLET, notes=notes, queue=queue, bulletText="•")
            )
        else:
            story.append(_NotedParagraph(_markup(text), BODY, notes=notes, queue=queue))
    doc = BaseDocTemplate(str(path), pagesize=letter, title=title)
    doc.addPageTemplates([PageTemplate(id="two", frames=frames, onPageEnd=page_end)])
    doc.build(story)
