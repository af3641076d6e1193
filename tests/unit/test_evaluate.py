"""Tests of the gold scorer on tables built from the real gold files."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from pipeline.errors import BriefdataError
from pipeline.quality.evaluate import (
    DocumentScores,
    OutputEntity,
    Score,
    date_overlap,
    date_value_equal,
    entity_match_rank,
    evaluate,
    evaluate_document,
    fold_name,
    fold_quote,
    fuzzy_score,
    load_gold,
    load_tables,
    match_one_to_one,
    micro_average,
    proposers_match,
)
from pipeline.release.schema import columns as schema_columns
from tests.conftest import GOLD as GOLD_DIR

HAGGARD = "haggard-2021-beyond-deterrence"
JOINT = "wh-2021-04-16-us-japan-joint-leaders-statement"
DECLARATION = "wh-2023-04-26-washington-declaration"
USC_7846 = "usc-22-7846"

Rows = dict[str, list[dict[str, str]]]


def gold_of(doc_id: str) -> dict:
    return load_gold(GOLD_DIR / f"{doc_id}.yaml")


def perfect_rows(golds: list[dict], optional: bool = True) -> Rows:
    """Output rows that reproduce each gold item exactly (optional ones if asked)."""
    rows: Rows = {
        name: []
        for name in (
            "documents",
            "entities",
            "mentions",
            "dates",
            "treaties",
            "treaty_mentions",
            "recommendations",
        )
    }
    for gold in golds:
        doc = gold["doc_id"]
        rows["documents"].append({"doc_id": doc, "title": doc})
        for item in gold["entities"]:
            if item["required"] or optional:
                add_entity(rows, doc, item["name"], item["type"], item["aliases"])
        for item in gold["dates"]:
            if item["required"] or optional:
                add_date(rows, doc, item["text"], item["value"])
        for item in gold["treaties"]:
            if item["required"] or optional:
                add_treaty(
                    rows,
                    doc,
                    item["name"],
                    item["aliases"],
                    item.get("parties", []),
                    item["signed"],
                )
        for item in gold["recommendations"]:
            if item["required"] or optional:
                add_recommendation(rows, doc, f"In short, {item['quote']}.", item["proposer"])
    return rows


def next_id(records: list[dict[str, str]], column: str, prefix: str) -> str:
    """A fresh id even after rows were dropped."""
    used = [int(r[column][1:]) for r in records]
    return f"{prefix}{max(used, default=-1) + 1:05d}"


def add_entity(
    rows: Rows,
    doc: str,
    name: str,
    type_: str,
    aliases: Sequence[str] = (),
    mention: str | None = None,
) -> str:
    entity_id = next_id(rows["entities"], "entity_id", "E")
    rows["entities"].append(
        {
            "entity_id": entity_id,
            "name": name,
            "type": type_,
            "aliases": "; ".join(aliases),
            "documents": doc,
        }
    )
    rows["mentions"].append(
        {
            "mention_id": next_id(rows["mentions"], "mention_id", "M"),
            "entity_id": entity_id,
            "doc_id": doc,
            "text": mention or name,
        }
    )
    return entity_id


def add_date(rows: Rows, doc: str, text: str, value: str) -> None:
    rows["dates"].append(
        {
            "date_id": next_id(rows["dates"], "date_id", "D"),
            "doc_id": doc,
            "text": text,
            "value": value,
            "kind": "date",
        }
    )


def add_treaty(
    rows: Rows,
    doc: str,
    name: str,
    aliases: Sequence[str] = (),
    parties: Sequence[str] = (),
    signed: str = "",
) -> None:
    treaty_id = next_id(rows["treaties"], "treaty_id", "T")
    rows["treaties"].append(
        {
            "treaty_id": treaty_id,
            "name": name,
            "aliases": "; ".join(aliases),
            "kind": "other",
            "parties": "; ".join(parties),
            "signed": signed,
            "documents": doc,
        }
    )
    rows["treaty_mentions"].append({"treaty_id": treaty_id, "doc_id": doc, "text": name})


def add_recommendation(rows: Rows, doc: str, text: str, proposer: str) -> None:
    rows["recommendations"].append(
        {
            "recommendation_id": next_id(rows["recommendations"], "recommendation_id", "R"),
            "doc_id": doc,
            "text": text,
            "proposer": proposer,
        }
    )


def write(rows: Rows, folder: Path) -> Path:
    """Write rows as published CSVs (header even when empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in rows.items():
        columns = list(dict.fromkeys([*schema_columns(name), *(k for r in records for k in r)]))
        pd.DataFrame(records, columns=columns).to_csv(folder / f"{name}.csv", index=False)
    return folder


def score_doc(
    tmp_path: Path, doc_id: str, edit: Callable[[Rows], None] | None = None, optional: bool = True
) -> DocumentScores:
    """Write a perfect output for one document, apply `edit`, read it back, score it."""
    gold = gold_of(doc_id)
    rows = perfect_rows([gold], optional=optional)
    if edit:
        edit(rows)
    tables = load_tables(write(rows, tmp_path / "out"))
    return evaluate_document(gold, tables)


def required(gold: dict, key: str) -> list[dict]:
    return [item for item in gold[key] if item["required"]]


def drop(rows: Rows, table: str, column: str, value: str) -> None:
    rows[table] = [r for r in rows[table] if r[column] != value]


# ---------------------------------------------------------------- whole corpus


def test_perfect_output_scores_one_everywhere(tmp_path: Path) -> None:
    golds = [load_gold(p) for p in sorted(GOLD_DIR.glob("*.yaml"))]
    assert len(golds) >= 20
    report = evaluate(write(perfect_rows(golds), tmp_path / "out"), GOLD_DIR)
    assert report.missing == []
    for doc in [*report.documents, report.micro]:
        for attr in ("entities", "entities_typed", "dates", "treaties", "recommendations"):
            score = getattr(doc, attr)
            assert (score.fp, score.fn) == (0, 0), (doc.doc_id, attr, doc.errors)
            assert score.f1 == 1.0
        for accuracy in (
            doc.date_value_accuracy,
            doc.treaty_signed_accuracy,
            doc.treaty_parties_accuracy,
            doc.proposer_accuracy,
        ):
            assert accuracy in (None, 1.0)
        assert all(values == [] for values in doc.errors.values())
    micro = report.micro
    assert micro.entities.tp == sum(len(required(g, "entities")) for g in golds)
    assert micro.recommendations.tp == sum(len(required(g, "recommendations")) for g in golds)
    assert micro.date_value_accuracy == 1.0 and micro.proposer_accuracy == 1.0


def test_a_gold_document_not_in_the_dataset_is_listed_not_scored(tmp_path: Path) -> None:
    golds = [load_gold(p) for p in sorted(GOLD_DIR.glob("*.yaml"))]
    rows = perfect_rows([g for g in golds if g["doc_id"] != USC_7846])
    report = evaluate(write(rows, tmp_path / "out"), GOLD_DIR)
    assert report.missing == [USC_7846]
    assert USC_7846 not in [d.doc_id for d in report.documents]
    assert report.micro.entities.fn == 0 and report.micro.recommendations.recall == 1.0
    assert report.to_dict()["missing"] == [USC_7846]
    console = Console(record=True, width=80)
    report.render(console)
    text = console.export_text()
    assert f"not in the dataset (not scored): {USC_7846}" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "1.000" in text.split("F1 by document")[1]  # scores stay readable at 80 columns


def test_a_dataset_without_any_gold_document_is_an_error(tmp_path: Path) -> None:
    rows = perfect_rows([])
    with pytest.raises(BriefdataError, match=r"none of the \d+ gold documents"):
        evaluate(write(rows, tmp_path / "out"), GOLD_DIR)


def test_rows_of_another_document_do_not_count(tmp_path: Path) -> None:
    # Output for the declaration filed under the joint statement's doc_id only.
    gold = gold_of(DECLARATION)
    rows = perfect_rows([gold])
    for table in ("mentions", "dates", "treaty_mentions", "recommendations"):
        for row in rows[table]:
            row["doc_id"] = JOINT
    for table in ("entities", "treaties"):
        for row in rows[table]:
            row["documents"] = JOINT
    scores = evaluate_document(gold, load_tables(write(rows, tmp_path / "out")))
    assert scores.entities.tp == 0 and scores.entities.fn == len(required(gold, "entities"))
    assert scores.treaties.tp == 0 and scores.dates.tp == 0


# ---------------------------------------------------------------- entities


def test_removing_a_required_entity_lowers_recall_exactly(tmp_path: Path) -> None:
    n = len(required(gold_of(HAGGARD), "entities"))
    scores = score_doc(tmp_path, HAGGARD, lambda rows: drop(rows, "entities", "name", "Japan"))
    assert scores.entities == Score(n - 1, 0, 1)
    assert scores.entities.recall == pytest.approx((n - 1) / n)
    assert scores.entities.precision == 1.0
    assert scores.errors["entities_fn"] == ["Japan [GPE]"]


def test_junk_entity_lowers_precision(tmp_path: Path) -> None:
    n = len(required(gold_of(HAGGARD), "entities"))
    scores = score_doc(tmp_path, HAGGARD, lambda rows: add_entity(rows, HAGGARD, "Open RAN", "ORG"))
    assert scores.entities == Score(n, 1, 0)
    assert scores.entities.precision == pytest.approx(n / (n + 1))
    assert scores.errors["entities_fp"] == ["Open RAN [ORG]"]


def test_duplicate_entity_for_one_referent_is_a_false_positive(tmp_path: Path) -> None:
    scores = score_doc(
        tmp_path, DECLARATION, lambda rows: add_entity(rows, DECLARATION, "Seoul", "GPE")
    )
    assert scores.entities.fp == 1 and scores.entities.fn == 0
    assert scores.errors["entities_fp"] == ["Seoul [GPE]"]


def test_optional_matches_are_neutral(tmp_path: Path) -> None:
    without = score_doc(tmp_path / "a", HAGGARD, optional=False)
    with_optional = score_doc(tmp_path / "b", HAGGARD, optional=True)

    def twice(rows: Rows) -> None:  # a second row for an optional item is neutral too
        add_entity(rows, HAGGARD, "Indo-Pacific", "LOC")
        add_date(rows, HAGGARD, "recently", "PAST_REF")

    extra = score_doc(tmp_path / "c", HAGGARD, twice)
    for attr in ("entities", "entities_typed", "dates", "treaties", "recommendations"):
        assert getattr(without, attr) == getattr(with_optional, attr) == getattr(extra, attr)
    assert with_optional.entities.fp == 0 and with_optional.recommendations.fp == 0


@pytest.mark.parametrize(
    ("output", "gold"),
    [
        ("the United States", "United States"),
        ("THE UNITED STATES", "United States"),
        ("U.S.", "US"),
        ("Democratic People\u2019s Republic of Korea", "Democratic People's Republic of Korea"),
        ("Pub. L. 103\u2014236", "Pub. L. 103\u2013236"),
        ("Asia\u2010Pacific", "Asia-Pacific"),
        ("\u201cPogo\u201d", '"Pogo"'),
    ],
)
def test_fold_name_equates(output: str, gold: str) -> None:
    assert fold_name(output) == fold_name(gold)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Theodore Roosevelt", "odore Roosevelt"),
        ("Asia Pacific", "Asia-Pacific"),
        ("North Korea", "Korea"),
    ],
)
def test_fold_name_keeps_distinct_names_apart(a: str, b: str) -> None:
    assert fold_name(a) != fold_name(b)


def test_folded_name_matches_in_scoring(tmp_path: Path) -> None:
    def rename(rows: Rows) -> None:
        for row in rows["entities"]:
            if row["name"] == "Pub. L. 103\u2013236":
                row["name"], row["aliases"] = "The Pub. L. 103\u2014236", ""
            if row["name"] == "United States":
                row["name"], row["aliases"] = "THE U.S.", ""

    assert score_doc(tmp_path, "usc-22-2428a", rename).entities.f1 == 1.0


def test_surface_form_in_document_matches(tmp_path: Path) -> None:
    def relabel(rows: Rows) -> None:
        drop(rows, "entities", "name", "Shinzo Abe")
        add_entity(rows, HAGGARD, "Abe Shinzo", "PERSON", mention="Abe")

    assert score_doc(tmp_path, HAGGARD, relabel).entities.fn == 0


def test_entity_match_rank_name_then_surface_then_kb_alias() -> None:
    gold = {"name": "South Korea", "aliases": ["Korea", "Seoul"], "type": "GPE"}

    def entity(name: str, aliases: tuple[str, ...], surfaces: tuple[str, ...]) -> OutputEntity:
        return OutputEntity("E1", name, "GPE", aliases, surfaces)

    assert entity_match_rank(entity("the Korea", (), ()), gold) == 3.0
    assert entity_match_rank(entity("ROK", (), ("Seoul",)), gold) == 2.0
    assert entity_match_rank(entity("S. Korea", ("South Korea",), ("the south",)), gold) == 1.0
    assert entity_match_rank(entity("North Korea", ("DPRK",), ("Pyongyang",)), gold) is None


def test_name_match_wins_over_kb_alias(tmp_path: Path) -> None:
    # One output entity whose KB aliases reach another referent: it pairs with its own name.
    def merge(rows: Rows) -> None:
        drop(rows, "entities", "name", "South Korea")
        drop(rows, "entities", "name", "North Korea")
        add_entity(rows, DECLARATION, "North Korea", "GPE", ["Korea"], mention="Pyongyang")

    scores = score_doc(tmp_path, DECLARATION, merge)
    assert scores.errors["entities_fn"] == ["South Korea [GPE]"]
    assert scores.entities.fp == 0


def test_kb_alias_alone_matches(tmp_path: Path) -> None:
    def rename(rows: Rows) -> None:
        drop(rows, "entities", "name", "South Korea")
        add_entity(rows, DECLARATION, "S. Korea", "GPE", ["South Korea"], mention="the south")

    assert score_doc(tmp_path, DECLARATION, rename).entities.fn == 0


def test_wrong_type_counts_only_in_typed_scores(tmp_path: Path) -> None:
    def retype(rows: Rows) -> None:
        for row in rows["entities"]:
            if row["name"] == "Korean War":
                row["type"] = "ORG"

    scores = score_doc(tmp_path, HAGGARD, retype)
    n = len(required(gold_of(HAGGARD), "entities"))
    assert scores.entities == Score(n, 0, 0)
    assert scores.entities_typed == Score(n - 1, 1, 1)
    assert scores.errors["entities_type"] == ["Korean War: got ORG, want EVENT"]


def test_entity_listed_in_documents_column_counts_without_mention(tmp_path: Path) -> None:
    def unmention(rows: Rows) -> None:
        japan = next(r["entity_id"] for r in rows["entities"] if r["name"] == "Japan")
        drop(rows, "mentions", "entity_id", japan)

    assert score_doc(tmp_path, HAGGARD, unmention).entities.fn == 0

    def unlist(rows: Rows) -> None:
        unmention(rows)
        next(r for r in rows["entities"] if r["name"] == "Japan")["documents"] = JOINT

    assert score_doc(tmp_path / "b", HAGGARD, unlist).errors["entities_fn"] == ["Japan [GPE]"]


# ---------------------------------------------------------------- matching


def test_matching_is_maximal_not_just_greedy() -> None:
    table = {(0, 0): 3.0, (0, 1): 1.0, (1, 0): 2.0}
    assert match_one_to_one(2, 2, lambda o, g: table.get((o, g))) == {0: 1, 1: 0}


def test_matching_prefers_best_score() -> None:
    table = {(0, 0): 1.0, (0, 1): 2.0, (1, 0): 2.0, (1, 1): 1.0}
    assert match_one_to_one(2, 2, lambda o, g: table.get((o, g))) == {0: 1, 1: 0}


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("output", "gold", "expected"),
    [
        ("2030", "2030", 3.0),
        ("2030", "by 2030", 2.0),
        ("the 1950s", "1950s", 3.0),
        ("26th\nday of April, 2023", "this 26th day of April, 2023", 2.0),
        ("the 26th day", "this 26th day of April, 2023", 2.0),
        ("four difficult years ago", "four difficult years", 2.0),
        ("1993 and 1994", "as early as 1993", 1.0),
        ("as early as", "early as 1993", 1.0),
        ("the war in", "in June 1950", None),
        ("of", "day of April", None),
        ("a year", "this historic year", None),
        ("1953", "1955", None),
    ],
)
def test_date_overlap(output: str, gold: str, expected: float | None) -> None:
    assert date_overlap(output, gold) == expected


def test_date_value_equal_accepts_decade_without_x() -> None:
    assert date_value_equal("195", "195X")
    assert date_value_equal("195X", "195X")
    assert not date_value_equal("1950", "195X")
    assert not date_value_equal("2021-03", "2021-03-12")


def test_dates_overlap_and_value_accuracy(tmp_path: Path) -> None:
    def vary(rows: Rows) -> None:
        for row in rows["dates"]:
            if row["text"] == "as early as 1993":
                row["text"] = "1993"  # a shorter span still overlaps
            if row["text"] == "the 1950s":
                row["value"] = "195"
            if row["text"] == "June 1950":
                row["value"] = "1950"
        add_date(rows, HAGGARD, "2+2", "2")

    scores = score_doc(tmp_path, HAGGARD, vary)
    n = len(required(gold_of(HAGGARD), "dates"))
    assert scores.dates == Score(n, 1, 0)
    assert scores.date_value_accuracy == pytest.approx((n - 1) / n)
    assert scores.accuracy_counts["date_value"] == (n - 1, n)
    assert scores.errors["dates_value"] == ["'June 1950': got 1950, want 1950-06"]
    assert scores.errors["dates_fp"] == ["'2+2' (2)"]


def test_dates_pair_one_to_one(tmp_path: Path) -> None:
    # Two gold items contain "2030"; a single output row can take only one.
    def single(rows: Rows) -> None:
        drop(rows, "dates", "text", "by 2030")

    scores = score_doc(tmp_path, JOINT, single)
    assert scores.dates.fn == 1
    assert scores.errors["dates_fn"] == ["'by 2030' (2030)"]


# ---------------------------------------------------------------- treaties


def test_treaty_fuzzy_threshold_is_85() -> None:
    assert 85 <= fuzzy_score("Trans-Pacific Parts", "Trans-Pacific Partnership") < 90
    assert 80 < fuzzy_score("Trans-Pacific Pact", "Trans-Pacific Partnership") < 85


@pytest.mark.parametrize(
    ("name", "matched"), [("Trans-Pacific Parts", True), ("Trans-Pacific Pact", False)]
)
def test_treaty_fuzzy_match_in_scoring(tmp_path: Path, name: str, matched: bool) -> None:
    def rename(rows: Rows) -> None:
        row = next(r for r in rows["treaties"] if r["name"] == "Trans-Pacific Partnership")
        row["name"], row["aliases"] = name, ""
        next(r for r in rows["treaty_mentions"] if r["treaty_id"] == row["treaty_id"])["text"] = (
            name
        )

    scores = score_doc(tmp_path, HAGGARD, rename)
    assert (scores.treaties.fn == 0) is matched
    assert (scores.errors["treaties_fp"] == [name]) is not matched


def test_treaty_attributes(tmp_path: Path) -> None:
    def vary(rows: Rows) -> None:
        for row in rows["treaties"]:
            if row["name"] == "Treaty of San Francisco":
                row["signed"] = "1951-09-08"  # same year: correct
            if row["name"] == "Korea-U.S. Free Trade Agreement":
                row["signed"] = "2010"
            if row["name"] == "U.S.-Japan Trade Agreement":
                row["parties"] = "JPN"

    scores = score_doc(tmp_path, HAGGARD, vary)
    gold = required(gold_of(HAGGARD), "treaties")
    with_signed = [t for t in gold if t["signed"]]
    assert scores.treaties.f1 == 1.0
    assert scores.accuracy_counts["treaty_signed"] == (len(with_signed) - 1, len(with_signed))
    assert scores.accuracy_counts["treaty_parties"] == (len(gold) - 1, len(gold))
    assert scores.errors["treaties_signed"] == [
        "Korea-U.S. Free Trade Agreement: got 2010, want 2007"
    ]
    assert scores.errors["treaties_parties"] == [
        "U.S.-Japan Trade Agreement: got JPN, want JPN; USA"
    ]


def test_exact_treaty_name_beats_token_subset(tmp_path: Path) -> None:
    # "armistice" is a token subset of many names; each output must keep its own gold item.
    scores = score_doc(tmp_path, HAGGARD)
    assert scores.treaty_signed_accuracy == 1.0 and scores.treaty_parties_accuracy == 1.0


# ---------------------------------------------------------------- recommendations


def test_recommendation_containment_folds_space_and_quotes(tmp_path: Path) -> None:
    def vary(rows: Rows) -> None:
        for row in rows["recommendations"]:
            if "Chhabra recommends" in row["text"]:
                row["text"] = (
                    "Thus  Chhabra recommends that Washington,\nSeoul, and Tokyo work "
                    "with other AI-advanced allied governments."
                )
            if "smart alliance strategy" in row["text"]:
                row["text"] = "a smart alliance strategy should"  # cut short: no match

    scores = score_doc(tmp_path, HAGGARD, vary)
    assert scores.recommendations == Score(
        len(required(gold_of(HAGGARD), "recommendations")) - 1, 1, 1
    )
    assert scores.errors["recommendations_fn"] == [
        "a smart alliance strategy should structure cooperation"
    ]
    assert fold_quote("\u201cgo\u201d  now\n") == '"go" now'


def test_recommendation_matching_only_optional_is_neutral(tmp_path: Path) -> None:
    def extra(rows: Rows) -> None:
        add_recommendation(rows, HAGGARD, "Yes, but more could be done here.", "Eric Brown")
        add_recommendation(rows, HAGGARD, "Allies should buy more coffee.", "Stephan Haggard")

    scores = score_doc(tmp_path, HAGGARD, extra)
    assert scores.recommendations.fp == 1
    assert scores.errors["recommendations_fp"] == ["Allies should buy more coffee."]


def test_proposer_fuzzy_match() -> None:
    assert proposers_match("Haggard", "Stephan Haggard")
    assert proposers_match("Japan; United States of America", "United States; Japan")
    assert proposers_match("United States Congress", "Congress")
    assert not proposers_match("United States", "United States; Japan")
    assert not proposers_match("Eric Brown", "Karl Friedhoff")
    assert not proposers_match("", "Congress")


def test_proposer_accuracy(tmp_path: Path) -> None:
    def vary(rows: Rows) -> None:
        for row in rows["recommendations"]:
            if "Washington could help" in row["text"]:
                row["proposer"] = "Stephan Haggard"  # should be Karl Friedhoff
            if "suggests that the United States" in row["text"]:
                row["proposer"] = "Brown"

    scores = score_doc(tmp_path, HAGGARD, vary)
    n = len(required(gold_of(HAGGARD), "recommendations"))
    assert scores.recommendations.f1 == 1.0
    assert scores.proposer_accuracy == pytest.approx((n - 1) / n)
    assert len(scores.errors["proposer"]) == 1
    assert "want Karl Friedhoff" in scores.errors["proposer"][0]


# ---------------------------------------------------------------- scores and report


def test_score_edge_cases() -> None:
    assert Score().f1 == 1.0  # nothing due, nothing claimed
    assert Score(0, 0, 3).precision == 1.0 and Score(0, 0, 3).f1 == 0.0
    assert Score(0, 2, 0).recall == 1.0 and Score(0, 2, 0).f1 == 0.0
    assert Score(3, 1, 2).f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_micro_average_pools_counts() -> None:
    a = DocumentScores(
        "a", entities=Score(3, 1, 0), accuracy_counts={"date_value": (1, 1), "proposer": (0, 0)}
    )
    b = DocumentScores("b", entities=Score(1, 0, 2), accuracy_counts={"date_value": (0, 3)})
    micro = micro_average([a, b])
    assert micro.entities == Score(4, 1, 2)
    assert micro.date_value_accuracy == 0.25
    assert micro.proposer_accuracy is None


def test_report_to_dict_and_render(tmp_path: Path) -> None:
    golds = [gold_of(HAGGARD), gold_of(DECLARATION)]
    rows = perfect_rows(golds)
    drop(rows, "entities", "name", "Japan")
    report = evaluate(write(rows, tmp_path / "out"), GOLD_DIR)
    data = json.loads(json.dumps(report.to_dict()))
    assert list(data) == ["documents", "micro", "missing"]
    gold_count = len(list(GOLD_DIR.glob("*.yaml")))
    assert sorted(data["missing"]) == data["missing"] and len(data["missing"]) == gold_count - 2
    haggard = next(d for d in data["documents"] if d["doc_id"] == HAGGARD)
    assert list(haggard)[:3] == ["doc_id", "entities", "entities_typed"]
    assert haggard["errors"]["entities_fn"] == ["Japan [GPE]"]
    assert haggard["entities"]["fn"] == 1
    console = Console(record=True, width=160)
    report.render(console)
    text = console.export_text()
    assert HAGGARD in text and "micro-average" in text and "not in the dataset" in text


# ---------------------------------------------------------------- loading


def test_load_gold_reads_unquoted_dates_as_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        "doc_id: x\ntreaties:\n  - {name: Pact, signed: 2023-04-26, parties: [USA]}\n"
        "dates:\n  - {text: '1960', value: 1960, required: false}\n"
    )
    gold = load_gold(path)
    assert gold["treaties"][0]["signed"] == "2023-04-26"
    assert gold["dates"][0]["value"] == "1960" and gold["dates"][0]["required"] is False
    assert gold["entities"] == [] and gold["recommendations"] == []


def test_load_gold_rejects_malformed(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("doc_id: bad\nentities:\n  - {type: GPE}\n")
    with pytest.raises(BriefdataError, match=r"bad\.yaml"):
        load_gold(path)


def test_load_tables_defaults(tmp_path: Path) -> None:
    with pytest.raises(BriefdataError):
        load_tables(tmp_path / "nowhere")
    (tmp_path / "documents.csv").write_text("doc_id,title\nx,NA\n")
    tables = load_tables(tmp_path)
    assert tables["documents"]["title"].tolist() == ["NA"]  # not read as missing
    assert tables["entities"].empty and "aliases" in tables["entities"].columns


# ---------------------------------------------------------------- tie-breaking


def write_gold(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "synthetic.yaml"
    path.write_text("doc_id: synthetic\n" + text)
    return load_gold(path)


def test_tie_prefers_required_over_optional_item(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path,
        "entities:\n"
        "  - {name: Korea, type: GPE, required: false}\n"
        "  - {name: South Korea, type: GPE, aliases: [Korea]}\n",
    )
    rows = perfect_rows([])
    rows["documents"].append({"doc_id": "synthetic"})
    add_entity(rows, "synthetic", "Korea", "GPE")
    scores = evaluate_document(gold, load_tables(write(rows, tmp_path / "out")))
    assert scores.entities == Score(1, 0, 0)


def test_exact_treaty_name_wins_a_token_set_tie(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path,
        "treaties:\n"
        "  - {name: Korean Armistice Agreement, signed: '1953', parties: []}\n"
        "  - {name: Armistice, signed: '1918', parties: []}\n",
    )
    rows = perfect_rows([])
    rows["documents"].append({"doc_id": "synthetic"})
    add_treaty(rows, "synthetic", "Armistice", signed="1918")
    add_treaty(rows, "synthetic", "Korean Armistice Agreement", signed="1953-07-27")
    scores = evaluate_document(gold, load_tables(write(rows, tmp_path / "out")))
    assert scores.treaties == Score(2, 0, 0)
    assert scores.treaty_signed_accuracy == 1.0, scores.errors["treaties_signed"]
