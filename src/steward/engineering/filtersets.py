"""Filters of the engineering list pages (core.filters): the Delivery page's scope, the
drill-downs behind it (deployments, lead-time commits, incidents), the repositories and the
author identities.

The drill-downs keep the Delivery page's links working: `?team=<slug>&repo=<name>&from=&to=`
(and `failed=1`). A team is picked by name and its slug is accepted too; a repository by name.
The period is checked as everywhere (`core.periods.parse_period`: ISO dates, `from` before
`to`, at most ten years); its default is the 90 days before today. A drill-down filterset does
not filter the rows it is given: it calls the same selector the Delivery page's figures count,
with the scope picked, so a drill-down holds exactly the rows behind the figure.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet

from steward.core.errors import BadInput
from steward.core.filters import CheckFilter, PickerFilter, StewardFilterSet
from steward.core.forms import date_input
from steward.core.periods import parse_period
from steward.engineering import selectors
from steward.engineering.models import IngestStatus
from steward.org import selectors as org_selectors
from steward.org.forms import resolve_team, team_label


def resolve_team_or_slug(rows: QuerySet[Any], text: str) -> list[Any]:
    """A team by its slug (the links of the Delivery page carry one), else by name."""
    return list(rows.filter(slug=text)[:1]) or resolve_team(rows, text)


def resolve_repository(rows: QuerySet[Any], text: str) -> list[Any]:
    """Repositories matching a picker label: an exact name, or a unique part of one."""
    exact = list(rows.filter(name__iexact=text)[:6])
    return exact or list(rows.filter(name__icontains=text)[:6])


def repository_label(repository: Any) -> str:
    """How a repository is shown in a picker: its name."""
    return str(repository.name)


def team_filter(**kwargs: Any) -> PickerFilter:
    """A team picked by name (or given by slug), among the teams the user may see."""
    kwargs.setdefault("label", "Team")
    return PickerFilter(
        "team",
        rows=lambda actor: org_selectors.team_list(actor=actor),
        source="org:pick_teams",
        display=team_label,
        resolve=resolve_team_or_slug,
        noun="team",
        **kwargs,
    )


def repository_filter(**kwargs: Any) -> PickerFilter:
    """A repository picked by name, among the repositories the user may see."""
    kwargs.setdefault("label", "Repository")
    return PickerFilter(
        "repo",
        rows=lambda actor: selectors.repository_list(actor=actor),
        source="engineering:pick_repositories",
        display=repository_label,
        resolve=resolve_repository,
        noun="repository",
        **kwargs,
    )


class PeriodForm(forms.Form):
    """The filters' form; `from` and `to` checked together as a period."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "from" in self.errors or "to" in self.errors:
            return data
        try:
            data["start"], data["end"] = parse_period(data.get("from"), data.get("to"))
        except BadInput as exc:
            message = str(exc)
            self.add_error("to" if message.startswith("to ") else "from", message)
        return data


class ScopeFilterSet(StewardFilterSet):
    """A drill-down's scope: team, repository and period (`from`, `to`, end excluded)."""

    team = team_filter(method="keep_all")
    repo = repository_filter(method="keep_all")

    class Meta:
        form = PeriodForm

    def select(self, **scope: Any) -> QuerySet[Any]:
        """The rows of the scope (the selector the Delivery figures count)."""
        raise NotImplementedError

    def keep_all(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """A filter whose value `filter_queryset` reads itself (the scope, the period)."""
        return qs

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = self.form.cleaned_data
        return self.select(
            team=data["team"].slug if data.get("team") else None,
            repo=data["repo"].name if data.get("repo") else None,
            start=data["start"],
            end=data["end"],
        )

    @property
    def scope(self) -> dict[str, Any]:
        """What the page says it shows: team (name and slug), repository and period; the
        defaults while a value is bad."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        team, repo = data.get("team"), data.get("repo")
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            start, end = parse_period(None, None)
        return {
            "team": team.slug if team else None,
            "team_name": team.name if team else None,
            "repo": repo.name if repo else None,
            "start": start,
            "end": end,
        }

    @property
    def delivery_query(self) -> str:
        """The query string of the Delivery page of the same scope (its "Back" link)."""
        scope = self.scope
        params: dict[str, Any] = {
            "team": scope["team"],
            "repo": scope["repo"],
            "from": scope["start"],
            "to": scope["end"],
        }
        return urlencode({k: v for k, v in params.items() if v})


def add_period_filters(filterset: type[StewardFilterSet]) -> None:
    """`from` and `to` (Python names them nothing else): date pickers, checked in the form."""
    for name, label in (("from", "From"), ("to", "To (excluded)")):
        made = django_filters.DateFilter(label=label, widget=date_input(), method="keep_all")
        filterset.declared_filters[name] = made
        filterset.base_filters[name] = made


add_period_filters(ScopeFilterSet)


class DeploymentFilterSet(ScopeFilterSet):
    """Production deployments finished in the period; `failed`: those counted as failures."""

    failed = CheckFilter(label="only failed deployments", method="keep_all")

    def select(self, **scope: Any) -> QuerySet[Any]:
        failed = bool(self.form.cleaned_data.get("failed"))
        return selectors.deployment_list(actor=self.actor, failed_only=failed, **scope)


class IncidentFilterSet(ScopeFilterSet):
    """Incidents resolved in the period (those counted in recovery time)."""

    def select(self, **scope: Any) -> QuerySet[Any]:
        rows = selectors.incident_list(actor=self.actor, resolved_in_period=True, **scope)
        # The time to resolve, so that its column sorts.
        duration = ExpressionWrapper(F("resolved_at") - F("created_at"), DurationField())
        return rows.annotate(duration=duration)


class RepositoryFilterSet(StewardFilterSet):
    """Repositories by name, owning team (picked by name; a slug is accepted) and status."""

    name = django_filters.CharFilter(label="Name", lookup_expr="icontains")
    team = team_filter()
    status = django_filters.ChoiceFilter(
        label="Ingestion", choices=IngestStatus.choices, empty_label="Any state"
    )


class DeliveryFilterSet(ScopeFilterSet):
    """The Delivery page's scope (team by name, its slug accepted; repository; period). The
    page computes its figures from `scope`; the rows are not used."""

    def select(self, **scope: Any) -> QuerySet[Any]:
        return self.queryset.none()


class LeadTimeFilterSet(ScopeFilterSet):
    """Commits counted in lead time for changes: shipped by the period's successful production
    deployments (with a baseline), each with its lead time (`lead`, so that it sorts)."""

    def select(self, **scope: Any) -> QuerySet[Any]:
        rows = selectors.shipped_commits(actor=self.actor, **scope)
        lead = ExpressionWrapper(F("deployment__finished_at") - F("committed_at"), DurationField())
        # Not a queryset: it stands in for one (counted and paged from the deployments).
        return rows.annotate(lead=lead)  # type: ignore[return-value]


IDENTITY_STATE_CHOICES = [
    ("unmatched", "Unmatched"),
    ("bots", "Bots"),
    ("linked", "Linked to a person"),
    ("all", "All"),
]


class IdentityFilterSet(StewardFilterSet):
    """Author identities by state (unmatched when not given) and by email or name."""

    state = django_filters.ChoiceFilter(
        label="State", choices=IDENTITY_STATE_CHOICES, empty_label=None, method="keep_all"
    )
    q = django_filters.CharFilter(label="Email or name", method="filter_search")

    def keep_all(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs

    def filter_search(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(Q(email__icontains=value.strip()) | Q(name__icontains=value.strip()))

    @property
    def chosen_state(self) -> str:
        """The state asked for; unmatched when none (or a bad one) was given."""
        if self.form.is_valid():
            return str(self.form.cleaned_data.get("state") or "unmatched")
        return "unmatched"

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """`queryset`: `selectors.identity_list(state="all")`, annotated with each `kind`."""
        kind = {"unmatched": "unmatched", "bots": "bot", "linked": "linked"}.get(self.chosen_state)
        rows = queryset if kind is None else queryset.filter(kind=kind)
        return super().filter_queryset(rows)
