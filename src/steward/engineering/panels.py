"""What engineering adds to a team's and a person's page: their repositories and work evidence."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Sum
from django.urls import reverse

from steward.core import policy
from steward.core.registry import Panel, PanelRow
from steward.core.templatetags.steward_format import date_, format_number
from steward.engineering.models import AuthorSummary
from steward.engineering.selectors import identity_resolver, repository_list


def _commits(n: int) -> str:
    return f"{format_number(n)} commit{'' if n == 1 else 's'}"


def team_repositories(user: Any, team: Any) -> Panel:
    """The repositories the team owns, with their commit counts, and the team's four keys."""
    rows = tuple(
        PanelRow(
            repo.name,
            _commits(repo.reachable_commits),
            reverse("engineering:repository_detail", args=[repo.name]),
        )
        for repo in repository_list(actor=user, team=team.slug).order_by("name")
    )
    return Panel(
        title="Repositories and delivery",
        rows=rows,
        empty="This team owns no repository yet (set owners on the repositories page).",
        more_url=f"{reverse('engineering:delivery')}?team={team.slug}",
        more_label="Delivery of this team (the four keys)",
    )


def person_work(user: Any, person: Any) -> Panel | None:
    """The person's commits per repository, for the roles that may see individual activity."""
    if not policy.may_see_individual_activity(user, person):
        return None
    resolver = identity_resolver()
    emails = [email for email, pk in resolver.people.items() if pk == person.pk]
    visible = policy.visible(user, "engineering.repository")
    per_repo = (
        AuthorSummary.objects.filter(email__in=emails, repository__in=visible)
        .values("repository__name")
        .annotate(commits=Sum("commits"), last=Max("last_committed_at"))
        .order_by("-commits", "repository__name")
    )
    rows = tuple(
        PanelRow(
            row["repository__name"],
            _commits(row["commits"])
            + (f", last on {date_(row['last'])}" if row["last"] is not None else ""),
            reverse("engineering:repository_detail", args=[row["repository__name"]]),
        )
        for row in per_repo
        if row["commits"]
    )
    return Panel(
        title="Commits",
        rows=rows,
        empty="No commits are linked to this person (their git e-mail may not be matched yet).",
    )
