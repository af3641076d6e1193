"""Entity extraction on real sentences of the development documents."""

from __future__ import annotations

import pandas as pd
import pytest
from spacy.language import Language

from pipeline.extract.entities import canonical_key, extract_entities
from pipeline.knowledge.entities import EntityKB
from pipeline.nlp.segment import read_and_segment, segment
from pipeline.quality.evaluate import evaluate_document, load_gold
from pipeline.types import Block, DocumentMeta, EntityMention
from tests.conftest import GOLD, SOURCES


def run(nlp: Language, kb: EntityKB, *blocks: Block) -> tuple[str, list[EntityMention]]:
    text, sentences = segment(list(blocks), nlp)
    mentions = extract_entities(sentences, DocumentMeta(doc_id="t"), kb)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    return text, mentions


def names(mentions: list[EntityMention]) -> set[tuple[str, str]]:
    return {(m.name, m.type) for m in mentions}


def test_companies_are_orgs_and_technologies_dropped(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block(
            "Rakuten Mobile in Japan as well as Nokia, Cisco, and NEC are experimenting with "
            "Open RAN 5G software that allows countries to use almost any 5G handset."
        ),
    )
    found = names(ms)
    assert {
        ("Rakuten Mobile", "ORG"),
        ("Nokia", "ORG"),
        ("Cisco", "ORG"),
        ("NEC", "ORG"),
        ("Japan", "GPE"),
    } <= found
    assert not any(m.text in {"5G", "Open RAN"} for m in ms)


def test_coordinated_laboratories_split(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block(
            "Established in 1982, IGCC convenes expert researchers across UC campuses and the "
            "Lawrence Livermore and Los Alamos National Laboratories, along with U.S. and "
            "international policy leaders."
        ),
    )
    labs = {(m.text, m.name) for m in ms if "Laborator" in m.name}
    assert labs == {
        ("Lawrence Livermore", "Lawrence Livermore National Laboratory"),
        ("Los Alamos National Laboratories", "Los Alamos National Laboratory"),
    }


def test_capitals_resolve_to_states_keeping_surface(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block(
            "The extent to which Japan and Korea want to align around a confrontational posture "
            "toward China is an ongoing issue, to some extent a function of shifting political "
            "winds in Tokyo and Seoul."
        ),
    )
    by_text = {m.text: (m.name, m.iso3) for m in ms}
    assert by_text["Tokyo"] == ("Japan", "JPN")
    assert by_text["Seoul"] == ("South Korea", "KOR")
    assert by_text["Korea"] == ("South Korea", "KOR")


def test_republic_of_china_on_taiwan(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block(
            "Formal alliance partnerships with South Korea and the Republic of China on Taiwan "
            "followed in the wake of the Korean armistice, in 1953 and 1955 respectively."
        ),
    )
    assert ("Taiwan", "GPE") in names(ms)
    assert ("South Korea", "GPE") in names(ms)


def test_surname_resolves_to_full_name(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block(
            "More recently, the Abe government's re-interpretation of Article IX of the "
            "Japanese Constitution permits much more extensive cooperation between allies."
        ),
        Block(
            "With the changes engineered by Prime Minister Shinzo Abe, the alliance also "
            "shifted from a unilateral security guarantee."
        ),
    )
    abe = [m for m in ms if m.text in {"Abe", "Shinzo Abe"}]
    assert {m.name for m in abe} == {"Shinzo Abe"} and len(abe) == 2
    assert ("Article IX of the Japanese Constitution", "LAW") in names(ms)


def test_east_asian_name_order(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block(
            "President Joseph R. Biden is honored to welcome Prime Minister Suga Yoshihide for the "
            "first foreign-leader visit of his presidency. Prime Minister Suga and President Biden "
            "met today."
        ),
    )
    people = {(m.text, m.name) for m in ms if m.type == "PERSON"}
    assert ("Suga Yoshihide", "Yoshihide Suga") in people
    assert ("Suga", "Yoshihide Suga") in people
    assert ("Biden", "Joe Biden") in people


def test_acronym_definition(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block(
            "The two Presidents announced the establishment of a new Nuclear Consultative Group "
            "(NCG) to strengthen extended deterrence. The NCG will meet regularly."
        ),
    )
    ncg = {m.text: m.name for m in ms if m.name == "Nuclear Consultative Group"}
    assert set(ncg) >= {"Nuclear Consultative Group", "NCG"}


def test_statute_citation_across_sentence_split(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block(
            "(2) Repealed. Pub. L. 103\u2013236, title I, \u00a7 139(5) , Apr. 30, 1994 , "
            "108 Stat. 398 ."
        ),
    )
    assert ("Pub. L. 103\u2013236", "LAW") in names(ms)


def test_headings_keep_only_known_names(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block("U.S. SECURITY TIES WITH KOREA AND JAPAN: GETTING BEYOND DETERRENCE", "title"),
        Block("Expanding Scope of the Alliances", "heading"),
    )
    assert names(ms) == {("United States", "GPE"), ("South Korea", "GPE"), ("Japan", "GPE")}


def test_idioms_and_alliance_phrases_are_not_entities(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(
        nlp,
        kb,
        Block(
            "Whatever Sturm und Drang might follow in the wake of North Korea's relentless pursuit "
            "of nuclear and missile capabilities, the U.S.-Japan Alliance is strong."
        ),
    )
    assert names(ms) == {("North Korea", "GPE"), ("United States", "GPE"), ("Japan", "GPE")}


def test_canonical_key_merges_surface_variants(nlp: Language, kb: EntityKB) -> None:
    _, ms = run(nlp, kb, Block("The United States and the U.S. Congress agree with the U.S."))
    keys = {canonical_key(m) for m in ms}
    assert ("GPE", "united states") in keys
    assert ("ORG", "united states congress") in keys


@pytest.mark.parametrize(
    "doc_id",
    [
        "haggard-2021-beyond-deterrence",
        "usc-22-2428a",
        "usc-22-7846",
        "wh-2021-04-16-us-japan-joint-leaders-statement",
        "wh-2023-04-26-washington-declaration",
    ],
)
def test_development_documents_reach_floor(nlp: Language, kb: EntityKB, doc_id: str) -> None:
    gold = load_gold(GOLD / f"{doc_id}.yaml")
    document = read_and_segment(SOURCES / f"{doc_id}.md", nlp)
    mentions = extract_entities(document.sentences, document.meta, kb)
    entities: dict[tuple[str, str], dict] = {}
    rows = []
    for i, m in enumerate(mentions):
        row = entities.setdefault(
            canonical_key(m),
            {
                "entity_id": f"E{len(entities)}",
                "name": m.name,
                "type": m.type,
                "aliases": "; ".join(m.aliases),
                "documents": doc_id,
            },
        )
        rows.append(
            {"mention_id": f"M{i}", "entity_id": row["entity_id"], "doc_id": doc_id, "text": m.text}
        )
    tables = {"entities": pd.DataFrame(list(entities.values())), "mentions": pd.DataFrame(rows)}
    scores = evaluate_document(gold, tables)
    assert scores.entities.f1 >= 0.90, scores.errors
    assert scores.entities_typed.f1 >= 0.85, scores.errors


def test_a_persons_name_ends_at_a_possessive(nlp: Language, kb: EntityKB) -> None:
    text, mentions = run(
        nlp,
        kb,
        Block("In addition, they discussed President Biden’s June trip to the United Kingdom."),
    )
    people = [m for m in mentions if m.type == "PERSON"]
    assert [(m.text, m.name) for m in people] == [("Biden", "Joe Biden")]
    assert all(text[m.start : m.end] == m.text for m in mentions)
