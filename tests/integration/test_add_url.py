"""`briefdata add URL` against a web server on 127.0.0.1: a page and a PDF link register with
the metadata they carry and publish; a French page is published with its language and a
warning, and nothing the English models would misread."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.run import run_local
from pipeline.run.options import Settings
from tests.renditions import render_html

pytestmark = pytest.mark.slow

ARTICLE = """# Alliances in the Pacific

## Recommendations

Washington should expand joint exercises with Tokyo and Seoul, and Congress should fund the
new command in Hawaii. The United States and Japan signed the Treaty of Mutual Cooperation
and Security in January 1960.<sup>1</sup>

<sup>1</sup> Treaty text, U.S. Department of State.
"""

FRENCH = """<!DOCTYPE html><html lang="fr"><head><title>Les alliances du Pacifique</title>
<meta name="author" content="Claire Dubois"><meta property="og:site_name" content="Institut Exemple">
<meta property="article:published_time" content="2023-06-02"></head><body><main><article>
<h1>Les alliances du Pacifique</h1>
<p>Les États-Unis et le Japon doivent renforcer leur coopération dans le domaine de la
sécurité, et le Congrès devrait financer le nouveau commandement à Hawaï.</p>
<p>La Corée du Sud et le Japon ont signé un accord en 2015 pour la première fois depuis des
années, et les deux pays doivent maintenant aller plus loin ensemble.</p>
</article></main></body></html>
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    (root / "alliances.html").write_text(
        render_html(
            ARTICLE,
            title="Alliances in the Pacific",
            author="Jane Marlowe",
            published="2023-05-04",
            site="Example Policy Institute",
            url="https://policy.example.org/research/alliances",
        ),
        encoding="utf-8",
    )
    (root / "pacifique").write_text(FRENCH, encoding="utf-8")  # no suffix: told by content
    pdf = Path(__file__).resolve().parents[1] / "fixtures" / "pdfs"
    (root / "report.pdf").write_bytes(next(iter(sorted(pdf.glob("*.pdf")))).read_bytes())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _add(work: Path, *args: str):
    registry, raw = work / "sources.yaml", work / "raw"
    return CliRunner().invoke(
        app, ["add", *args, "--registry", str(registry), "--raw", str(raw)], catch_exceptions=False
    )


def test_a_page_registers_with_its_metadata_and_publishes(server, tmp_path):
    result = _add(tmp_path, f"{server}/alliances.html")
    assert result.exit_code == 0, result.output
    (entry,) = yaml.safe_load((tmp_path / "sources.yaml").read_text())["sources"]
    assert entry["title"] == "Alliances in the Pacific"
    assert entry["authors"] == ["Jane Marlowe"]
    assert str(entry["published"]) == "2023-05-04"
    assert entry["publisher"] == "Example Policy Institute"
    assert entry["url"] == "https://policy.example.org/research/alliances"
    assert entry["media_type"] == "text/html"
    settings = Settings(
        registry=tmp_path / "sources.yaml", raw=tmp_path / "raw", output=tmp_path / "out",
        cache=tmp_path / "cache",
    )  # fmt: skip
    assert run_local(settings)["failed"] == []
    documents = pd.read_csv(tmp_path / "out" / "documents.csv", dtype=str, keep_default_na=False)
    (document,) = documents.to_dict("records")
    assert (document["title"], document["authors"], document["published"]) == (
        "Alliances in the Pacific", "Jane Marlowe", "2023-05-04",
    )  # fmt: skip
    sentences = pd.read_csv(tmp_path / "out" / "sentences.csv", dtype=str, keep_default_na=False)
    assert not any("cookies" in text for text in sentences["text"])
    recommendations = pd.read_csv(tmp_path / "out" / "recommendations.csv", dtype=str)
    assert len(recommendations) >= 1


def test_the_maintainers_options_win_over_the_page(server, tmp_path):
    result = _add(
        tmp_path, f"{server}/alliances.html", "--title", "Pacific Alliances", "--id", "pa"
    )
    assert result.exit_code == 0, result.output
    (entry,) = yaml.safe_load((tmp_path / "sources.yaml").read_text())["sources"]
    assert (entry["id"], entry["title"], entry["authors"]) == (
        "pa", "Pacific Alliances", ["Jane Marlowe"],
    )  # fmt: skip


def test_a_pdf_link_registers_like_a_file(server, tmp_path):
    result = _add(tmp_path, f"{server}/report.pdf", "--title", "A Report")
    assert result.exit_code == 0, result.output
    (entry,) = yaml.safe_load((tmp_path / "sources.yaml").read_text())["sources"]
    assert entry["media_type"] == "application/pdf" and entry["path"].endswith(".pdf")
    assert entry["download_url"] == f"{server}/report.pdf"


def test_a_french_page_is_published_with_its_language_and_a_warning(server, tmp_path):
    assert _add(tmp_path, f"{server}/pacifique").exit_code == 0
    settings = Settings(
        registry=tmp_path / "sources.yaml", raw=tmp_path / "raw", output=tmp_path / "out",
        cache=tmp_path / "cache",
    )  # fmt: skip
    manifest = run_local(settings)
    assert manifest["failed"] == []
    assert any("French (fr)" in warning for warning in manifest["warnings"])
    out = tmp_path / "out"
    documents = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    assert list(documents["language"]) == ["fr"]
    assert len(pd.read_csv(out / "sentences.csv")) >= 2
    for table in ("entities", "mentions", "recommendations", "treaty_mentions"):
        assert pd.read_csv(out / f"{table}.csv").empty, table


def test_offline_add_fails_with_one_clear_line(tmp_path):
    result = _add(tmp_path, "http://127.0.0.1:9/brief.html")
    assert result.exit_code != 0
    assert "could not fetch http://127.0.0.1:9/brief.html" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "sources.yaml").exists()
