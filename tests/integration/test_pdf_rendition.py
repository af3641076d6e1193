"""A PDF rendition of the brief yields what its Markdown source yields."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.quality.evaluate import evaluate
from pipeline.run import run_local
from pipeline.run.options import Settings
from tests.conftest import GOLD, SOURCES
from tests.pdfgen import render_two_column_pdf

pytestmark = pytest.mark.slow

BRIEF = "haggard-2021-beyond-deterrence"
TABLES = ("entities", "entities_typed", "dates", "treaties", "recommendations")


def scores_for(source: Path, work: Path) -> dict:
    """Run the pipeline on one file (named as the brief) and score it against the brief's gold."""
    folder = work / "input"
    folder.mkdir(parents=True)
    (folder / f"{BRIEF}{source.suffix}").write_bytes(source.read_bytes())
    gold = work / "gold"
    gold.mkdir()
    (gold / f"{BRIEF}.yaml").write_bytes((GOLD / f"{BRIEF}.yaml").read_bytes())
    settings = Settings(input_dir=folder, output=work / "out", cache=work / "cache")
    manifest = run_local(settings)
    assert manifest["failed"] == []
    (scores,) = evaluate(work / "out", gold).documents
    return scores.to_dict()


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[dict, dict]:
    work = tmp_path_factory.mktemp("rendition")
    pdf = work / f"{BRIEF}.pdf"
    render_two_column_pdf(
        (SOURCES / f"{BRIEF}.md").read_text(encoding="utf-8"),
        pdf,
        title="U.S. Security Ties with Korea and Japan: Getting Beyond Deterrence",
        running_header="IGCC Policy Brief | April 2021",
    )
    return scores_for(SOURCES / f"{BRIEF}.md", work / "md"), scores_for(pdf, work / "pdf")


@pytest.mark.parametrize("table", TABLES)
def test_pdf_rendition_scores_within_five_percent_of_markdown(both, table):
    markdown, pdf = both
    assert pdf[table]["f1"] >= 0.95 * markdown[table]["f1"], (table, pdf["errors"])


def test_pdf_rendition_attributes_agree(both):
    markdown, pdf = both
    for name in ("date_value_accuracy", "treaty_signed_accuracy", "proposer_accuracy"):
        assert pdf[name] >= 0.95 * markdown[name], (name, pdf["errors"])
