"""The built book over real HTTP on 127.0.0.1, for the browser tests and the page-load report.

One server for both, so that what the tests load and what ``make bench`` measures are
served the same way: HTTP/1.1 with keep-alive (a page's files share a connection), no
request log, and, for the page-load report, text compressed with gzip as a web host would
(``gzip=True``) and nothing cached between loads.
"""

from __future__ import annotations

import functools
import gzip as gzip_module
import http.server
import io
import threading
from pathlib import Path

#: the suffixes a web host compresses
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".txt", ".csv", ".map", ".xml", ".ipynb", ".md"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files over HTTP/1.1, without a request log."""

    protocol_version = "HTTP/1.1"  # keep-alive: a page's files do not each open a connection

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class GzipHandler(QuietHandler):
    """Static files, text compressed with gzip when the browser accepts it, never cached."""

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or path.suffix not in COMPRESSIBLE or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        body = gzip_module.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(folder: Path, gzip: bool = False) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve ``folder`` on 127.0.0.1 (an ephemeral port) in a thread: its base URL and the server."""
    handler = functools.partial(GzipHandler if gzip else QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name=f"serve-{Path(folder).name}", daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def stop(server: http.server.ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()
