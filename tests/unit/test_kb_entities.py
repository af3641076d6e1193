"""The entity knowledge base: loading, validation and lookup folding."""

from __future__ import annotations

import re

import pytest

from pipeline.knowledge.entities import EntityKB, fold_key, load_entity_kb, validate_kb


@pytest.fixture(scope="module")
def kb() -> EntityKB:
    return load_entity_kb()


def test_kb_is_valid(kb: EntityKB) -> None:
    assert validate_kb(kb) == []
    ids = [r.id for r in kb.records]
    assert len(ids) == len(set(ids))


def test_version_is_sha256_of_file(kb: EntityKB) -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", kb.version)


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("US", "United States"),
        ("U.S.", "United States"),
        ("the United States'", "United States"),
        ("Washington", "United States"),
        ("Seoul", "South Korea"),
        ("ROK", "South Korea"),
        ("KOREA", "South Korea"),
        ("JAPAN", "Japan"),
        ("the Democratic People\u2019s Republic of Korea", "North Korea"),
        ("Republic of China on Taiwan", "Taiwan"),
        ("Suga Yoshihide", "Yoshihide Suga"),
        ("Joseph R. Biden, Jr.", "Joe Biden"),
        ("WHO", "World Health Organization"),
        ("the Chicago Council on Foreign Relations", "Chicago Council on Global Affairs"),
        ("Senkaku/Diaoyu islands", "Senkaku Islands"),
        ("British Virgin Islands", "British Virgin Islands"),  # from pycountry only
    ],
)
def test_lookup_resolves(kb: EntityKB, surface: str, name: str) -> None:
    record = kb.lookup(surface)
    assert record is not None and record.name == name


@pytest.mark.parametrize("surface", ["us", "who", "it", "Us"])
def test_acronyms_are_case_sensitive(kb: EntityKB, surface: str) -> None:
    assert kb.lookup(surface) is None


def test_iso3_comes_from_pycountry(kb: EntityKB) -> None:
    assert kb.lookup("South Korea").iso3 == "KOR"
    assert kb.lookup("Taiwan").iso3 == "TWN"
    assert kb.lookup("Japan").iso3 == "JPN"
    assert kb.lookup("Asia").iso3 == ""
    countries = [r for r in kb.records if r.iso3]
    assert len({r.iso3 for r in countries}) == len(countries) >= 249


def test_non_entities(kb: EntityKB) -> None:
    assert kb.is_non_entity("5G")
    assert kb.is_non_entity("Open RAN")
    assert kb.is_non_entity("Sturm und Drang")
    assert kb.is_non_entity("AI")
    assert not kb.is_non_entity("Nokia")


def test_fold_key() -> None:
    assert fold_key("U.S.") == ("A", "US")
    assert fold_key("The Korean War") == ("N", "korean war")
    assert fold_key("North Korea\u2019s") == ("N", "north korea")
