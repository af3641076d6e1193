import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from pipeline.errors import IngestError
from pipeline.ingest.pdf import read_pdf
from tests.conftest import BRIEF, PDFS, SOURCES
from tests.pdfgen import plain_inline, render_two_column_pdf, split_markdown

FR = PDFS / "federal-register-2020-17221.pdf"
HAGGARD = SOURCES / f"{BRIEF}.md"


@pytest.fixture(scope="module")
def federal_register():
    return read_pdf(FR)


def _block_with(blocks, phrase):
    return [b for b in blocks if phrase in b.text]


@pytest.mark.parametrize(
    "sentence",
    [
        # column 1 -> column 2 of page 2, with footnote mark 5 glued to "alert,"
        "These effects include stall warning activation, airspeed disagree alert, and altitude "
        "disagree alert, and may affect the flightcrew’s ability to accomplish continued safe "
        "flight and landing.",
        # column 2 -> column 3 of page 2
        "the manufacturer, the operator, and the Ethiopian Civil Aviation Authority (ECAA).",
        # column 3 of page 2 -> column 1 of page 3 (page break)
        "In addition to these four design changes, the FAA also proposes to require operators "
        "to conduct an AOA sensor system test",
        # column 2 -> 3 of page 1, across the masthead box at the top of column 3
        "The most helpful comments reference a specific portion of the proposal, explain the "
        "reason for any recommended change, and include supporting data.",
    ],
)
def test_sentences_crossing_column_breaks_stay_whole(federal_register, sentence):
    assert len(_block_with(federal_register.blocks, sentence)) == 1


def test_three_columns_detected(federal_register):
    assert federal_register.pages == 15
    assert [s.columns for s in federal_register.page_stats[1:5]] == [3, 3, 3, 3]


def test_running_headers_footers_and_page_numbers_dropped(federal_register):
    for block in federal_register.blocks:
        assert not re.search(r"Federal Register\s*/\s*Vol", block.text), block.text
        assert "VerDate" not in block.text and "Sfmt" not in block.text
        assert not re.fullmatch(r"[\d\s–-]+", block.text), block.text
        assert not re.search(r"\b477(0\d|1[0-2])\b|\b4769[89]\b", block.text), block.text


def test_footnotes_split_off_and_reference_marks_removed(federal_register):
    notes = [b for b in federal_register.blocks if b.kind == "footnote"]
    assert {b.section for b in notes} == {"Footnotes"}
    starts = [b.text.split(" ", 1)[0] for b in notes]
    assert starts[:9] == [str(n) for n in range(1, 10)]
    stall = _block_with(notes, "Stall warning indication is the activation")
    assert stall and stall[0].text.startswith("5 ") and stall[0].page == 2
    body = " ".join(b.text for b in federal_register.blocks if b.kind == "body")
    assert "alert,5" not in body and "Reports1" not in body
    assert "Reports from the accident investigation" in body
    # a footnote continued in the next column stays one note
    assert _block_with(notes, "such as the airplane’s altitude and airspeed")


def test_headings_and_sections(federal_register):
    heading = _block_with(federal_register.blocks, "Comments Invited")[0]
    assert heading.kind == "heading"
    after = federal_register.blocks[federal_register.blocks.index(heading) + 1]
    assert after.kind == "body" and after.section.endswith("Comments Invited")


def test_dashed_identifiers_and_hyphenation_joined(federal_register):
    text = " ".join(b.text for b in federal_register.blocks)
    assert "M–30, West Building" in text
    assert "M– 30" not in text
    assert "9-FAA-SACO-AD-Inquiry@faa.gov" in text


def test_duplicate_fake_bold_chars_removed():
    result = read_pdf(PDFS / "issue-71-duplicate-chars-2.pdf")
    text = "\n".join(b.text for b in result.blocks)
    assert not re.search(r"(\w)\1(\w)\2(\w)\3", text)
    assert "UE 8. Circulation - Métabolismes" in text
    assert "acido-basique" in text
    assert result.page_stats[0].duplicate_rate > 0.3
    assert "l’alcalose métabolique et établir son caractère isolé ou mixte" in text


def test_ligatures_expanded():
    result = read_pdf(PDFS / "issue-598-example.pdf")
    text = " ".join(b.text for b in result.blocks)
    assert not re.search("[\ufb00-\ufb06]", text)
    assert "science fiction movie" in text
    assert "“disciplined” does not mean well-behaved" in text
    headings = [b.text for b in result.blocks if b.kind == "heading"]
    assert "1.1 Nature of Science" in headings


def test_transcript_margin_line_numbers_dropped():
    blocks = read_pdf(PDFS / "scotus-transcript-p1.pdf").blocks
    texts = [b.text for b in blocks]
    assert any(t.startswith("IN THE SUPREME COURT OF THE UNITED STATES") for t in texts)
    assert any(t.startswith("The above-entitled matter came on for oral argument") for t in texts)
    line_start = re.compile(
        r"\b([1-9]|1\d|2[0-5]) (IN|MICHAEL|WARDEN|Petitioner|v\.|ALEXANDRE|Washington|Tuesday"
        r"|The|argument|at|APPEARANCES|STEVEN|Angeles|CHARLES|of)\b"
    )
    for text in texts:
        assert not line_start.search(text), text
        assert not re.fullmatch(r"\d+", text)


def test_encrypted_pdf_is_a_clear_error():
    with pytest.raises(IngestError, match="encrypted; a password is required"):
        read_pdf(PDFS / "password-example.pdf")


def test_malformed_pdf_reads_or_fails_clearly():
    # pdfplumber recovers this file: its one line of text must come through.
    result = read_pdf(PDFS / "malformed-from-issue-932.pdf")
    assert [b.text for b in result.blocks] == ["2021 3 31"]


def test_truncated_pdf(tmp_path):
    data = FR.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError, match="not a readable PDF") as info:
        read_pdf(path)
    assert info.value.path == str(path)


def test_empty_and_non_pdf_files(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="not a readable PDF: empty file"):
        read_pdf(empty)
    text = tmp_path / "latin1.pdf"
    text.write_bytes("Café policy notes\n".encode("latin-1"))
    with pytest.raises(IngestError, match="not a readable PDF"):
        read_pdf(text)


def _draw_pages(path: Path, texts: list[str | None]) -> None:
    canvas = Canvas(str(path), pagesize=letter)
    for text in texts:
        if text is None:
            canvas.rect(100, 100, 300, 400, fill=1)  # an "image" with no text layer
        else:
            canvas.drawString(72, 700, text)
        canvas.showPage()
    canvas.save()


def test_image_only_pdf_has_no_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    _draw_pages(path, [None, None])
    with pytest.raises(IngestError, match="no text layer on any page; OCR is not supported"):
        read_pdf(path)


def test_page_without_text_layer_is_a_warning(tmp_path):
    path = tmp_path / "mixed.pdf"
    _draw_pages(path, ["A page with a sentence on it.", None])
    result = read_pdf(path)
    assert result.warnings == ["page 2: no text layer; OCR is not supported"]
    assert [s.has_text_layer for s in result.page_stats] == [True, False]
    assert [b.text for b in result.blocks] == ["A page with a sentence on it."]


def test_max_pages(federal_register):
    result = read_pdf(FR, max_pages=2)
    assert len(result.page_stats) == 2 and {b.page for b in result.blocks} == {1, 2}
    assert result.warnings == ["read 2 of 15 pages (max_pages=2)"]


def _words(text: str) -> list[str]:
    return [w for w in text.split() if re.search(r"\w", w)]


@pytest.fixture(scope="module")
def haggard_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "haggard.pdf"
    render_two_column_pdf(
        HAGGARD.read_text(encoding="utf-8"),
        path,
        title="U.S. Security Ties with Korea and Japan",
        running_header="IGCC Policy Brief · Getting Beyond Deterrence",
    )
    return read_pdf(path)


def test_rendered_markdown_round_trips(haggard_pdf):
    parts = split_markdown(HAGGARD.read_text(encoding="utf-8"))
    expected = _words(
        " ".join(
            re.sub(r"<sup>.*?</sup>", "", plain_inline(t))
            for k, t in parts.flow
            if k in ("p", "li")
        )
    )
    got = _words(" ".join(b.text for b in haggard_pdf.blocks if b.kind == "body"))
    assert SequenceMatcher(None, expected, got, autojunk=False).ratio() >= 0.97
    assert haggard_pdf.page_stats[0].columns == 2
    for block in haggard_pdf.blocks:
        assert "IGCC Policy Brief" not in block.text
        assert not re.fullmatch(r"\d+", block.text)


def test_rendered_markdown_structure(haggard_pdf):
    blocks = haggard_pdf.blocks
    notes = [b for b in blocks if b.kind == "footnote"]
    assert [b.text for b in notes] == [
        "1 See New Frontiers of Security Cooperation with Seoul and Tokyo, in particular, "
        "contributions from Heginbotham, Samuels, and Cooper."
    ]
    assert notes[0].section == "Footnotes"
    bullet = _block_with(blocks, "and a new “base” strategy")[0]
    assert bullet.text.endswith("to other partners in the region and beyond.")  # mark removed
    heading = _block_with(blocks, "CHALLENGE 1")[0]
    assert heading.kind == "heading"
    assert heading.section == "Current Challenges > CHALLENGE 1"
    body = _block_with(blocks, "The first is the China question")[0]
    assert body.section == heading.section
    title = blocks[0]
    assert title.kind == "title" and title.text.startswith("U.S. SECURITY TIES WITH KOREA")


def test_parallel_page_ranges_give_the_serial_result(federal_register):
    """Worker processes read page ranges; cross-page steps run after the merge."""
    from pipeline.ingest.pdf import PARALLEL_MIN_PAGES

    assert federal_register.pages < PARALLEL_MIN_PAGES  # the fixture is the serial path
    parallel = read_pdf(FR, parallel_min_pages=2)
    assert parallel.blocks == federal_register.blocks
    assert parallel.page_stats == federal_register.page_stats
    assert parallel.warnings == federal_register.warnings
