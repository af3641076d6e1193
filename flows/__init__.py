"""Prefect flows: thin wrappers that compose the stages in `pipeline/`."""

import os

# Ephemeral mode needs no server; it must not try to send telemetry either.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# A fresh ephemeral database takes a while to migrate on a busy machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# Progress is reported by the CLI; Prefect's own INFO lines would drown it.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
