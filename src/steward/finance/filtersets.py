"""Filters of the finance list pages (core.filters)."""

from __future__ import annotations

from typing import Any

import django_filters

from steward.core.filters import StewardFilterSet
from steward.finance import selectors
from steward.finance.models import Category


class ContractFilterSet(StewardFilterSet):
    """Contracts by vendor (picked by name) and category."""

    vendor = django_filters.ModelChoiceFilter(label="Vendor", empty_label="Any vendor")
    category = django_filters.ChoiceFilter(
        label="Category", choices=Category.choices, empty_label="Any category"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["vendor"].queryset = selectors.vendor_list(actor=self.actor)
