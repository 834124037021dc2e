"""Rendered Markdown keeps no script: javascript:/data: links and raw HTML do not survive."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from steward.core.markdown_html import render_markdown

PAYLOADS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[img](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](vbscript:msgbox(1))",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '[x](https://ok.example "t" onmouseover=alert(1))',
]


class _Elements(HTMLParser):
    """The tags and attributes a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize("text", PAYLOADS)
def test_payload_is_inert(text: str) -> None:
    parser = _Elements()
    parser.feed(str(render_markdown(text)))
    for tag, attrs in parser.found:
        assert tag not in ("script", "iframe", "object", "embed", "svg"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                scheme = (value or "").strip().lower().split(":", 1)
                assert len(scheme) == 1 or scheme[0] in ("http", "https", "mailto"), value


def test_before_sanitizing_markdown_made_live_script_links() -> None:
    """The payload the test guards against: python-markdown alone keeps javascript: links."""
    import markdown

    assert 'href="javascript:alert(1)"' in markdown.markdown("[click](javascript:alert(1))")
    assert 'href="javascript' not in render_markdown("[click](javascript:alert(1))")


def test_links_to_the_web_and_formatting_survive() -> None:
    html = render_markdown("## Goals\n\n- **lead** the [team](https://example.com/a?b=1)\n")
    assert "<h2>Goals</h2>" in html
    assert "<strong>lead</strong>" in html
    assert 'href="https://example.com/a?b=1"' in html


def test_role_page_uses_the_sanitizing_renderer() -> None:
    from steward.org import views

    assert views.render_markdown is render_markdown
