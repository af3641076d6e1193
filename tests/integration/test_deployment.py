"""Scheduled runs, proven the way they run in production: a real `prefect server` on
127.0.0.1, a process work pool and a worker (the README's `prefect deploy` route), and
`briefdata serve`, each started here as separate processes and stopped at the end."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pipeline.release.schema import read_table, validate_package
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass
class Server:
    api: str
    env: dict[str, str]
    project: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(
        command, env=env, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group, SIGKILL if it does not go within 20 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_until(check, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{tail}")


def project_copy(root: Path) -> Path:
    """What a deployment's working directory holds: the flows, prefect.yaml and data."""
    project = root / "project"
    shutil.copytree(ROOT / "flows", project / "flows", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "prefect.yaml", project / "prefect.yaml")
    shutil.copytree(ROOT / "data" / "raw", project / "data" / "raw")
    shutil.copy(ROOT / "data" / "sources.yaml", project / "data" / "sources.yaml")
    return project


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("deployment")
    project = project_copy(root)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(root / "prefect-home"),
        PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_CLI_PROMPT="false",
        PREFECT_WORKER_QUERY_SECONDS="2",
        BRIEFDATA_HOME=str(project),
        BRIEFDATA_CACHE=str(root / "cache"),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    log = root / "server.log"
    process = start(
        ["prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env, project, log,
    )  # fmt: skip
    try:
        wait_until(lambda: _healthy(env["PREFECT_API_URL"]), 180, "the Prefect server", log)
        yield Server(env["PREFECT_API_URL"], env, project)
    finally:
        stop(process)
        assert process.poll() is not None


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def cli(server: Server, *args: str, timeout: float = 180) -> str:
    result = subprocess.run(
        list(args), env=server.env, cwd=server.project, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def trigger(server: Server, deployment: str, *parameters: str) -> str:
    extra = [item for parameter in parameters for item in ("--param", parameter)]
    output = cli(server, "prefect", "deployment", "run", deployment, *extra)
    match = re.search(r"UUID:\s*([0-9a-f-]{36})", output)
    assert match, output
    return match.group(1)


def final_state(server: Server, flow_run_id: str, log: Path) -> dict:
    def state() -> dict | None:
        data = httpx.get(f"{server.api}/flow_runs/{flow_run_id}", timeout=10).json()
        return data["state"] if data["state"]["type"] in TERMINAL else None

    return wait_until(state, 420, f"flow run {flow_run_id}", log)


def artifact(server: Server, flow_run_id: str) -> dict:
    response = httpx.post(
        f"{server.api}/artifacts/filter",
        json={"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}},
        timeout=10,
    )
    (found,) = [a for a in response.json() if a["key"] == "briefdata-run"]
    return found


def assert_published(project: Path) -> None:
    processed = project / "data" / "processed"
    assert validate_package(processed).ok
    documents = read_table(processed / "documents.csv")
    assert documents["doc_id"].tolist() == ["haggard-2021-beyond-deterrence"]


def test_prefect_deploy_and_a_process_worker_run_the_daily_deployment(server, tmp_path):
    cli(server, "prefect", "work-pool", "create", "default", "--type", "process")
    output = cli(server, "prefect", "deploy", "--all")
    assert "briefdata/daily" in output
    log = tmp_path / "worker.log"
    worker = start(["prefect", "worker", "start", "--pool", "default"], server.env,
                   server.project, log)  # fmt: skip
    try:
        flow_run = trigger(server, "briefdata/daily")
        state = final_state(server, flow_run, log)
        assert state["type"] == "COMPLETED", (state, log.read_text()[-3000:])
        # The NPEC study is not in the repository: published, and the gap is visible.
        assert state["name"] == "Partial"
        assert "1 missing (npec-2021-new-frontiers)" in state["message"]
        assert_published(server.project)
        summary = artifact(server, flow_run)
        assert "| published | 1 |" in summary["data"] and "| missing | 1 |" in summary["data"]

        strict = trigger(server, "briefdata/daily", "fail_on_gaps=true")
        state = final_state(server, strict, log)
        assert state["type"] == "FAILED" and "published with gaps" in state["message"]
    finally:
        stop(worker)


def test_briefdata_serve_runs_the_flow_on_the_server(server, tmp_path):
    log = tmp_path / "serve.log"
    serving = start([str(BIN / "briefdata"), "serve", "--cron", "0 6 * * *"], server.env,
                    server.project, log)  # fmt: skip
    try:
        wait_until(
            lambda: "briefdata/briefdata-scheduled" in _deployments(server), 120,
            "the served deployment", log,
        )  # fmt: skip
        flow_run = trigger(server, "briefdata/briefdata-scheduled")
        state = final_state(server, flow_run, log)
        assert state["type"] == "COMPLETED", (state, log.read_text()[-3000:])
        assert_published(server.project)
        manifest = json.loads((server.project / "data" / "processed" / "manifest.json").read_text())
        assert "run" not in manifest and "started" not in json.dumps(manifest)
    finally:
        stop(serving)


def _deployments(server: Server) -> str:
    response = httpx.post(f"{server.api}/deployments/filter", json={}, timeout=10)
    names = []
    for deployment in response.json():
        flow = httpx.get(f"{server.api}/flows/{deployment['flow_id']}", timeout=10).json()
        names.append(f"{flow['name']}/{deployment['name']}")
    return " ".join(names)
