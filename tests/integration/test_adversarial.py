"""Adversarial runs: a user's files, odd names, hostile servers, huge registries, broken
disks and signals. Each probe runs beside a good document, which must be published; none
may print a traceback; nothing published or belonging to the user may be lost."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.release.schema import read_table, validate_package
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

BRIEF = "haggard-2021-beyond-deterrence"
GOOD = "Japan and South Korea signed an agreement in Seoul on March 3, 2021.\n"


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def project(tmp_path, monkeypatch, prefect_harness) -> Path:
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    shutil.copy(ROOT / "data" / "sources.yaml", tmp_path / "data" / "sources.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFDATA_CACHE", str(tmp_path / ".cache"))
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def published_ids(folder: Path) -> list[str]:
    return read_table(folder / "documents.csv")["doc_id"].tolist()


# ------------------------------------------------------------------ the user's files


def test_output_equal_to_the_input_folder_is_refused_and_nothing_is_deleted(project):
    folder = project / "docs"
    folder.mkdir()
    (folder / "note.md").write_text(GOOD)
    before = snapshot(folder)
    result = run("run", "--input", "docs", "--output", "docs")
    assert result.exit_code == 1
    assert "overlap" in result.output
    assert snapshot(folder) == before


def test_a_folder_of_someone_elses_files_is_never_replaced(project):
    documents = project / "Documents"
    documents.mkdir()
    (documents / "thesis.docx").write_bytes(b"years of work")
    (project / "in").mkdir()
    (project / "in" / "note.md").write_text(GOOD)
    before = snapshot(documents)
    result = run("run", "--input", "in", "--output", "Documents")
    assert result.exit_code == 1
    assert "not empty and not a briefdata release (thesis.docx)" in result.output
    result = run("run", "--input", "in", "--output", ".")
    assert result.exit_code == 1 and "overlap" in result.output
    assert snapshot(documents) == before
    (project / "afile").write_text("mine")
    result = run("run", "--input", "in", "--output", "afile")
    assert result.exit_code == 1 and "is not a folder" in result.output
    assert (project / "afile").read_text() == "mine"


def test_a_file_added_to_a_release_folder_is_not_deleted_by_the_next_run(project):
    assert run("run", "-q").exit_code == 2
    notes = project / "data" / "processed" / "my-notes.txt"
    notes.write_text("an analyst's notes")
    result = run("run", "--no-cache")
    assert result.exit_code == 1 and "my-notes.txt" in result.output
    assert notes.read_text() == "an analyst's notes"


def test_an_output_behind_a_symlink_is_published_where_it_points(project):
    (project / "in").mkdir()
    (project / "in" / "note.md").write_text(GOOD)
    real = project / "real-out"
    (project / "alias").symlink_to(real, target_is_directory=True)
    assert run("run", "--input", "in", "--output", "alias", "-q").exit_code == 0
    assert run("run", "--input", "in", "--output", "alias", "-q", "--no-cache").exit_code == 0
    assert (project / "alias").is_symlink() and published_ids(real) == ["note"]
    leftovers = [p.name for p in project.iterdir() if p.name.startswith((".staging", ".retired"))]
    assert leftovers == [] and not list(project.glob(".*.lock"))


def test_two_names_of_one_output_folder_share_one_lock(project):
    (project / "out").mkdir()
    (project / "alias").symlink_to(project / "out", target_is_directory=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import time
            from pathlib import Path
            from pipeline.release.publish import publish_lock
            with publish_lock(Path("out")):
                print("locked", flush=True)
                time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True, cwd=project,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        (project / "in").mkdir()
        (project / "in" / "note.md").write_text(GOOD)
        result = run("run", "--input", "in", "--output", "alias")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1 and "another briefdata run" in result.output


# ------------------------------------------------------------------ names and registries


def test_any_file_name_is_published_under_a_bounded_id(project):
    folder = project / "in"
    folder.mkdir()
    (folder / "보고서.md").write_text(GOOD)
    (folder / ("r" * 240 + ".md")).write_text("Tokyo and Seoul met in Washington.\n")
    os.mkdir(folder / "sub")
    with open(os.fsencode(folder / "sub") + b"/caf\xe9.txt", "wb") as handle:
        handle.write(b"Seoul, 2021.\n")
    result = run("run", "--input", "in", "--output", "out", "--json")
    assert result.exit_code == 0, result.output
    ids = sorted(published_ids(project / "out"))
    assert ids[0] == "bogoseo" and ids[1] == "caf" and len(ids[2]) == 220
    assert validate_package(project / "out").ok


def test_bad_registry_entries_fail_alone_and_the_brief_is_published(project):
    registry = project / "data" / "sources.yaml"
    data = yaml.safe_load(registry.read_text())
    (project / "data" / "raw" / "ok.md").write_text(GOOD)
    data["sources"] += [
        {"id": "when", "title": "W", "path": "ok.md", "published": "yesterday"},
        {"id": "kind", "title": "K", "path": "ok.md", "media_type": "application/x-unknown"},
        {"id": "listy", "title": ["a", "list"], "path": "ok.md"},
    ]
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    registry.write_text(registry.read_text() + '- {id: nul, title: N, path: "x\\0.md"}\n')
    result = run("run", "--json")
    assert result.exit_code == 2, result.output
    failed = {f["doc_id"]: f["error"] for f in json.loads(result.stdout)["failed"]}
    assert "field `published`" in failed["when"] and "field `media_type`" in failed["kind"]
    assert "field `title` must be text" in failed["listy"] and "NUL" in failed["nul"]
    assert published_ids(project / "data" / "processed") == [BRIEF]


def test_a_registry_of_ten_thousand_entries_runs(project):
    registry = project / "data" / "sources.yaml"
    data = yaml.safe_load(registry.read_text())
    data["sources"] += [
        {"id": f"absent-{n:05d}", "title": f"Absent report number {n}", "path": f"a{n}.pdf"}
        for n in range(10_000)
    ]
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run("run", "--json")
    assert result.exit_code == 2, result.output[-2000:]
    report = json.loads(result.stdout)
    assert len(report["missing"]) == 10_001
    assert published_ids(project / "data" / "processed") == [BRIEF]


# ------------------------------------------------------------------ hostile servers


class Trickle(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        try:
            for _ in range(600):
                self.wfile.write(b"%")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trickling_server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_run_whose_download_trickles_still_publishes_in_time(
    project, trickling_server, monkeypatch
):
    registry = project / "data" / "sources.yaml"
    data = yaml.safe_load(registry.read_text())
    npec = next(s for s in data["sources"] if s["id"] == "npec-2021-new-frontiers")
    npec["download_url"] = f"{trickling_server}/study.pdf"
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    monkeypatch.setenv("BRIEFDATA_FETCH_TIMEOUT", "3")
    started = time.monotonic()
    result = run("run", "-q")
    assert result.exit_code == 2
    assert time.monotonic() - started < 120
    assert published_ids(project / "data" / "processed") == [BRIEF]
    assert not list((project / "data" / "raw").glob("*npec*"))


# ------------------------------------------------------------------ broken disks


def test_a_full_disk_during_publish_keeps_the_old_release_and_leaves_nothing(tmp_path):
    """RLIMIT_FSIZE makes every write past 200 kB fail (EFBIG), as a full disk would."""
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from pathlib import Path
        from tests.integration.test_publish import release, OLD, NEW
        from pipeline.release.publish import publish
        from pipeline.errors import BriefdataError
        out = Path({str(tmp_path / "out")!r})
        publish(out, *release(*OLD), {{"release": "old"}})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
        try:
            publish(out, *release(*NEW, "Japan. " * 100_000), {{"release": "new"}})
        except BriefdataError as error:
            print(error)
            sys.exit(3)
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 3, result.stderr
    assert "nothing published: could not write the release" in result.stdout
    assert "unchanged" in result.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest == {"release": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_cache_that_cannot_be_written_costs_time_not_the_release(project, monkeypatch):
    cache = project / "cache-is-a-file"
    cache.write_text("not a folder")
    monkeypatch.setenv("BRIEFDATA_CACHE", str(cache))
    result = run("run", "-q")
    assert result.exit_code == 2, result.output
    assert published_ids(project / "data" / "processed") == [BRIEF]


# ------------------------------------------------------------------ signals


def test_sigterm_stops_the_run_and_every_child_process(tmp_path):
    import psutil

    folder = tmp_path / "in"
    folder.mkdir()
    brief = (ROOT / "data" / "raw" / f"{BRIEF}.md").read_text()
    for n in range(60):
        (folder / f"doc-{n:03d}.md").write_text(f"{brief}\nCopy number {n}.\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(BRIEFDATA_CACHE=str(tmp_path / "cache"), PREFECT_HOME=str(tmp_path / "ph"))
    command = [str(Path(sys.executable).parent / "briefdata"), "run", "--input", str(folder),
               "--output", str(tmp_path / "out"), "-q"]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(process.pid)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # until the extraction workers are running
            workers = [
                c for c in parent.children(recursive=True) if "spawn_main" in " ".join(c.cmdline())
            ]
            if len(workers) >= 1:
                break
            time.sleep(0.5)
        children = parent.children(recursive=True)
        assert children, "the run started no child process"
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signal.SIGTERM
    assert "stopped by SIGTERM" in process.stderr.read()
    _, alive = psutil.wait_procs(children, timeout=15)
    assert alive == [], [p.cmdline() for p in alive]
    assert not (tmp_path / "out").exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".staging")] == []


def test_a_read_only_output_is_one_clear_error_and_the_release_stays(project, monkeypatch):
    import errno

    import pipeline.release.publish

    assert run("run", "-q").exit_code == 2
    before = snapshot(project / "data" / "processed")

    def read_only(folder, *args, **kwargs):
        folder.mkdir(parents=True, exist_ok=True)
        raise OSError(errno.EROFS, "Read-only file system", str(folder))

    monkeypatch.setattr(pipeline.release.publish, "write_release", read_only)
    result = run("run", "--no-cache")
    assert result.exit_code == 1
    assert "could not write the release next to data/processed (Read-only file system)" in (
        result.output
    )
    assert snapshot(project / "data" / "processed") == before
    assert sorted(p.name for p in (project / "data").iterdir()) == [
        "processed",
        "raw",
        "sources.yaml",
    ]
