"""The warm PDF renderer: WeasyPrint imported once, a fresh process for every PDF, a clear
answer when a document fails, and a cold renderer whenever the warm one is not there."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from facilitation.export import pdf_process
from facilitation.export.pdf_process import PdfRenderError, WarmRenderer

DOCUMENT = ('<html lang="cy"><head><link rel="stylesheet" href="css/report-fonts.css"></head>'
            '<body class="report"><p>Diolch ŵ ŷ</p></body></html>')


def listening(renderer: WarmRenderer) -> None:
    deadline = time.monotonic() + 60
    while not (renderer.socket_path and renderer.socket_path.exists()):
        assert renderer.running() and time.monotonic() < deadline, "the renderer never listened"
        time.sleep(0.05)


@pytest.fixture()
def renderer() -> Iterator[WarmRenderer]:
    warm = WarmRenderer()
    warm.start()
    listening(warm)
    yield warm
    warm.stop()


def test_each_pdf_renders_in_a_process_of_its_own(renderer) -> None:
    first, second = renderer.render(DOCUMENT), renderer.render(DOCUMENT)
    assert PdfReader(io.BytesIO(first)).pages[0].extract_text().startswith("Diolch")
    assert second.startswith(b"%PDF")
    assert renderer.running()


def test_a_failing_document_gets_a_clear_answer_and_the_renderer_goes_on(renderer) -> None:
    with pytest.raises(PdfRenderError, match="FatalURLFetchingError: Error fetching .file:///etc/hostname"):
        renderer.render('<html><body><img src="file:///etc/hostname" alt=""></body></html>')
    assert renderer.render(DOCUMENT).startswith(b"%PDF")


def test_without_a_warm_renderer_the_pdf_still_comes_and_one_is_started(monkeypatch) -> None:
    cold = WarmRenderer()
    monkeypatch.setattr(pdf_process, "WARM", cold)
    assert cold.render(DOCUMENT) is None
    assert pdf_process.html_to_pdf_in_child(DOCUMENT).startswith(b"%PDF")  # fresh child
    assert cold.running()
    listening(cold)
    cold.process.kill()  # it dies: the next PDF still comes, and it is started again
    cold.process.wait()
    assert pdf_process.html_to_pdf_in_child(DOCUMENT).startswith(b"%PDF")
    assert cold.running()
    cold.stop()


def test_it_ends_when_the_app_closes_its_pipe(renderer) -> None:
    process = renderer.process
    process.stdin.close()
    assert process.wait(timeout=30) == 0
