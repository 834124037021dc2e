"""Team–code alignment (issue 10 item 5): each owned repository's share of its non-merge
commits in the window made by its owning team, checked commit by commit against the demo."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from steward.engineering.models import Commit, Repository
from steward.engineering.selectors import identity_resolver
from steward.knowledge import selectors
from steward.org.models import Team, TeamMembership

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("months", [3, 12])
def test_each_share_is_the_owning_teams_commits_counted_one_by_one(months: int) -> None:
    _check_against_commits(months)


def test_an_author_who_moves_within_the_window_counts_for_each_team_on_its_days() -> None:
    """The kept counts are summed per author for authors with one team all window long and
    read day by day for the others: move the busiest author of an owned repository to another
    team in the middle of the window, so both paths meet in one repository."""
    since = timezone.localdate() - timedelta(days=round(12 * 30.4375))
    resolver = identity_resolver()
    owned = Repository.objects.exclude(team=None)
    busiest: dict[int, int] = {}
    for email in Commit.objects.filter(
        repository__in=owned, reachable=True, parent_count__lte=1, author_day__gte=since
    ).values_list("email", flat=True):
        person = resolver.person(email)
        if person is not None:
            busiest[person] = busiest.get(person, 0) + 1
    person = max(busiest, key=lambda p: busiest[p])
    spell = TeamMembership.objects.get(person_id=person, end=None)
    middle = since + timedelta(days=180)
    assert spell.start <= since
    other = Team.objects.exclude(pk=spell.team_id).order_by("slug").first()
    assert other is not None
    TeamMembership.objects.filter(pk=spell.pk).update(end=middle)
    TeamMembership.objects.create(person_id=person, team=other, start=middle)
    _check_against_commits(12)


def _check_against_commits(months: int) -> None:
    cto = User.objects.get(username="cto")
    since = timezone.localdate() - timedelta(days=round(months * 30.4375))
    resolver = identity_resolver()
    report = selectors.team_alignment(actor=cto, months=months)
    assert report["since"] == since
    rows = {r["repo"]: r for r in report["repositories"]}
    owned = Repository.objects.exclude(team=None)
    assert set(rows) == {r.name for r in owned}
    spells: dict[int, list[TeamMembership]] = {}
    for spell in TeamMembership.objects.all():
        spells.setdefault(spell.person_id, []).append(spell)
    checked = 0
    for repo in owned:
        total = by_team = 0
        for commit in Commit.objects.filter(
            repository=repo, reachable=True, parent_count__lte=1, author_day__gte=since
        ):
            total += 1
            person = resolver.person(commit.email)
            if person is None:
                continue
            day = commit.author_day
            home = [
                s.team_id
                for s in spells.get(person, [])
                if s.start <= day and (s.end is None or day < s.end)
            ]
            by_team += home[:1] == [repo.team_id]
        row = rows[repo.name]
        assert (row["commits"], row["by_team"]) == (total, by_team), repo.name
        assert row["share"] == (by_team / total if total else None)
        checked += total > 0
    assert checked >= 5  # the demo's owned repositories have commits in the window
