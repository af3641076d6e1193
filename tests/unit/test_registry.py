"""The source registry: parsing, errors that say where, safe paths, `add`."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import RegistryError
from pipeline.sources.registry import load_registry, published_date, resolve_in
from tests.conftest import ROOT


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_project_registry_has_the_brief_and_the_npec_study():
    registry = load_registry(ROOT / "data" / "sources.yaml")
    brief = registry.get("haggard-2021-beyond-deterrence")
    assert brief.license == "CC BY-NC 4.0"
    assert brief.cites == ("npec-2021-new-frontiers",)
    assert (ROOT / "data" / "raw" / brief.path).exists()
    npec = registry.get("npec-2021-new-frontiers")
    assert npec.license == "All rights reserved"
    assert npec.download_url == ""  # unknown: never guessed
    assert npec.url.startswith("https://npolicy.org/")


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path / "sources.yaml", "sources:\n- id: a\n  title: [unclosed\n  path: a.md\n")
    with pytest.raises(RegistryError, match=r"sources.yaml: line \d+, column \d+: malformed YAML"):
        load_registry(path)


def test_duplicate_ids_are_refused(tmp_path):
    entry = "- {id: a, title: A, path: a.md}\n"
    path = write(tmp_path / "sources.yaml", "sources:\n" + entry + entry)
    with pytest.raises(RegistryError, match="duplicate source id 'a'"):
        load_registry(path)


@pytest.mark.parametrize("bad", ["../outside.md", "/etc/passwd", "sub/../../x.md", "~/x.md"])
def test_paths_that_escape_raw_are_refused(tmp_path, bad):
    raw = tmp_path / "raw"
    raw.mkdir()
    with pytest.raises(RegistryError, match="must stay inside data/raw"):
        resolve_in(raw, bad, "source a")


def test_symlink_out_of_raw_is_refused(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    secret = write(tmp_path / "secret.md", "# secret\n")
    (raw / "link.md").symlink_to(secret)
    with pytest.raises(RegistryError, match="resolves outside"):
        resolve_in(raw, "link.md", "source a")


def test_a_bad_entry_fails_only_its_own_source_naming_the_id_and_field(tmp_path):
    path = write(
        tmp_path / "s.yaml",
        "sources:\n"
        "- {id: good, title: Good, path: good.md}\n"
        "- {id: typo, title: T, path: t.md, titel: x}\n"
        "- {id: 'Bad Id', title: A, path: a.md}\n"
        "- {id: when, title: W, path: w.md, published: yesterday}\n"
        "- {id: feb, title: F, path: f.md, published: 2021-02-30}\n"
        "- {id: kind, title: K, path: k.md, media_type: application/msword}\n"
        '- {id: nul, title: N, path: "n\\0.md"}\n'
        '- {id: surrogate, title: "\\uD800", path: s.md}\n'
        "- just a string\n",
    )
    registry = load_registry(path)
    assert [s.id for s in registry.sources] == ["good"]
    problems = {entry.id: entry.problem for entry in registry.invalid}
    assert problems["typo"] == "unknown field `titel`"
    assert "field `id` 'Bad Id' must be a lowercase slug" in problems["Bad Id"]
    assert "field `published` 'yesterday' is not a date" in problems["when"]
    assert "field `published` '2021-02-30' is not a real calendar date" in problems["feb"]
    assert "field `media_type` 'application/msword' is not one of" in problems["kind"]
    assert "path contains a NUL character" in problems["nul"]
    assert "field `title` contains an invalid character" in problems["surrogate"]
    assert problems["source #9"] == "expected a mapping, got str"


def test_a_missing_registry_is_an_error_not_an_empty_registry(tmp_path):
    with pytest.raises(RegistryError, match="no such registry"):
        load_registry(tmp_path / "source.yaml")


def test_yaml_aliases_are_refused_so_an_alias_bomb_cannot_expand(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    path = write(tmp_path / "s.yaml", "\n".join(lines) + "\nsources: [*a8]\n")
    with pytest.raises(RegistryError, match="anchors and aliases are not allowed"):
        load_registry(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2021", "2021"), ("2021-04", "2021-04"), ("2024-02-29", "2024-02-29"), ("", "")],
)
def test_published_dates_that_exist_are_accepted(value, expected):
    assert published_date(value) == expected


@pytest.mark.parametrize("value", ["May 2024", "2024-13-45", "2023-02-29", "2021-4", "yesterday"])
def test_published_dates_that_do_not_exist_are_refused(value):
    with pytest.raises(ValueError, match="not a"):
        published_date(value)
