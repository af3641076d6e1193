"""The source registry: parsing, errors that say where, safe paths, `add`."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import RegistryError
from pipeline.registry import add_source, load_registry, resolve_in
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


def test_unknown_fields_and_bad_ids_are_refused(tmp_path):
    path = write(tmp_path / "s.yaml", "sources:\n- {id: a, title: A, path: a.md, titel: x}\n")
    with pytest.raises(RegistryError, match="unknown field"):
        load_registry(path)
    path = write(tmp_path / "s.yaml", "sources:\n- {id: 'Bad Id', title: A, path: a.md}\n")
    with pytest.raises(RegistryError, match="lowercase slug"):
        load_registry(path)


def test_add_copies_the_file_and_registers_it(tmp_path):
    registry = write(tmp_path / "sources.yaml", "sources: []\n")
    raw = tmp_path / "raw"
    document = write(tmp_path / "My Report 2024.md", "# My Report\n\nText.\n")
    source = add_source(registry, raw, document, title="My Report", url="https://example.org/r")
    assert source.id == "my-report-2024"
    assert (raw / "my-report-2024.md").read_text() == "# My Report\n\nText.\n"
    reloaded = load_registry(registry).get("my-report-2024")
    assert reloaded.title == "My Report" and reloaded.media_type == "text/markdown"
    assert len(reloaded.sha256) == 64
    with pytest.raises(RegistryError, match="already registered"):
        add_source(registry, raw, document, title="Again")
