"""Render the PDF in another process, so the live room keeps moving while it renders.

The app keeps one warm renderer (pdf.py --serve): WeasyPrint already imported, it forks a
fresh process for each PDF, which saves the second or so that importing WeasyPrint costs. It
starts the first time a report page or PDF is asked for; if it is not running (not started
yet, or it died), that PDF renders in a fresh child process as before and the warm renderer
is started for the next one. Each request has its own connection, so nothing is queued or
locked; under gevent (``python app.py``) sockets and subprocesses are patched, so waiting for
the PDF yields to the other greenlets and the room carries on.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
from pathlib import Path

PDF_SCRIPT = Path(__file__).resolve().with_name("pdf.py")
TIMEOUT_SECONDS = 300
FAILED = b"FAILED "  # what pdf.py answers instead of a PDF (kept in step with it)


class PdfRenderError(RuntimeError):
    """The renderer failed; its last words are in the message for the log."""


class WarmRenderer:
    """The app's warm renderer process and the private socket it listens on."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.socket_path: Path | None = None
        self._folder: tempfile.TemporaryDirectory | None = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start it unless it runs (in a folder only this user can enter). Its standard input
        is our pipe: when the app ends, the pipe closes and so does the renderer."""
        if self.running():
            return
        self.stop()
        folder = tempfile.TemporaryDirectory(prefix="appreciate-pdf-")
        path = Path(folder.name) / "renderer.sock"
        self._folder, self.socket_path = folder, path
        self.process = subprocess.Popen(
            [sys.executable, "-P", str(PDF_SCRIPT), "--serve", str(path)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        process, folder = self.process, self._folder
        self.process, self._folder, self.socket_path = None, None, None
        if process is not None:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=10)
        if folder is not None:
            folder.cleanup()

    def render(self, html: str) -> bytes | None:
        """The PDF from a warm renderer, or None if none is listening yet."""
        path = self.socket_path
        if not self.running() or path is None:
            return None
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(TIMEOUT_SECONDS)
        try:
            try:
                connection.connect(str(path))
            except (FileNotFoundError, ConnectionRefusedError):  # still importing WeasyPrint
                return None
            connection.sendall(html.encode("utf-8"))
            connection.shutdown(socket.SHUT_WR)
            chunks = []
            while chunk := connection.recv(1 << 16):
                chunks.append(chunk)
        except TimeoutError:
            raise PdfRenderError(f"the PDF took longer than {TIMEOUT_SECONDS} s") from None
        finally:
            connection.close()
        answer = b"".join(chunks)
        if not answer.startswith(b"%PDF"):
            reason = answer[len(FAILED):] if answer.startswith(FAILED) else b"no answer"
            raise PdfRenderError("the PDF renderer failed: " + reason.decode("utf-8", "replace"))
        return answer


WARM = WarmRenderer()


def warm_up() -> None:
    """Start the warm renderer now (the report page calls this: a PDF is likely to follow)."""
    WARM.start()


def html_to_pdf_in_child(html: str) -> bytes:
    """The PDF from the warm renderer, or from a fresh interpreter if it is not ready."""
    pdf = WARM.render(html)
    if pdf is not None:
        return pdf
    WARM.start()
    return html_to_pdf_in_fresh_child(html)


def html_to_pdf_in_fresh_child(html: str) -> bytes:
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
