"""Tables of the strategy list pages (core.tables)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from steward.core import labels
from steward.core.tables import MoneyColumn, StewardTable


class InitiativeTable(StewardTable):
    """Initiatives: title, owner team, owner, status, horizon, planned start and cost; the CSV
    adds the key."""

    noun = ("initiative", "initiatives")

    title = tables.Column(verbose_name="Initiative")
    owner_team = tables.Column(
        accessor="owner_team__name", verbose_name="Team", order_by=("owner_team__name",)
    )
    owner = tables.Column(accessor="owner__name", verbose_name="Owner", order_by=("owner__name",))
    status = tables.Column(verbose_name="Status")
    horizon = tables.Column(verbose_name="Horizon")
    planned_start = tables.Column(verbose_name="Planned start")
    cost = MoneyColumn(verbose_name="Cost")
    key = tables.Column(verbose_name="Key", visible=False)

    class Meta(StewardTable.Meta):
        empty_text = "No initiatives match. Import them with steward import initiatives FILE."

    def render_title(self, value: str, record: Any) -> str:
        url = reverse("strategy:initiative_detail", args=[record.key])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_status(self, record: Any) -> str:
        return labels.label(record.status, "initiative_status")

    def value_status(self, record: Any) -> str:
        return labels.label(record.status, "initiative_status")

    def render_horizon(self, record: Any) -> str:
        return labels.label(record.horizon, "horizon")

    def value_horizon(self, record: Any) -> str:
        return labels.label(record.horizon, "horizon")
