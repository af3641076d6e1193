"""The topic taxonomy of recommendations (`data/reference/topics.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipeline.paths import REFERENCE_DIR

TOPICS_FILE = REFERENCE_DIR / "topics.yaml"


@dataclass(frozen=True)
class Topic:
    name: str
    pattern: re.Pattern[str]  # any keyword, at word boundaries, on lower-cased text
    heading_weight: float


@dataclass(frozen=True)
class Topics:
    topics: tuple[Topic, ...]
    fallback: str

    @property
    def names(self) -> tuple[str, ...]:
        """Every value a recommendation's topic can take, the fallback last."""
        return (*(t.name for t in self.topics), self.fallback)

    def classify(self, heading: str, text: str) -> str:
        """The topic whose keywords occur most (heading words weighted), else the fallback."""
        best, best_score = self.fallback, 0.0
        for topic in self.topics:
            score = topic.heading_weight * len(topic.pattern.findall(heading)) + len(
                topic.pattern.findall(text)
            )
            if score > best_score:
                best, best_score = topic.name, score
        return best


@cache
def load_topics(path: Path = TOPICS_FILE) -> Topics:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default = float(data.get("default_heading_weight", 1.0))
    topics = tuple(
        Topic(
            name=str(item["name"]),
            pattern=re.compile(r"\b(?:" + "|".join(item["keywords"]) + r")\b"),
            heading_weight=float(item.get("heading_weight", default)),
        )
        for item in data["topics"]
    )
    return Topics(topics=topics, fallback=str(data["fallback"]))
