"""Tables of the architecture list pages (core.tables)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from steward.core.tables import DateColumn, StewardTable


def adr_number(number: int) -> str:
    """How a decision is numbered on pages: ADR-0008."""
    return f"ADR-{number:04d}"


class DecisionTable(StewardTable):
    """Decision records: number, title, status, date, tags and the record it supersedes."""

    noun = ("decision", "decisions")

    number = tables.Column(verbose_name="Number")
    title = tables.Column(verbose_name="Title")
    status = tables.Column(verbose_name="Status")
    date = DateColumn(verbose_name="Date")
    tags = tables.Column(verbose_name="Tags", orderable=False)
    supersedes = tables.Column(
        accessor="supersedes__number", verbose_name="Supersedes", order_by=("supersedes__number",)
    )

    class Meta(StewardTable.Meta):
        empty_text = "No decisions match. Import a folder with steward import decisions DIR."

    def render_number(self, value: int) -> str:
        return adr_number(value)

    def render_title(self, value: str, record: Any) -> str:
        url = reverse("architecture:decision_detail", args=[record.number])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_title(self, value: str) -> str:
        return value

    def render_status(self, value: str) -> str:
        return format_html('<span class="badge">{}</span>', value)

    def value_status(self, value: str) -> str:
        return value

    def render_tags(self, value: list[str]) -> str:
        return ", ".join(value)

    def render_supersedes(self, value: int) -> str:
        url = reverse("architecture:decision_detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, adr_number(value))

    def value_supersedes(self, value: int) -> str:
        return adr_number(value)
