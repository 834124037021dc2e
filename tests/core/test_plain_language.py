"""Every page, as every demo role, speaks plain language (issue 9, item 5).

The pages are discovered from the URL resolver with the samples of the policy matrix, so a new
page is crawled without being listed here. In the visible text (tags, attributes, scripts,
styles and `<code>` stripped; free text that users or git wrote, marked `class="verbatim"`,
stripped too) a page must not show:
- snake_case identifiers (`span_over_8`, `job_size`): a code needs a label;
- Python reprs (`['E0089', …]`, `{'a': 1}`, `<QuerySet …>`);
- the word "None";
- a number of 10,000 or more without thousands separators.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import DEMO_ROLES
from tests.core.test_policy_matrix import SAMPLES, _path, discovered_routes

# The words on a page do not depend on the database engine; the policy matrix renders the same
# pages on PostgreSQL, so CI runs this crawl on SQLite only (marker `text`).
pytestmark = [pytest.mark.django_db, pytest.mark.text]

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


def _page_cases() -> list[tuple[str, str, dict[str, str]]]:
    routes = {r.name: r for r in discovered_routes()}
    cases = []
    for role in DEMO_ROLES:
        for name, param_sets in SAMPLES.items():
            if name.startswith(("api:", "admin:")) or name in ("healthz", "login", "logout"):
                continue
            assert name in routes
            for params in param_sets:
                cases.append((role, name, params))
    return cases


@pytest.mark.parametrize(
    ("role", "name", "params"),
    _page_cases(),
    ids=lambda v: str(v) if not isinstance(v, dict) else ",".join(f"{k}={x}" for k, x in v.items()),
)
def test_page_speaks_plain_language(
    client_as, role: str, name: str, params: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    route = {r.name: r for r in discovered_routes()}[name]
    path = _path(route, params)
    response = client_as(role).get(path)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    text = visible_text(response.content.decode())
    assert problems(text) == [], f"{role} on {path}"


def test_error_pages_speak_plain_language(client_as) -> None:  # type: ignore[no-untyped-def]
    response = client_as("engineer").get("/org/people/NOBODY/")
    assert response.status_code == 404
    text = visible_text(response.content.decode())
    assert "Not found" in text and "Go back" in text
    assert problems(text) == []


@pytest.mark.parametrize(
    ("html", "rule"),
    [
        ("<p>span_over_8 E0007</p>", "snake_case identifier"),
        ("<td>people=['E0089', 'E0090']</td>", "Python repr"),
        ("<td>{'a': 1}</td>", "Python repr"),
        ("<td>&lt;QuerySet [&lt;Person: x&gt;]&gt;</td>", "Python repr"),
        ("<dd>None</dd>", 'the word "None"'),
        ("<td>1038485</td>", "unformatted number"),
        ("<td>280250.0</td>", "unformatted number"),
    ],
)
def test_the_crawl_can_fail(html: str, rule: str) -> None:
    assert any(p.startswith(rule) for p in problems(visible_text(html)))


@pytest.mark.parametrize(
    "html",
    [
        "<p>Span of control over 8 · 1,038,485 · 2 Dec 2026 · E0007 · 2027Q1</p>",
        '<p><a href="/x?a_b=1" class="snake_case">Link</a></p>',
        "<p><code>steward import people_file</code> <span class='verbatim'>fix foo_bar</span></p>",
        "<script>var x_y = None;</script><style>.a_b{}</style>",
        "<p>Nobody, nothing, no one</p>",
    ],
)
def test_plain_text_passes(html: str) -> None:
    assert problems(visible_text(html)) == []
