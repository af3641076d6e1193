"""The committed data dictionary is exactly what the schemas generate."""

from __future__ import annotations

from pathlib import Path

from pipeline.outputs.datadict import REGENERATE, is_list_field, render_data_dictionary
from pipeline.release.schema import TABLES, load_schema

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def test_committed_dictionary_is_up_to_date() -> None:
    fresh = render_data_dictionary()
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    assert committed == fresh, (
        f"docs/data-dictionary.md is out of date with schemas/; regenerate it: {REGENERATE}"
    )


def test_every_table_and_column_is_described() -> None:
    text = render_data_dictionary()
    for table in TABLES:
        schema = load_schema(table)
        assert f"## {table}\n" in text
        assert f"- Primary key: `{schema['primaryKey'][0]}`" in text
        for field in schema["fields"]:
            assert f"| `{field['name']}` |" in text
        for key in schema.get("foreignKeys", []):
            target = f"{key['reference']['resource']}.{key['reference']['fields']}"
            assert f"`{key['fields']}` → `{target}`" in text


def test_enums_patterns_and_lists() -> None:
    text = render_data_dictionary()
    assert "`peace treaty`, `security treaty`" in text
    assert "pattern `^[0-9a-f]{64}$`" in text
    assert "| `parties` | string (list) |" in text
    assert "\\<doc_id>" in text and "<doc_id>:" not in text.replace("\\<doc_id>", "")
    fields = {f["name"]: f for f in load_schema("treaties")["fields"]}
    assert is_list_field(fields["parties"]) and not is_list_field(fields["name"])


def test_shared_fields_are_declared_once_and_used() -> None:
    """Every field of fields.json is used by a table, and no table re-declares one."""
    import json

    from pipeline.release.schema import SCHEMA_DIR, shared_fields

    used: set[str] = set()
    for table in TABLES:
        raw = json.loads((SCHEMA_DIR / f"{table}.schema.json").read_text(encoding="utf-8"))
        for field in raw["fields"]:
            if "use" in field:
                used.add(field["use"])
            elif field["name"] in shared_fields():
                shared = shared_fields()[field["name"]]
                assert field != shared, f"{table}.{field['name']} re-declares a shared field"
    assert used == set(shared_fields()), set(shared_fields()) - used
