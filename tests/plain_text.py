"""The plain-language rules a page's visible text must keep (issue 9, item 5).

In the visible text (tags, attributes, scripts, styles and `<code>` stripped; free text that
users or git wrote, marked `class="verbatim"`, stripped too) a page must not show:
- snake_case identifiers (`span_over_8`, `job_size`): a code needs a label;
- Python reprs (`['E0089', …]`, `{'a': 1}`, `<QuerySet …>`);
- the word "None";
- a number of 10,000 or more without thousands separators.

And a whole page (an HTML document with a `<body>`, not an HTMX fragment) has exactly one `<h1>`
and it is not empty (`heading_problems`).

The policy matrix (tests/core/test_policy_matrix.py) applies them to every page it renders as
every role; tests/core/test_plain_language.py proves they can fail.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
REPR = re.compile(r"\[\s*'|\{\s*'|<QuerySet|\bobject at 0x")
NONE = re.compile(r"\bNone\b")
BIG_NUMBER = re.compile(r"(?<![\w.,:/-])\d{5,}(?![\w,])")
EMAIL = re.compile(r"\S+@\S+")  # addresses are data, not the product's language

SKIPPED_TAGS = {"script", "style", "code"}
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "wbr"}


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts, styles, code or verbatim text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: does it hide its text?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hidden = tag in SKIPPED_TAGS or "verbatim" in classes
        self._stack.append(hidden or (bool(self._stack) and self._stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self._stack and self._stack[-1]):
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def visible_text(html: str) -> str:
    """The visible text of an HTML document."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.text


def problems(text: str) -> list[str]:
    """Each plain-language rule the text breaks, with the offending words."""
    text = EMAIL.sub(" ", text)
    found = []
    for name, pattern in (
        ("snake_case identifier", SNAKE),
        ("Python repr", REPR),
        ('the word "None"', NONE),
        ("unformatted number", BIG_NUMBER),
    ):
        hits = sorted({m.group(0) for m in pattern.finditer(text)})
        if hits:
            found.append(f"{name}: {', '.join(hits[:8])}")
    return found


H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.S | re.I)
BODY = re.compile(r"<body\b", re.I)


def heading_problems(html: str) -> list[str]:
    """A whole page's headings: exactly one `<h1>`, with text (an empty page-header `<h1>` beside
    the page's own is the mistake this catches); a fragment is not checked."""
    if not BODY.search(html):
        return []
    texts = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]*>", "", inner)).strip() for inner in H1.findall(html)
    ]
    if len(texts) != 1:
        return [f"{len(texts)} h1 headings: {', '.join(repr(t) for t in texts)}"]
    if not texts[0]:
        return ["an empty h1 heading"]
    return []
