"""Where things are and how a run behaves."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest.reader import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class Settings:
    registry: Path = Path("data/sources.yaml")
    raw: Path = Path("data/raw")
    output: Path = Path("data/processed")
    cache: Path = Path(".cache/briefdata")
    input_dir: Path | None = None  # process every document of a folder instead of the registry
    only: tuple[str, ...] = ()  # restrict the run to these source ids
    max_bytes: int = DEFAULT_MAX_BYTES
    n_process: int | None = None  # worker processes for extraction; one per core when unset
    pool_min_docs: int = 40  # below this many pending documents, extract in-process
    use_cache: bool = True
    fetch_timeout: float = 60.0

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then BRIEFDATA_* environment variables, then explicit overrides."""
        env: dict[str, object] = {}
        if "BRIEFDATA_CACHE" in os.environ:
            env["cache"] = Path(os.environ["BRIEFDATA_CACHE"])
        if "BRIEFDATA_MAX_BYTES" in os.environ:
            env["max_bytes"] = int(os.environ["BRIEFDATA_MAX_BYTES"])
        if "BRIEFDATA_POOL_MIN_DOCS" in os.environ:
            env["pool_min_docs"] = int(os.environ["BRIEFDATA_POOL_MIN_DOCS"])
        if "BRIEFDATA_N_PROCESS" in os.environ:
            env["n_process"] = int(os.environ["BRIEFDATA_N_PROCESS"])
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)  # type: ignore[arg-type]
