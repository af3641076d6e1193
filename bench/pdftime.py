"""PDF reading alone, in a fresh process.

    python -m bench.pdftime PDF REPEAT
    python -m bench.pdftime --scaling [--pages 10,200,1000] [--layout paragraphs,unbroken]

The first form times `read_pdf` against bare pdfplumber: the two are timed
alternately, REPEAT times each, so a busy neighbour slows both alike; prints
JSON with every sample and the medians.

The second form generates one-column text PDFs of each page count (running
header, page numbers, headings and paragraphs; or, with layout "unbroken", one
paragraph that never ends across all pages) and prints `read_pdf`'s seconds
per page for each, wall and CPU (this process and its page-range workers: on
a shared machine the CPU figure is the steadier one), so growth faster than the
page count shows as a rising figure. `--profile FILE` also writes a cProfile of
the largest read (of the main process: the steps after the pages are read).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

LAYOUTS = ("paragraphs", "unbroken")
_VOCABULARY_TEXT = """
    agreement alliance budget committee cooperation council defence development economic
    energy framework government implementation infrastructure international investment
    maritime ministers national partnership policy programme regional resilience
    security strategy support technology trade treaty the of and to in for with on by a
    an is are will shall should must this that these their its our between across under
    within
"""
_VOCABULARY = _VOCABULARY_TEXT.split()


def pdfplumber_ceiling(path: Path) -> int:
    """Bare pdfplumber: `page.extract_text()` on every page, closing each page."""
    import pdfplumber

    chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.extract_text() or "")
            page.close()
    return chars


def _line_words(rng: random.Random, font_size: float, width: float) -> list[str]:
    """Words filling one line of `width` points in Times-Roman at `font_size`."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words: list[str] = []
    while True:
        word = rng.choice(_VOCABULARY)
        if stringWidth(" ".join([*words, word]), "Times-Roman", font_size) > width:
            return words
        words.append(word)


def make_text_pdf(path: Path, pages: int, layout: str = "paragraphs", seed: int = 7) -> None:
    """A one-column text PDF of exactly `pages` pages (letter, 11 pt Times).

    "paragraphs": a running header, a page number, a heading every few pages and
    indented paragraphs of four to nine lines ending in a full stop.
    "unbroken": the same page furniture around one paragraph that runs across
    every page with full lines and no full stop, so no paragraph break is found.
    """
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas

    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    rng = random.Random(seed)
    width, height = letter
    left, size, leading = 72.0, 11.0, 14.0
    text_width = width - 2 * left
    canvas = Canvas(str(path), pagesize=letter)
    lines_left = 0
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 8)
        canvas.drawString(left, height - 40, "Annual Report on Regional Cooperation")
        canvas.drawCentredString(width / 2, 36, str(number))
        y = height - 80
        if layout == "paragraphs" and number % 3 == 1:
            canvas.setFont("Helvetica-Bold", 14)
            canvas.drawString(left, y, f"Part {number // 3 + 1}: Cooperation in Practice")
            y -= 2 * leading
            lines_left = 0
        canvas.setFont("Times-Roman", size)
        while y > 72:
            if layout == "unbroken":
                canvas.drawString(left, y, " ".join(_line_words(rng, size, text_width)))
            else:
                indent = 18.0 if lines_left == 0 else 0.0
                if lines_left == 0:
                    lines_left = rng.randint(4, 9)
                words = _line_words(rng, size, text_width - indent)
                lines_left -= 1
                text = " ".join(words) + ("." if lines_left == 0 else "")
                canvas.drawString(left + indent, y, text[0].upper() + text[1:] if indent else text)
                if lines_left == 0:
                    y -= 0.5 * leading
            y -= leading
        canvas.showPage()
    canvas.save()


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the page-range workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_read(path: Path, profile: Path | None = None) -> tuple[float, float, int, int]:
    """Wall and CPU seconds `read_pdf` takes on `path` (optionally profiled in this
    process; the workers are not), its pages and blocks."""
    from pipeline.ingest.pdf import read_pdf

    profiler = cProfile.Profile() if profile else None
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    if profiler:
        profiler.enable()
    result = read_pdf(path)
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
    return wall, cpu, result.pages, len(result.blocks)


def scaling(page_counts: list[int], layouts: list[str], profile: Path | None) -> list[dict]:
    """Seconds per page of `read_pdf` for generated PDFs of each layout and page count."""
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for layout in layouts:
            for pages in page_counts:
                path = Path(work) / f"{layout}-{pages}.pdf"
                make_text_pdf(path, pages, layout)
                largest = pages == max(page_counts)
                target = profile.with_suffix(f".{layout}.prof") if profile and largest else None
                seconds, cpu, read_pages, blocks = time_read(path, target)
                rows.append(
                    {
                        "layout": layout,
                        "pages": read_pages,
                        "blocks": blocks,
                        "seconds": round(seconds, 2),
                        "seconds_per_page": round(seconds / read_pages, 4),
                        "cpu_seconds_per_page": round(cpu / read_pages, 4),
                        "load_average": round(os.getloadavg()[0], 2),
                    }
                )
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def compare_with_ceiling(path: Path, repeat: int) -> dict:
    """`read_pdf` and bare pdfplumber timed alternately, `repeat` times each."""
    import pdfplumber  # noqa: F401  (imports are not part of either timing)

    from pipeline.ingest.pdf import read_pdf

    read, ceiling = [], []
    pages = words = blocks = 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = read_pdf(path)
        read.append(time.perf_counter() - started)
        started = time.perf_counter()
        pdfplumber_ceiling(path)
        ceiling.append(time.perf_counter() - started)
        pages = result.pages
        blocks = len(result.blocks)
        words = sum(len(b.text.split()) for b in result.blocks)
    return {
        "pages": pages,
        "words": words,
        "blocks": blocks,
        "read_samples": read,
        "ceiling_samples": ceiling,
        "read_seconds": median(read),
        "ceiling_seconds": median(ceiling),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdftime")
    parser.add_argument("pdf", nargs="?", type=Path, help="a PDF to time against pdfplumber")
    parser.add_argument("repeat", nargs="?", type=int, default=1)
    parser.add_argument("--scaling", action="store_true", help="seconds per page by page count")
    parser.add_argument("--pages", default="10,200,1000", help="page counts, comma-separated")
    parser.add_argument("--layout", default=",".join(LAYOUTS), help="layouts, comma-separated")
    parser.add_argument("--profile", type=Path, help="cProfile file stem for the largest read")
    args = parser.parse_args(argv)
    if args.scaling:
        counts = [int(n) for n in args.pages.split(",")]
        layouts = args.layout.split(",")
        print(json.dumps({"scaling": scaling(counts, layouts, args.profile)}))
        return 0
    if args.pdf is None:
        parser.error("give a PDF (and REPEAT), or --scaling")
    print(json.dumps(compare_with_ceiling(args.pdf, args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
