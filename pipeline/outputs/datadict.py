"""The data dictionary: Markdown generated from `schemas/*.schema.json`.

`docs/data-dictionary.md` is this module's output, committed; regenerate it with

    python -m pipeline.outputs.datadict > docs/data-dictionary.md

The schemas are the single source of truth; never edit the Markdown by hand.
"""

from __future__ import annotations

import sys
from typing import Any

from pipeline.release.schema import TABLES, load_schema

REGENERATE = "python -m pipeline.outputs.datadict > docs/data-dictionary.md"

Field = dict[str, Any]


def is_list_field(field: Field) -> bool:
    """True for string cells holding several values (the schema's `listSeparator`)."""
    return field.get("type") == "string" and "listSeparator" in field


def foreign_keys(table: str) -> list[tuple[str, str, str]]:
    """(column, target table, target column) for every foreign key of `table`."""
    return [
        (key["fields"], key["reference"]["resource"], key["reference"]["fields"])
        for key in load_schema(table).get("foreignKeys", [])
    ]


def referenced_by(table: str) -> list[tuple[str, str, str]]:
    """(source table, source column, column of `table`) for keys pointing at `table`."""
    return [
        (source, column, target_column)
        for source in TABLES
        for column, target, target_column in foreign_keys(source)
        if target == table
    ]


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell (no pipes, no HTML, one line)."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<")


def code(text: str) -> str:
    """Inline code safe inside a Markdown table cell."""
    return f"`{text.replace('|', '&#124;')}`"


def column_type(field: Field) -> str:
    kind = field.get("type", "string")
    return f"{kind} (list)" if is_list_field(field) else kind


def allowed_values(field: Field) -> str:
    constraints = field.get("constraints", {})
    parts = []
    if "enum" in constraints:
        parts.append(", ".join(code(str(value)) for value in constraints["enum"]))
    if "pattern" in constraints:
        parts.append(f"pattern {code(constraints['pattern'])}")
    if "minimum" in constraints:
        parts.append(f"≥ {constraints['minimum']}")
    if "maximum" in constraints:
        parts.append(f"≤ {constraints['maximum']}")
    if constraints.get("unique"):
        parts.append("unique")
    return "; ".join(parts)


def column_rows(table: str) -> list[str]:
    lines = [
        "| column | type | required | description | allowed values |",
        "|---|---|---|---|---|",
    ]
    for field in load_schema(table)["fields"]:
        required = "yes" if field.get("constraints", {}).get("required") else ""
        lines.append(
            f"| {code(field['name'])} | {column_type(field)} | {required} | "
            f"{cell(field.get('description', ''))} | {allowed_values(field)} |"
        )
    return lines


def key_lines(table: str) -> list[str]:
    schema = load_schema(table)
    lines = [f"- Primary key: {', '.join(code(k) for k in schema['primaryKey'])}"]
    keys = foreign_keys(table)
    if keys:
        lines.append("- Foreign keys:")
        lines += [f"  - {code(c)} → {code(f'{t}.{tc}')}" for c, t, tc in keys]
    else:
        lines.append("- Foreign keys: none")
    incoming = referenced_by(table)
    if incoming:
        refs = ", ".join(code(f"{s}.{c}") for s, c, _ in incoming)
        lines.append(f"- Referenced by: {refs}")
    return lines


def table_section(table: str) -> list[str]:
    schema = load_schema(table)
    return [
        f"## {table}",
        "",
        f"File `{table}.csv`. {cell(schema.get('description', ''))}",
        "",
        *key_lines(table),
        "",
        *column_rows(table),
        "",
    ]


def header() -> list[str]:
    return [
        "# Data dictionary",
        "",
        "<!-- Generated from schemas/ by pipeline/outputs/datadict.py; do not edit. -->",
        f"<!-- Regenerate: {REGENERATE} -->",
        "",
        "The published tables in `data/processed/`: UTF-8 CSV, one header row, sorted by id,",
        "empty cells for missing values. Character offsets index into",
        "`text/<doc_id>.txt`. Columns typed *(list)* hold several values joined with `; `.",
        "Load them typed with `pipeline.load()`.",
        "",
        "| table | contents | primary key |",
        "|---|---|---|",
        *[
            f"| [{t}](#{t}) | {cell(load_schema(t).get('description', ''))} | "
            f"{code(load_schema(t)['primaryKey'][0])} |"
            for t in TABLES
        ],
        "",
    ]


def render_data_dictionary() -> str:
    """The whole data dictionary as Markdown, deterministic, ending with one newline."""
    lines = header()
    for table in TABLES:
        lines += table_section(table)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    sys.stdout.write(render_data_dictionary())


if __name__ == "__main__":
    main()
