"""Panels other apps add to a team's and a person's page (org names no other app)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from steward.core import registry
from steward.engineering.models import Commit, Identity, Repository
from steward.org.models import Person
from steward.strategy.models import Initiative, InitiativeEffort
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_panels_run_in_registration_order_and_skip_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        registry, "panel_providers", {s: registry.Registry(s) for s in registry.PANEL_SUBJECTS}
    )
    registry.register_panel("team", "a", lambda user, team: registry.Panel(f"A {team}"))
    registry.register_panel("team", "hidden", lambda user, team: None)
    registry.register_panel("team", "b", lambda user, team: registry.Panel(f"B {team}"))
    assert [p.title for p in registry.panels("team", "u", "t")] == ["A t", "B t"]
    assert registry.panels("person", "u", "p") == []
    with pytest.raises(ValueError, match="expected one of team, person"):
        registry.register_panel("project", "x", lambda user, obj: None)


def test_team_page_lists_owned_repositories_with_commit_counts(client_as: Any) -> None:
    repo = Repository.objects.filter(team__isnull=False).order_by("name").first()
    assert repo is not None
    team = repo.team
    html = client_as("engineer").get(f"/org/teams/{team.slug}/").content.decode()
    for owned in Repository.objects.filter(team=team):
        reachable = Commit.objects.filter(repository=owned, reachable=True).count()
        assert f'<a href="/engineering/repositories/{owned.name}/">{owned.name}</a>' in html
        assert f"· {reachable:,} commit{'' if reachable == 1 else 's'}</span>" in html
    assert f'href="/engineering/delivery/?team={team.slug}"' in html


def test_team_page_lists_open_initiatives_owned_or_contributed(client_as: Any) -> None:
    team = TeamFactory(name="Panel Team", slug="panel-team")
    owned = Initiative.objects.create(key="PNL-1", title="Owned work", owner_team=team)
    owned.status = "planned"
    owned.save()
    helped = Initiative.objects.create(key="PNL-2", title="Helped work", status="in-progress")
    InitiativeEffort.objects.create(initiative=helped, team=team, person_weeks=Decimal(3))
    Initiative.objects.create(key="PNL-3", title="Finished", owner_team=team, status="done")
    html = client_as("engineer").get("/org/teams/panel-team/").content.decode()
    assert '<a href="/strategy/initiatives/PNL-1/">PNL-1 · Owned work</a>' in html
    assert 'PNL-1 · Owned work</a> <span class="text-body-secondary">· Planned</span>' in html
    assert "· In progress (contributes)</span>" in html
    assert "PNL-3" not in html
    empty = TeamFactory(name="Quiet Team", slug="quiet-team")
    quiet = client_as("engineer").get(f"/org/teams/{empty.slug}/").content.decode()
    assert "No open initiative is owned by or estimated for this team." in quiet
    assert "This team owns no repository yet" in quiet


def _commits_per_repository(person: Person) -> Counter[str]:
    # The demo links authors to people by the people's own addresses (no manual identities).
    assert not Identity.objects.filter(manual=True).exists()
    emails = [e.lower() for e in person.emails.values_list("email", flat=True)]
    rows = Commit.objects.filter(email__in=emails, reachable=True, parent_count__lte=1).values_list(
        "repository__name", flat=True
    )
    return Counter(rows)


def test_person_page_shows_commits_to_themselves_and_their_managers_only(client_as: Any) -> None:
    engineer = Person.objects.get(user__username="engineer")
    expected = _commits_per_repository(engineer)
    assert expected, "the demo engineer has commits"
    own = client_as("engineer").get(f"/org/people/{engineer.employee_id}/").content.decode()
    by_manager = client_as("manager").get(f"/org/people/{engineer.employee_id}/").content.decode()
    for html in (own, by_manager):
        assert '<h2 class="h6 mb-2">Commits</h2>' in html
        for name, n in expected.items():
            assert f'<a href="/engineering/repositories/{name}/">{name}</a>' in html
            assert f"· {n:,} commit{'' if n == 1 else 's'}, last on" in html
    # A teammate (same team, not in the engineer's subtree) sees no individual activity.
    peer = (
        Person.objects.filter(team=engineer.team, end_date__isnull=True)
        .exclude(pk=engineer.pk)
        .exclude(pk=engineer.manager_id)
        .first()
    )
    assert peer is not None and peer.user is None
    peer_user = User.objects.create_user("panel-peer")
    peer.user = peer_user
    peer.save()
    peer_user.groups.add(*User.objects.get(username="engineer").groups.all())
    seen_by_peer = client_as("panel-peer").get(f"/org/people/{engineer.employee_id}/")
    assert '<h2 class="h6 mb-2">Commits</h2>' not in seen_by_peer.content.decode()


def test_person_page_lists_what_they_own(client_as: Any) -> None:
    person = Person.objects.get(user__username="cto")
    Initiative.objects.create(key="OWN-1", title="Mine", owner=person, status="planned")
    html = client_as("executive").get(f"/org/people/{person.employee_id}/").content.decode()
    assert '<a href="/strategy/initiatives/OWN-1/">OWN-1 · Mine</a>' in html
    assert "initiative, planned" in html
