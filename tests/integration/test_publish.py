"""Publishing: validation gates the release, the swap is atomic, a crash loses nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import PublishLocked, ValidationFailed
from pipeline.release.publish import publish, publish_lock, recover
from pipeline.release.record import DOCUMENT_TABLES, DocumentRecord, EntityFacts
from pipeline.release.tables import build_tables
from tests.conftest import ROOT


def record(doc_id: str, text: str) -> DocumentRecord:
    """A minimal document record: one sentence per line, one entity mention."""
    sentences, position = [], 0
    for n, line in enumerate(text.split("\n"), 1):
        sentences.append(
            {"sentence_id": f"{doc_id}:s{n:05d}", "doc_id": doc_id, "page": None, "section": "",
             "kind": "body", "start_char": position, "end_char": position + len(line), "text": line}
        )  # fmt: skip
        position += len(line) + 1
    start = text.index("Japan")
    mention = {
        "mention_id": f"{doc_id}:m00001", "entity_id": "gpe:japan", "doc_id": doc_id,
        "sentence_id": f"{doc_id}:s00001", "start_char": start, "end_char": start + 5,
        "text": "Japan", "label": "GPE",
    }  # fmt: skip
    document = {
        "doc_id": doc_id, "title": doc_id, "authors": [], "publisher": "", "published": "2021",
        "source_url": "", "license": "", "media_type": "text/plain", "language": "en",
        "sha256": "0" * 64,
        "pages": None, "words": len(text.split()), "status": "current",
    }  # fmt: skip
    rows = {table: [] for table in DOCUMENT_TABLES}
    rows.update(documents=[document], sentences=sentences, mentions=[mention])
    facts = {"gpe:japan": EntityFacts("Japan", "GPE", [], "Q17", "JPN")}
    return DocumentRecord(doc_id=doc_id, text=text, rows=rows, entities=facts)


def release(*texts: str) -> tuple[dict, dict]:
    records = [record(f"doc-{n}", text) for n, text in enumerate(texts, 1)]
    return build_tables(records), {r.doc_id: r.text for r in records}


OLD = ("Japan and Korea are allies.",)
NEW = ("Japan signed a treaty.\nIt was 1951.", "Japan again.")


def publish_old_and_snapshot(output: Path) -> dict[str, bytes]:
    tables, texts = release(*OLD)
    publish(output, tables, texts, {"release": "old"})
    return snapshot(output)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_publish_writes_a_valid_package(tmp_path):
    tables, texts = release(*NEW)
    publish(tmp_path / "out", tables, texts, {"release": "new"})
    files = snapshot(tmp_path / "out")
    assert {"documents.csv", "datapackage.json", "manifest.json", "text/doc-1.txt"} <= set(files)
    assert files["text/doc-1.txt"] == b"Japan signed a treaty.\nIt was 1951."
    assert not list(tmp_path.glob(".staging-*"))


def test_invalid_rows_publish_nothing_and_list_every_failure(tmp_path):
    output = tmp_path / "out"
    before = publish_old_and_snapshot(output)
    tables, texts = release(*NEW)
    tables["sentences"].loc[0, "end_char"] = 3  # breaks the offset invariant
    tables["mentions"].loc[0, "entity_id"] = "gpe:atlantis"  # dangling foreign key
    with pytest.raises(ValidationFailed) as failure:
        publish(output, tables, texts, {"release": "bad"})
    assert snapshot(output) == before
    report = json.loads(failure.value.report_path.read_text())["failures"]
    checks = {(f["table"], f["check"]) for f in report}
    assert ("sentences", "text[start_char:end_char] != text") in checks
    assert ("mentions", "foreign key to entities.entity_id") in checks


def test_lock_refuses_a_second_run_and_is_released(tmp_path):
    output = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from pipeline.release.publish import publish_lock
            with publish_lock(Path({str(output)!r})):
                print("locked", flush=True)
                time.sleep(30)
        """)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        expected = rf"another briefdata run \(pid {holder.pid}\)"
        with pytest.raises(PublishLocked, match=expected), publish_lock(output):
            pass
    finally:
        holder.kill()  # a crash: the kernel releases the lock
        holder.wait()
    with publish_lock(output):
        pass


# point -> (function to die in, on which call, release found after recovery);
# the first rmtree call clears old staging folders
KILL_POINTS = {
    "while writing the tables": ("pipeline.release.publish.write_json", 1, "old"),
    "while validating": ("pipeline.release.publish.validate_package", 1, "old"),
    "just before the swap": ("pipeline.release.publish.swap_into_place", 1, "old"),
    "after the swap, before cleanup": ("pipeline.release.publish.shutil.rmtree", 2, "new"),
    "between the two renames of the fallback": ("pipeline.release.publish.os.rename", 2, "old"),
}


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_sigkill_during_publish_leaves_old_or_new_and_the_next_run_recovers(tmp_path, point):
    output = tmp_path / "out"
    old = publish_old_and_snapshot(output)
    target, die_on_call, expected = KILL_POINTS[point]
    fallback = point.startswith("between")
    script = textwrap.dedent(f"""
        import os, signal, sys
        from pathlib import Path
        import pipeline.release.publish as publish_module
        from tests.integration.test_publish import release, NEW
        calls = {{"n": 0}}
        module_name, _, attribute = {target!r}.rpartition(".")
        owner = eval(module_name.replace("pipeline.release.publish", "publish_module"))
        original = getattr(owner, attribute)
        def killer(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] < {die_on_call}:
                return original(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        setattr(owner, attribute, killer)
        if {fallback!r}:
            publish_module._exchange = lambda a, b: False
        tables, texts = release(*NEW)
        publish_module.publish(Path({str(output)!r}), tables, texts, {{"release": "new"}})
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == -9, result.stderr

    tables, texts = release(*NEW)
    new_dir = tmp_path / "reference-new"
    publish(new_dir, tables, texts, {"release": "new"})
    new = snapshot(new_dir)

    recover(output)
    state = snapshot(output) if output.exists() else {}
    assert state in (old, new), f"{point}: published folder is neither the old nor the new release"
    assert state == (old if expected == "old" else new)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".staging-", ".retired-"))]

    publish(output, tables, texts, {"release": "new"})  # the next run just works
    assert snapshot(output) == new


def test_recover_restores_a_release_retired_by_a_crash(tmp_path):
    output = tmp_path / "out"
    old = publish_old_and_snapshot(output)
    os.rename(output, tmp_path / f".retired-out-{os.getpid()}")
    notes = recover(output)
    assert "restored" in notes[0]
    assert snapshot(output) == old
