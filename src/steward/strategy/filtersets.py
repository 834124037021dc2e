"""Filters of the strategy list pages (core.filters)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from steward.core.filters import StewardFilterSet
from steward.org.filtersets import person_filter, team_filter
from steward.strategy import selectors
from steward.strategy.models import Horizon, InitiativeStatus


class InitiativeFilterSet(StewardFilterSet):
    """Initiatives by team (owning or contributing) and owner, picked by name; status, horizon."""

    team = team_filter(method="by_team")
    owner = person_filter("owner", label="Owner")
    status = django_filters.ChoiceFilter(
        label="Status", choices=InitiativeStatus.choices, empty_label="Any status"
    )
    horizon = django_filters.ChoiceFilter(
        label="Horizon", choices=Horizon.choices, empty_label="Any horizon"
    )

    def by_team(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        of_team = selectors.initiative_list(actor=self.actor, team=value.slug).values("pk")
        return qs.filter(pk__in=of_team)
