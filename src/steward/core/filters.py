"""Filters of the list pages (django-filter), one way for every app; see docs/design-system.md.

An app declares its filters in `<app>/filtersets.py` as subclasses of `StewardFilterSet`:
- people and teams are picked by name (`PickerFilter`, made by helpers of the app that owns
  people and teams, see docs/design-system.md), small fixed sets by a select (`ChoiceFilter`); the
  rows a picker offers and accepts are those the user may see;
- a bad value (a name that matches nothing or several, a choice that does not exist, a date
  that is not one) is an error shown beside its field, and the page answers 400 with no rows
  rather than ignoring the value and showing rows as if it had not been given.

The API's list endpoints filter with the same filter sets (`filter_rows`): a query parameter of
the filter's name is fed to it, and a bad value answers 422 with the page's message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from steward.core.errors import FilterError
from steward.core.forms import PickerField

RowsOf = Callable[[Any], QuerySet[Any]]


class PickerFilter(django_filters.Filter):
    """Rows whose `field_name` is the row picked by name; `rows(actor)` is what may be picked."""

    field_class = PickerField

    def __init__(self, field_name: str | None = None, *, rows: RowsOf, **kwargs: Any) -> None:
        super().__init__(field_name, **kwargs)
        self.rows = rows


class CheckFilter(django_filters.Filter):
    """A checkbox; the filter's `method` gets True or False (unticked is a value, not absent)."""

    field_class = forms.BooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)


class StewardFilterSet(django_filters.FilterSet):
    """Filters bound to the query string and to the user they filter for (`actor=`)."""

    def __init__(self, data: Any, queryset: QuerySet[Any], *, actor: Any, **kwargs: Any) -> None:
        self.actor = actor
        # Always bound: an empty query string is valid and filters nothing.
        super().__init__(data if data is not None else {}, queryset, **kwargs)

    @property
    def form(self) -> Any:
        form = super().form
        if not getattr(form, "_steward_ready", False):
            for name, field in form.fields.items():
                declared = self.filters[name]
                if isinstance(declared, PickerFilter):
                    field.rows = declared.rows(self.actor)
            form._steward_ready = True
        return form

    @property
    def qs(self) -> QuerySet[Any]:
        """The matching rows; none while a value is bad (its error is on the form)."""
        if not self.form.is_valid():
            return self.queryset.none()
        return super().qs  # type: ignore[no-any-return]

    @property
    def problems(self) -> list[str]:
        """Each bad value as "Label: message", for a summary above the table."""
        form = self.form
        form.is_valid()
        found = []
        for name, messages in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            found += [f"{label}: {m}" if label else str(m) for m in messages]
        return found

    @property
    def active(self) -> bool:
        """True when any filter has a value (the page offers to clear them)."""
        return any(self.data.get(name) not in (None, "") for name in self.filters)


def filter_rows(
    filters: type[StewardFilterSet], rows: QuerySet[Any], *, actor: Any, **values: Any
) -> QuerySet[Any]:
    """`rows` filtered by the filters of `filters` named in `values` (an API endpoint's query
    parameters of the same names; None: not given, that filter is not applied at all, so an
    unticked checkbox is not read as False). A bad value raises `FilterError` with the page's
    messages ("Reports to: no person named 'X': pick one from the list"): 422 in the API."""
    data = {name: value for name, value in values.items() if value is not None}
    unknown = set(data) - set(filters.base_filters)
    assert not unknown, f"{filters.__name__} has no filter {unknown}"
    filterset = filters(data, rows, actor=actor)
    filterset.filters = {k: f for k, f in filterset.filters.items() if k in data}
    if not filterset.form.is_valid():
        errors = [
            {"field": f"query.{name}", "message": str(message)}
            for name, messages in filterset.form.errors.items()
            for message in messages
        ]
        raise FilterError(filterset.problems, errors)
    return filterset.qs
