"""Filters of the hiring pages (core.filters)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from steward.core.filters import StewardFilterSet
from steward.org.filtersets import person_filter, team_filter
from steward.talent import selectors
from steward.talent.models import RequisitionStatus

# The plan leaves cancelled requisitions out.
SHOWN_STATUSES = [c for c in RequisitionStatus.choices if c[0] != RequisitionStatus.CANCELLED]


class RequisitionFilterSet(StewardFilterSet):
    """Requisitions by team and hiring manager (picked by name) and status."""

    team = team_filter()
    hiring_manager = person_filter("hiring_manager", label="Hiring manager")
    status = django_filters.ChoiceFilter(
        label="Status", choices=SHOWN_STATUSES, empty_label="Any status"
    )


class CandidateFilterSet(StewardFilterSet):
    """Candidates by name or email, and by the requisition they applied to (among those the
    user may see, listed by key and title)."""

    q = django_filters.CharFilter(label="Name or email", method="by_text")
    requisition = django_filters.ChoiceFilter(
        label="Applied to", choices=(), empty_label="Any requisition", method="by_requisition"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = selectors.requisition_list(actor=self.actor).order_by("key")
        self.filters["requisition"].extra["choices"] = [
            (key, f"{key} {title}") for key, title in rows.values_list("key", "title")
        ]

    def by_text(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        return qs.filter(Q(name__icontains=text) | Q(email__icontains=text)) if text else qs

    def by_requisition(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        applied = selectors.application_list(actor=self.actor).filter(requisition__key=value)
        return qs.filter(pk__in=applied.values("candidate_id"))
