"""What a person reads in an HTML view: its text, without markup, styles or scripts."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Text(HTMLParser):
    HIDDEN = frozenset({"style", "script"})
    BLOCKS = frozenset({"div", "p", "tr", "br", "section", "li", "h1", "h2", "h3", "table"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of `html` as shown: one line per block, cells separated by " | "."""
    parser = _Text()
    parser.feed(html)
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# CommonMark: a backslash before ASCII punctuation shows that character (lib.formatting's
# markdown_text writes "alice\@example.com" so that it is text, never an autolink).
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def markdown_read(source: str) -> str:
    """The characters a person reads in a Markdown element's source (escapes resolved)."""
    return _ESCAPED.sub(r"\1", source)
