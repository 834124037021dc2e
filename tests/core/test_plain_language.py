"""Every page, as every demo role, speaks plain language (issue 9, item 5).

The rules live in tests/plain_text.py. The policy matrix applies them to every page it renders
as every role (pages discovered from the URL resolver with the matrix's samples, so a new page is
checked without being listed here), which renders each page once for both checks. This file
proves the rules can fail and pass, and checks the error pages.
"""

from __future__ import annotations

import pytest

from tests.plain_text import heading_problems, problems, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.text]


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


def test_a_page_has_exactly_one_non_empty_h1() -> None:
    page = "<html><body>{}<main><p>Text</p></main></body></html>"
    assert heading_problems(page.format('<h1 class="h3">Payments <span>team</span></h1>')) == []
    assert heading_problems(page.format('<h1 class="h3"> </h1><h1>Radar</h1>')) == [
        "2 h1 headings: '', 'Radar'"
    ]
    assert heading_problems(page.format("<h1><span></span></h1>")) == ["an empty h1 heading"]
    assert heading_problems(page.format("<h2>No h1</h2>")) == ["0 h1 headings: "]
    assert heading_problems("<tr><td>An HTMX fragment</td></tr>") == []
