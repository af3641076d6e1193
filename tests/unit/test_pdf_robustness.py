"""The PDF reader on adversarial input: long documents, rotated pages, pages that
fail, and pages whose text layer is garbage. Every PDF is made here from a recipe."""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfgen.canvas import Canvas

from pipeline.errors import IngestError
from pipeline.ingest import pdf
from pipeline.ingest.pdf import PageWords, blocks_from_pages, read_pdf

# --------------------------------------------------------------------------- growth


def _word(text: str, x0: float, top: float, size: float = 10.0) -> dict:
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + 0.5 * size * len(text),
        "top": top,
        "bottom": top + size,
        "doctop": top,
        "upright": True,
        "size": size,
        "fontname": "Times-Roman",
    }


_VOCABULARY = [
    "policy",
    "treaty",
    "alliance",
    "security",
    "the",
    "of",
    "and",
    "to",
    "in",
    "for",
    "council",
    "budget",
]


def _line_words(number: int, top: float, x0: float, count: int) -> list[dict]:
    """`count` words chosen by the line number: no two lines alike (none is mistaken
    for a running header)."""
    rng = random.Random(number)
    words, x = [], x0
    for _ in range(count):
        words.append(_word(rng.choice(_VOCABULARY), x, top))
        x = words[-1]["x1"] + 2.5
    return words


def synthetic_pages(count: int, *, unbroken: bool) -> list[PageWords]:
    """Pages of words as the page reader leaves them: a running header, a page
    number, and 10 lines of body text. Paragraphs of five lines start indented and
    end in a full stop; `unbroken` text is one paragraph from the first page to the last."""
    pages = []
    line_number = 0
    for number in range(1, count + 1):
        words = [_word("Quarterly", 72, 40, 8), _word("Report", 112, 40, 8)]
        for row in range(10):
            line_number += 1
            starts = not unbroken and line_number % 5 == 1
            line = _line_words(line_number, 130 + 14 * row, 87 if starts else 72, 9)
            if not unbroken and line_number % 5 == 0:
                line[-1]["text"] += "."
            words += line
        words.append(_word(str(number), 300, 750, 8))
        pages.append(PageWords(number, 612.0, 792.0, words))
    return pages


@contextmanager
def cpu_time_limit(seconds: float) -> Iterator[None]:
    """Fail the block once this process has used `seconds` of CPU time: a budget
    that other processes on a busy machine do not eat into."""

    def over_budget(signum: int, frame: object) -> None:
        raise TimeoutError(f"over the CPU budget of {seconds:.2f} s")

    previous = signal.signal(signal.SIGPROF, over_budget)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _cpu_seconds(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


@pytest.mark.parametrize("unbroken", [False, True], ids=["paragraphs", "unbroken"])
def test_assembling_blocks_grows_linearly_with_the_page_count(unbroken):
    """Eight times the pages may cost at most 3 x 8 times the CPU time of the small
    document; a step quadratic in the document (a paragraph re-read for every line
    joined to it) blows the budget long before it finishes."""
    small = min(
        _cpu_seconds(lambda: blocks_from_pages(synthetic_pages(50, unbroken=unbroken)))
        for _ in range(3)
    )
    large = synthetic_pages(400, unbroken=unbroken)
    with cpu_time_limit(max(3 * 8 * small, 0.5)):
        blocks = blocks_from_pages(large).blocks
    assert len(blocks) == (1 if unbroken else 400 * 10 // 5)
    assert all(b.text.split()[0] != "Quarterly" for b in blocks)  # running header dropped


def test_an_unbroken_paragraph_joins_hyphenated_words_across_thousands_of_lines():
    lines, expected = [], []
    for i in range(6000):
        if i % 3 == 0:
            lines.append(f"line {i} ends in a broken wo-")
            expected.append(f"line {i} ends in a broken wo")
        elif i % 3 == 1:
            lines.append("rd and in a real well-")
            expected.append("rd and in a real well-")
        else:
            lines.append("known compound")
            expected.append("known compound ")
    text = pdf._join_lines(lines, hyphenated={"well-known"})
    assert text == "".join(expected).rstrip()


# --------------------------------------------------------------------------- rotated pages

SENTENCES = [
    f"Row {i} of the background check table for November reads as plain text." for i in range(1, 13)
]


def page_text(number: int) -> str:
    """What page `number` says: twelve full lines and a short one ending the paragraph."""
    return " ".join([*SENTENCES, f"End of page {number}."])


def _draw_text_page(
    canvas: Canvas, number: int, *, turn: float = 0, mirrored: bool = False
) -> None:
    """`page_text(number)`, a sentence a line, drawn turned `turn` degrees
    anticlockwise about the page centre (or mirrored left to right)."""
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.translate(width / 2, height / 2)
    canvas.rotate(turn)
    if mirrored:
        canvas.scale(-1, 1)
    canvas.setFont("Times-Roman", 10)
    for i, sentence in enumerate([*SENTENCES, f"End of page {number}."]):
        canvas.drawString(-220, 150 - 14 * i, sentence)
    canvas.restoreState()


def _write_pdf(path: Path, pages: list[dict]) -> Path:
    """One page per recipe: {"rotate": /Rotate entry, "turn": degrees, "mirrored": bool,
    "landscape": bool}."""
    canvas = Canvas(str(path), pagesize=letter)
    for number, recipe in enumerate(pages, start=1):
        canvas.setPageSize(landscape(letter) if recipe.get("landscape") else letter)
        canvas.setPageRotation(recipe.get("rotate", 0))
        turn, mirrored = recipe.get("turn", 0), recipe.get("mirrored", False)
        _draw_text_page(canvas, number, turn=turn, mirrored=mirrored)
        canvas.showPage()
    canvas.save()
    return path


def test_a_page_with_rotate_90_and_text_upright_in_the_unrotated_page_is_read(tmp_path):
    """A landscape page given /Rotate 90, as pdfplumber's rotated NICS table: pdfminer
    turns its text sideways, and the page used to fail with IndexError."""
    path = _write_pdf(tmp_path / "rotated.pdf", [{"landscape": True, "rotate": 90}])
    result = read_pdf(path)
    assert [b.text for b in result.blocks] == [page_text(1)]
    assert result.page_stats[0].text_rotation == 270
    assert result.warnings == []


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_text_turned_on_an_upright_page_reads_in_order(tmp_path, turn):
    path = _write_pdf(tmp_path / "turned.pdf", [{}, {"turn": turn}, {}])
    result = read_pdf(path)
    assert [(b.page, b.text) for b in result.blocks] == [(n, page_text(n)) for n in (1, 2, 3)]
    assert [s.text_rotation for s in result.page_stats] == [0, turn, 0]


def test_mirrored_glyphs_are_read_and_named_in_a_warning(tmp_path):
    path = _write_pdf(tmp_path / "mirrored.pdf", [{}, {"mirrored": True}])
    result = read_pdf(path)
    assert [b.text for b in result.blocks] == [page_text(1), page_text(2)]
    assert result.page_stats[1].flags == ("mirrored",)
    assert result.warnings == ["page 2: text is drawn mirrored; read as if unmirrored"]


def test_a_page_of_oblique_text_is_skipped_with_a_warning(tmp_path):
    path = _write_pdf(tmp_path / "oblique.pdf", [{}, {"turn": 45}, {}])
    result = read_pdf(path)
    assert [b.text for b in result.blocks] == [page_text(1), page_text(3)]
    assert result.page_stats[1].flags == ("oblique",)
    assert result.warnings == [
        "page 2: 100% of the text is set at an angle, not upright nor a quarter turn "
        "from it; that text is left out"
    ]


def test_a_document_of_oblique_text_is_a_clear_error(tmp_path):
    path = _write_pdf(tmp_path / "oblique.pdf", [{"turn": 30}])
    with pytest.raises(IngestError, match=r"no readable text on any page \(page 1: 100%") as info:
        read_pdf(path)
    assert info.value.path == str(path)


# --------------------------------------------------------------------------- failing pages


def test_a_page_that_fails_to_read_is_skipped(tmp_path, monkeypatch):
    path = _write_pdf(tmp_path / "three.pdf", [{}, {}, {}])
    calls = []
    real = pdf.dedupe_chars

    def fail_on_second_page(chars, *args):
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("bad glyph stream")
        return real(chars, *args)

    monkeypatch.setattr(pdf, "dedupe_chars", fail_on_second_page)
    result = read_pdf(path)
    assert [b.text for b in result.blocks] == [page_text(1), page_text(3)]
    assert result.warnings == ["page 2: could not be read: ValueError: bad glyph stream"]


def test_a_page_whose_layout_fails_is_skipped(tmp_path, monkeypatch):
    path = _write_pdf(tmp_path / "three.pdf", [{}, {}, {}])
    real = pdf._reading_order

    def fail_on_page_two(page):
        if page.number == 2:
            raise IndexError("list index out of range")
        return real(page)

    monkeypatch.setattr(pdf, "_reading_order", fail_on_page_two)
    result = read_pdf(path)
    assert [b.text for b in result.blocks] == [page_text(1), page_text(3)]
    assert result.warnings == [
        "page 2: skipped, finding columns and lines failed: IndexError: list index out of range"
    ]


def test_a_page_whose_paragraphs_fail_is_found_and_skipped(tmp_path, monkeypatch):
    """A failure while building paragraphs across pages is traced to its page."""
    path = _write_pdf(tmp_path / "three.pdf", [{}, {}, {}])
    real = pdf._strip_superscripts

    def fail_on_page_two(line):
        if line.page == 2:
            raise ZeroDivisionError("division by zero")
        return real(line)

    monkeypatch.setattr(pdf, "_strip_superscripts", fail_on_page_two)
    result = read_pdf(path)
    assert [b.text for b in result.blocks] == [page_text(1), page_text(3)]
    assert result.warnings == [
        "page 2: skipped, building paragraphs failed: ZeroDivisionError: division by zero"
    ]


def test_a_one_page_document_that_fails_is_a_clear_error(tmp_path, monkeypatch):
    path = _write_pdf(tmp_path / "one.pdf", [{}])

    def fail(chars, *args):
        raise ValueError("bad glyph stream")

    monkeypatch.setattr(pdf, "dedupe_chars", fail)
    with pytest.raises(IngestError, match="not a readable PDF: bad glyph stream") as info:
        read_pdf(path)
    assert info.value.path == str(path)
