"""Markdown, text and decoding: what the extractors see is what a reader sees."""

from __future__ import annotations

import pytest

from pipeline.errors import IngestError
from pipeline.ingest.markdown import read_markdown, split_front_matter
from pipeline.ingest.reader import read_document
from pipeline.nlp.segment import assemble_text, segment
from tests.conftest import SOURCES


def blocks_of(name: str):
    return read_document(SOURCES / name).blocks


def test_brief_headings_become_section_paths():
    blocks = blocks_of("haggard-2021-beyond-deterrence.md")
    assert blocks[0].kind == "title"
    assert blocks[0].text == "U.S. SECURITY TIES WITH KOREA AND JAPAN: GETTING BEYOND DETERRENCE"
    body = next(b for b in blocks if b.text.startswith("The first is the China question"))
    assert body.section == "Current Challenges > CHALLENGE 1"


def test_markup_is_stripped_from_the_brief():
    text, _ = assemble_text(blocks_of("haggard-2021-beyond-deterrence.md"))
    for markup in ("<sup>", "</sup>", "[", "](#)", "*whether*", "**", "#", "◆", "---"):
        assert markup not in text
    assert "not *whether* interests" not in text
    assert "not whether interests are aligned but around what." in text
    assert "and beyond. These arrangements" not in text  # the footnote is its own block


def test_footnote_and_bullets():
    blocks = blocks_of("haggard-2021-beyond-deterrence.md")
    (footnote,) = [b for b in blocks if b.kind == "footnote"]
    assert footnote.section == "Footnotes"
    assert footnote.text.startswith(
        "See New Frontiers of Security Cooperation with Seoul and Tokyo"
    )
    items = [b.text for b in blocks if b.kind == "list_item"]
    assert items[0] == "more permissive guidelines for defense cooperation;"
    assert all(not item.startswith("◆") for item in items)


def test_superscript_ordinals_are_kept_footnote_marks_dropped():
    blocks = blocks_of("wh-2023-04-26-washington-declaration.md")
    assert "met on this 26th day of April, 2023" in blocks[1].text
    brief = blocks_of("haggard-2021-beyond-deterrence.md")
    assert any(b.text.endswith("to other partners in the region and beyond.") for b in brief)


def test_front_matter_title_and_bold_headings():
    result = read_markdown(
        (SOURCES / "wh-2021-04-16-us-japan-joint-leaders-statement.md").read_text()
    )
    assert result.front_matter["date"] == "2021-04-16"
    assert result.blocks[0].kind == "title"
    assert result.blocks[0].text.startswith("U.S.- Japan Joint Leaders’ Statement")
    headings = [b.text for b in result.blocks if b.kind == "heading"]
    assert headings == [
        "THE ALLIANCE: FORGING A FREE AND OPEN INDO-PACIFIC",
        "AN ALLIANCE FOR A NEW ERA",
        "LOOKING FORWARD",
    ]
    assert all("###" not in b.text for b in result.blocks)  # the "\###" end mark is dropped


def test_front_matter_needs_both_fences():
    assert split_front_matter("---\ntitle: x\nno closing fence\n") == (
        {},
        "---\ntitle: x\nno closing fence\n",
    )


def test_sentences_carry_offsets_sections_and_kinds(nlp):
    blocks = blocks_of("haggard-2021-beyond-deterrence.md")
    text, sentences = segment(blocks, nlp)
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert sentences[0].kind == "title"
    chhabra = next(s for s in sentences if s.text.startswith("In addition, Chhabra recommends"))
    assert chhabra.section == "ARTIFICIAL INTELLIGENCE (AI)"


def test_latin1_and_utf16_text_are_decoded(tmp_path):
    latin1 = tmp_path / "latin.txt"
    latin1.write_bytes("Café policy in Zürich.\n\nSecond paragraph.".encode("latin-1"))
    result = read_document(latin1)
    assert result.blocks[0].text == "Café policy in Zürich."
    assert "not valid UTF-8; decoded as windows-1252" in result.warnings[0]
    utf16 = tmp_path / "wide.md"
    utf16.write_bytes("# Title\n\nSeoul and Tokyo.".encode("utf-16"))
    assert [b.text for b in read_document(utf16).blocks] == ["Title", "Seoul and Tokyo."]


def test_binary_disguised_as_markdown_is_refused(tmp_path):
    fake = tmp_path / "report.md"
    fake.write_bytes(b"%PDF-1.7\n\x00\x01\x02binary\x00" * 20)
    with pytest.raises(IngestError, match=r"report.md: binary content, not text"):
        read_document(fake)


def test_empty_oversized_and_unsupported_files(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match=r"empty.md: empty file \(0 bytes\)"):
        read_document(empty)
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    with pytest.raises(
        IngestError, match=r"big.txt: file is 5,000 bytes, over the size limit of 100"
    ):
        read_document(big, max_bytes=100)
    other = tmp_path / "sheet.xlsx"
    other.write_bytes(b"x")
    with pytest.raises(IngestError, match=r"sheet.xlsx: unsupported file type '.xlsx'"):
        read_document(other)


def test_unpaired_emphasis_marks_do_not_leak():
    # A space before the closing ** leaves the marks unpaired for CommonMark.
    blocks = read_markdown("**Pandemic Response: ** It is in the interest of both nations.").blocks
    assert [b.text for b in blocks] == ["Pandemic Response: It is in the interest of both nations."]


def test_a_document_without_a_publisher_takes_its_sites(tmp_path) -> None:
    from pipeline.ingest.source import publisher_of, read_source

    source = tmp_path / "statement.md"
    source.write_text(
        "---\ntitle: A statement\nsource_url: https://bidenwhitehouse.archives.gov/x/\n---\n\n"
        "The United States welcomes the agreement.\n",
        encoding="utf-8",
    )
    _, meta = read_source(source)
    assert meta.publisher == "The White House"
    assert publisher_of("https://www.state.gov/briefings/") == "U.S. Department of State"
    assert publisher_of("https://example.org/page") == ""


PAGE = """<!DOCTYPE html><html lang="en"><head><title>Ties | Example Institute</title>
<meta name="author" content="Jane Marlowe"><meta property="og:site_name" content="Example Institute">
<meta property="article:published_time" content="2023-05-04T09:00:00Z">
<link rel="canonical" href="https://example.org/briefs/ties"></head><body>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/research">Research</a></li></ul></nav>
<main><article><h1>U.S.-Japan Ties</h1><h2>Background</h2>
<p>The United States and Japan signed the Treaty of Mutual Cooperation and Security in
January 1960.<sup><a href="#fn1">1</a></sup> The alliance has deepened since then, and both
governments now plan regular exercises.</p><h2>Recommendations</h2>
<ul><li>Congress should fund the new command.</li><li>The allies must share intelligence.</li></ul>
<table><tr><th>Year</th><th>Event</th></tr><tr><td>1951</td><td>Security Treaty signed</td></tr>
</table><h2>Notes</h2><ol><li id="fn1">Treaty text, U.S. Department of State.</li></ol>
</article></main><footer><p>All rights reserved. Privacy policy.</p></footer>
<script>console.log("tracking")</script></body></html>"""


def test_a_web_pages_main_content_becomes_blocks_and_its_metadata_front_matter() -> None:
    from pipeline.ingest.html import read_html

    page = read_html(PAGE)
    kinds = [(block.kind, block.text) for block in page.blocks]
    assert kinds[0] == ("title", "U.S.-Japan Ties")
    assert ("list_item", "Congress should fund the new command.") in kinds
    assert ("body", "1951; Security Treaty signed") in kinds
    assert ("footnote", "Treaty text, U.S. Department of State.") in kinds
    body = next(text for kind, text in kinds if text.startswith("The United States"))
    assert "January 1960. The alliance" in body  # the footnote mark is gone
    assert all("cookies" not in text and text not in ("Home", "Research") for _, text in kinds)
    assert all("rights reserved" not in text for _, text in kinds)
    sections = {block.section for block in page.blocks if block.kind == "list_item"}
    assert sections == {"Recommendations"}
    assert page.front_matter == {
        "title": "U.S.-Japan Ties",
        "authors": ["Jane Marlowe"],
        "publisher": "Example Institute",
        "date": "2023-05-04",
        "source_url": "https://example.org/briefs/ties",
    }


def test_a_word_files_styles_make_headings_lists_tables_and_notes(tmp_path) -> None:
    import docx

    from pipeline.ingest.docx import read_docx

    document = docx.Document()
    document.core_properties.title = "Ties"
    document.core_properties.author = "Jane Marlowe"
    document.add_paragraph("U.S.-Japan Ties", style="Title")
    document.add_heading("Recommendations", level=1)
    document.add_paragraph("Congress should fund the new command.", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "1951", "Security Treaty signed"
    document.add_heading("Notes", level=1)
    document.add_paragraph("Treaty text, U.S. Department of State.", style="List Number")
    path = tmp_path / "ties.docx"
    document.save(str(path))
    read = read_docx(path)
    assert [(b.kind, b.text, b.section) for b in read.blocks] == [
        ("title", "U.S.-Japan Ties", ""),
        ("heading", "Recommendations", "Recommendations"),
        ("list_item", "Congress should fund the new command.", "Recommendations"),
        ("body", "1951; Security Treaty signed", "Recommendations"),
        ("heading", "Notes", "Notes"),
        ("footnote", "Treaty text, U.S. Department of State.", "Footnotes"),
    ]
    assert read.front_matter == {"title": "Ties", "authors": ["Jane Marlowe"]}
