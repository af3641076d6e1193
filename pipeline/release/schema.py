"""The table schemas in `schemas/`: column order, validation, the data package.

`schemas/<table>.schema.json` (Frictionless Table Schema) is the single source
of truth: the CSV columns, the pandera validators, the foreign-key checks and
`datapackage.json` are all derived from those files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.paths import SCHEMA_DIR

TABLES = (
    "documents",
    "sentences",
    "entities",
    "mentions",
    "dates",
    "treaties",
    "treaty_mentions",
    "recommendations",
    "citations",
)
OFFSET_TABLES = (
    "sentences",
    "mentions",
    "dates",
    "treaty_mentions",
    "recommendations",
    "citations",
)
DOC_COLUMN = {"citations": "citing_doc_id"}


@cache
def shared_fields() -> dict[str, dict[str, Any]]:
    """The fields several tables share (`schemas/fields.json`), declared once."""
    return json.loads((SCHEMA_DIR / "fields.json").read_text(encoding="utf-8"))["fields"]


@cache
def load_schema(table: str) -> dict[str, Any]:
    """A table's Table Schema, its shared fields resolved."""
    schema = json.loads((SCHEMA_DIR / f"{table}.schema.json").read_text(encoding="utf-8"))
    return {**schema, "fields": [_resolved(field) for field in schema["fields"]]}


def _resolved(field: dict[str, Any]) -> dict[str, Any]:
    """A field as written, or the shared field it `use`s with its overrides applied."""
    if "use" not in field:
        return field
    base = shared_fields()[field["use"]]
    overrides = {k: v for k, v in field.items() if k not in ("use", "constraints")}
    constraints = {**base.get("constraints", {}), **field.get("constraints", {})}
    merged = {**base, **overrides}
    if constraints:
        merged["constraints"] = constraints
    return merged


def enum(table: str, column: str) -> tuple[str, ...]:
    """The allowed values of a column (its schema's `enum` constraint)."""
    for spec in load_schema(table)["fields"]:
        if spec["name"] == column:
            return tuple(spec["constraints"]["enum"])
    raise KeyError(f"{table}.{column}")


def columns(table: str) -> list[str]:
    return [f["name"] for f in load_schema(table)["fields"]]


def primary_key(table: str) -> str:
    return load_schema(table)["primaryKey"][0]


def list_columns(table: str) -> list[str]:
    """Columns whose cells hold several values, joined with the schema's `listSeparator`."""
    return [f["name"] for f in load_schema(table)["fields"] if "listSeparator" in f]


def integer_columns(table: str) -> list[str]:
    return [f["name"] for f in load_schema(table)["fields"] if f["type"] == "integer"]


def number_columns(table: str) -> list[str]:
    return [f["name"] for f in load_schema(table)["fields"] if f["type"] == "number"]


def datapackage_descriptor(name: str = "briefdata") -> dict[str, Any]:
    resources = []
    for table in TABLES:
        schema = load_schema(table)
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": schema.get("description", ""),
                "schema": {k: v for k, v in schema.items() if k != "description"},
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": "briefdata: entities, dates, treaties and recommendations from policy documents",
        "resources": resources,
    }


@dataclass
class ValidationReport:
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def add(self, table: str, check: str, row: Any, column: str, value: Any) -> None:
        self.failures.append(
            {"table": table, "check": check, "row": row, "column": column, "value": str(value)}
        )

    def summary(self, limit: int = 10) -> str:
        lines = [f"{len(self.failures)} validation failure(s):"]
        for failure in self.failures[:limit]:
            lines.append(
                f"  {failure['table']}: {failure['check']} ({failure['row'] or 'table'}, "
                f"column {failure['column']}, value {failure['value']!r})"
            )
        if len(self.failures) > limit:
            lines.append(f"  ... and {len(self.failures) - limit} more")
        return "\n".join(lines)


def read_table(path: Path) -> pd.DataFrame:
    """A published CSV exactly as written: every cell a string, empty cells missing."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def validate_package(folder: Path) -> ValidationReport:
    """Check every table in `folder`: schema (lazy), keys, offsets against the texts."""
    report = ValidationReport()
    tables: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        path = folder / f"{table}.csv"
        if not path.exists():
            report.add(table, "table missing", "", "", path.name)
            continue
        tables[table] = read_table(path)
        _check_schema(table, tables[table], report)
    _check_foreign_keys(tables, report)
    _check_offsets(folder, tables, report)
    return report


@cache
def _pandera_schema(table: str):
    from pandera.io.pandas_io import from_frictionless_schema

    schema = from_frictionless_schema(load_schema(table))
    # Optional integers (pages) need pandas' nullable integer type.
    return schema.update_columns({column: {"dtype": "Int64"} for column in integer_columns(table)})


def _check_schema(table: str, frame: pd.DataFrame, report: ValidationReport) -> None:
    import pandera.errors

    expected = columns(table)
    if list(frame.columns) != expected:
        report.add(table, "columns differ from the schema", "", ", ".join(frame.columns), "")
        return
    typed = frame.copy()
    for column in integer_columns(table):
        typed[column] = pd.to_numeric(typed[column], errors="coerce").astype("Int64")
    for column in number_columns(table):
        typed[column] = pd.to_numeric(typed[column], errors="coerce")
    try:
        _pandera_schema(table).validate(typed, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        for case in errors.failure_cases.to_dict("records"):
            report.add(
                table,
                _readable_check(str(case.get("check"))),
                _row_name(frame, table, case.get("index")),
                case.get("column"),
                case.get("failure_case"),
            )
    bad_numbers = frame[integer_columns(table)].notna() & typed[integer_columns(table)].isna()
    for column in integer_columns(table):
        for index in frame.index[bad_numbers[column]]:
            report.add(
                table, "not an integer", _row_name(frame, table, index), column,
                frame.at[index, column],
            )  # fmt: skip


def _row_name(frame: pd.DataFrame, table: str, index: Any) -> str:
    """A failing row named by its primary key ("doc_id haggard-2021"), not a row number."""
    key = primary_key(table)
    try:
        return f"{key} {frame.at[index, key]}"
    except (KeyError, ValueError, TypeError):
        return f"row {index}" if index is not None else ""


def _readable_check(check: str) -> str:
    """pandera's check names in plain words: str_matches('^^x$$') -> does not match ^x$."""
    match = re.fullmatch(r"str_matches\('\^?(.*?)\$?'\)", check)
    if match:
        return f"does not match the pattern {match.group(1)}"
    match = re.fullmatch(r"isin\((.*)\)", check)
    if match:
        return f"not one of {match.group(1)}"
    return check


def _check_foreign_keys(tables: dict[str, pd.DataFrame], report: ValidationReport) -> None:
    for table, frame in tables.items():
        for key in load_schema(table).get("foreignKeys", []):
            target = key["reference"]["resource"]
            if target not in tables:
                continue
            column, target_column = key["fields"], key["reference"]["fields"]
            known = set(tables[target][target_column].dropna())
            values = frame[column].dropna()
            for index, value in values[~values.isin(known)].items():
                report.add(
                    table, f"foreign key to {target}.{target_column}",
                    _row_name(frame, table, index), column, value,
                )  # fmt: skip


def _check_offsets(folder: Path, tables: dict[str, pd.DataFrame], report: ValidationReport) -> None:
    texts: dict[str, str] = {}
    for table in OFFSET_TABLES:
        frame = tables.get(table)
        if frame is None:
            continue
        doc_column = DOC_COLUMN.get(table, "doc_id")
        for row in frame[[doc_column, "start_char", "end_char", "text"]].itertuples():
            doc_id = getattr(row, doc_column)
            if doc_id not in texts:
                path = folder / "text" / f"{doc_id}.txt"
                texts[doc_id] = path.read_text(encoding="utf-8") if path.exists() else ""
            try:
                start, end = int(row.start_char), int(row.end_char)
            except (TypeError, ValueError):
                continue  # reported by the schema check
            if texts[doc_id][start:end] != row.text:
                report.add(
                    table, "text[start_char:end_char] != text",
                    _row_name(frame, table, row.Index), "text", row.text,
                )  # fmt: skip
