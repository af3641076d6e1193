"""Quality floors: the development documents scored against their gold files.

Per-document floors hold on the five sample documents; the whole development set
(half of it annotated blind, from documents no rule was written for) must keep its
micro-averages above the floors below, which rise as the extractors improve.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.quality.evaluate import evaluate, short_id
from pipeline.run import run_local
from pipeline.run.options import Settings
from tests.conftest import GOLD, SAMPLE, SOURCES

pytestmark = pytest.mark.slow

# (score name, floor) per table; the same floors hold on every development document.
FLOORS = {
    "entities": 0.90,
    "entities_typed": 0.85,
    "dates": 0.95,
    "date_value_accuracy": 0.95,
    "treaties": 0.90,
    "treaty_signed_accuracy": 0.85,
    "recommendations": 0.85,
    "proposer_accuracy": 0.85,
}
# Micro-averages over every development document (F1, or accuracy).
MICRO_FLOORS = {
    "entities": 0.80,
    "entities_typed": 0.74,
    "dates": 0.95,
    "date_value_accuracy": 0.95,
    "treaties": 0.95,
    "recommendations": 0.90,
    "proposer_accuracy": 0.65,
}
GOLD_DOCS = sorted(path.stem for path in GOLD.glob("*.yaml"))


@pytest.fixture(scope="module")
def dev_output(tmp_path_factory) -> Path:
    """`briefdata run --input tests/quality/dev/sources`: the documents outside any registry."""
    work = tmp_path_factory.mktemp("quality")
    settings = Settings(input_dir=SOURCES, output=work / "out", cache=work / "cache")
    run_local(settings)
    return work / "out"


@pytest.fixture(scope="module")
def report(dev_output):
    return evaluate(dev_output, GOLD)


def test_every_gold_document_was_scored(report):
    assert sorted(d.doc_id for d in report.documents) == GOLD_DOCS
    assert report.missing == []


def value_of(scores: dict, name: str) -> float | None:
    return scores[name]["f1"] if isinstance(scores[name], dict) else scores[name]


def test_micro_average_floors_over_the_development_set(report):
    micro = report.micro.to_dict()
    below = {n: value_of(micro, n) for n, f in MICRO_FLOORS.items() if value_of(micro, n) < f}
    assert not below, f"micro-averages below the floors: {below}"


@pytest.mark.parametrize("doc_id", SAMPLE)
def test_quality_floors(report, doc_id):
    scores = next(d for d in report.documents if d.doc_id == doc_id).to_dict()
    below = {}
    for name, floor in FLOORS.items():
        value = value_of(scores, name)
        if value is not None and value < floor:
            below[name] = value
    assert not below, f"{doc_id} below the floors: {below}; errors: {scores['errors']}"


def test_evaluate_command_prints_json_for_machines(dev_output):
    result = CliRunner().invoke(
        app, ["evaluate", "--gold", str(GOLD), "--data", str(dev_output), "--json"]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert {d["doc_id"] for d in scores["documents"]} == set(GOLD_DOCS)
    assert scores["micro"]["entities"]["f1"] >= MICRO_FLOORS["entities"]


def test_evaluate_command_prints_a_table_per_document(dev_output):
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(GOLD), "--data", str(dev_output)])
    assert result.exit_code == 0, result.output
    for doc_id in GOLD_DOCS:
        assert short_id(doc_id) in result.stdout
    assert "micro" in result.stdout
