"""The treaty knowledge base: file integrity, alias lookup, guarded fuzzy matching."""

from __future__ import annotations

import re

import pytest

from pipeline.knowledge.treaties import KINDS, fold_key, load_treaty_kb, parse_treaty_kb


@pytest.fixture(scope="module")
def kb():
    return load_treaty_kb()


def test_file_is_valid(kb):
    assert kb.validate() == []
    assert len(kb.records) >= 100
    assert re.fullmatch(r"[0-9a-f]{64}", kb.version)
    assert {r.kind for r in kb.records} == set(KINDS)


def test_every_alias_resolves_to_exactly_its_record(kb):
    for record in kb.records:
        for name in record.names:
            assert kb.match(name) is record, name


def test_validation_reports_ambiguous_aliases_and_duplicate_ids():
    raw = b"""
treaties:
- {id: a, name: Alpha Treaty, kind: other, aliases: [Shared Pact]}
- {id: b, name: Beta Treaty, kind: peace, aliases: [shared pact]}
- {id: a, name: Gamma Treaty, kind: other}
"""
    problems = parse_treaty_kb(raw).validate()
    assert any("duplicate id a" in p for p in problems)
    assert any("shared pact" in p for p in problems)
    assert any("unknown kind" in p for p in problems)


def test_spelling_variants_fold_together(kb):
    variant = fold_key("Korea\u2013U.S. Free Trade Agreement")
    assert variant == fold_key("U.S.-ROK Free Trade Agreement")
    assert kb.match("the Korea\u2013U.S. Free Trade Agreement").id == "korus-fta"
    assert kb.match("Japan-U.S. Security Treaty").id == "us-japan-security-treaty"
    assert kb.match("the U.S.-Japan Treaty of Mutual Cooperation and Security").id == (
        "us-japan-security-treaty"
    )
    assert kb.match("UN Convention on the Law of the Sea").id == "unclos"


def test_near_names_match_but_other_treaties_do_not_merge(kb):
    assert kb.match("U.S.-ROK Mutual Defence Treaty").id == "us-rok-mutual-defense-treaty"
    assert kb.match("Convention of Biological Diversity").id == "convention-on-biological-diversity"
    # a different party or a bare generic name is not a spelling variant
    assert kb.match("U.S.-Vietnam Mutual Defense Treaty") is None
    assert kb.match("Mutual Defense Treaty") is None
    assert kb.match("Free Trade Agreement") is None


def test_find_by_kind_parties_and_year(kb):
    assert kb.find("peace treaty", {"USA", "JPN"}).id == "treaty-of-san-francisco"
    assert kb.find("security treaty", {"USA", "JPN"}, "1960").id == "us-japan-security-treaty"
    assert kb.find("joint statement", {"USA", "KOR"}, "2009").id == "us-rok-joint-vision-2009"
    assert kb.find("security treaty", {"USA", "JPN"}, "1975") is None


def test_the_1951_and_1960_japan_treaties_are_one_record(kb):
    record = kb.by_id["us-japan-security-treaty"]
    assert record.signed == "1951-09-08"
    assert record.amended == ("1960-01-19",)
    assert record.parties == ("JPN", "USA")
