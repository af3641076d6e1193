"""Shared fixtures: the spaCy model, one Prefect test harness, project copies."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import flows  # noqa: F401 - Prefect's environment defaults, before Prefect is imported

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
QUALITY = TESTS / "quality"
GUIDELINES = QUALITY / "GUIDELINES.md"
GOLD = QUALITY / "dev" / "gold"  # development gold: may be read while improving extractors
SOURCES = QUALITY / "dev" / "sources"
HELDOUT = QUALITY / "heldout"  # frozen, annotated blind: scored, never tuned on
PDFS = TESTS / "fixtures" / "pdfs"  # real PDFs from pdfplumber's test set (MIT)
BRIEF = "haggard-2021-beyond-deterrence"
# Five development documents of different kinds (a brief, two statutes, two statements)
# that integration tests run end to end.
SAMPLE = (
    BRIEF,
    "usc-22-2428a",
    "usc-22-7846",
    "wh-2021-04-16-us-japan-joint-leaders-statement",
    "wh-2023-04-26-washington-declaration",
)


def copy_sample(folder: Path, *, gold: bool = False) -> Path:
    """The sample documents (or their gold files) copied into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id in SAMPLE:
        source = GOLD / f"{doc_id}.yaml" if gold else SOURCES / f"{doc_id}.md"
        shutil.copy(source, folder / source.name)
    return folder


@pytest.fixture(scope="session")
def sample_sources(tmp_path_factory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("sample") / "sources")


@pytest.fixture(scope="session")
def sample_gold(tmp_path_factory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("sample") / "gold", gold=True)


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp.model import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One ephemeral Prefect backend for the whole session (entering one costs ~10 s)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's registry and raw files in a temporary folder."""
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "sources.yaml", tmp_path / "data" / "sources.yaml")
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    return tmp_path


def settings_for(project: Path, **overrides):
    from pipeline.run.options import Settings

    values = {
        "registry": project / "data" / "sources.yaml",
        "raw": project / "data" / "raw",
        "output": project / "data" / "processed",
        "cache": project / ".cache",
    }
    values.update(overrides)
    return Settings(**values)
