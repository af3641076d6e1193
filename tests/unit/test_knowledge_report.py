"""The knowledge report: which reference entries a published dataset never used."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.quality.knowledge_report import knowledge_report


def dataset(folder, entity_ids, treaty_ids):
    folder.mkdir()
    (folder / "entities.csv").write_text("entity_id\n" + "".join(f"{e}\n" for e in entity_ids))
    (folder / "treaties.csv").write_text("treaty_id\n" + "".join(f"{t}\n" for t in treaty_ids))
    return folder


def test_used_and_unused_entries_are_counted_apart_from_iso_countries(tmp_path):
    data = dataset(tmp_path / "d", ["gpe:japan", "org:nato", "gpe:fiji"], ["anzus-treaty"])
    found = knowledge_report(data)
    assert found.entities_used == 2 and found.countries_used == 1
    assert "japan" not in found.unused_entities and "nato" not in found.unused_entities
    assert "south-korea" in found.unused_entities
    assert found.treaties_used == 1 and "anzus-treaty" not in found.unused_treaties
    assert found.treaties_total == found.treaties_used + len(found.unused_treaties)


def test_the_command_prints_json(tmp_path):
    data = dataset(tmp_path / "d", ["gpe:japan"], [])
    result = CliRunner().invoke(app, ["kb-report", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entities_used"] == 1
    missing = CliRunner().invoke(app, ["kb-report", "--data", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "no entities.csv" in missing.output
