"""The held-out gold is frozen: annotated blind before the pipeline ran on its documents,
then never changed. Its scores are measured and reported (docs/quality.md), never used to
tune: a change to any of its files would make it development gold."""

from __future__ import annotations

import hashlib

from tests.conftest import HELDOUT


def frozen() -> dict[str, str]:
    lines = (HELDOUT / "FROZEN.sha256").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split(maxsplit=1) for line in lines)}


def test_every_held_out_file_is_the_one_that_was_frozen():
    files = {
        path.relative_to(HELDOUT).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in ("gold", "sources")
        for path in sorted((HELDOUT / folder).iterdir())
    }
    assert files == frozen()


def test_every_held_out_document_has_its_gold():
    stems = {p.stem for p in (HELDOUT / "sources").glob("*.md")}
    assert stems == {p.stem for p in (HELDOUT / "gold").glob("*.yaml")} and len(stems) == 6
