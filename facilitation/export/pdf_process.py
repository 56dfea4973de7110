"""Render the PDF in a child process, so the live room keeps moving while it renders.

Under gevent (``python app.py``) the standard library's subprocess is patched: waiting for the
child yields to the other greenlets, so sockets, pushes and page loads carry on. Under the
threading server only the requesting thread waits.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PDF_SCRIPT = Path(__file__).resolve().with_name("pdf.py")
TIMEOUT_SECONDS = 300


class PdfRenderError(RuntimeError):
    """The child process failed; its last words are in the message for the log."""


def html_to_pdf_in_child(html: str) -> bytes:
    """Run pdf.py in a fresh interpreter (-P: its folder must not shadow the standard library)."""
    try:
        completed = subprocess.run(
            [sys.executable, "-P", str(PDF_SCRIPT)], input=html.encode("utf-8"),
            capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise PdfRenderError(f"the PDF took longer than {TIMEOUT_SECONDS} s") from None
    if completed.returncode != 0 or not completed.stdout.startswith(b"%PDF"):
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise PdfRenderError("the PDF renderer failed: " + " | ".join(detail))
    return completed.stdout
