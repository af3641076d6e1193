"""Span and name hygiene of published entity tables: names no analyst should ever see.

`name_problems` says what is wrong with one entity name; `dataset_problems` checks a whole
published dataset (entities.csv and mentions.csv) and returns every offending row, so a run
on the full corpus can prove there are none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.extract.names import name_problems

# U.S. states whose names contain a country's or island's name: never linked to it.
STATE_NAMES_HOLDING_OTHERS = ("New Jersey", "New Mexico", "New York", "New Hampshire")


@dataclass(frozen=True)
class Problem:
    table: str
    row_id: str
    text: str
    problem: str


def _entity_problems(entities: pd.DataFrame) -> Iterator[Problem]:
    for row in entities.itertuples(index=False):
        for problem in name_problems(str(row.name)):
            yield Problem("entities", str(row.entity_id), str(row.name), problem)


def _state_links(mentions: pd.DataFrame, entities: pd.DataFrame) -> Iterator[Problem]:
    """A mention of "New Jersey" (etc.) linked to an entity whose name is not that state."""
    names = dict(zip(entities["entity_id"], entities["name"], strict=True))
    for row in mentions.itertuples(index=False):
        text = str(row.text)
        for state in STATE_NAMES_HOLDING_OTHERS:
            if state.casefold() in text.casefold():
                name = str(names.get(row.entity_id, ""))
                if state.casefold() not in name.casefold():
                    yield Problem("mentions", str(row.mention_id), text, f"linked to {name}")


def dataset_problems(data: Path) -> list[Problem]:
    """Every hygiene problem in a published dataset's entity tables."""
    read = {"dtype": str, "keep_default_na": False}
    entities = pd.read_csv(data / "entities.csv", **read)
    mentions = pd.read_csv(data / "mentions.csv", **read)
    return [*_entity_problems(entities), *_state_links(mentions, entities)]
