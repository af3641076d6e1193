"""A text classifier that tells real recommendations from the clauses the cue rules
over-accept (descriptions, predictions, wishes, the authors' own plans).

Trained on clauses judged blind against the annotation guidelines
(`data/annotations/recommendations.csv`: the clause, its sentence, the verdict and where
the verdict comes from) and on the clauses the cue rules find in the development gold's
documents (real when they hold a gold recommendation's quote).
`python -m pipeline.learn.recommendations` retrains it deterministically, picks the
acceptance threshold from cross-validated scores (the highest that keeps 85% of the real
recommendations) and writes the model and its figures to
`data/models/recommendation-filter/`.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language

from pipeline.learn.classifier import (
    FIGURES,
    MODEL_DIR,
    Judged,
    scores,
    train,
)
from pipeline.paths import PROJECT_DIR

ANNOTATIONS = PROJECT_DIR / "data" / "annotations" / "recommendations.csv"
FOLDS = 5
RECALL_FLOOR = 0.85  # the threshold is the highest that keeps this share of real ones (CV)


def clause_tags(nlp: Language, text: str, sentence: str) -> list[str]:
    """The tags of the clause's tokens, read in its sentence (as at extraction time)."""
    doc = nlp(sentence)
    start = sentence.find(text)
    if start < 0:
        return [token.tag_ for token in nlp(text)]
    return [t.tag_ for t in doc if start <= t.idx < start + len(text)]


def load_annotations(path: Path = ANNOTATIONS) -> list[Judged]:
    """The judged clauses, each with its tags from the pipeline's English model."""
    from pipeline.nlp.model import load_nlp

    nlp = load_nlp()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Judged(
            row["text"],
            row["sentence"],
            row["real"] == "y",
            row["source"],
            tuple(clause_tags(nlp, row["text"], row["sentence"])),
        )
        for row in rows
    ]


def from_gold(sources: Path, gold: Path) -> list[Judged]:
    """Judged clauses from annotated documents: every clause the cue rules find in a source,
    real when it holds the quote of one of the gold file's recommendations."""
    from pipeline.extract.entities import extract_entities
    from pipeline.extract.recommendations import candidate_recommendations
    from pipeline.knowledge.entities import load_entity_kb
    from pipeline.nlp.model import load_nlp
    from pipeline.nlp.segment import read_and_segment
    from pipeline.quality.evaluate import fold_quote, load_gold

    nlp, kb, found = load_nlp(), load_entity_kb(), []
    for path in sorted(gold.glob("*.yaml")):
        source = next(iter(sorted(sources.glob(f"{path.stem}.*"))), None)
        if source is None:
            continue
        quotes = [fold_quote(item["quote"]) for item in load_gold(path)["recommendations"]]
        document = read_and_segment(source, nlp)
        entities = extract_entities(document.sentences, document.meta, kb)
        by_index = {sentence.index: sentence for sentence in document.sentences}
        for row in candidate_recommendations(document.sentences, document.meta, entities):
            sentence = by_index[row.sentence_index]
            real = any(quote and quote in fold_quote(row.text) for quote in quotes)
            start, end = row.start - sentence.doc_offset, row.end - sentence.doc_offset
            tags = tuple(t.tag_ for t in sentence.span if start <= t.idx < end)
            found.append(Judged(row.text, sentence.text, real, f"gold {path.stem}", tags))
    return found


def cross_validated(items: Sequence[Judged], folds: int = FOLDS) -> list[float]:
    """Each item's score from a model trained without its fold."""
    found = [0.0] * len(items)
    for fold in range(folds):
        held = [i for i in range(len(items)) if i % folds == fold]
        kept = [item for i, item in enumerate(items) if i % folds != fold]
        model = train(kept)
        for i, score in zip(
            held,
            scores(model, [(items[i].text, items[i].sentence, items[i].tags) for i in held]),
            strict=True,
        ):
            found[i] = score
    return found


def threshold_for(items: Sequence[Judged], found: Sequence[float]) -> dict[str, float]:
    """The highest threshold whose cross-validated recall stays at the floor, with the
    precision and recall there and the base rate (every clause the rules find)."""
    real = sum(item.real for item in items)
    best = {"threshold": 0.0, "precision": real / len(items), "recall": 1.0}
    for step in range(1, 100):
        cut = step / 100
        kept = [item.real for item, score in zip(items, found, strict=True) if score >= cut]
        if not kept or sum(kept) / real < RECALL_FLOOR:
            break
        best = {"threshold": cut, "precision": sum(kept) / len(kept), "recall": sum(kept) / real}
    return {**best, "base_precision": real / len(items), "examples": float(len(items))}


def training_items() -> list[Judged]:
    """The judged clauses of the annotations file and of the development gold."""
    from pipeline.paths import DEV_GOLD

    return [*load_annotations(), *from_gold(DEV_GOLD.parent / "sources", DEV_GOLD)]


def main(argv: Sequence[str] = ()) -> int:
    items = training_items()
    figures = threshold_for(items, cross_validated(items))
    model = train(items)
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    model.to_disk(MODEL_DIR)
    (MODEL_DIR / FIGURES).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
