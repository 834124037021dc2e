"""Decision bodies as HTML: Markdown rendered, then sanitized with nh3 (no scripts, no handlers)."""

from __future__ import annotations

import markdown
import nh3


def render_markdown(text: str) -> str:
    """Safe HTML for a Markdown body (raw HTML in the body is stripped to an allow-list)."""
    html = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html").convert(
        text
    )
    return nh3.clean(html)
