"""The facilitator previews the report in Chromium, switches audience and downloads the PDF."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import assert_accessible, start_workshop

pytestmark = pytest.mark.e2e


def test_report_preview_is_accessible_and_downloads(server, new_context, tmp_path) -> None:
    facilitator = new_context(accept_downloads=True).new_page()
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    facilitator.get_by_role("link", name="Report", exact=True).click()
    expect(facilitator.get_by_role("heading", name="Ward 7 away morning", level=1)).to_be_visible()
    expect(facilitator.get_by_text("Draft.")).to_be_visible()
    assert_accessible(facilitator, "report preview (full)")

    facilitator.get_by_label("Public, to circulate").check()
    facilitator.get_by_role("button", name="Show this version").click()
    expect(facilitator.get_by_text("Public: it leaves out what people shared only with the room."))\
        .to_be_visible()
    assert_accessible(facilitator, "report preview (public)")

    with facilitator.expect_download(timeout=120_000) as download_info:
        facilitator.get_by_role("link", name="The report as a PDF").click()
    download = download_info.value
    assert download.suggested_filename == "ward-7-away-morning-public-report.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
