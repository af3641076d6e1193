"""The recommendation classifier: trained deterministically, published in sync with its data."""

from __future__ import annotations

import json

from pipeline.learn.classifier import FIGURES, MODEL_DIR, scores, train
from pipeline.learn.recommendations import load_annotations, training_items


def test_training_is_deterministic() -> None:
    items = load_annotations()[:120]
    probe = [(item.text, item.sentence, item.tags) for item in items[:20]]
    assert scores(train(items, epochs=3), probe) == scores(train(items, epochs=3), probe)


def test_the_published_model_was_trained_on_the_current_data() -> None:
    figures = json.loads((MODEL_DIR / FIGURES).read_text(encoding="utf-8"))
    items = training_items()
    assert figures["examples"] == len(items)
    assert figures["recall"] >= 0.85
    assert figures["precision"] > figures["base_precision"]
