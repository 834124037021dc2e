"""Markdown to safe HTML: the one renderer for imported text (role descriptions, records)."""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

# Links may only leave to the web or to mail; `javascript:`, `data:` and the rest are dropped.
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML with raw HTML disabled and the result sanitized (nh3) before marking safe.

    Markdown itself turns `[x](javascript:...)` into a live link; nh3 keeps only allowed tags,
    attributes and URL schemes, so an imported file cannot inject markup or script.
    """
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    html = md.convert(text)
    return mark_safe(nh3.clean(html, url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer"))
