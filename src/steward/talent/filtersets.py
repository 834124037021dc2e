"""Filters of the hiring pages (core.filters)."""

from __future__ import annotations

import django_filters

from steward.core.filters import StewardFilterSet
from steward.org.filtersets import person_filter, team_filter
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
