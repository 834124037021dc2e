"""Filters of the work-tracking pages (core.filters): the flow page's team (picked by name, its
slug accepted as the links carry it) and period, checked as the Delivery page's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from steward.core.filters import StewardFilterSet
from steward.core.periods import parse_period
from steward.engineering.filtersets import PeriodForm, add_period_filters, team_filter


class FlowFilterSet(StewardFilterSet):
    """The flow page's scope: a team and a period (`from`, `to`, end excluded). The page
    computes its figures from `scope`; the rows are not used."""

    team = team_filter(method="keep_all")

    class Meta:
        form = PeriodForm

    def keep_all(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs

    @property
    def scope(self) -> dict[str, Any]:
        """Team (slug and name) and period picked; the defaults while a value is bad."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        team, start, end = data.get("team"), data.get("start"), data.get("end")
        if start is None or end is None:
            start, end = parse_period(None, None)
        return {
            "team": team.slug if team else None,
            "team_name": team.name if team else None,
            "start": start,
            "end": end,
        }


add_period_filters(FlowFilterSet)
