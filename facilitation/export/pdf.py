"""HTML to PDF with WeasyPrint, reading nothing but our own static files.

This module imports nothing from the app, so it can also run as a small child process:

    python -P facilitation/export/pdf.py < report.html > report.pdf

which is how the web app renders (see pdf_process.py): WeasyPrint is CPU-bound Python, and
inside the gevent server it would hold up every socket in the room until it finished.
"""

from __future__ import annotations

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


def main() -> int:
    """Child-process entry: HTML (UTF-8) on standard input, the PDF on standard output."""
    html = sys.stdin.buffer.read().decode("utf-8")
    sys.stdout.buffer.write(html_to_pdf(html))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
