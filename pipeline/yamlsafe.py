"""YAML that cannot grow: no anchors or aliases, bounded nesting.

`yaml.safe_load` shares the node an alias points to, so a 1.6 KB "billion laughs"
document loads quickly, and the first `str()` or `json.dumps` of it expands to
billions of items and takes all memory. Front matter and the source registry
have no use for anchors, so they are refused before anything is built.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 64  # nested mappings and sequences; the composer recurses once per level


class YamlRefused(yaml.YAMLError):
    """Well-formed YAML this loader will not build (aliases, deep nesting, bad values)."""


class _TextDatesLoader(yaml.SafeLoader):
    """The safe loader, with dates left as the text they were written as."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml_no_aliases(
    text: str, *, max_depth: int = MAX_DEPTH, first_line: int = 1, dates_as_text: bool = False
) -> Any:
    """Like `yaml.safe_load`, but anchors, aliases and nesting deeper than `max_depth`
    raise `YamlRefused` (a `yaml.YAMLError`), as do values the safe loader cannot
    build (a date such as 2021-02-30). Malformed YAML raises the usual `yaml.YAMLError`.
    Line numbers in messages count from `first_line` (where `text` starts in its file).
    With `dates_as_text`, dates stay text ("2021-02-30" is then the caller's to judge).
    """
    _refuse_aliases_and_depth(text, max_depth, first_line)
    loader = _TextDatesLoader if dates_as_text else yaml.SafeLoader
    try:
        return yaml.load(text, Loader=loader)
    except (ValueError, OverflowError, RecursionError) as error:
        raise YamlRefused(f"a value cannot be read: {error}") from error


def _refuse_aliases_and_depth(text: str, max_depth: int, first_line: int) -> None:
    """Walk the parser's events (nothing is built, so nothing expands)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = first_line + event.start_mark.line
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlRefused(f"anchors and aliases are not allowed (line {line})")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise YamlRefused(f"nested deeper than {max_depth} levels (line {line})")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
