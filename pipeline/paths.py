"""Where the project's own files are (code, schemas, reference knowledge)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
SCHEMA_DIR = PROJECT_DIR / "schemas"
REFERENCE_DIR = PROJECT_DIR / "data" / "reference"
GUIDELINES = PROJECT_DIR / "tests" / "quality" / "GUIDELINES.md"
DEV_GOLD = PROJECT_DIR / "tests" / "quality" / "dev" / "gold"
