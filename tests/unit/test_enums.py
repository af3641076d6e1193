"""Every set of allowed values the code relies on equals the schema's: one truth."""

from __future__ import annotations

from pipeline.extract.common import knowledge
from pipeline.extract.recommendations import _MODAL_MODALITY, _REPORT_MODALITY
from pipeline.ingest.reader import MEDIA_TYPES
from pipeline.knowledge.entities import ENTITY_TYPES
from pipeline.knowledge.treaties import KINDS
from pipeline.release.schema import enum
from pipeline.types import BLOCK_KINDS


def test_sentence_kinds_are_the_block_kinds():
    assert set(enum("sentences", "kind")) == set(BLOCK_KINDS)


def test_entity_types_are_the_knowledge_base_types():
    assert set(enum("entities", "type")) == set(ENTITY_TYPES)


def test_media_types_are_the_readers():
    assert set(enum("documents", "media_type")) == set(MEDIA_TYPES.values())


def test_treaty_kinds_are_the_knowledge_base_kinds():
    assert set(enum("treaties", "kind")) == set(KINDS)


def test_topics_are_the_taxonomy_and_its_fallback():
    assert set(enum("recommendations", "topic")) == set(knowledge().topics.names)


def test_modalities_are_what_the_cues_give():
    given = set(_MODAL_MODALITY.values()) | set(_REPORT_MODALITY.values())
    assert given <= set(enum("recommendations", "modality"))
    assert set(enum("recommendations", "modality")) - given == set()
