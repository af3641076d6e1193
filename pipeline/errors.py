"""Errors that name the file and the problem."""

from __future__ import annotations

from pathlib import Path


class BriefdataError(Exception):
    """Base class: every error the pipeline reports to its user."""


class IngestError(BriefdataError):
    """A document could not be read; the rest of the run goes on."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class RegistryError(BriefdataError):
    """The source registry is malformed or unsafe."""


class FetchError(BriefdataError):
    """A source could not be downloaded or failed verification."""


class ModelNotInstalledError(BriefdataError):
    """No English spaCy model is installed."""


class ValidationFailed(BriefdataError):
    """Tables failed schema validation; nothing new was published."""

    def __init__(self, message: str, report_path: Path | None = None) -> None:
        self.report_path = report_path
        super().__init__(message)


class PublishLocked(BriefdataError):
    """Another run holds the publish lock."""
