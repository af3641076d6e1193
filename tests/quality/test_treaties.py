"""Treaty recognition on real sentences of the development sources."""

from __future__ import annotations

import pytest

from pipeline.extract.dates import extract_dates
from pipeline.extract.entities import extract_entities
from pipeline.extract.treaties import (
    extract_treaties,
    link_dates_to_treaties,
)
from pipeline.knowledge.entities import load_entity_kb
from pipeline.knowledge.treaties import load_treaty_kb
from pipeline.nlp.model import load_nlp
from pipeline.nlp.segment import read_and_segment
from pipeline.types import DateMention, DocumentMeta, EntityMention, SentenceContext
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def model():
    return load_nlp()


@pytest.fixture(scope="module")
def kb():
    return load_treaty_kb()


def _entities(sentences: list[SentenceContext], meta: DocumentMeta) -> list[EntityMention]:
    return extract_entities(sentences, meta, load_entity_kb())


def _dates(sentences: list[SentenceContext], meta: DocumentMeta) -> list[DateMention]:
    return extract_dates(sentences, meta)


def _run(model, kb, name: str):
    doc = read_and_segment(SOURCES / name, model)
    dates = _dates(doc.sentences, doc.meta)
    entities = _entities(doc.sentences, doc.meta)
    mentions = extract_treaties(doc.sentences, doc.meta, kb, entities, dates)
    return doc, mentions, dates


def _sentences(model, text: str) -> list[SentenceContext]:
    doc = model(text)
    return [SentenceContext(i, s, 0, "", "body", None) for i, s in enumerate(doc.sents)]


def _treaties_and_dates(model, kb, text: str) -> tuple[list, list]:
    """The treaty mentions and dates of a text published on 2021-04-16."""
    sentences = _sentences(model, text)
    meta = DocumentMeta("t", published="2021-04-16")
    dates = _dates(sentences, meta)
    return extract_treaties(sentences, meta, kb, _entities(sentences, meta), dates), dates


def _keys(model, kb, text: str) -> list[str]:
    sentences = _sentences(model, text)
    meta = DocumentMeta("t", published="2021-04-16")
    found = extract_treaties(
        sentences, meta, kb, _entities(sentences, meta), _dates(sentences, meta)
    )
    return [m.key for m in found]


@pytest.fixture(scope="module")
def haggard(model, kb):
    return _run(model, kb, "haggard-2021-beyond-deterrence.md")


@pytest.fixture(scope="module")
def japan(model, kb):
    return _run(model, kb, "wh-2021-04-16-us-japan-joint-leaders-statement.md")


@pytest.fixture(scope="module")
def washington(model, kb):
    return _run(model, kb, "wh-2023-04-26-washington-declaration.md")


# ---------------------------------------------------------------- documents


def test_offsets_index_the_document_text(haggard, japan, washington):
    for doc, mentions, _ in (haggard, japan, washington):
        assert mentions
        for m in mentions:
            assert doc.text[m.start : m.end] == m.text


def test_haggard_agreements_named_and_described(haggard):
    _, mentions, _ = haggard
    by_text = {m.text: m for m in mentions}
    assert by_text["formal peace treaty with Tokyo"].key == "treaty-of-san-francisco"
    assert by_text["bilateral security treaty"].key == "us-japan-security-treaty"
    assert by_text["Southeast Asia Treaty Organization"].kind == "organization"
    assert by_text["Korea-U.S. Free Trade Agreement"].signed.startswith("2007")
    assert by_text["preliminary bilateral trade agreement with Japan"].key == (
        "us-japan-trade-agreement"
    )
    vision = next(m for m in mentions if "vision statement" in m.text)
    assert vision.key == "us-rok-joint-vision-2009"
    assert vision.parties == ("KOR", "USA")
    assert {m.key for m in mentions} >= {"korean-armistice-agreement", "trans-pacific-partnership"}


def test_haggard_generic_phrases_are_not_treaties(haggard):
    _, mentions, _ = haggard
    texts = " | ".join(m.text for m in mentions).casefold()
    for generic in (
        "formal trade agreements",
        "cooperative agreements",
        "treaty arrangements",
        "these treaties",
        "constitution",
        "alliance partnerships",
    ):
        assert generic not in texts


def test_japan_statement_title_coreference_and_dated_joint_statement(japan):
    _, mentions, _ = japan
    title = mentions[0]
    assert title.sentence_index == 0 and title.kind == "joint statement"
    assert title.parties == ("JPN", "USA") and title.signed == "2021-04-16"
    treaty = [m for m in mentions if m.text == "the Treaty"]
    assert treaty and treaty[0].key == "us-japan-security-treaty"
    scc = next(m for m in mentions if m.text.startswith("Joint Statement of the U.S.-Japan"))
    assert scc.signed == "2021-03" and scc.parties == ("JPN", "USA")
    assert {"unclos", "paris-agreement"} <= {m.key for m in mentions}


def test_washington_declaration_is_the_document(washington):
    _, mentions, _ = washington
    keys = [m.key for m in mentions]
    assert keys[0] == "washington-declaration-2023"
    assert mentions[0].signed == "2023-04-26" and mentions[0].parties == ("KOR", "USA")
    assert {"us-rok-mutual-defense-treaty", "npt", "us-rok-123-agreement"} <= set(keys)


def test_statutes_have_no_treaties(model, kb):
    for name in ("usc-22-2428a.md", "usc-22-7846.md"):
        _, mentions, _ = _run(model, kb, name)
        assert mentions == []


# ---------------------------------------------------------------- sentences


def test_unknown_named_agreement_gets_slug_kind_and_parties(model, kb):
    sentences = _sentences(model, "Both leaders launched the U.S.-Kenya Clean Energy Partnership.")
    meta = DocumentMeta("t")
    [m] = extract_treaties(sentences, meta, kb, _entities(sentences, meta), [])
    assert m.key == "ken-usa-clean-energy-partnership"
    assert m.parties == ("KEN", "USA")


def test_domestic_and_generic_agreements_are_rejected(model, kb):
    assert _keys(model, kb, "Delegates gathered at the Democratic National Convention.") == []
    assert _keys(model, kb, "The agency signed a Memorandum of Agreement with the state.") == []
    assert _keys(model, kb, "He praised the Agreement between the UAW and Ultium Cells.") == []
    assert _keys(model, kb, "They released a Joint Statement.") == []
    assert (
        _keys(
            model, kb, "The two countries upgraded ties to a Comprehensive Strategic Partnership."
        )
        == []
    )


def test_organization_acronyms_are_not_treaties(model, kb):
    assert _keys(model, kb, "Japan and the United States will work within the WTO and NATO.") == []


def test_link_dates_to_treaties(haggard):
    doc, mentions, dates = haggard
    linked = link_dates_to_treaties(dates, mentions, doc.text)
    texts = {date.text: date.treaty_id for date in linked if date.treaty_id}
    assert texts["2007"] == "korus-fta"
    assert texts["2009"] == "us-rok-joint-vision-2009"
    assert texts["September 1951"] == "treaty-of-san-francisco"
    assert texts["1960"] == "us-japan-security-treaty"
    assert "June 1950" not in texts


def test_a_date_about_something_else_in_a_treatys_sentence_stays_unlinked(model, kb):
    text = (
        "Since 1955 the two navies have trained together, long after the Korean Armistice "
        "Agreement ended the fighting. The Paris Agreement, signed in April 2016, set targets."
    )
    found, dates = _treaties_and_dates(model, kb, text)
    linked = {d.text: d.treaty_id for d in link_dates_to_treaties(dates, found, text)}
    assert linked["1955"] == ""
    assert linked["April 2016"] != ""


def test_names_of_one_bilateral_agreement_meet_whatever_the_states_spelling():
    from pipeline.knowledge.treaties import fold_key

    spellings = [
        "U.S.-ROK Mutual Defense Treaty",
        "Republic of Korea-United States Mutual Defense Treaty",
        "Korea-U.S. Mutual Defense Treaty",
    ]
    assert len({fold_key(s) for s in spellings}) == 1
    assert fold_key("U.S.-Philippines Mutual Defense Treaty") == fold_key(
        "Philippines-United States Mutual Defense Treaty"
    )
    assert fold_key("North Korea-China treaty") != fold_key("South Korea-China treaty")


def test_a_signature_date_the_text_gives_wins_over_the_knowledge_bases(model, kb):
    sentences = _sentences(model, "The Kyoto Protocol, signed in March 1998, set binding targets.")
    meta = DocumentMeta("t", published="2021-04-16")
    dates = _dates(sentences, meta)
    [m] = extract_treaties(sentences, meta, kb, _entities(sentences, meta), dates)
    assert m.signed == "1998-03"
    same = _sentences(model, "The Paris Agreement was signed in 2016 by most states.")
    dates = _dates(same, meta)
    [m] = extract_treaties(same, meta, kb, _entities(same, meta), dates)
    assert m.signed == "2016-04-22"  # the known day refines the text's year


def test_a_short_name_is_the_longer_one_the_document_writes(model, kb):
    text = (
        "The United States and Pacific Island states renewed the South Pacific Tuna Treaty "
        "in 2016. The Tuna Treaty gives U.S. vessels access to the fisheries. Delegates "
        "discussed the Convention against Torture. The UN Convention bans such practices."
    )
    found, _ = _treaties_and_dates(model, kb, text)
    by_text = {m.text: m.name for m in found}
    assert by_text["Tuna Treaty"] == by_text["South Pacific Tuna Treaty"]
    assert by_text["UN Convention"] == by_text["Convention against Torture"]
