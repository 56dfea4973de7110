"""Text cleaning shared by every field."""

import pytest

from facilitation.services.errors import Invalid
from facilitation.services.text import clean


def test_control_characters_and_bidi_overrides_are_removed_but_scripts_kept() -> None:
    raw = "Diolch\x00 i\u202e bawb ŵ ŷ – Dziękuję – شكرا – 谢谢 – 🙏\x07"
    assert clean(raw, "contribution", "Text", multiline=True) == (
        "Diolch i bawb ŵ ŷ – Dziękuję – شكرا – 谢谢 – 🙏")


def test_single_line_fields_collapse_whitespace_multiline_keep_newlines() -> None:
    assert clean("  Ward \n 7 ", "title", "Title") == "Ward 7"
    assert clean("line one\r\nline two", "contribution", "Text", multiline=True) == (
        "line one\nline two")


def test_limits_give_a_clear_message() -> None:
    with pytest.raises(Invalid, match="2001 characters long; the limit is 2000"):
        clean("x" * 2001, "contribution", "Your contribution", multiline=True)


def test_empty_required_and_optional() -> None:
    with pytest.raises(Invalid, match="is empty"):
        clean(" \n ", "contribution", "Your contribution", multiline=True)
    assert clean("", "display_name", "Your name", required=False) is None


def test_wrong_type_is_refused() -> None:
    with pytest.raises(Invalid, match="must be text"):
        clean(["list"], "title", "The title")
