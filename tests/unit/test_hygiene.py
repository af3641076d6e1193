"""Entity names no analyst should see, and the check that proves a dataset has none."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract.entities import _tidied
from pipeline.extract.names import name_problems
from pipeline.quality.hygiene import dataset_problems
from pipeline.types import EntityMention


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Chicago Convention of", "trailing function word"),
        ("Coalition for Epidemic Preparedness Innovation and", "trailing function word"),
        ("Partnership for RISE (Resilient and Inclusive Supply", "unbalanced brackets"),
        ("Biden\u2019s", "possessive"),
        ("Governors'", "possessive"),
        ("@USDOL", "handle"),
        ("Department of Labor @USDOL", "handle"),
    ],
)
def test_unfit_names_are_named(name: str, problem: str) -> None:
    assert problem in name_problems(name)


@pytest.mark.parametrize(
    "name", ["Department of Labor", "U.S.", "Bank of America", "O'Neill", "G7 (Group of Seven)"]
)
def test_clean_names_pass(name: str) -> None:
    assert name_problems(name) == []


def _mention(text: str, name: str, start: int = 10) -> EntityMention:
    return EntityMention(0, start, start + len(text), text, "ORG", name, "ORG")


def test_a_trailing_function_word_and_a_possessive_are_cut_with_the_span() -> None:
    tidy = _tidied(_mention("Chicago Convention of", "Chicago Convention of"))
    assert tidy is not None
    assert (tidy.text, tidy.name, tidy.end - tidy.start) == (
        "Chicago Convention",
        "Chicago Convention",
        len("Chicago Convention"),
    )
    tidy = _tidied(_mention("Genedge Alliance\u2019s", "Genedge Alliance\u2019s"))
    assert tidy is not None and tidy.text == tidy.name == "Genedge Alliance"


def test_names_that_cannot_be_repaired_are_dropped() -> None:
    assert _tidied(_mention("@USDOL", "@USDOL")) is None
    assert (
        _tidied(_mention("Partnership for RISE (Resilient", "Partnership for RISE (Resilient"))
        is None
    )


def test_a_clean_mention_is_kept_as_it_is() -> None:
    m = _mention("Department of Labor", "Department of Labor")
    assert _tidied(m) is m


def _write(folder: Path, entities: str, mentions: str) -> Path:
    (folder / "entities.csv").write_text(entities, encoding="utf-8")
    (folder / "mentions.csv").write_text(mentions, encoding="utf-8")
    return folder


def test_dataset_check_finds_unfit_names_and_states_linked_elsewhere(tmp_path: Path) -> None:
    data = _write(
        tmp_path,
        "entity_id,name,type\ngpe:jersey,Jersey,GPE\norg:x,Convention of,ORG\n"
        "gpe:new-jersey,New Jersey,GPE\n",
        "mention_id,entity_id,text\nd:m1,gpe:jersey,New Jersey\nd:m2,gpe:new-jersey,New Jersey\n",
    )
    problems = {(p.row_id, p.problem) for p in dataset_problems(data)}
    assert problems == {("org:x", "trailing function word"), ("d:m1", "linked to Jersey")}


def test_a_clean_dataset_has_no_problems(tmp_path: Path) -> None:
    data = _write(
        tmp_path,
        "entity_id,name,type\ngpe:new-mexico,New Mexico,GPE\n",
        "mention_id,entity_id,text\nd:m1,gpe:new-mexico,New Mexico\n",
    )
    assert dataset_problems(data) == []


@pytest.mark.parametrize(
    ("sentence", "case"),
    [
        ("since the overturning of Roe v. Wade. The decision", "Roe v. Wade"),
        (
            "Dobbs v. Jackson Women\u2019s Health Organization. The Court",
            "Dobbs v. Jackson Women\u2019s Health Organization",
        ),
        ("Brown v. Board of Education ended it", "Brown v. Board of Education"),
        ("Roe v. Wade and Casey", "Roe v. Wade"),
    ],
)
def test_a_case_name_stops_at_its_sentence_end(sentence: str, case: str) -> None:
    from pipeline.extract.entities import _STATUTE

    assert [m.group() for m in _STATUTE.finditer(sentence)] == [case]
