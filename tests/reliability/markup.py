"""Read pages as a browser would parse them, to ask which elements and attributes they hold."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every start tag in ``html`` with its attributes."""
    parser = _Tags()
    parser.feed(html)
    return parser.found


def script_problems(html: str) -> list[str]:
    """Anything a strict Content-Security-Policy would block or that markup injection would
    leave: inline scripts, event-handler attributes, javascript: links, inline styles."""
    problems = []
    for tag, attrs in tags(html):
        if tag == "script" and "src" not in attrs:
            problems.append("inline <script>")
        problems += [f"<{tag} {name}=…>" for name in attrs if name.startswith("on")]
        problems += [f"<{tag} {name}=javascript:…>" for name, value in attrs.items()
                     if value.strip().lower().startswith("javascript:")]
        if "style" in attrs:
            problems.append(f"<{tag} style=…>")
    return problems
