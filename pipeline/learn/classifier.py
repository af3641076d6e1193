"""The recommendation classifier: a spaCy bag-of-words text classifier over a clause, its
sentence and its verbs' tags, published in `data/models/recommendation-filter/` with the
threshold it accepts clauses at (`pipeline.learn.recommendations` trains it)."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from pipeline.errors import BriefdataError
from pipeline.paths import PROJECT_DIR

MODEL_DIR = PROJECT_DIR / "data" / "models" / "recommendation-filter"
FIGURES = "figures.json"
SEED = 0
EPOCHS = 12
LABEL = "RECOMMENDATION"
_MODEL = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": False,
    "ngram_size": 2,
    "no_output_layer": False,
    "length": 65536,
}


@dataclass(frozen=True)
class Judged:
    text: str  # the clause the pipeline published
    sentence: str  # the sentence around it
    real: bool
    source: str  # the sheet the verdict comes from
    tags: tuple[str, ...] = ()  # the clause's part-of-speech tags (`clause_tags`)


def features(text: str, sentence: str, tags: Sequence[str]) -> str:
    """What the classifier reads: the clause's words, the rest of its sentence marked apart
    (so that "said Jane" after a quotation counts differently from inside it), the
    part-of-speech tags of its verbs and modals (tense, mood) and of the word before its
    first modal (its subject: a name, a pronoun, a common noun), and a few marks: a first
    person, "will", a quotation."""
    rest = sentence.replace(text, " ").strip() if text in sentence else ""
    marked = [f"ctx_{word}" for word in rest.split()[:30]]
    marks = [f"tag_{tag}" for tag in tags if tag.startswith(("V", "MD"))]
    if "MD" in tags and tags.index("MD") > 0:  # who the modal binds: a name, a pronoun, a noun
        marks.append(f"subject_{tags[tags.index('MD') - 1]}")
    if _FIRST_PERSON.search(text):
        marks.append("mark_first_person")
    if _WILL.search(text):
        marks.append("mark_will")
    if any(quote in sentence for quote in ('"', "\u201c", "\u201d")):
        marks.append("mark_quote")
    if _SAID.search(sentence):
        marks.append("mark_said")
    return " ".join([text, *marked, *marks]).lower()


_FIRST_PERSON = re.compile(r"\b(?:we|i|our|us)\b", re.IGNORECASE)
_WILL = re.compile(r"\b(?:will|'ll|\u2019ll)\b", re.IGNORECASE)
_SAID = re.compile(r"\b(?:said|says)\b")


def _blank() -> Language:
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": _MODEL})
    textcat.add_label(LABEL)
    return nlp


def train(items: Sequence[Judged], epochs: int = EPOCHS) -> Language:
    """A classifier trained on `items` (deterministic for the same items)."""
    fix_random_seed(SEED)
    nlp = _blank()
    examples = [
        Example.from_dict(
            nlp.make_doc(features(item.text, item.sentence, item.tags)),
            {"cats": {LABEL: float(item.real)}},
        )
        for item in items
    ]
    optimizer = nlp.initialize(lambda: examples)
    order = random.Random(SEED)
    for _ in range(epochs):
        shuffled = list(examples)
        order.shuffle(shuffled)
        for batch in minibatch(shuffled, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    return nlp


Clause = tuple[str, str, Sequence[str]]  # the clause, its sentence, the clause's tags


def scores(nlp: Language, clauses: Sequence[Clause]) -> list[float]:
    """The probability that each clause is a real recommendation."""
    docs = nlp.pipe(features(text, sentence, tags) for text, sentence, tags in clauses)
    return [doc.cats[LABEL] for doc in docs]


@cache
def _published() -> tuple[Language, float]:
    if not (MODEL_DIR / FIGURES).exists():
        raise BriefdataError(
            f"the recommendation classifier is missing from {MODEL_DIR}; "
            "train it with: python -m pipeline.learn.recommendations"
        )
    figures = json.loads((MODEL_DIR / FIGURES).read_text(encoding="utf-8"))
    return spacy.load(MODEL_DIR), float(figures["threshold"])


def accepted(clauses: Sequence[Clause]) -> list[tuple[bool, float]]:
    """For each clause: whether the published classifier accepts it, and its score, rounded
    for the published table."""
    if not clauses:
        return []
    model, cut = _published()
    return [(score >= cut, round(score, 3)) for score in scores(model, clauses)]
