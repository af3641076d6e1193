"""PDF reading alone, in a fresh process: `read_pdf` against bare pdfplumber.

    python -m bench.pdftime PDF REPEAT

The two are timed alternately, REPEAT times each, so a busy neighbour slows
both alike; prints JSON with every sample and the medians.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from statistics import median


def pdfplumber_ceiling(path: Path) -> int:
    """Bare pdfplumber: `page.extract_text()` on every page, closing each page."""
    import pdfplumber

    chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.extract_text() or "")
            page.close()
    return chars


def main(argv: list[str]) -> int:
    path, repeat = Path(argv[0]), int(argv[1])
    import pdfplumber  # noqa: F401  (imports are not part of either timing)

    from pipeline.ingest.pdf import read_pdf

    read, ceiling = [], []
    pages = words = 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = read_pdf(path)
        read.append(time.perf_counter() - started)
        started = time.perf_counter()
        pdfplumber_ceiling(path)
        ceiling.append(time.perf_counter() - started)
        pages = result.pages
        words = sum(len(b.text.split()) for b in result.blocks)
    print(
        json.dumps(
            {
                "pages": pages,
                "words": words,
                "blocks": len(result.blocks),
                "read_samples": read,
                "ceiling_samples": ceiling,
                "read_seconds": median(read),
                "ceiling_seconds": median(ceiling),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
