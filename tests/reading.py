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


class _ListAfter(HTMLParser):
    """The items of the first list that follows a heading, as their words."""

    def __init__(self, heading: str) -> None:
        super().__init__(convert_charrefs=True)
        self.heading, self.items = heading, []
        self._in_heading: list[str] | None = None
        self._found = self._done = False
        self._depth = 0  # lists open inside the one being read
        self._item: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if re.fullmatch(r"h[1-6]", tag) and not self._found:
            self._in_heading = []
        elif tag in ("ul", "ol") and self._found:
            self._depth += 1
        elif tag == "li" and self._found and self._depth == 1:
            self._item = []

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        if re.fullmatch(r"h[1-6]", tag) and self._in_heading is not None:
            said = re.sub(r"\s+", " ", "".join(self._in_heading)).strip()
            self._found = said.startswith(self.heading)
            self._in_heading = None
        elif tag == "li" and self._item is not None and self._depth == 1:
            self.items.append(re.sub(r"\s+", " ", "".join(self._item)).strip())
            self._item = None
        elif tag in ("ul", "ol") and self._found:
            self._depth -= 1
            self._done = self._depth == 0

    def handle_data(self, data: str) -> None:
        if self._in_heading is not None:
            self._in_heading.append(data)
        if self._item is not None:
            self._item.append(data)


def list_after(html: str, heading: str) -> list[str]:
    """The items of the list under the first heading that starts with ``heading``, each as
    the words it reads (an empty list if there is no such heading or list)."""
    parser = _ListAfter(heading)
    parser.feed(html)
    return parser.items
