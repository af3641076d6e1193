"""Held-out quality: the pipeline on documents annotated before anyone looked at its output.

The four White House documents in tests/heldout/sources were annotated by hand
(tests/heldout/gold, same guidelines as tests/gold) before the pipeline ran on
them. The floors are the scores measured after the last general fix, minus
0.05: a regression on documents no rule was written for fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.quality.evaluate import DocumentScores, evaluate_document, load_gold, load_tables
from pipeline.run import run_local
from pipeline.run.options import Settings

HELDOUT = Path(__file__).parent / "heldout"
MARGIN = 0.05

# Measured F1 / accuracy per document (None: nothing to compare in that document).
MEASURED: dict[str, dict[str, float | None]] = {
    "2021-03-01-fact-sheet-u-s-mexico-bilateral-cooperation": {
        "entities": 1.0, "entities_typed": 0.923, "dates": 1.0, "date_value": 1.0,
        "treaties": 1.0, "treaty_parties": 1.0, "recommendations": 1.0, "proposer": None,
    },
    "2021-04-02-united-states-japan-republic-of-korea-trilateral-national-security-advisors-press-statement": {
        "entities": 1.0, "entities_typed": 1.0, "dates": 1.0, "date_value": 1.0,
        "treaties": 1.0, "treaty_parties": None, "recommendations": 1.0, "proposer": 1.0,
    },
    "2021-04-16-fact-sheet-u-s-japan-competitiveness-and-resilience-core-partnership": {
        "entities": 1.0, "entities_typed": 0.923, "dates": 1.0, "date_value": 1.0,
        "treaties": 1.0, "treaty_parties": 1.0, "recommendations": 1.0, "proposer": None,
    },
    "2021-10-30-joint-statement-by-the-president-of-france-emmanuel-macron-chancellor-of-germany-angela-merkel-prime-minister-of-the-united-kingdom-and-northern-ireland-boris-johnson-and-president-of-the-united-st": {
        "entities": 1.0, "entities_typed": 1.0, "dates": 1.0, "date_value": 1.0,
        "treaties": 1.0, "treaty_parties": 0.5, "recommendations": 1.0, "proposer": 1.0,
    },
}  # fmt: skip


def _metrics(scores: DocumentScores) -> dict[str, float | None]:
    return {
        "entities": scores.entities.f1,
        "entities_typed": scores.entities_typed.f1,
        "dates": scores.dates.f1,
        "date_value": scores.date_value_accuracy,
        "treaties": scores.treaties.f1,
        "treaty_parties": scores.treaty_parties_accuracy,
        "recommendations": scores.recommendations.f1,
        "proposer": scores.proposer_accuracy,
    }


@pytest.fixture(scope="module")
def heldout_scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DocumentScores]:
    """Run the pipeline once over the held-out sources and score every document."""
    tmp = tmp_path_factory.mktemp("heldout")
    settings = Settings(input_dir=HELDOUT / "sources", output=tmp / "out", cache=tmp / "cache")
    run_local(settings)
    tables = load_tables(tmp / "out")
    scores = {}
    for path in sorted((HELDOUT / "gold").glob("*.yaml")):
        gold = load_gold(path)
        scores[gold["doc_id"]] = evaluate_document(gold, tables)
    return scores


def test_every_heldout_document_is_scored(heldout_scores: dict[str, DocumentScores]) -> None:
    assert set(heldout_scores) == set(MEASURED)
    sources = {p.stem for p in (HELDOUT / "sources").glob("*.md")}
    assert sources == set(MEASURED)


@pytest.mark.parametrize("doc_id", sorted(MEASURED))
def test_heldout_floors(doc_id: str, heldout_scores: dict[str, DocumentScores]) -> None:
    got = _metrics(heldout_scores[doc_id])
    print(f"\n{doc_id[:70]}: " + ", ".join(f"{k}={v}" for k, v in got.items()))
    errors = {k: v for k, v in heldout_scores[doc_id].errors.items() if v}
    failures = []
    for metric, measured in MEASURED[doc_id].items():
        if measured is None:
            continue
        value = got[metric]
        if value is None or value < measured - MARGIN:
            failures.append(f"{metric}: {value} < floor {measured - MARGIN:.3f}")
    assert not failures, f"{failures}; errors: {errors}"
