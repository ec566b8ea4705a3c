"""The local server of the browser tests and of the page-load report (shifeng.localserver)."""

from __future__ import annotations

import gzip
import urllib.request

from shifeng import localserver


def fetch(url: str, gzip_ok: bool):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


def test_the_report_gets_text_in_gzip_as_a_web_host_sends_it_and_the_tests_get_it_plain(tmp_path):
    page = "<p>" + "石峰区 " * 500 + "</p>"
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "map.png").write_bytes(b"\x89PNG not text")
    url, server = localserver.serve(tmp_path, gzip=True)
    try:
        headers, body = fetch(url + "index.html", gzip_ok=True)
        assert headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "no-store"
        assert gzip.decompress(body).decode("utf-8") == page and len(body) < len(page.encode()) / 5
        headers, body = fetch(url + "map.png", gzip_ok=True)
        assert headers.get("Content-Encoding") is None and body == b"\x89PNG not text"
        headers, body = fetch(url, gzip_ok=False)  # the folder: its index, plain to a client without gzip
        assert headers.get("Content-Encoding") is None and body.decode("utf-8") == page
    finally:
        localserver.stop(server)
    url, server = localserver.serve(tmp_path)
    try:
        headers, body = fetch(url + "index.html", gzip_ok=True)
        assert headers.get("Content-Encoding") is None and body.decode("utf-8") == page
    finally:
        localserver.stop(server)
