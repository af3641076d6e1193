"""One record type: what the cache stores, what a release is built from, and what stale
recovery and the loader rebuild from the published tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pipeline
from pipeline.release.record import DocumentRecord
from pipeline.release.schema import list_columns
from pipeline.run import run_local
from pipeline.run.cache import RecordCache
from pipeline.run.fingerprint import fingerprint, item_key
from pipeline.run.options import Settings
from pipeline.run.plan import plan_run

pytestmark = pytest.mark.slow

TEXT = """# Notes on the alliance

Japan and South Korea signed the General Security of Military Information Agreement in
November 2016. Prime Minister Shinzo Abe and President Park Geun-hye agreed.

The United States should support trilateral cooperation, as the 1951 U.S.-Japan Security
Treaty foresaw.
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Settings, Path]:
    root = tmp_path_factory.mktemp("record")
    (root / "in").mkdir()
    (root / "in" / "notes.md").write_text(TEXT)
    settings = Settings(input_dir=root / "in", output=root / "out", cache=root / "cache")
    run_local(settings)
    return settings, root / "out"


def cached_record(settings: Settings) -> DocumentRecord:
    (item,) = plan_run(settings).items
    data = RecordCache(settings.cache).get(item_key(item, fingerprint()))
    assert data is not None
    return DocumentRecord.from_json(json.loads(json.dumps(data)))


def test_the_record_rebuilt_from_the_release_has_the_rows_extraction_made(published):
    settings, folder = published
    made = cached_record(settings)
    rebuilt = pipeline.load(folder).record("notes")
    assert rebuilt.text == made.text
    for table in ("sentences", "mentions", "dates", "treaty_mentions"):
        assert rebuilt.rows[table] == made.rows[table], table
    assert set(rebuilt.entities) == set(made.entities)
    assert {k: (f.name, f.kind) for k, f in rebuilt.treaties.items()} == {
        k: (f.name, f.kind) for k, f in made.treaties.items()
    }


def test_lists_stay_lists_until_the_csv_writer(published):
    settings, _ = published
    made = cached_record(settings)
    assert made.document["authors"] == []
    for table, rows in made.rows.items():
        for column in list_columns(table):
            assert all(isinstance(row[column], list) for row in rows), (table, column)
    assert all(isinstance(f.parties, list) for f in made.treaties.values())


def test_dates_carry_their_treaty_id(published):
    settings, _ = published
    made = cached_record(settings)
    linked = {d["text"]: d["treaty_id"] for d in made.rows["dates"] if d["treaty_id"]}
    assert linked.get("1951", "").startswith("us-japan-security-treaty")
