"""What a run is asked to do (flow parameters) and where things are (settings)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.errors import BriefdataError
from pipeline.ingest.reader import DEFAULT_MAX_BYTES

RUNNERS = ("default", "dask")


@dataclass(frozen=True)
class RunOptions:
    """A run's parameters as one small, JSON-able value (it travels to Prefect as is).

    It carries references (paths, ids), never the registry's content, so that a
    registry of any size fits in a flow run's parameters.
    """

    registry: str = "data/sources.yaml"
    raw: str = "data/raw"
    output: str = "data/processed"
    input_dir: str | None = None  # every document of a folder instead of the registry
    only: tuple[str, ...] = ()  # re-extract only these source ids
    subset: bool = False  # publish only `only` (the CLI sets it for an explicit --output)
    prune: bool = False  # allow a release that drops published documents
    use_cache: bool = True
    n_process: int | None = None
    runner: str = "default"
    address: str | None = None
    fail_on_gaps: bool = False  # a run with missing, failed or stale sources ends Failed


@dataclass(frozen=True)
class Settings:
    """Paths and limits of a run: its options resolved, plus BRIEFDATA_* settings."""

    registry: Path = Path("data/sources.yaml")
    raw: Path = Path("data/raw")
    output: Path = Path("data/processed")
    cache: Path = Path(".cache/briefdata")
    input_dir: Path | None = None
    only: tuple[str, ...] = ()
    subset: bool = False
    prune: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    n_process: int | None = None  # worker processes for extraction; one per core when unset
    pool_min_docs: int = 40  # below this many pending documents, extract in-process
    use_cache: bool = True
    fetch_timeout: float = 60.0  # seconds for a whole download
    document_seconds: float = 600.0  # time budget of one document (read, model, extractors)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then BRIEFDATA_* environment variables, then explicit overrides."""
        env: dict[str, object] = {}
        for name, key, kind in _ENVIRONMENT:
            value = os.environ.get(name, "").strip()
            if not value:
                continue
            try:
                env[key] = kind(value)
            except ValueError as error:
                raise BriefdataError(f"{name}={value!r} is not a valid {kind.__name__}") from error
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)  # type: ignore[arg-type]

    @classmethod
    def from_options(cls, options: RunOptions) -> Settings:
        return cls.from_env(
            registry=Path(options.registry),
            raw=Path(options.raw),
            output=Path(options.output),
            input_dir=Path(options.input_dir) if options.input_dir else None,
            only=tuple(options.only),
            subset=options.subset,
            prune=options.prune,
            use_cache=options.use_cache,
            n_process=options.n_process,
        )

    def with_output(self, output: Path) -> Settings:
        return replace(self, output=output)


_ENVIRONMENT: tuple[tuple[str, str, type], ...] = (
    ("BRIEFDATA_CACHE", "cache", Path),
    ("BRIEFDATA_MAX_BYTES", "max_bytes", int),
    ("BRIEFDATA_POOL_MIN_DOCS", "pool_min_docs", int),
    ("BRIEFDATA_N_PROCESS", "n_process", int),
    ("BRIEFDATA_FETCH_TIMEOUT", "fetch_timeout", float),
    ("BRIEFDATA_DOCUMENT_SECONDS", "document_seconds", float),
)
