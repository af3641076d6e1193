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


class OverBudget(Exception):
    """Raised by the profiling timer when a block uses more CPU time than allowed."""


@contextmanager
def cpu_time_limit(seconds: float) -> Iterator[None]:
    """Fail the test once the block has used `seconds` of this process's CPU time: a
    budget that other processes on a busy machine do not eat into."""

    def over_budget(signum: int, frame: object) -> None:
        raise OverBudget(f"over the CPU budget of {seconds:.2f} s")

    previous = signal.signal(signal.SIGPROF, over_budget)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    except OverBudget as exc:  # raised wherever the block was, even inside numpy
        pytest.fail(str(exc), pytrace=False)
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
    canvas: Canvas, number: int, *, turn: float = 0, mirror: tuple[int, int] = (1, 1)
) -> None:
    """`page_text(number)`, a sentence a line, drawn turned `turn` degrees
    anticlockwise about the page centre, then scaled by `mirror` ((-1, 1): a mirror
    image left to right; (1, -1): top to bottom)."""
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.translate(width / 2, height / 2)
    canvas.rotate(turn)
    canvas.scale(*mirror)
    canvas.setFont("Times-Roman", 10)
    for i, sentence in enumerate([*SENTENCES, f"End of page {number}."]):
        canvas.drawString(-220, 150 - 14 * i, sentence)
    canvas.restoreState()


def _write_pdf(path: Path, pages: list[dict]) -> Path:
    """One page per recipe: {"rotate": /Rotate entry, "turn": degrees, "mirror": scale,
    "landscape": bool}."""
    canvas = Canvas(str(path), pagesize=letter)
    for number, recipe in enumerate(pages, start=1):
        canvas.setPageSize(landscape(letter) if recipe.get("landscape") else letter)
        canvas.setPageRotation(recipe.get("rotate", 0))
        turn, mirror = recipe.get("turn", 0), recipe.get("mirror", (1, 1))
        _draw_text_page(canvas, number, turn=turn, mirror=mirror)
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


@pytest.mark.parametrize(("mirror", "rotation"), [((-1, 1), 0), ((1, -1), 180)])
def test_mirrored_glyphs_are_read_and_named_in_a_warning(tmp_path, mirror, rotation):
    path = _write_pdf(tmp_path / "mirrored.pdf", [{}, {"mirror": mirror}])
    result = read_pdf(path)
    assert [b.text for b in result.blocks] == [page_text(1), page_text(2)]
    assert result.page_stats[1].flags == ("mirrored",)
    assert result.page_stats[1].text_rotation == rotation
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


# --------------------------------------------------------------------------- quality signals


def _write_lines_pdf(path: Path, pages: list[tuple[list[str], float]]) -> Path:
    """One page per (lines, font size), the lines drawn from the top of the page down."""
    canvas = Canvas(str(path), pagesize=letter)
    for lines, size in pages:
        canvas.setFont("Helvetica", size)
        for i, line in enumerate(lines):
            canvas.drawString(72, 720 - 1.25 * size * i, line)
        canvas.showPage()
    canvas.save()
    return path


ENGLISH = [
    "The committee said that the treaty would support the security of the region.",
    "It was agreed that each state should report on the policy before the council.",
    "These measures are part of an agreement between the two governments of the day.",
    "The president noted that they will work with their partners on this question.",
]


def test_clean_english_pages_raise_no_quality_flags(tmp_path):
    path = _write_lines_pdf(tmp_path / "clean.pdf", [(ENGLISH * 3, 10)])
    result = read_pdf(path)
    (stats,) = result.page_stats
    assert stats.flags == () and result.warnings == []
    assert stats.letter_rate > 0.9
    assert stats.reversed_word_rate == 0.0 and stats.small_text_rate == 0.0


def test_text_that_reads_backwards_is_published_with_a_warning(tmp_path):
    reversed_lines = [line[::-1] for line in ENGLISH * 3]
    path = _write_lines_pdf(tmp_path / "mirror.pdf", [(ENGLISH * 3, 10), (reversed_lines, 10)])
    result = read_pdf(path)
    assert [s.flags for s in result.page_stats] == [(), ("reversed_words",)]
    assert result.page_stats[1].reversed_word_rate == 1.0
    # 9 + 8 + 7 + 8 listed words of three letters or more in the four lines, three times
    assert result.warnings == [
        "page 2: text reads backwards (a mirrored or reversed text layer): "
        "96 of 96 common words are spelt in reverse"
    ]
    assert ".noiger eht fo ytiruces eht" in " ".join(b.text for b in result.blocks)


def test_glyph_soup_is_published_with_a_warning(tmp_path):
    soup = ["#$%&*+=<>@^|~ Rx 7 {}[]\\/" for _ in range(12)]
    path = _write_lines_pdf(tmp_path / "soup.pdf", [(ENGLISH, 10), (soup, 10)])
    result = read_pdf(path)
    assert result.page_stats[1].flags == ("glyph_soup",)
    assert result.page_stats[1].letter_rate == pytest.approx(3 / 22, abs=1e-4)  # R, x, 7
    assert result.warnings == ["page 2: glyph soup: only 14% of 264 glyphs are letters or digits"]
    assert "Rx 7" in " ".join(b.text for b in result.blocks)


def test_a_page_of_pure_garbage_is_left_out_with_a_warning(tmp_path):
    garbage = ["#$%&*+=<>@^|~ {}[]\\/ §¶†‡•" for _ in range(12)]
    path = _write_lines_pdf(tmp_path / "garbage.pdf", [(ENGLISH, 10), (garbage, 10)])
    result = read_pdf(path)
    assert result.page_stats[1].flags == ("glyph_soup", "text_left_out")
    assert result.warnings == [
        "page 2: glyph soup: only 0% of 288 glyphs are letters or digits; its text is left out"
    ]
    assert {b.page for b in result.blocks} == {1}


def test_dot_leaders_are_not_glyph_soup(tmp_path):
    contents = [
        f"Chapter {n} on treaty policy ..................................... {n}"
        for n in range(1, 16)
    ]
    path = _write_lines_pdf(tmp_path / "contents.pdf", [(contents, 10)])
    result = read_pdf(path)
    assert result.page_stats[0].flags == () and result.warnings == []


def test_a_page_of_two_point_text_is_published_with_a_warning(tmp_path):
    tiny = [f"{line} Line {i}." for i, line in enumerate(ENGLISH * 40)]
    path = _write_lines_pdf(tmp_path / "tiny.pdf", [(ENGLISH, 10), (tiny, 2)])
    result = read_pdf(path)
    assert result.page_stats[1].flags == ("tiny_text",)
    assert result.page_stats[1].small_text_rate == 1.0
    (warning,) = result.warnings
    assert warning.startswith("page 2: unreadably small text: 100% of ")
    assert warning.endswith(" glyphs are set under 4 pt")
    assert any(b.page == 2 for b in result.blocks)


def _unmapped_font_pdf(lines: list[str], readable: list[str]) -> bytes:
    """A one-page PDF in a composite font without a ToUnicode map: every glyph comes
    out as "(cid:N)". `lines` are hex glyph codes; `readable` lines are in Helvetica."""
    shown = " ".join(f"<{line}> Tj T*" for line in lines)
    plain = " ".join(f"({line}) Tj T*" for line in readable)
    content = f"BT /F1 12 Tf 72 700 Td 14 TL {shown} /F2 12 Tf {plain} ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 5 0 R /F2 8 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type0 /BaseFont /Unmapped /Encoding /Identity-H "
        "/DescendantFonts [6 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unmapped /DW 500 /FontDescriptor 7 0 R "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        "<< /Type /FontDescriptor /FontName /Unmapped /Flags 4 /FontBBox [0 -200 1000 800] "
        "/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out + trailer.encode()


UNMAPPED_LINE = "0024002500260027 0028002900300031"  # eight glyphs, no Unicode for any


def test_unmapped_glyphs_are_glyph_soup(tmp_path):
    path = tmp_path / "unmapped.pdf"
    path.write_bytes(_unmapped_font_pdf([UNMAPPED_LINE] * 10, ["Readable words here."] * 4))
    result = read_pdf(path)
    (stats,) = result.page_stats
    assert stats.flags == ("glyph_soup",)
    assert stats.replacement_rate == pytest.approx(80 / (80 + 4 * 20))
    # 80 unmapped glyphs and 4 x 18 visible chars, 4 x 17 of them letters
    assert result.warnings == ["page 1: glyph soup: only 45% of 152 glyphs are letters or digits"]
    assert "Readable words here." in " ".join(b.text for b in result.blocks)


def test_a_document_of_unmapped_glyphs_is_a_clear_error(tmp_path):
    path = tmp_path / "unmapped.pdf"
    path.write_bytes(_unmapped_font_pdf([UNMAPPED_LINE] * 10, []))
    with pytest.raises(IngestError, match=r"no readable text on any page \(page 1: glyph soup"):
        read_pdf(path)


# --------------------------------------------------------------------------- huge pages


def test_a_word_drawn_far_off_the_page_does_not_blow_up_column_finding():
    """Column finding histograms the words' extent a point at a time; one stray word
    100 million points away made that a 100-million-step loop over 800 MB arrays."""
    columns = [
        _word("text", left + 23 * i, 100 + 12 * row)
        for row in range(30)
        for left in (72.0, 330.0)
        for i in range(3)
    ]  # two columns of three 20-pt words a row, 3 pt apart: 72-138 and 330-396
    stray = _word("stray", 1e8, 400)
    with cpu_time_limit(5.0):
        gutters = pdf.find_gutters([*columns, stray], body_size=10.0)
    assert len(gutters) == 1
    start, end = gutters[0]
    assert 138 <= start < end <= 330
