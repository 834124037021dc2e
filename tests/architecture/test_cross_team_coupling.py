"""Cross-team coupling (issue 10 item 5, METRICS.md): change coupling between modules owned by
different teams, compared with the team interactions declared in organization design.

A hand-built repository `mono`, owned by the demo's catalog team, with three catalog entities:
`mono-alerts` (observability, `alerts/`), `mono-prices` (pricing-engine, `prices/`) and
`mono-prices-feed` (catalog, `prices/feed/`, inside `prices/`: the longer path wins). The demo
declares catalog → pricing-engine x-as-a-service and nothing between catalog and observability.

Commits (all in the last 12 months), hand-counted:
- 6 × core/a.py + alerts/x.py           → mono and mono-alerts
- 3 × core/a.py                         → mono
- 5 × prices/p.py + core/b.py           → mono-prices and mono
- 5 × prices/feed/f.py + prices/p.py    → mono-prices-feed and mono-prices
- 1 × 31 files (core/gen/* + alerts/z)  → ignored (more than 30 files)
- 1 × alerts/y.py                       → mono-alerts
Revisions: mono 6 + 3 + 5 = 14, mono-alerts 6 + 1 = 7, mono-prices 5 + 5 = 10, feed 5.
Pairs (≥ 5 revisions each, ≥ 5 shared, degree ≥ 30):
- mono ~ mono-alerts: 6 ÷ ((14 + 7) ÷ 2) = 57.1 %, catalog and observability, undeclared;
- mono ~ mono-prices: 5 ÷ ((14 + 10) ÷ 2) = 41.7 %, catalog and pricing-engine, declared;
- mono-prices ~ mono-prices-feed: 5 ÷ ((10 + 5) ÷ 2) = 66.7 %, pricing-engine and catalog.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.architecture import selectors
from steward.architecture.models import Component
from steward.cli import app
from steward.core.policy import SYSTEM
from steward.engineering import ingest
from steward.engineering.models import Repository
from steward.knowledge import selectors as knowledge_selectors
from steward.org.models import Team
from tests.engineering.gitfixtures import commit, init

pytestmark = pytest.mark.django_db

ANN = ("Ann", "ann@example.com")


@pytest.fixture(autouse=True)
def demo_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is the demo's day, so billing-core's last 12 months hold the hand-counted commits."""
    from django.utils import timezone

    from steward.demo.company import REFERENCE_DATE

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: REFERENCE_DATE)


def _build(tmp_path: Path) -> Repository:
    repo = init(tmp_path / "mono")
    from steward.demo.company import REFERENCE_DATE

    start = datetime.combine(REFERENCE_DATE, datetime.min.time(), tzinfo=UTC) - timedelta(days=200)
    n = 0

    def change(*paths: str) -> None:
        nonlocal n
        n += 1
        for path in paths:
            target = repo / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a") as handle:
                handle.write(f"change {n}\n")
        when = f"@{int((start + timedelta(days=n)).timestamp())} +0000"
        commit(repo, f"change {n}", name=ANN[0], email=ANN[1], when=when)

    for _ in range(6):
        change("core/a.py", "alerts/x.py")
    for _ in range(3):
        change("core/a.py")
    for _ in range(5):
        change("prices/p.py", "core/b.py")
    for _ in range(5):
        change("prices/feed/f.py", "prices/p.py")
    change(*[f"core/gen/g{i}.py" for i in range(30)], "alerts/z.py")
    change("alerts/y.py")
    results = ingest.ingest_paths([repo], team_slug="catalog")
    assert all(r.ok for r in results), results
    mono = Repository.objects.get(name="mono")
    for name, team, paths in (
        ("mono-alerts", "observability", ["alerts"]),
        ("mono-prices", "pricing-engine", ["prices/"]),
        ("mono-prices-feed", "catalog", ["prices/feed"]),
    ):
        Component.objects.create(
            kind="component",
            name=name,
            title=name.replace("mono-", "Mono ").replace("-", " "),
            owner_team=Team.objects.get(slug=team),
            repository=mono,
            paths=paths,
            lifecycle="production",
        )
    return mono


def test_module_of_takes_the_longest_path() -> None:
    modules = [("prices", ["prices"]), ("feed", ["prices/feed"]), ("docs", ["*.md"])]
    assert knowledge_selectors.module_of("prices/feed/f.py", modules, "rest") == "feed"
    assert knowledge_selectors.module_of("prices/p.py", modules, "rest") == "prices"
    assert knowledge_selectors.module_of("pricesx/p.py", modules, "rest") == "rest"
    assert knowledge_selectors.module_of("README.md", modules, "rest") == "docs"


def test_cross_team_coupling_by_hand(tmp_path: Path) -> None:
    mono = _build(tmp_path)
    modules = knowledge_selectors.module_coupling(
        actor=SYSTEM,
        repository=mono,
        modules=[(c.name, c.paths) for c in Component.objects.filter(repository=mono)],
        rest="mono",
    )
    assert modules["revisions"] == {
        "mono": 14,
        "mono-alerts": 7,
        "mono-prices": 10,
        "mono-prices-feed": 5,
    }
    data = selectors.cross_team_coupling(actor=SYSTEM)
    pairs = [p for p in data["pairs"] if p["repo"] == "mono"]
    assert [
        (p["module"], p["coupled"], p["degree"], p["shared"], p["declared"], p["modes"])
        for p in pairs
    ] == [
        ("mono", "mono-alerts", 57.1, 6, False, []),
        ("mono-prices", "mono-prices-feed", 66.7, 5, True, ["x-as-a-service"]),
        ("mono", "mono-prices", 41.7, 5, True, ["x-as-a-service"]),
    ]
    first = pairs[0]
    assert (first["module_team"], first["coupled_team"]) == ("catalog", "observability")
    assert (first["revisions_module"], first["revisions_coupled"]) == (14, 7)
    teams = {(t["team"], t["other"]): t for t in data["teams"]}
    observability = teams[("catalog", "observability")]
    assert (observability["pairs"], observability["degree"], observability["shared"]) == (
        1,
        57.1,
        6,
    )
    assert observability["declared"] is False
    pricing = teams[("catalog", "pricing-engine")]
    assert (pricing["pairs"], pricing["degree"], pricing["shared"]) == (2, 66.7, 10)
    assert pricing["modes"] == ["x-as-a-service"]
    # Undeclared before declared.
    order = [(t["team"], t["other"]) for t in data["teams"]]
    assert order.index(("catalog", "observability")) < order.index(("catalog", "pricing-engine"))


def test_demo_story_and_every_surface(tmp_path: Path, client_as) -> None:  # type: ignore[no-untyped-def]
    # The demo (demo/knowledge.py): catalog-sync (catalog) with the rest of billing-core
    # (payments): 17 shared commits, 17 and 67 revisions, 17 ÷ 42 = 40.5 %, no interaction.
    api = client_as("engineer").get("/api/v1/architecture/cross-team-coupling")
    assert api.status_code == 200
    body = api.json()
    [demo] = [p for p in body["pairs"] if p["repo"] == "billing-core"]
    assert (demo["module"], demo["coupled"], demo["coupled_title"], demo["shared"]) == (
        "billing-core",
        "catalog-sync",
        "Catalog price sync",
        17,
    )
    assert (demo["module_team"], demo["coupled_team"], demo["declared"]) == (
        "payments",
        "catalog",
        False,
    )
    assert (demo["revisions_module"], demo["revisions_coupled"], demo["degree"]) == (67, 17, 40.5)
    # CLI --json: the same figures as the API.
    _build(tmp_path)
    out = CliRunner().invoke(app, ["metrics", "cross-team-coupling", "--json"])
    assert out.exit_code == 0, out.output
    cli = json.loads(out.output)
    mono = [p for p in cli["pairs"] if p["repo"] == "mono"]
    assert [(p["module"], p["coupled"], p["degree"]) for p in mono] == [
        ("mono", "mono-alerts", 57.1),
        ("mono-prices", "mono-prices-feed", 66.7),
        ("mono", "mono-prices", 41.7),
    ]
    # The coupling page shows it (architecture's panel on knowledge's page), plain words.
    page = client_as("engineer").get("/engineering/knowledge/coupling/").content.decode()
    assert "Cross-team coupling" in page
    catalog, observability = (Team.objects.get(slug=s).name for s in ("catalog", "observability"))
    # Entities by their titles (the rest of the repository by its name).
    assert f"{catalog} and {observability}: mono with Mono alerts in mono" in page
    assert "change together in 57.1 % of their commits (6 shared of 14 and 7)" in page
    assert "no declared interaction" in page
    # The cockpit finding names both teams.
    statements = [
        f.statement
        for f in selectors.undeclared_coupling_findings(SYSTEM, datetime.now(UTC).date())
    ]
    assert (
        f"{catalog} and {observability}: their code changes together (up to 57 % of the "
        "commits) but they declare no interaction." in statements
    )
    assert not any(Team.objects.get(slug="pricing-engine").name in s for s in statements)
