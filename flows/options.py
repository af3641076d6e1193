"""Flow parameters are plain values; this turns them into Settings."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Settings


def settings_from(
    registry: str = "data/sources.yaml",
    raw: str = "data/raw",
    output: str = "data/processed",
    input_dir: str | None = None,
    only: list[str] | None = None,
    use_cache: bool = True,
    n_process: int | None = None,
) -> Settings:
    return Settings.from_env(
        registry=Path(registry),
        raw=Path(raw),
        output=Path(output),
        input_dir=Path(input_dir) if input_dir else None,
        only=tuple(only or ()),
        use_cache=use_cache,
        n_process=n_process,
    )
