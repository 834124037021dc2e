"""The body rows of every `core.tables.StewardTable`, rendered in Python.

django-tables2's template renders each row with a nested `{% for %}` over its cells and three
template lookups a cell (`column.attrs.td.as_html`, `column.localize`, `cell`): on a 50-row page
that loop was half the cost of the table. `table_row` gives the same bytes (the same whitespace,
attributes, localization and escaping: `render_value_in_context` is what `{{ cell }}` calls) at
a fraction of the cost; tests/core/test_tables.py renders tables both ways and compares.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The whitespace of django_tables2/bootstrap5.html's `table.tbody.row` block, around its tags.
_ROW_START = "\n" + " " * 20 + "<tr "
_CELLS_START = ">\n" + " " * 24
_CELL_START = "\n" + " " * 28 + "<td "
_CELL_END = "</td>\n" + " " * 24
_ROW_END = "\n" + " " * 20 + "</tr>\n" + " " * 20


@register.simple_tag(takes_context=True)
def table_row(context: template.Context, row: Any) -> SafeString:
    """One body row of a table, as django-tables2's bootstrap5 template writes it."""
    parts = [_ROW_START, render_value_in_context(row.attrs.as_html(), context), _CELLS_START]
    for column, cell in row.items():
        value = cell
        if column.localize is not None:
            value = localize(cell) if column.localize else unlocalize(cell)
        parts += [
            _CELL_START,
            render_value_in_context(column.attrs["td"].as_html(), context),
            ">",
            render_value_in_context(value, context),
            _CELL_END,
        ]
    parts.append(_ROW_END)
    return mark_safe("".join(parts))
