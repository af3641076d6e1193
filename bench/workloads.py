"""The benchmark's inputs: a copy of the corpus, and a long two-column PDF made from it."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("/work/shared/corpus/whitehouse")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_TITLE = re.compile(r"^title:\s*(.+)$", re.MULTILINE)


def copy_corpus(source: Path, target: Path, docs: int | None) -> list[Path]:
    """The first `docs` documents of `source` (sorted by name), copied into `target`."""
    files = sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith("."))
    if docs is not None:
        files = files[:docs]
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copyfile(path, target / path.name)
    return [target / p.name for p in files]


def write_registry(files: list[Path], path: Path) -> Path:
    """A source registry listing `files` (in one raw folder) by their titles."""
    import yaml

    from pipeline.text import document_id

    entries = [
        {"id": document_id(file.stem), "title": _title_and_body(file)[0], "path": file.name}
        for file in files
    ]
    path.write_text(yaml.safe_dump({"sources": entries}, sort_keys=False), encoding="utf-8")
    return path


def change_one_document(path: Path) -> None:
    """Edit a document's body text (a new sentence), as an author's correction would."""
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.rstrip("\n") + "\n\nThis paragraph was added by the benchmark to change the text.\n",
        encoding="utf-8",
    )


def _title_and_body(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    title = path.stem
    if match:
        if found := _TITLE.search(match.group(1)):
            title = found.group(1).strip().strip("'\"")
        text = text[match.end() :]
    return title, text


def _paragraphs(documents: list[Path]) -> list[str]:
    """Markdown paragraphs of the documents in order, each document under a heading."""
    out: list[str] = []
    for path in documents:
        title, body = _title_and_body(path)
        out.append(f"## {title}")
        out.extend(p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())
    return out


def _render(paragraphs: list[str], path: Path) -> int:
    import pdfplumber

    sys.path.insert(0, str(REPO / "tests"))
    from pdfgen import render_two_column_pdf

    markdown = "# Statements and Releases: A Compilation\n\n" + "\n\n".join(paragraphs)
    render_two_column_pdf(
        markdown,
        path,
        title="Statements and Releases: A Compilation",
        running_header="Statements and Releases — Benchmark Compilation",
    )
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def make_long_pdf(corpus: Path, path: Path, pages: int) -> int:
    """A `pages`-page two-column report (running header, page numbers) of corpus text.

    Paragraphs are added until the page count is met; returns the page count made.
    """
    documents = sorted(p for p in corpus.iterdir() if p.suffix == ".md")
    paragraphs = _paragraphs(documents)
    total = len(paragraphs)
    count = min(total, 40 * pages)  # first guess; corrected from real renders
    made = _render(paragraphs[:count], path)
    below, above = 0, total + 1  # counts known to give fewer / more pages than wanted
    for _ in range(8):
        if made == pages or (made < pages and count == total):
            break
        if made < pages:
            below = max(below, count)
        else:
            above = min(above, count)
        guess = round(count * (pages - 0.5) / max(made, 1))  # aim mid-page
        if not below < guess < above:
            guess = (below + above) // 2
        if guess in (below, above):
            break
        count = guess
        made = _render(paragraphs[:count], path)
    if made > pages and below:
        made = _render(paragraphs[:below], path)  # never more pages than asked for
    return made
