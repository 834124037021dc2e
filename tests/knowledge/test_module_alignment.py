"""Team–code alignment per catalog module (issue 10 item 5): each module's share of the
non-merge commits touching it made by its owner team, checked commit by commit on the demo
(billing-core's `catalog-sync` entity, owned by Catalog, inside Payments' repository)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from steward.architecture.models import Component
from steward.engineering.models import Commit, FileChange, Repository
from steward.engineering.selectors import identity_resolver
from steward.knowledge import selectors
from steward.org.models import Team, TeamMembership

pytestmark = pytest.mark.django_db


def _expected(repo: Repository, module_paths: set[str], since, owner: dict[str, int | None]):  # type: ignore[no-untyped-def]
    """(commits, by team) per module, counted here commit by commit: a commit touches the
    module if one of its files is one of the module's (file) paths, the rest otherwise."""
    resolver = identity_resolver()
    spells: dict[int, list[TeamMembership]] = {}
    for spell in TeamMembership.objects.all():
        spells.setdefault(spell.person_id, []).append(spell)
    out = {name: [0, 0] for name in owner}
    for commit in Commit.objects.filter(
        repository=repo, reachable=True, parent_count__lte=1, author_day__gte=since
    ):
        paths = set(FileChange.objects.filter(commit=commit).values_list("path", flat=True))
        if not paths:
            continue
        touched = set()
        if paths & module_paths:
            touched.add("catalog-sync")
        if paths - module_paths:
            touched.add(repo.name)
        person = resolver.person(commit.email)
        day = commit.author_day
        home = [
            s.team_id
            for s in spells.get(person, [])
            if s.start <= day and (s.end is None or day < s.end)
        ]
        for name in touched:
            out[name][0] += 1
            out[name][1] += bool(home[:1]) and home[:1] == [owner[name]]
    return {name: tuple(v) for name, v in out.items()}


def test_each_module_share_is_its_owner_teams_commits_counted_one_by_one() -> None:
    cto = User.objects.get(username="cto")
    component = Component.objects.get(name="catalog-sync")
    repo = Repository.objects.get(name="billing-core")
    assert component.repository == repo and component.paths == ["src/catalog_sync.py"]
    since = timezone.localdate() - timedelta(days=round(12 * 30.4375))
    report = selectors.team_alignment(actor=cto)
    rows = {(m["repo"], m["module"]): m for m in report["modules"]}
    assert set(rows) == {("billing-core", "catalog-sync"), ("billing-core", "billing-core")}
    owner = {"catalog-sync": component.owner_team_id, repo.name: repo.team_id}
    expected = _expected(repo, {"src/catalog_sync.py"}, since, owner)
    for name, (commits, by_team) in expected.items():
        row = rows[("billing-core", name)]
        assert (row["commits"], row["by_team"]) == (commits, by_team), name
        assert row["share"] == (by_team / commits if commits else None)
    module = rows[("billing-core", "catalog-sync")]
    assert module["team"] == "catalog" and module["title"] == "Catalog price sync"
    assert module["commits"] > 0
    rest = rows[("billing-core", "billing-core")]
    assert rest["team"] == Team.objects.get(pk=repo.team_id).slug
    # The story of the demo: another team works in Payments' repository.
    assert 0 < rest["by_team"] < rest["commits"]


def test_modules_follow_the_catalog_and_the_api_and_page_show_them(client_as) -> None:  # type: ignore[no-untyped-def]
    data = client_as("cto").get("/api/v1/engineering/team-alignment").json()
    assert [m["module"] for m in data["modules"]] == ["catalog-sync", "billing-core"]
    assert {r["repo"] for r in data["repositories"]} >= {"billing-core"}
    page = client_as("cto").get("/engineering/knowledge/coupling/").content.decode()
    table = page.split("<h3>Per module</h3>", 1)[1]
    assert "<td>Catalog price sync</td>" in table
    # Without paths the entity is no module: no per-module rows at all.
    Component.objects.filter(name="catalog-sync").update(paths=[])
    data = client_as("cto").get("/api/v1/engineering/team-alignment").json()
    assert data["modules"] == []
    assert (
        b"Catalog price sync"
        not in client_as("cto").get("/engineering/knowledge/coupling/").content
    )
