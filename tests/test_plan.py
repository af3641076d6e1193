"""Planning a run: what it will read, what is missing, what cannot be read."""

from __future__ import annotations

import shutil

from pipeline.config import Settings
from pipeline.run import plan_run
from tests.conftest import ROOT


def test_folder_files_that_collide_on_one_doc_id_are_refused(tmp_path):
    (tmp_path / "Report 1.md").write_text("# One\n")
    (tmp_path / "report-1.md").write_text("# Two\n")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    plan = plan_run(Settings(input_dir=tmp_path))
    assert [item.doc_id for item in plan.items] == ["report-1"]
    (failure,) = plan.failed
    assert failure.doc_id == "report-1" and "duplicate document id 'report-1'" in failure.error
    assert any("notes.docx: skipped, unsupported file type '.docx'" in w for w in plan.warnings)


def test_a_registered_file_that_changed_since_registration_is_a_warning(tmp_path):
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "raw")
    brief = tmp_path / "raw" / "haggard-2021-beyond-deterrence.md"
    brief.write_text(brief.read_text() + "\nAn added line.\n")
    plan = plan_run(Settings(registry=ROOT / "data" / "sources.yaml", raw=tmp_path / "raw"))
    assert [item.doc_id for item in plan.items] == ["haggard-2021-beyond-deterrence"]
    assert any("differs from the registry's" in w for w in plan.warnings)
    assert [m.doc_id for m in plan.missing] == ["npec-2021-new-frontiers"]
