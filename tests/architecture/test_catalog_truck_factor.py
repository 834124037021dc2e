"""Truck factor per catalog service (issue 10) and the tier-1 / truck-factor-1 flag on the
catalog list, the entity page and the API (issue 11), on the demo's billing-core repository.

billing-core (demo/knowledge.py), hand-counted in tests/knowledge/test_pages.py: 14 analysed
files. The hero authors README.md, the 5 core files and the 4 invoice files; the leaver the 3
legacy files; the catalog engineer src/catalog_sync.py and src/invoices/totals.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from steward.architecture import selectors
from steward.architecture.models import Component
from steward.core.policy import SYSTEM
from steward.engineering.models import Repository
from steward.knowledge import selectors as knowledge_selectors

pytestmark = pytest.mark.django_db

FLAG = selectors.TRUCK_FACTOR_ONE


def _billing() -> Repository:
    return Repository.objects.get(name="billing-core")


def _scope(*paths: str) -> dict[str, Any]:
    [answer] = knowledge_selectors.scope_truck_factors(
        actor=SYSTEM, scopes=[(_billing(), list(paths))]
    )
    return answer


def test_scope_truck_factor_by_hand() -> None:
    cache.clear()
    # The whole repository: the plain METRICS.md number (14 files, hero removed: 5 of 14 left).
    whole = _scope()
    assert (whole["truck_factor"], whole["files_analyzed"]) == (1, 14)
    assert whole["coverage"] == round(5 / 14, 4)
    assert _scope(".", "legacy") == {**whole, "paths": []}  # "." is the whole repository
    # src/: 5 core + 4 invoices + catalog_sync = 10 files; the hero authors 9; after removing
    # the hero, catalog_sync and totals keep an author: 2 of 10 < 50 %.
    src = _scope("src/")
    assert (src["truck_factor"], src["files_analyzed"], src["coverage"]) == (1, 10, 0.2)
    assert src["paths"] == ["src"]
    # legacy/: the leaver's 3 files.
    legacy = _scope("legacy")
    assert (legacy["truck_factor"], legacy["files_analyzed"], legacy["coverage"]) == (1, 3, 0.0)
    # Three files, two people with two files each: removing either leaves 2 of 3 covered
    # (67 % ≥ 50 %), so both go: truck factor 2.
    pair = _scope("src/catalog_sync.py", "src/invoices/totals.py", "README.md")
    assert (pair["truck_factor"], pair["files_analyzed"], pair["coverage"]) == (2, 3, 0.0)
    # A glob is an fnmatch pattern (`*` crosses `/`): every invoice file.
    invoices = _scope("src/invoices/*")
    assert (invoices["truck_factor"], invoices["files_analyzed"]) == (1, 4)
    # Nothing analysed in the scope: no number, and the reason.
    empty = _scope("docs")
    assert empty["truck_factor"] is None and empty["problem"] == "no analysed file in these paths"


def test_scope_answers_are_cached_per_head() -> None:
    cache.clear()
    first = _scope("legacy")
    key = knowledge_selectors._scope_cache_key(_billing(), ("legacy",))
    assert cache.get(key) == {k: v for k, v in first.items() if k not in ("repo", "paths")}
    cache.set(key, {**cache.get(key), "truck_factor": 7})
    assert _scope("legacy")["truck_factor"] == 7  # served from the cache
    repo = _billing()
    repo.head_sha = "0" * 40  # a new head is another key (and here not a commit at all)
    assert knowledge_selectors._scope_cache_key(repo, ("legacy",)) != key


def test_repository_truck_factor_with_paths_names_the_authors() -> None:
    data = knowledge_selectors.repository_truck_factor(
        actor=SYSTEM, repository=_billing(), paths=["src/catalog_sync.py", "README.md"]
    )
    # Two files, one author each (catalog engineer, hero): removing the first leaves 1 of 2
    # (50 %, not below), so the second goes too.
    assert (data["truck_factor"], data["files_analyzed"], data["paths"]) == (
        2,
        2,
        ["README.md", "src/catalog_sync.py"],
    )
    assert sorted(a["files"] for a in data["authors"]) == [1, 1]


def _service(name: str, tier: int | None, paths: list[str]) -> Component:
    from steward.org.models import Team

    return Component.objects.create(
        kind="component",
        owner_team=Team.objects.get(slug="payments"),
        name=name,
        title=name.replace("-", " ").title(),
        tier=tier,
        repository=_billing(),
        paths=paths,
        oncall="pagerduty:billing",
        runbook="https://runbooks.example/billing",
        lifecycle="production",
    )


def test_catalog_list_and_api_show_the_truck_factor(client_as) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    _service("billing-legacy", 1, ["legacy"])  # tier 1, truck factor 1: flagged
    _service("billing-sync", 1, ["src/catalog_sync.py", "src/invoices/totals.py", "README.md"])
    _service("billing-batch", 2, ["legacy"])  # truck factor 1 but tier 2: not flagged
    page = client_as("engineer").get("/architecture/catalog/?kind=component").content.decode()
    rows = {
        name: page.split(f"/billing-{name}/")[1].split("</tr>")[0]
        for name in ("legacy", "sync", "batch")
    }
    assert FLAG in rows["legacy"] and '<span class="badge warning">1</span>' in rows["legacy"]
    assert FLAG not in rows["sync"] and '<td class="num">2</td>' in rows["sync"]
    assert FLAG not in rows["batch"] and '<span class="badge warning">1</span>' in rows["batch"]
    api = client_as("engineer").get("/api/v1/architecture/components?kind=component").json()
    by_name = {c["name"]: c for c in api["items"]}
    legacy = by_name["billing-legacy"]
    assert (legacy["truck_factor"], legacy["truck_factor_files"], legacy["paths"]) == (
        1,
        3,
        ["legacy"],
    )
    assert FLAG in legacy["flags"]
    assert (by_name["billing-sync"]["truck_factor"], by_name["billing-sync"]["flags"]) == (2, [])
    assert FLAG not in by_name["billing-batch"]["flags"]
    flagged = client_as("engineer").get("/api/v1/architecture/components?flagged=true").json()
    names = {c["name"] for c in flagged["items"]}
    assert "billing-legacy" in names and "billing-sync" not in names
    assert "billing-batch" not in names
    # A service without a repository has no figure.
    assert all(c["truck_factor"] is None for c in api["items"] if c["repository"] is None)


def test_component_page_shows_the_figure_and_links_to_the_map(client_as) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    _service("billing-legacy", 1, ["legacy"])
    page = client_as("engineer").get("/architecture/catalog/component/default/billing-legacy/")
    body = page.content.decode()
    assert FLAG in body
    figure = body.split('id="truck-factor">')[1].split("</dd>")[0]
    assert "/engineering/knowledge/map/billing-core/?folder=legacy" in figure
    assert ">1</a>" in figure and "3 files" in figure


def test_catalog_list_query_count(client_as, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    client.get("/api/v1/architecture/components")  # fills the cache
    # Whatever the number of entities: the list, its prefetch, one cache read (+ session, user).
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/architecture/components").status_code == 200
