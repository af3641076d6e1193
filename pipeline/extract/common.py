"""What the extractors share: the knowledge they read (one object per process), document
offsets of tokens, matchers cached per vocabulary, and the issuers a title names."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from spacy.tokens import Span, Token

from pipeline.types import EntityMention, SentenceContext

T = TypeVar("T")


@dataclass(frozen=True)
class Knowledge:
    """The reference knowledge an extraction reads, loaded once per process."""

    entities: Any  # pipeline.knowledge.entities.EntityKB
    treaties: Any  # pipeline.knowledge.treaties.TreatyKB
    topics: Any  # pipeline.knowledge.topics.Topics


@cache
def knowledge() -> Knowledge:
    from pipeline.knowledge.entities import load_entity_kb
    from pipeline.knowledge.topics import load_topics
    from pipeline.knowledge.treaties import load_treaty_kb

    return Knowledge(load_entity_kb(), load_treaty_kb(), load_topics())


# ---------------------------------------------------------------- offsets
# Extractors work in spaCy tokens of a block's doc; rows carry document offsets.


def token_start(sentence: SentenceContext, token: Token) -> int:
    """Document offset where `token` starts."""
    return sentence.doc_offset + token.idx


def token_end(sentence: SentenceContext, token: Token) -> int:
    """Document offset one past `token`'s last character."""
    return sentence.doc_offset + token.idx + len(token.text)


def span_range(sentence: SentenceContext, span: Span) -> tuple[int, int]:
    """Document offsets of a span of the sentence's doc."""
    return sentence.doc_offset + span.start_char, sentence.doc_offset + span.end_char


# ---------------------------------------------------------------- matchers


_PER_VOCAB: dict[tuple[str, int], tuple[Any, Any]] = {}


def per_vocab(name: str, vocab: Any, build: Callable[[Any], T]) -> T:
    """`build(vocab)` once per vocabulary (matchers hold strings of one vocabulary).

    The vocabulary is kept beside its object, so a new vocabulary that happens to reuse
    a freed one's `id` is never handed the old object.
    """
    key = (name, id(vocab))
    found = _PER_VOCAB.get(key)
    if found is None or found[0] is not vocab:
        found = _PER_VOCAB[key] = (vocab, build(vocab))
    return found[1]


# ---------------------------------------------------------------- issuers


def title_issuers(title: SentenceContext, mentions: Sequence[EntityMention]) -> list[EntityMention]:
    """The states a document's title names as its issuers, in order, once each.

    "Joint Statement by France, Germany, the UK and the US on Iran": a state after the
    title's last "on" is its subject, not an issuer, unless fewer than two states come
    before it.
    """
    states = sorted(
        (m for m in mentions if m.type == "GPE" and m.iso3 and title.start <= m.start < title.end),
        key=lambda m: m.start,
    )
    cuts = [token_start(title, t) for t in title.span if t.lower_ == "on"]
    if cuts:
        before = [m for m in states if m.end <= cuts[-1]]
        if len({m.iso3 for m in before}) >= 2:
            states = before
    unique: dict[str, EntityMention] = {}
    for mention in states:
        unique.setdefault(mention.iso3, mention)
    return list(unique.values())
