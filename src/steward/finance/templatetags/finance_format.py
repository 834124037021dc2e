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
