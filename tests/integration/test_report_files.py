"""Every report file as the facilitator downloads it, read back the way its reader would."""

from __future__ import annotations

import csv
import html
import io
import re

import cmarkgfm
import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from werkzeug.test import TestResponse

from tests.workshop_data import SmallWorkshop, seed_small

SECTIONS = ["Who took part", "How we worked", "Our agreements", "The questions we asked",
            "Discover: the positive core", "Dream: what we hope for", "Design: how we will work",
            "Deliver: what we will do", "Our commitments", "Action teams", "How people left"]


@pytest.fixture()
def seed(runtime):
    return seed_small(runtime)


@pytest.fixture()
def facilitator(app, seed):
    browser = app.test_client()
    assert browser.get(f"/w/{seed.code}/f/{seed.key}").status_code == 302
    return browser


def _download(facilitator: FlaskClient, seed: SmallWorkshop, fmt: str,
              audience: str = "full") -> TestResponse:
    response = facilitator.get(f"/w/{seed.code}/export.{fmt}?audience={audience}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    return response


def _pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts_drawing(reader: PdfReader) -> dict[str, str]:
    """Which embedded font draws each character, as the PDF itself says."""
    drawn: dict[str, str] = {}
    for page in reader.pages:
        def visit(text: str, _cm: list[float], _tm: list[float], font: DictionaryObject | None,
                  _size: float) -> None:
            if font is not None:
                for character in text:
                    drawn.setdefault(character, str(font["/BaseFont"]))
        page.extract_text(visitor_text=visit)
    return drawn


def _embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor or "/FontFile3" in descriptor
    return fonts


def test_full_pdf_has_every_section_real_content_and_fonts_for_every_script(
        facilitator, seed) -> None:
    response = _download(facilitator, seed, "pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith(
        "ward-7-at-our-best-with-each-other-report.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    text = _pdf_text(reader)
    for heading in [*SECTIONS, "Appendix: every card shared"]:
        assert heading in text, heading
    for sample in [*seed.shown, *seed.full_only]:
        assert sample in text, sample
    for marker in seed.never:
        assert marker not in text, marker
    assert "Appreciative Inquiry" in text

    # A4, a running header with the title, numbered pages, title and language, tagged
    pages = len(reader.pages)
    assert round(float(reader.pages[0].mediabox.width)) == 595
    assert round(float(reader.pages[0].mediabox.height)) == 842
    assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
    assert "Ward 7: at our best with each other" in reader.pages[1].extract_text()
    assert reader.metadata.title.startswith("Ward 7: at our best with each other")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]

    drawn = _fonts_drawing(reader)
    for character, family in [("ŵ", "Appreciate-Sans"), ("ŷ", "Appreciate-Sans"),
                              ("Ł", "Appreciate-Sans"), ("م", "Appreciate-Arabic"),
                              ("王", "Appreciate-CJK"), ("🌟", "Appreciate-Emoji")]:
        assert family in drawn[character], (character, drawn.get(character))
    embedded = _embedded_fonts(reader)
    for family in ("Appreciate-Sans", "Appreciate-Arabic", "Appreciate-CJK", "Appreciate-Emoji"):
        assert any(family in name and is_embedded for name, is_embedded in embedded.items()), \
            (family, embedded)


def test_public_pdf_leaves_out_what_was_shared_only_with_the_room(facilitator, seed) -> None:
    response = _download(facilitator, seed, "pdf", "public")
    assert response.headers["Content-Disposition"].endswith("-public-report.pdf")
    text = _pdf_text(PdfReader(io.BytesIO(response.data)))
    for heading in SECTIONS:
        assert heading in text, heading
    assert "Appendix" not in text
    for sample in seed.shown:
        assert sample in text, sample
    for marker in [*seed.full_only, *seed.never]:
        assert marker not in text, marker


@pytest.mark.parametrize("audience", ["full", "public"])
def test_markdown_summary_follows_the_same_rules(facilitator, seed, audience) -> None:
    summary = _download(facilitator, seed, "md", audience).get_data(as_text=True)
    assert summary.startswith("# Ward 7: at our best with each other\n")
    for heading in ["## Who took part", "## Discover: the positive core",
                    "## Dream: what we hope for", "## Design: how we will work",
                    "## Deliver: what we will do", "## How people left"]:
        assert heading in summary
    assert "| Learn every bank colleague's name | مريم حداد | 27 Feb 2026 |" in summary
    assert "REPORT-QUOTE: nobody was left on their own" in summary
    assert ("ROOM-QUOTE: I felt I belonged" in summary) == (audience == "full")
    for marker in seed.never:
        assert marker not in summary, marker


def test_markdown_escapes_what_people_type() -> None:
    from facilitation.export.summary_markdown import text

    assert text("# not a heading | <b>bold</b> *x*") == r"\# not a heading \| \<b\>bold\</b\> \*x\*"
    assert text("1. not a list\nsecond line") == r"1\. not a list second line"


LINKY = st.sampled_from(["https://evil.example/login", "www.nhs.uk", "a@b.co", "http://x.y|z",
                         "mailto:x@y.z", "*bold*", "# heading", "<b>", "[a](b)", "1. list", "|",
                         "`code`", "\\", "_x_", "~~s~~", "&amp;", "  ", "Croeso", "نحن"])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(LINKY, st.text(
    # as stored: services/text.py removes control characters and lone surrogates
    st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)), max_size=6).map(" ".join))
def test_markdown_shows_what_people_typed_as_github_shows_it(typed: str) -> None:
    """Read back with GitHub's own renderer: the words as typed, on one line, with no link,
    no formatting and no HTML of theirs (an address is shown as code, which is never linked)."""
    from facilitation.export.summary_markdown import text

    shown = cmarkgfm.github_flavored_markdown_to_html(text(typed))
    assert "<a " not in shown
    assert set(re.findall(r"</?([a-z0-9]+)", shown)) <= {"p", "code"}, shown
    flat = " ".join(typed.split())
    assert html.unescape(re.sub(r"</?(p|code)>", "", shown)).strip() == flat.strip(), shown


def test_commitments_csv_opens_in_excel_with_every_script(facilitator, seed) -> None:
    content = _download(facilitator, seed, "csv").data
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel looks for
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert [row["What"] for row in rows] == [
        "Learn every bank colleague's name", '\'=HYPERLINK("http://x") buddy rota for starters']
    assert rows[0]["Who"] == "مريم حداد" and rows[1]["Who"] == "Łucja Wróbel"
    assert rows[0]["By when"] == "2026-02-27" and rows[0]["First step by"] == "2026-02-03"
    assert rows[0]["Workshop"] == "Ward 7: at our best with each other"
    assert b"HIDDEN-COMMITMENT" not in content
    assert b"\r\n" in content


def test_calendar_has_each_due_date_and_the_review(facilitator, seed) -> None:
    calendar = Calendar.from_ical(_download(facilitator, seed, "ics").data)
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))
    assert [(str(e["summary"]), e.decoded("dtstart").isoformat()) for e in events] == [
        ("Due: Learn every bank colleague's name (مريم حداد)", "2026-02-27"),
        ("Review: Ward 7: at our best with each other", "2026-03-12"),
        ('Due: =HYPERLINK("http://x") buddy rota for starters (Łucja Wróbel)', "2026-03-31"),
    ]
    for event in events:
        assert event["dtstart"].params.get("VALUE") == "DATE"  # all-day
        assert (event.decoded("dtend") - event.decoded("dtstart")).days == 1
    assert len({str(event["uid"]) for event in events}) == 3
    assert "First step: Ask the rota" in str(events[0]["description"])


def test_no_human_facing_file_holds_a_participant_id(facilitator, seed) -> None:
    for fmt in ("md", "csv", "ics"):
        for audience in ("full", "public"):
            content = _download(facilitator, seed, fmt, audience).get_data(as_text=True)
            for participant_id in seed.participant_ids:
                assert participant_id not in content


def test_preview_shows_the_report_at_any_moment(facilitator, seed) -> None:
    page = facilitator.get(f"/w/{seed.code}/report").get_data(as_text=True)
    assert "ROOM-STORY: a thank-you card from a family" in page
    assert "Appendix: every card shared" in page
    for marker in seed.never:
        assert marker not in page
    public = facilitator.get(f"/w/{seed.code}/report?audience=public").get_data(as_text=True)
    assert "ROOM-STORY" not in public and "REPORT-STORY" in public
    assert re.search(r'value="public"\s+checked', public)
    assert f"/w/{seed.code}/export.pdf?audience=public" in public


def test_preview_mid_workshop_is_a_draft(app, runtime) -> None:
    from tests.integration.room import start_workshop

    facilitator = start_workshop(app)
    page = facilitator.http.get(f"/w/{facilitator.code}/report").get_data(as_text=True)
    assert "Draft." in page and "No commitments were recorded." in page
    control = facilitator.http.get(f"/w/{facilitator.code}/facilitate").get_data(as_text=True)
    assert f'href="/w/{facilitator.code}/report"' in control


def test_only_the_facilitator_gets_the_report(app, seed) -> None:
    from tests.integration.room import join

    participant = join(app, seed.code, "Someone")
    stranger = app.test_client()
    for browser in (participant.http, stranger):
        for path in ("report", "export.pdf", "export.json", "export.csv"):
            assert browser.get(f"/w/{seed.code}/{path}").status_code == 403, path


def test_bad_requests_get_clear_answers(facilitator, seed) -> None:
    assert facilitator.get(f"/w/{seed.code}/export.docx").status_code == 404
    response = facilitator.get(f"/w/{seed.code}/export.md?audience=everyone")
    assert response.status_code == 400
    assert "full report" in response.get_data(as_text=True)
    assert facilitator.get(f"/w/{seed.code}/report?audience=everyone").status_code == 400
