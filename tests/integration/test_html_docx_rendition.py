"""Web-page and Word renditions of the development documents yield what their Markdown
sources yield, and no line of a site's boilerplate reaches the published sentences."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.ingest.markdown import split_front_matter
from pipeline.ingest.source import publisher_of
from pipeline.quality.evaluate import evaluate
from pipeline.run import run_local
from pipeline.run.options import Settings
from tests.conftest import GOLD, SOURCES
from tests.renditions import BOILERPLATE, render_docx, render_html

pytestmark = pytest.mark.slow

TABLES = ("entities", "entities_typed", "dates", "treaties", "recommendations")
ATTRIBUTES = ("date_value_accuracy", "treaty_signed_accuracy", "proposer_accuracy")
DOCUMENTS = sorted(path for path in SOURCES.glob("*.md") if (GOLD / f"{path.stem}.yaml").exists())


def _meta(path: Path) -> dict:
    """The page's metadata: what the Markdown source's front matter says."""
    front, _ = split_front_matter(path.read_text(encoding="utf-8"))
    url = str(front.get("source_url") or "https://policy.example.org/research/brief")
    return {
        "title": str(front.get("title") or path.stem),
        "author": "; ".join(front.get("authors") or []),
        "published": str(front.get("date") or front.get("published") or "2021-04-01")[:10],
        "site": publisher_of(url) or "Example Policy Institute",
        "url": url,
    }


def _run(folder: Path, work: Path) -> tuple[list[dict], Path]:
    settings = Settings(input_dir=folder, output=work / "out", cache=work / "cache")
    if (work / "sources.yaml").exists():  # registered files: the maintainer's metadata
        settings = Settings(
            registry=work / "sources.yaml", raw=folder, output=work / "out", cache=work / "cache"
        )
    manifest = run_local(settings)
    assert manifest["failed"] == []
    return [d.to_dict() for d in evaluate(work / "out", GOLD).documents], work / "out"


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    work = tmp_path_factory.mktemp("renditions")
    folders = {kind: work / kind / "input" for kind in ("md", "html", "docx")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        _, body = split_front_matter(text)
        meta = _meta(path)
        (folders["md"] / path.name).write_text(text, encoding="utf-8")
        (folders["html"] / f"{path.stem}.html").write_text(
            render_html(body, **meta), encoding="utf-8"
        )
        render_docx(
            body, folders["docx"] / f"{path.stem}.docx", title=meta["title"], author=meta["author"]
        )
    # A Word file carries no publication date: its maintainer registers it with one, as
    # `briefdata add FILE --published` does.
    entries = [
        {
            "id": path.stem,
            "title": _meta(path)["title"],
            "published": _meta(path)["published"],
            "url": _meta(path)["url"],
            "path": f"{path.stem}.docx",
        }
        for path in DOCUMENTS
    ]
    registry = {"sources": entries}
    (work / "docx" / "sources.yaml").write_text(yaml.safe_dump(registry), encoding="utf-8")
    found = {}
    for kind, folder in folders.items():
        documents, out = _run(folder, folder.parent)
        found[kind] = ({d["doc_id"]: d for d in documents}, out)
    return found


def _micro(documents: dict, table: str) -> float:
    tp = sum(d[table]["tp"] for d in documents.values())
    fp = sum(d[table]["fp"] for d in documents.values())
    fn = sum(d[table]["fn"] for d in documents.values())
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


@pytest.mark.parametrize("kind", ["html", "docx"])
@pytest.mark.parametrize("table", TABLES)
def test_a_rendition_scores_within_two_points_of_markdown(runs, kind, table):
    markdown, _ = runs["md"]
    rendition, _ = runs[kind]
    assert _micro(rendition, table) >= _micro(markdown, table) - 0.02, (kind, table)


def test_no_boilerplate_line_reaches_the_sentences(runs):
    _, out = runs["html"]
    sentences = pd.read_csv(out / "sentences.csv", dtype=str, keep_default_na=False)
    text = "\n".join(sentences["text"])
    for line in BOILERPLATE:
        assert line not in text
    for word in ("Home", "Experts", "Events", "Twitter", "LinkedIn"):
        assert word not in set(sentences["text"])


def test_a_pages_metadata_is_the_documents(runs):
    _, out = runs["html"]
    documents = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    mexico = documents.set_index("doc_id").loc[
        "2021-03-01-fact-sheet-u-s-mexico-bilateral-cooperation"
    ]
    assert mexico["title"] == "FACT SHEET: U.S. – Mexico Bilateral Cooperation"
    assert mexico["publisher"] == "The White House"
    assert mexico["published"] == "2021-03-01"
    assert mexico["media_type"] == "text/html"
    assert mexico["language"] == "en"


@pytest.mark.parametrize("kind", ["html", "docx"])
@pytest.mark.parametrize("attribute", ["date_value", "treaty_signed", "treaty_parties", "proposer"])
def test_a_renditions_attributes_agree_within_two_points(runs, kind, attribute):
    def accuracy(documents: dict) -> float:
        counts = [d["accuracy_counts"].get(attribute) for d in documents.values()]
        right = sum(c[0] for c in counts if c)
        total = sum(c[1] for c in counts if c)
        return right / total if total else 1.0

    markdown, _ = runs["md"]
    rendition, _ = runs[kind]
    assert accuracy(rendition) >= accuracy(markdown) - 0.02, (kind, attribute)
