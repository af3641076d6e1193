"""Planning a run: what it will read, what is missing, what cannot be read."""

from __future__ import annotations

import shutil

import pytest

from pipeline.errors import RegistryError
from pipeline.run import plan_run
from pipeline.run.options import Settings
from pipeline.run.plan import load_plan, save_plan
from tests.conftest import ROOT


def test_folder_files_that_collide_on_one_doc_id_are_refused(tmp_path):
    (tmp_path / "Report 1.md").write_text("# One\n")
    (tmp_path / "report-1.md").write_text("# Two\n")
    (tmp_path / "notes.pptx").write_bytes(b"PK")
    plan = plan_run(Settings(input_dir=tmp_path))
    assert [item.doc_id for item in plan.items] == ["report-1"]
    (failure,) = plan.failed
    assert failure.doc_id == "report-1" and "duplicate document id 'report-1'" in failure.error
    assert any("notes.pptx: skipped, unsupported file type '.pptx'" in w for w in plan.warnings)


def test_on_a_collision_the_richer_format_is_read_whatever_the_order(tmp_path):
    (tmp_path / "brief.txt").write_text("Short.\n")
    (tmp_path / "brief.md").write_text("# Brief\n\nThe full text, with structure.\n")
    plan = plan_run(Settings(input_dir=tmp_path))
    assert [item.path.name for item in plan.items] == ["brief.md"]
    assert any("brief.txt: skipped, brief.md has the same document id" in w for w in plan.warnings)


def test_links_out_of_the_input_folder_and_hidden_folders_are_not_read(tmp_path):
    folder = tmp_path / "in"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "notes.md").write_text("# Hidden\n")
    (folder / ".draft.md").write_text("# Hidden too\n")
    (folder / "kept.md").write_text("# Kept\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("not to be published\n")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "alias.md").symlink_to(folder / "kept.md")
    plan = plan_run(Settings(input_dir=folder))
    assert [item.path.name for item in plan.items] == ["alias.md"]
    assert any("passwd.txt: skipped, a link to a file outside" in w for w in plan.warnings)
    assert any("kept.md: skipped, the same file as" in w for w in plan.warnings)


def test_any_file_name_gives_a_bounded_document_id(tmp_path):
    (tmp_path / "보고서.md").write_text("# 보고서\n")
    (tmp_path / ("x" * 240 + ".md")).write_text("# Long\n")
    ids = sorted(item.doc_id for item in plan_run(Settings(input_dir=tmp_path)).items)
    assert ids[0] == "bogoseo"
    assert len(ids[1]) == 220 and ids[1].startswith("xxxx")


def test_a_registered_file_that_changed_since_registration_is_a_warning(tmp_path):
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "raw")
    brief = tmp_path / "raw" / "haggard-2021-beyond-deterrence.md"
    brief.write_text(brief.read_text() + "\nAn added line.\n")
    plan = plan_run(Settings(registry=ROOT / "data" / "sources.yaml", raw=tmp_path / "raw"))
    assert [item.doc_id for item in plan.items] == ["haggard-2021-beyond-deterrence"]
    assert any("briefdata update haggard-2021-beyond-deterrence" in w for w in plan.warnings)
    assert [m.doc_id for m in plan.missing] == ["npec-2021-new-frontiers"]


def registry_of(tmp_path, *ids: str):
    raw = tmp_path / "raw"
    raw.mkdir()
    lines = ["sources:"]
    for doc_id in ids:
        (raw / f"{doc_id}.md").write_text(f"# {doc_id}\n\nText of {doc_id}.\n")
        lines.append(f"- {{id: {doc_id}, title: {doc_id.upper()}, path: {doc_id}.md}}")
    (tmp_path / "sources.yaml").write_text("\n".join(lines) + "\n")
    return Settings(registry=tmp_path / "sources.yaml", raw=raw)


def test_only_selects_what_to_extract_but_plans_the_whole_registry(tmp_path):
    settings = registry_of(tmp_path, "a", "b", "c")
    plan = plan_run(Settings(**{**vars(settings), "only": ("b",)}))
    assert [(i.doc_id, i.selected) for i in plan.items] == [("a", False), ("b", True), ("c", False)]
    subset = plan_run(Settings(**{**vars(settings), "only": ("b",), "subset": True}))
    assert [i.doc_id for i in subset.items] == ["b"]
    with pytest.raises(RegistryError, match="no source with id zz"):
        plan_run(Settings(**{**vars(settings), "only": ("zz",)}))


def test_two_entries_for_one_file_are_not_read_twice(tmp_path):
    settings = registry_of(tmp_path, "a")
    with (tmp_path / "sources.yaml").open("a") as registry:
        registry.write("- {id: again, title: Again, path: a.md}\n")
    plan = plan_run(settings)
    assert [i.doc_id for i in plan.items] == ["a"]
    assert plan.failed[0].doc_id == "again" and "same file as source 'a'" in plan.failed[0].error


def test_a_plan_saved_by_reference_loads_back_equal(tmp_path):
    plan = plan_run(registry_of(tmp_path, "a", "b"))
    path = save_plan(plan, tmp_path / "plans")
    assert load_plan(path) == plan
    assert save_plan(plan, tmp_path / "plans") == path  # named by its content
