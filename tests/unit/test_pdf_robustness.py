"""The PDF reader on adversarial input: long documents, rotated pages, pages that
fail, and pages whose text layer is garbage. Every PDF is made here from a recipe."""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from pipeline.ingest import pdf
from pipeline.ingest.pdf import PageWords, blocks_from_pages

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
        blocks, _ = blocks_from_pages(large)
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
