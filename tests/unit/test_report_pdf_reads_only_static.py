"""The PDF renderer reads our fonts and styles and nothing else on the computer or network."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from facilitation.export.pdf import html_to_pdf


@pytest.mark.parametrize("url", ["file:///etc/hostname", "http://127.0.0.1:9/x.png",
                                 "css/../../facilitation/config.py"])
def test_anything_outside_static_is_refused(url) -> None:
    with pytest.raises(FatalURLFetchingError):
        html_to_pdf(f'<html lang="en"><body><img src="{url}" alt=""></body></html>')


def test_our_own_styles_and_fonts_load() -> None:
    pdf = html_to_pdf('<html lang="cy"><head><link rel="stylesheet" href="css/report-fonts.css">'
                      '</head><body class="report"><p>Diolch ŵ ŷ</p></body></html>')
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    assert [str(font.get_object()["/BaseFont"])[8:] for font in fonts] == ["Appreciate-Sans"]
