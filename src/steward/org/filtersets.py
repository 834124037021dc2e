"""Filters of the organization's list pages (core.filters); `team_filter` and `person_filter`
are the pickers by name other apps use to filter their own lists by team or person."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from steward.core.filters import CheckFilter, PickerFilter, StewardFilterSet
from steward.org import selectors
from steward.org.forms import person_label, resolve_person, resolve_team, team_label
from steward.org.models import TeamType


def team_filter(field_name: str = "team", **kwargs: Any) -> PickerFilter:
    """Rows of a team picked by name (among the teams the user may see)."""
    kwargs.setdefault("label", "Team")
    return PickerFilter(
        field_name,
        rows=lambda actor: selectors.team_list(actor=actor),
        source="org:pick_teams",
        display=team_label,
        resolve=resolve_team,
        noun="team",
        **kwargs,
    )


def person_filter(field_name: str, **kwargs: Any) -> PickerFilter:
    """Rows of a person picked by name (among the people the user may see)."""
    return PickerFilter(
        field_name,
        rows=lambda actor: selectors.person_list(actor=actor),
        source="org:pick_people",
        display=person_label,
        resolve=resolve_person,
        noun="person",
        **kwargs,
    )


class PersonFilterSet(StewardFilterSet):
    """People by name, team and manager; people who left only when asked."""

    q = django_filters.CharFilter(label="Name or employee ID", method="filter_search")
    team = team_filter()
    manager = person_filter("manager", label="Reports to")
    leavers = CheckFilter(label="include people who left", method="filter_leavers")

    def filter_search(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(Q(name__icontains=value) | Q(employee_id__iexact=value.strip()))

    def filter_leavers(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return qs if value else qs.filter(selectors.active_q(date.today()))


class TeamFilterSet(StewardFilterSet):
    """Teams by name and type."""

    name = django_filters.CharFilter(label="Name", lookup_expr="icontains")
    type = django_filters.ChoiceFilter(
        label="Type", choices=TeamType.choices, empty_label="All types"
    )
