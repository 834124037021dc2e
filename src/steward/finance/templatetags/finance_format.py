"""Month labels for the finance pages ("Jan 2026", "Jan")."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

register = template.Library()


@register.filter
def month(value: Any) -> str:
    """A month as "Jan 2026"."""
    return value.strftime("%b %Y") if isinstance(value, date) else ""


@register.filter
def month_short(value: Any) -> str:
    """A month as "Jan"."""
    return value.strftime("%b") if isinstance(value, date) else ""


@register.filter
def threshold_text(value: Any, currency: str = "") -> str:
    """A line's variance threshold in words: "above 5 % of the budget (default)"."""
    from steward.core.templatetags.steward_format import money, number

    if not isinstance(value, dict):
        return ""
    parts = []
    if value.get("percent") is not None:
        parts.append(f"{number(value['percent'])} % of the budget")
    if value.get("amount") is not None:
        parts.append(money(value["amount"], currency))
    whose = {"line": "the line's", "category": "the category's", "default": "default"}
    return f"above {' and '.join(parts)} ({whose.get(value.get('source', ''), '')})"
