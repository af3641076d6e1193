"""Shared fixtures of the quality tests: the spaCy model and the entity knowledge base,
loaded once per session."""

from __future__ import annotations

import pytest
from spacy.language import Language

from pipeline.knowledge.entities import EntityKB, load_entity_kb
from pipeline.nlp.model import load_nlp


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_nlp()


@pytest.fixture(scope="session")
def kb() -> EntityKB:
    """The entity knowledge base (test_treaties.py overrides `kb` with the treaty one)."""
    return load_entity_kb()
