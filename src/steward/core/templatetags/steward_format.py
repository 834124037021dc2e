"""Formatting filters used by every template (installed as template builtins in settings).

One way to show each kind of value: `number` (thousands separators), `money` (currency and
separators, no cents), `percent` (a share 0..1 as "12 %"), `person_weeks`, `hours`, `date`
(one format across the product: "2 Dec 2026"), `datetime`, `label` (plain language for a code,
see core/labels.py) and `blank` (an em dash instead of None or an empty value).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from steward.core import labels

register = template.Library()

DASH = "—"
DATE_FORMAT = "%-d %b %Y"  # 2 Dec 2026
DATETIME_FORMAT = "%-d %b %Y %H:%M"  # 2 Dec 2026 14:05


def _to_number(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def format_number(value: Any, decimals: int | None = None) -> str:
    """`value` with thousands separators; `decimals` fixed, or automatic (whole numbers
    without decimals, under 10 two at most, else one at most; trailing zeros dropped)."""
    number = _to_number(value)
    if number is None:
        return DASH if value is None or value == "" else str(value)
    auto = decimals is None
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else (2 if abs(number) < 10 else 1)
    text = f"{number:,.{decimals}f}"
    if auto and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text.lstrip("-").strip("0.,") == "" else text


@register.filter
def number(value: Any, decimals: Any = None) -> str:
    """1234567.5 → "1,234,567.5"; `|number:0` rounds to whole numbers."""
    return format_number(value, None if decimals is None else int(decimals))


@register.filter
def money(value: Any, currency: Any = "") -> str:
    """280250.0 → "280,250 EUR" (whole units; `currency` after the amount when given)."""
    number_ = _to_number(value)
    if number_ is None:
        return DASH
    text = f"{number_:,.0f}"
    return f"{text} {currency}".strip() if currency else text


@register.filter
def percent(value: Any, decimals: Any = 0) -> str:
    """A share 0..1 as a percentage: 0.9166 → "92 %"."""
    number_ = _to_number(value)
    if number_ is None:
        return DASH
    return f"{number_ * 100:,.{int(decimals)}f} %"


@register.filter
def points(value: Any) -> str:
    """A difference of two shares in percentage points: -0.4 → "−40 pts"."""
    number_ = _to_number(value)
    if number_ is None:
        return DASH
    text = f"{number_ * 100:+,.0f} pts"
    return text.replace("-", "−")


@register.filter
def person_weeks(value: Any) -> str:
    """Person-weeks with one decimal and the unit: 13 → "13.0 person-weeks"."""
    number_ = _to_number(value)
    if number_ is None:
        return DASH
    return f"{number_:,.1f} person-weeks"


@register.filter
def hours(value: Any) -> str:
    """Hours with one decimal and the unit: 26.25 → "26.3 h"."""
    number_ = _to_number(value)
    if number_ is None:
        return DASH
    return f"{number_:,.1f} h"


def _as_date(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


@register.filter(name="date", expects_localtime=True)
def date_(value: Any, fmt: Any = None) -> str:
    """The product's one date format, "2 Dec 2026" (replaces Django's `date` filter).

    `|date:"Y-m-d"` still gives ISO dates for form inputs and URLs, and `|date:"Y-m-d H:i"`
    the product's date and time; any other format argument gives the product's date.
    """
    if fmt == "Y-m-d":
        return isodate(value)
    if fmt == "Y-m-d H:i":
        return datetime(value)
    day = _as_date(value)
    if day is None:
        return "" if value in (None, "") else str(value)
    return day.strftime(DATE_FORMAT)


@register.filter(expects_localtime=True)
def datetime(value: Any) -> str:
    """A date and time, "2 Dec 2026 14:05"."""
    moment = _as_date(value)
    if moment is None:
        return "" if value in (None, "") else str(value)
    if not isinstance(moment, dt.datetime):
        return moment.strftime(DATE_FORMAT)
    return moment.strftime(DATETIME_FORMAT)


@register.filter
def isodate(value: Any) -> str:
    """A date for an `<input type=date>` value or a URL (YYYY-MM-DD), empty for None."""
    day = _as_date(value)
    return "" if day is None else day.strftime("%Y-%m-%d")


@register.filter
def label(value: Any, namespace: str = "") -> str:
    """The plain-language label of a code (core/labels.py)."""
    return labels.label(value, namespace)


@register.filter
def labels_of(values: Any, namespace: str = "") -> str:
    """A list of codes as their labels, joined with commas."""
    if not values:
        return ""
    return ", ".join(labels.label(v, namespace) for v in values)


@register.filter
def blank(value: Any) -> Any:
    """An em dash for None or an empty string; anything else unchanged."""
    if value is None or value == "":
        return DASH
    return value


@register.filter
def form_control(field: BoundField) -> SafeString:
    """A form field's widget with Bootstrap's classes and its error state."""
    widget_type = field.widget_type
    if widget_type in ("select", "selectmultiple", "nullbooleanselect"):
        css = "form-select"
    elif widget_type in ("checkbox", "radioselect", "checkboxselectmultiple"):
        css = "form-check-input"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = field.field.widget.attrs.get("class", "")
    return mark_safe(field.as_widget(attrs={"class": f"{existing} {css}".strip()}))


@register.simple_tag
def code(value: Any) -> SafeString:
    """A code shown secondary to a name (small, muted)."""
    if value in (None, ""):
        return mark_safe("")
    return format_html('<span class="code-secondary">{}</span>', value)


@register.simple_tag(takes_context=True)
def page_panels(context: Any) -> SafeString:
    """The panels other apps registered for this page (core.registry.register_page_panel)."""
    from django.template.loader import render_to_string

    from steward.core import registry

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in registry.page_panel_providers:
        return mark_safe("")
    found = registry.page_panels(match.view_name, request.user, request)
    if not found:
        return mark_safe("")
    return mark_safe(
        '<div class="page-panels">'
        + render_to_string("components/panels.html", {"panels": found})
        + "</div>"
    )
