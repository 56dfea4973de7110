"""HTML to PDF with WeasyPrint, reading nothing but our own static files.

This module imports nothing from the app, so it can also run as a small child process:

    python -P facilitation/export/pdf.py < report.html > report.pdf

or, kept warm, as a small server the app starts once:

    python -P facilitation/export/pdf.py --serve /private/dir/renderer.sock

which is how the web app renders (see pdf_process.py): WeasyPrint is CPU-bound Python, and
inside the gevent server it would hold up every socket in the room until it finished.
Importing WeasyPrint alone takes about a second (its C declarations are parsed each time), so
the warm server imports it once and forks a fresh renderer for each connection: each PDF still
has a process of its own, which ends (and gives its memory back) when the PDF is written.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC = Path(__file__).resolve().parents[2] / "static"


class StaticFilesOnly(URLFetcher):
    """Fetch files inside static/ (fonts, print CSS) and refuse everything else.

    Participants' words are escaped by Jinja, so no URL of theirs reaches here; this is the
    second lock, so a report can never read other files on the laptop or call the network.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve()
        if parts.scheme != "file" or not path.is_relative_to(STATIC):
            raise ValueError(f"the report may only use files in static/, not {url}")
        return super().fetch(url, headers)


def html_to_pdf(html: str) -> bytes:
    """Render a report document (templates/report/print.html) as a tagged A4 PDF."""
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=StaticFilesOnly())
    return document.write_pdf(font_config=fonts, pdf_tags=True)


FAILED = b"FAILED "
# A page in every script the report's fonts cover, rendered once by the warm server.
WARM_UP = ('<html lang="en"><head><link rel="stylesheet" href="css/report-fonts.css">'
           '<link rel="stylesheet" href="css/report.css"></head><body><article class="report">'
           "<p>Diolch ŵ ŷ Ł <b>م</b> 王 🌟</p></article></body></html>")


def _render_connection(connection: socket.socket) -> None:
    """In a forked renderer: read the HTML until the app stops sending, answer with the PDF
    (or ``FAILED`` and the reason, which never starts like a PDF)."""
    chunks = []
    while chunk := connection.recv(1 << 16):
        chunks.append(chunk)
    try:
        answer = html_to_pdf(b"".join(chunks).decode("utf-8"))
    except BaseException as error:  # WeasyPrint's fetch errors are BaseExceptions; for the log
        answer = FAILED + f"{type(error).__name__}: {error}".encode("utf-8", "replace")
    connection.sendall(answer)
    connection.close()


def serve(socket_path: str) -> int:
    """Wait for connections on ``socket_path``; fork a renderer for each. Ends when the app
    closes our standard input (it has stopped, or wants us gone)."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # finished renderers need no reaping
    html_to_pdf(WARM_UP)  # Pango, fontconfig and the bundled fonts loaded once, before forks
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(16)
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1024):
            return 0
        if listener in ready:
            connection, _address = listener.accept()
            if os.fork() == 0:  # the renderer: its own process, already warm
                listener.close()
                try:
                    _render_connection(connection)
                finally:
                    os._exit(0)
            connection.close()


def main() -> int:
    """Child-process entry: HTML (UTF-8) on standard input, the PDF on standard output; or,
    with ``--serve PATH``, the warm renderer."""
    if sys.argv[1:2] == ["--serve"]:
        return serve(sys.argv[2])
    html = sys.stdin.buffer.read().decode("utf-8")
    sys.stdout.buffer.write(html_to_pdf(html))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
