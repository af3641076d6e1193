"""Recommendations extracted from the development sources, sentence by sentence."""

from __future__ import annotations

import pytest
from spacy.language import Language

from pipeline.extract.entities import extract_entities
from pipeline.extract.recommendations import (
    candidate_recommendations,
    extract_recommendations,
    find_cues,
    lead_in_proposer,
    topic_of,
)
from pipeline.knowledge.entities import load_entity_kb
from pipeline.nlp.segment import SegmentedDocument, read_and_segment
from pipeline.types import DocumentMeta, EntityMention, SentenceContext
from tests.conftest import SOURCES

HAGGARD_META = DocumentMeta(
    doc_id="haggard-2021-beyond-deterrence",
    title="U.S. Security Ties with Korea and Japan: Getting Beyond Deterrence",
    authors=("Stephan Haggard",),
)


def mentions_for(document: SegmentedDocument) -> list[EntityMention]:
    return extract_entities(document.sentences, document.meta, load_entity_kb())


@pytest.fixture(scope="module")
def documents(nlp: Language) -> dict[str, tuple[SegmentedDocument, list]]:
    result = {}
    for path in sorted(SOURCES.glob("*.md")):
        if path.stem == "README":
            continue
        meta = HAGGARD_META if path.stem == HAGGARD_META.doc_id else None
        document = read_and_segment(path, nlp, meta)
        rows = extract_recommendations(document.sentences, document.meta, mentions_for(document))
        result[path.stem] = (document, rows)
    return result


def row_with(rows: list, quote: str):
    found = [r for r in rows if quote in " ".join(r.text.split())]
    assert len(found) == 1, f"{quote!r}: {len(found)} rows"
    return found[0]


def one_sentence(nlp: Language, text: str) -> SentenceContext:
    doc = nlp(text)
    return SentenceContext(index=0, span=doc[:], doc_offset=0, section="", kind="body", page=None)


def test_every_row_indexes_the_document_text(documents) -> None:
    for document, rows in documents.values():
        for row in rows:
            assert document.text[row.start : row.end] == row.text


def test_reported_proposals_belong_to_their_author(documents) -> None:
    _, rows = documents["haggard-2021-beyond-deterrence"]
    menu = row_with(rows, "suggests a menu of specific initiatives")
    assert (menu.proposers, menu.modality, menu.topic) == (("Tarun Chhabra",), "suggest", "ai")
    standards = row_with(rows, "Chhabra recommends that Washington, Seoul, and Tokyo work")
    assert standards.proposers == ("Tarun Chhabra",)
    assert standards.modality == "recommend"
    assert set(standards.addressees) == {"United States", "South Korea", "Japan"}
    brown = row_with(rows, "suggests that the United States develop technical alternatives")
    assert (brown.proposers, brown.addressees, brown.topic) == (
        ("Eric Brown",),
        ("United States",),
        "telecom",
    )


def test_later_sentences_of_a_section_stay_with_the_credited_person(documents) -> None:
    _, rows = documents["haggard-2021-beyond-deterrence"]
    expand = row_with(rows, "could expand beyond the United States, Japan, and South Korea")
    assert (expand.proposers, expand.modality) == (("Eric Brown",), "could")
    helps = row_with(rows, "Washington could help by standing up trilateral structures")
    assert (helps.proposers, helps.topic, helps.addressees) == (
        ("Karl Friedhoff",),
        "infrastructure",
        ("United States",),
    )


def test_the_authors_own_recommendations(documents) -> None:
    _, rows = documents["haggard-2021-beyond-deterrence"]
    for quote in (
        "a smart alliance strategy should structure cooperation",
        "should not be to identify a final solution to those grievances",
        "Future steps should be future-oriented",
    ):
        row = row_with(rows, quote)
        assert (row.proposers, row.modality, row.topic) == (
            ("Stephan Haggard",),
            "should",
            "alliance",
        )
    negated = row_with(rows, "the United States should not expect")
    assert negated.modality == "should"


def test_wishes_predictions_and_questions_are_not_recommendations(documents) -> None:
    _, rows = documents["haggard-2021-beyond-deterrence"]
    texts = " ".join(r.text for r in rows)
    for phrase in (
        "Washington would like to compete",
        "Why can't they simply get along",
        "these issues can be finessed",
        "cannot be wished away",
        "there may be technical fixes",
        "which can strengthen collective",
        "as the signed pieces of paper might suggest",
    ):
        assert phrase not in texts
    assert all("Way Forward" not in r.text for r in rows)  # headings never


def test_joint_statement_clauses_and_issuing_governments(documents) -> None:
    _, rows = documents["wh-2021-04-16-us-japan-joint-leaders-statement"]
    urging = row_with(rows, "urging North Korea to abide by its obligations")
    called = row_with(rows, "called for full implementation by the international community")
    assert urging is not called  # two clauses of one sentence, two rows
    assert urging.sentence_index == called.sentence_index
    assert "called for" not in urging.text
    assert urging.proposers == called.proposers
    assert set(urging.proposers) == {"United States", "Japan"}  # the issuers, any order
    assert urging.addressees == ("North Korea",)
    assert urging.modality == "recommend"
    texts = " ".join(r.text for r in rows)
    assert "We will continue to work with each other" not in texts  # a commitment
    assert "committed to enhance deterrence" not in texts


def test_commitments_alone_give_no_rows(documents) -> None:
    _, rows = documents["wh-2023-04-26-washington-declaration"]
    assert rows == []


def test_statute_items_are_recommendations_of_congress(documents) -> None:
    _, rows = documents["usc-22-2428a"]
    first = row_with(rows, "policy toward Korea should continue to be arrived at")
    second = row_with(rows, "the United States should seek to accomplish such reduction")
    assert first.proposers == second.proposers == ("Congress",)
    assert second.topic == "defense"
    assert not any(r.text.startswith("(a) The Congress declares") for r in rows)
    _, rows = documents["usc-22-7846"]
    assert len(rows) == 1  # item (1), "could have significant ... impact", is a prediction
    assert rows[0].proposers == ("Congress",)
    assert "should work with countries sharing a land" in rows[0].text


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("The United States should not expect that the interests would align.", "should"),
        ("Allies ought to share the burden of regional defense.", "should"),
        ("Congress needs to fund the program before the end of the year.", "should"),
        ("The committee urges the Secretary to release the report.", "recommend"),
        ("The administration must act on the proposal this year.", "must"),
    ],
)
def test_prescriptive_cues(nlp: Language, text: str, modality: str) -> None:
    cues = find_cues(one_sentence(nlp, text))
    assert [c.modality for c in cues] == [modality]


@pytest.mark.parametrize(
    "text",
    [
        "The United States should have acted sooner to prevent the crisis.",
        "Should the talks fail, sanctions will follow.",
        "Why should allies pay more for their own defense?",
        "Any instability could have significant humanitarian impact on the region.",
        "Every tool they need to do their jobs was provided.",
        "The data suggest that exports fell sharply last year.",
        "Japan cannot simply ignore the problem.",
        "It is unlikely that these issues can be finessed.",
        "One estimate suggests that the rapid deployment of the vaccine has saved lives.",
        "So much has been said that needs to be said about the summit.",
    ],
)
def test_non_prescriptive_sentences(nlp: Language, text: str) -> None:
    assert find_cues(one_sentence(nlp, text)) == []


def test_lead_in_names_the_declaring_body(nlp: Language) -> None:
    assert lead_in_proposer(one_sentence(nlp, "(a) The Congress declares that")) == "Congress"
    assert lead_in_proposer(one_sentence(nlp, "It is the sense of Congress that")) == "Congress"
    assert lead_in_proposer(one_sentence(nlp, "The Congress met in Washington.")) == ""


def test_topics_weigh_the_heading_over_the_sentence() -> None:
    assert topic_of("A Way Forward > 5G", "cooperation could expand beyond allies") == "telecom"
    assert topic_of("CHALLENGE 2", "a smart alliance strategy should structure it") == "alliance"
    assert topic_of("", "the reduction of United States ground forces") == "defense"
    assert topic_of("", "plans to assimilate defectors") == "other"


def test_an_empty_document_gives_no_rows() -> None:
    assert extract_recommendations([], DocumentMeta(doc_id="empty"), []) == []


def test_joint_statement_title_names_its_issuers_not_its_subject(nlp) -> None:
    """ "Joint Statement by France, Germany, the UK and the US ... on Iran": Iran is the subject."""
    source = next(SOURCES.glob("2021-10-30-joint-statement-by-the-president-of-france*.md"))
    segmented = read_and_segment(source, nlp)
    entities = extract_entities(segmented.sentences, segmented.meta, load_entity_kb())
    rows = extract_recommendations(segmented.sentences, segmented.meta, entities)
    call = row_with(rows, "We call upon President Raisi to seize this opportunity")
    # "to conclude our negotiations" must not credit the proposal to Raisi.
    assert set(call.proposers) == {
        "France",
        "Germany",
        "United Kingdom",
        "United States",
    }
    assert call.modality == "recommend"


@pytest.mark.parametrize(
    "text",
    [
        "We will coordinate closely and will encourage private investment in emerging markets.",
        "House Republicans are threatening small businesses by proposing draconian cuts.",
        "The group launched a campaign urging their friends and family to get screened.",
        "They discussed deplorable cases of harassment and calls for violence against Jews.",
        "The agency will soon announce the proposed below-market sale of 18 acres.",
        "No American should face hate or violence for who they are.",
        "This notice shall be published in the Federal Register.",
        "Parents should never have to worry about the safety of their children.",
    ],
)
def test_commitments_descriptions_and_values_are_no_recommendations(nlp, text) -> None:
    assert find_cues(one_sentence(nlp, text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "We urge Congress to pass the bill without delay.",
        "We are urging the parties to return to talks.",
        "Congress should fund the program in full.",
        "The Secretary recommends that agencies adopt the standard.",
    ],
)
def test_prescriptions_stay_recommendations(nlp, text) -> None:
    assert find_cues(one_sentence(nlp, text)) != []


def test_domestic_topics_leave_little_as_other() -> None:
    assert topic_of("", "Congress should lower prescription drug costs for patients") == "health"
    assert topic_of("", "We urge Congress to pass the bipartisan border and asylum bill") == (
        "immigration"
    )
    assert topic_of("", "Communities should invest in clean energy to cut emissions") == "climate"
    assert topic_of("A Way Forward > 5G", "cooperation could expand beyond allies") == "telecom"


def _recommendations_of(nlp, tmp_path, markdown: str):
    from pipeline.knowledge.entities import load_entity_kb as entity_kb

    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "doc.md"
    path.write_text(markdown, encoding="utf-8")
    document = read_and_segment(path, nlp)
    entities = extract_entities(document.sentences, document.meta, entity_kb())
    return candidate_recommendations(document.sentences, document.meta, entities)


def test_quoted_speakers_are_the_proposers_of_their_quotations(nlp, tmp_path) -> None:
    rows = _recommendations_of(
        nlp,
        tmp_path,
        "---\ntitle: Leaders Applaud the Plan\n"
        "source_url: https://bidenwhitehouse.archives.gov/x/\n---\n\n"
        "The President announced a plan today.\n\n"
        "**Sen. Debbie Stabenow:** “We need to do everything we can to limit the harm.”\n\n"
        "“Congress must pass this bill now,” said Jane Marlowe, president of the Harbor "
        "Workers Union. “We should not wait another year.”\n\n"
        "Communities should apply for the grants before March.\n",
    )

    def proposers(quote: str) -> tuple[str, ...]:
        return row_with(rows, quote).proposers

    assert proposers("We need to do everything") == ("Debbie Stabenow",)
    assert proposers("Congress must pass this bill") == ("Jane Marlowe",)
    assert proposers("We should not wait") == ("Jane Marlowe",)
    assert proposers("Communities should apply") == ("The White House",)


def test_a_joint_statements_title_names_its_issuers(nlp, tmp_path) -> None:
    rows = _recommendations_of(
        nlp,
        tmp_path,
        "---\ntitle: U.S.-EU Joint Statement of the Trade and Technology Council\n---\n\n"
        "The United States and the European Union met in Sweden. Russia and Belarus must "
        "end the war. Russia and Belarus continue their aggression.\n",
    )
    assert {row.proposers for row in rows} == {("United States", "European Union")}


def test_the_classifier_keeps_prescriptions_and_drops_descriptions(nlp, tmp_path) -> None:
    from pipeline.learn.classifier import accepted

    def verdict(sentence: str) -> bool:
        tags = [t.tag_ for t in nlp(sentence)]
        return accepted([(sentence, sentence, tags)])[0][0]

    assert verdict("Congress should pass the bill to lower prescription drug costs.")
    assert verdict("We urge all parties to return to the negotiating table.")
    assert not verdict("You should be unmuted now.")


WH = "source_url: https://bidenwhitehouse.archives.gov/briefing-room/x/\n"


def test_an_office_named_as_the_speaker_is_its_holder_on_the_documents_date(nlp, tmp_path):
    rows = _recommendations_of(
        nlp,
        tmp_path,
        f"---\ntitle: Statement by the Press Secretary\ndate: '2023-06-01'\n{WH}---\n\n"
        "The President again calls on Congress to pass the Equality Act without delay.\n\n"
        "The Vice President urges states to protect voting rights.\n",
    )
    assert row_with(rows, "calls on Congress").proposers == ("Joe Biden",)
    assert row_with(rows, "urges states").proposers == ("Kamala Harris",)


def test_a_presidential_memorandum_is_the_presidents_and_a_bodys_title_the_bodys(nlp, tmp_path):
    memo = _recommendations_of(
        nlp,
        tmp_path,
        f"---\ntitle: Memorandum on the Federal Workforce\ndate: '2023-06-01'\n{WH}---\n\n"
        "Agencies should recruit from every community.\n",
    )
    assert row_with(memo, "Agencies should recruit").proposers == ("Joe Biden",)
    quad = _recommendations_of(
        nlp,
        tmp_path / "quad",
        f"---\ntitle: Quad Principles on Supply Chains\ndate: '2023-05-20'\n{WH}---\n\n"
        "Governments should diversify the sources of critical technologies.\n",
    )
    assert row_with(quad, "Governments should diversify").proposers == ("Quad",)


def test_the_subject_of_a_press_calls_title_is_not_its_speaker(nlp, tmp_path) -> None:
    rows = _recommendations_of(
        nlp,
        tmp_path,
        "---\ntitle: Background Press Call by Senior Administration Officials on Nicaragua\n"
        f"date: '2021-11-15'\n{WH}---\n\n"
        "We have imposed sanctions on officials of the regime. We strongly urge the Ortega "
        "regime to cease its repression.\n",
    )
    assert row_with(rows, "urge the Ortega regime").proposers == ("The White House",)


def test_a_named_speaker_with_an_auxiliary_and_two_offices_are_credited(nlp, tmp_path) -> None:
    rows = _recommendations_of(
        nlp,
        tmp_path,
        f"---\ntitle: Fact Sheet on Voting Rights\ndate: '2023-06-01'\n{WH}---\n\n"
        "President Biden is calling on Congress to pass the Freedom to Vote Act.\n\n"
        "The President and Vice President are calling for an end to partisan gerrymandering.\n",
    )
    assert row_with(rows, "calling on Congress").proposers == ("Joe Biden",)
    assert row_with(rows, "calling for an end").proposers == ("Joe Biden", "Kamala Harris")


def test_a_title_opening_with_two_issuers_names_the_proposers(nlp, tmp_path) -> None:
    rows = _recommendations_of(
        nlp,
        tmp_path,
        "---\ntitle: ASEAN-U.S. Leaders' Statement on the Strategic Partnership\n"
        f"date: '2022-05-13'\n{WH}---\n\n"
        "All parties should refrain from actions that escalate tensions in the region.\n",
    )
    assert row_with(rows, "should refrain").proposers == ("ASEAN", "United States")
