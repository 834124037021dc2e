"""Filters of the architecture list pages (core.filters)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from steward.architecture import selectors
from steward.architecture.models import STATUS_CHOICES
from steward.core.filters import StewardFilterSet


class DecisionFilterSet(StewardFilterSet):
    """Decisions by status and by tag (the tags in use, as a list to pick from)."""

    status = django_filters.ChoiceFilter(label="Status", choices=STATUS_CHOICES, empty_label="Any")
    tag = django_filters.ChoiceFilter(label="Tag", choices=(), empty_label="Any", method="by_tag")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tags = selectors.all_tags(actor=self.actor)
        self.filters["tag"].extra["choices"] = [(t, t) for t in tags]

    def by_tag(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        tagged = selectors.decision_list(actor=self.actor, tag=value).values("pk")
        return qs.filter(pk__in=tagged)
