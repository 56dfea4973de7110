"""Read a page or a pushed fragment as a person does: its words, not its markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_UNSEEN = {"script", "style", "template"}


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._unseen = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _UNSEEN:
            self._unseen += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _UNSEEN and self._unseen:
            self._unseen -= 1

    def handle_data(self, data: str) -> None:
        if not self._unseen:
            self.parts.append(data)


def words(html: str) -> str:
    """The text of ``html`` as it reads, every run of spaces and line breaks made one space."""
    parser = _Words()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()
