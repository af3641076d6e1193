"""`fetch` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.sources.fetch import fetch_source
from pipeline.sources.registry import Source

PAYLOAD = b"%PDF-1.4 pretend bytes of a published study\n"


LOGIN_PAGE = b"<!DOCTYPE html><html><body><form>Sign in to continue</form></body></html>"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/trickle.pdf":  # one byte every 0.5 s, for ever
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"%")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                return
            return
        if self.path == "/login.pdf":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(LOGIN_PAGE)))
            self.end_headers()
            self.wfile.write(LOGIN_PAGE)
            return
        if self.path == "/slow.pdf":
            time.sleep(2)
        if self.path in ("/study.pdf", "/slow.pdf"):
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def source(url: str, sha256: str = "") -> Source:
    return Source(id="study", title="A Study", path="study.pdf", download_url=url, sha256=sha256)


def test_download_with_matching_sha256(server, tmp_path: Path):
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    result = fetch_source(source(f"{server}/study.pdf", digest), tmp_path)
    assert result.status == "downloaded"
    assert (tmp_path / "study.pdf").read_bytes() == PAYLOAD


def test_sha256_mismatch_is_refused_and_nothing_is_overwritten(server, tmp_path: Path):
    target = tmp_path / "study.pdf"
    result = fetch_source(source(f"{server}/study.pdf", "0" * 64), tmp_path)
    assert result.status == "failed"
    assert "sha256 mismatch" in result.message and "nothing was written" in result.message
    assert not target.exists()
    target.write_bytes(b"the good copy")
    result = fetch_source(source(f"{server}/study.pdf", "0" * 64), tmp_path, force=True)
    assert result.status == "failed"
    assert target.read_bytes() == b"the good copy"
    assert list(tmp_path.iterdir()) == [target]  # no partial file left behind


def test_http_errors_and_timeouts_are_reported(server, tmp_path: Path):
    missing = fetch_source(source(f"{server}/nope.pdf"), tmp_path)
    assert missing.status == "failed" and "HTTP 404" in missing.message
    slow = fetch_source(source(f"{server}/slow.pdf"), tmp_path, timeout=0.5)
    assert slow.status == "failed" and "timed out after 0.5 s" in slow.message
    assert not (tmp_path / "study.pdf").exists()


def test_no_download_url_says_where_to_put_the_file(tmp_path: Path):
    result = fetch_source(
        Source(id="npec", title="T", path="npec.pdf", url="https://example.org/landing"), tmp_path
    )
    assert result.status == "no-url"
    assert "https://example.org/landing" in result.message and "npec.pdf" in result.message


def test_present_file_is_not_downloaded_again(server, tmp_path: Path):
    (tmp_path / "study.pdf").write_bytes(b"local")
    assert fetch_source(source(f"{server}/study.pdf"), tmp_path).status == "present"
    assert (tmp_path / "study.pdf").read_bytes() == b"local"


def test_a_server_that_trickles_bytes_is_cut_off_at_the_deadline(server, tmp_path: Path):
    started = time.monotonic()
    result = fetch_source(source(f"{server}/trickle.pdf"), tmp_path, timeout=2)
    assert time.monotonic() - started < 10
    assert result.status == "failed" and "timed out after 2 s" in result.message
    assert list(tmp_path.iterdir()) == []


def test_an_html_page_is_not_saved_as_a_pdf(server, tmp_path: Path):
    result = fetch_source(source(f"{server}/login.pdf"), tmp_path)
    assert result.status == "failed"
    assert "returned an HTML page (a login or error page?)" in result.message
    assert "expects a PDF" in result.message and "nothing was written" in result.message
    assert list(tmp_path.iterdir()) == []
