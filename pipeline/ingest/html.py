"""Web pages: the main content (trafilatura) as blocks, the page's metadata as front matter.

trafilatura drops navigation, cookie banners, share bars, related-article lists, footers,
scripts and styles, and keeps headings, paragraphs, lists, block quotes and tables. Here its
XML becomes blocks: headings open sections (their path is each block's `section`), list
items stay list items, line breaks split paragraphs into lines (as in Markdown), table
rows become one line each, and the items under a "Notes" or
"Footnotes" heading (or `<li id="fn...">` endnotes) are footnotes. Footnote marks
(`<sup>` with a number) are removed from the text first, so that "1960.<sup>1</sup>" reads
"1960.". Title, authors, date, site name, canonical URL and licence come from `<meta>`,
Open Graph and JSON-LD, as trafilatura reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.ingest.markdown import FOOTNOTES_SECTION
from pipeline.ingest.normalize import normalize_text
from pipeline.types import Block

NOTE_HEADINGS = re.compile(r"^\s*(?:foot|end)?notes?\s*$|^\s*references\s*$", re.IGNORECASE)
_FOOTNOTE_MARK = re.compile(r"^\s*\[?\(?\d{1,3}\)?\]?\s*$")
_HAS_WORD = re.compile(r"\w")


@dataclass
class HtmlResult:
    blocks: list[Block]
    front_matter: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read_html(html: str) -> HtmlResult:
    """The blocks and metadata of a web page."""
    import trafilatura
    from lxml import etree

    extracted = trafilatura.extract(
        _without_footnote_marks(html),
        output_format="xml",
        include_tables=True,
        include_comments=False,
        include_formatting=False,
        include_links=False,
        with_metadata=True,
        favor_recall=True,
        deduplicate=False,
    )
    if not extracted:
        return HtmlResult(blocks=[], warnings=["no main content found in the page"])
    root = etree.fromstring(extracted.encode("utf-8"))
    main = root.find("main")
    blocks = list(_blocks(main)) if main is not None else []
    return HtmlResult(blocks=blocks, front_matter=_metadata(root.attrib))


def _without_footnote_marks(html: str) -> str:
    """The page with `<sup>` footnote marks (a number, perhaps bracketed) removed."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, TypeError):  # an empty or undecodable document
        return html
    for sup in tree.iter("sup"):
        if _FOOTNOTE_MARK.match(sup.text_content() or ""):
            sup.drop_tree()
    return lxml_html.tostring(tree, encoding="unicode")


def _metadata(attributes: Any) -> dict[str, Any]:
    """Front matter from the page's metadata as trafilatura found it."""
    authors = [a.strip() for a in re.split(r";|\|", attributes.get("author", "")) if a.strip()]
    found = {
        "title": attributes.get("title", ""),
        "authors": authors,
        "publisher": attributes.get("sitename", ""),
        "date": attributes.get("date", ""),
        "source_url": attributes.get("url", ""),
        "license": attributes.get("license", ""),
    }
    return {key: value for key, value in found.items() if value}


def _text(element: Any) -> str:
    return normalize_text(" ".join("".join(element.itertext()).split()))


def _blocks(main: Any):
    """Blocks from trafilatura's `<main>`, in document order."""
    levels: list[tuple[int, str]] = []
    seen_title, in_notes = False, False
    for element in main:
        tag = element.tag
        if tag == "head":
            text = _text(element)
            if not _HAS_WORD.search(text):
                continue
            level = int((element.get("rend") or "h2").lstrip("h") or 2)
            if level == 1 and not seen_title:
                seen_title = True
                yield Block(text=text, kind="title")
                continue
            in_notes = bool(NOTE_HEADINGS.match(text))
            levels = [(lvl, t) for lvl, t in levels if lvl < level] + [(level, text)]
            yield Block(text=text, kind="heading", section=_path(levels))
        elif in_notes:
            for text in _lines(element):
                yield Block(text=text, kind="footnote", section=FOOTNOTES_SECTION)
        elif tag == "list":
            for item in element.iter("item"):
                for text in _broken_lines(item):
                    if _HAS_WORD.search(text):
                        yield Block(text=text, kind="list_item", section=_path(levels))
        else:
            for text in _lines(element):
                yield Block(text=text, section=_path(levels))


def _lines(element: Any) -> list[str]:
    """A paragraph, quote or table as lines of text: a table gives one line per row."""
    if element.tag == "table":
        rows = (
            "; ".join(_text(cell) for cell in row.iter("cell") if _text(cell))
            for row in element.iter("row")
        )
        return [row for row in rows if _HAS_WORD.search(row)]
    if element.tag == "list":
        return [t for t in (_text(item) for item in element.iter("item")) if _HAS_WORD.search(t)]
    return [line for line in _broken_lines(element) if _HAS_WORD.search(line)]


def _broken_lines(element: Any) -> list[str]:
    """A paragraph's lines: its text split at its line breaks (`<lb/>`, from `<br>`)."""
    pieces, current = [], [element.text or ""]
    for child in element:
        if child.tag == "lb":
            pieces.append("".join(current))
            current = [child.tail or ""]
        else:
            current.append("".join(child.itertext()) + (child.tail or ""))
    pieces.append("".join(current))
    return [normalize_text(" ".join(piece.split())) for piece in pieces]


def _path(levels: list[tuple[int, str]]) -> str:
    return " > ".join(text for _, text in levels)
