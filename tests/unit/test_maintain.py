"""A maintainer's commands on the registry: add, update, remove, each checked first."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import RegistryError
from pipeline.sources.maintain import add_source, remove_source, update_source
from pipeline.sources.registry import load_registry


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path / "sources.yaml", "sources: []\n")
    (tmp_path / "raw").mkdir()
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_add_copies_the_file_and_registers_it(folder):
    document = write(folder / "My Report 2024.md", "# My Report\n\nText.\n")
    source = add_source(
        folder / "sources.yaml", folder / "raw", document, title="My Report",
        url="https://example.org/r", published="2024-05", license="CC BY 4.0",
    )  # fmt: skip
    assert source.id == "my-report-2024"
    assert (folder / "raw" / "my-report-2024.md").read_text() == "# My Report\n\nText.\n"
    reloaded = load_registry(folder / "sources.yaml").get("my-report-2024")
    assert reloaded.title == "My Report" and reloaded.media_type == "text/markdown"
    assert reloaded.license == "CC-BY-4.0" and reloaded.published == "2024-05"
    assert len(reloaded.sha256) == 64
    with pytest.raises(RegistryError, match="already registered"):
        add_source(folder / "sources.yaml", folder / "raw", document, title="Again")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"published": "May 2024"}, "field `published` 'May 2024' is not a date"),
        ({"published": "2024-13-45"}, "field `published` '2024-13-45' is not a real calendar"),
        ({"license": "free to use"}, "field `license` 'free to use' is not a known licence"),
        ({"url": "example.org"}, "field `url` 'example.org' is not an http(s) URL"),
        ({"title": "\ud800"}, "field `title` contains an invalid character"),
        ({"cites": ("nowhere",)}, "field `cites` names unregistered source(s): nowhere"),
        ({"doc_id": "Bad Id"}, "field `id` 'Bad Id' must be a lowercase slug"),
    ],
)
def test_bad_add_inputs_are_refused_naming_the_field_and_nothing_is_written(
    folder, fields, message
):
    document = write(folder / "report.md", "# Report\n\nText.\n")
    before = snapshot(folder)
    fields = {"title": "Report", **fields}
    with pytest.raises(RegistryError) as raised:
        add_source(folder / "sources.yaml", folder / "raw", document, **fields)
    assert message in str(raised.value)
    assert snapshot(folder) == before


def test_the_same_file_under_a_second_id_is_refused_naming_the_first(folder):
    document = write(folder / "report.md", "# Report\n\nText.\n")
    add_source(folder / "sources.yaml", folder / "raw", document, title="Report")
    copy = write(folder / "copy.md", "# Report\n\nText.\n")
    before = snapshot(folder)
    with pytest.raises(RegistryError, match="already registered as 'report'"):
        add_source(folder / "sources.yaml", folder / "raw", copy, title="Copy")
    assert snapshot(folder) == before


def test_update_accepts_a_changed_file_and_remove_unregisters(folder):
    document = write(folder / "report.md", "# Report\n\nText.\n")
    source = add_source(folder / "sources.yaml", folder / "raw", document, title="Report")
    write(folder / "raw" / "report.md", "# Report\n\nCorrected text.\n")
    updated = update_source(folder / "sources.yaml", folder / "raw", "report", title="Report v2")
    assert updated.sha256 != source.sha256 and updated.title == "Report v2"
    with pytest.raises(RegistryError, match="field `published`"):
        update_source(folder / "sources.yaml", folder / "raw", "report", published="soon")
    removal = remove_source(folder / "sources.yaml", folder / "raw", "report")
    assert not removal.file_deleted and (folder / "raw" / "report.md").exists()
    assert load_registry(folder / "sources.yaml").sources == []
    with pytest.raises(RegistryError, match="no source with id 'report'"):
        remove_source(folder / "sources.yaml", folder / "raw", "report")


def test_entries_this_version_cannot_use_survive_an_add(folder):
    write(folder / "sources.yaml", "sources:\n- {id: old, title: Old, path: o.md, extra: kept}\n")
    document = write(folder / "report.md", "# Report\n")
    add_source(folder / "sources.yaml", folder / "raw", document, title="Report")
    registry = load_registry(folder / "sources.yaml")
    assert [s.id for s in registry.sources] == ["report"]
    assert [e.id for e in registry.invalid] == ["old"]
    assert "extra: kept" in (folder / "sources.yaml").read_text()
