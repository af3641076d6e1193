"""Licence expressions: SPDX (through license-expression) or a known statement."""

from __future__ import annotations

from functools import cache

import yaml

from pipeline.paths import REFERENCE_DIR

LICENSES_FILE = REFERENCE_DIR / "licenses.yaml"


@cache
def _statements() -> dict[str, str]:
    data = yaml.safe_load(LICENSES_FILE.read_text(encoding="utf-8"))
    known: dict[str, str] = {}
    for statement in data["statements"]:
        for name in [statement["name"], *statement.get("aliases", [])]:
            known[name.casefold()] = statement["name"]
    return known


@cache
def _spdx():  # a license_expression.Licensing
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def canonical_license(text: str) -> str | None:
    """The canonical form of a licence ("CC BY-NC 4.0" -> "CC-BY-NC-4.0"), None if unknown."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    statement = _statements().get(cleaned.casefold().rstrip("."))
    if statement:
        return statement
    for candidate in (cleaned, _hyphenated(cleaned)):
        info = _spdx().validate(candidate)
        if not info.errors and info.normalized_expression:
            return str(info.normalized_expression)
    return None


def _hyphenated(text: str) -> str:
    """ "CC BY-NC 4.0" -> "CC-BY-NC-4.0": spaces inside a licence key become hyphens,
    while the operators of an expression (AND, OR, WITH) keep their spaces."""
    words = text.split(" ")
    out: list[str] = []
    for word in words:
        if (
            word.upper() in ("AND", "OR", "WITH")
            or not out
            or out[-1].upper()
            in (
                "AND",
                "OR",
                "WITH",
            )
        ):
            out.append(word)
        else:
            out[-1] = f"{out[-1]}-{word}"
    return " ".join(out)
