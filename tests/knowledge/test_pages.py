"""Code knowledge pages and API on the demo company: billing-core (demo/knowledge.py) has truck
factor 1, a leaver's abandoned legacy/ folder, an invoices hotspot and cross-team coupling."""

from __future__ import annotations

from datetime import date

import pytest

from steward.core.policy import SYSTEM
from steward.engineering.models import Repository
from steward.knowledge import selectors
from steward.knowledge.registrations import teams_with_truck_factor_one
from steward.org.models import Person

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("demo_day")]


def _cast() -> dict[str, Person]:
    payments = Person.objects.filter(team__slug="payments", end_date=None).order_by(
        "start_date", "pk"
    )
    leaver = Person.objects.exclude(end_date=None).order_by("-end_date", "pk").first()
    catalog = Person.objects.filter(team__slug="catalog", end_date=None).order_by(
        "start_date", "pk"
    )
    assert leaver is not None
    return {"hero": payments[0], "leaver": leaver, "catalog": catalog[0]}


def test_billing_core_truck_factor_by_hand() -> None:
    repo = Repository.objects.get(name="billing-core")
    data = selectors.repository_truck_factor(actor=SYSTEM, repository=repo)
    # 14 files: README, 5 core and 4 invoice files added by the hero; 3 legacy files only the
    # leaver wrote; catalog_sync.py added by the catalog engineer, who is also an author of
    # invoices/totals.py (17 changes against the hero's add and 13 changes). Removing the hero
    # leaves 5 of 14 files covered (36 % < 50 %): truck factor 1.
    assert data["files_analyzed"] == 14
    assert data["truck_factor"] == 1
    hero = _cast()["hero"]
    assert [(a["name"], a["files"]) for a in data["authors"]] == [(hero.name, 10)]
    assert data["coverage"] == round(5 / 14, 4)


def test_abandoned_and_what_if() -> None:
    repo = Repository.objects.get(name="billing-core")
    analysis = selectors.analyse([repo])
    abandoned = {
        analysis.authorship.files[i].path
        for i in selectors.abandoned_files(analysis, date(2026, 11, 27))
    }
    assert abandoned == {"legacy/gateway_v1.py", "legacy/reconcile_v1.py", "legacy/batch_export.py"}
    cast = _cast()
    leaving = selectors.developers_of_people(analysis, {cast["hero"].pk})
    outcome = selectors.what_if(analysis, leaving, date(2026, 11, 27))
    # Without the hero, 9 of the 10 files he authors lose their last author (totals.py keeps
    # the catalog engineer); the leaver's 3 files were abandoned already.
    assert outcome["abandoned_before"] == 3
    assert outcome["abandoned_after"] == 12
    assert outcome["truck_factor_before"] == 1
    assert outcome["truck_factor_after"] == 0
    assert ("billing-core", "src/invoices/totals.py") not in outcome["files_losing_last_author"]


def test_pages_and_policy(client_as) -> None:  # type: ignore[no-untyped-def]
    hero = _cast()["hero"]
    cto = client_as("cto").get("/engineering/knowledge/").content.decode()
    assert "billing-core" in cto and hero.name in cto
    engineer = client_as("engineer").get("/engineering/knowledge/").content.decode()
    assert "billing-core" in engineer
    if hero.user is None or hero.user.username != "engineer":
        assert hero.name not in engineer.split("What if")[0]
        assert "not shown to you" in engineer
    page = client_as("cto").get("/engineering/knowledge/map/billing-core/?folder=legacy")
    body = page.content.decode()
    assert page.status_code == 200 and body.count(">abandoned</span>") == 3
    file_page = client_as("cto").get(
        "/engineering/knowledge/map/billing-core/file/legacy/gateway_v1.py"
    )
    assert file_page.content.decode().count("Legacy gateway step") == 4
    hot = client_as("manager").get("/engineering/knowledge/hotspots/?repo=billing-core")
    text = hot.content.decode()
    assert "<svg" in text
    table = text[text.index("<table") :]
    # totals.py: 13 weekly changes plus 17 from the catalog engineer; the others about 12.
    assert table.index("src/invoices/totals.py") < table.index("src/invoices/taxes.py")
    assert "src/api.py" not in table  # not changed in the last 12 months
    coupled = client_as("manager").get("/engineering/knowledge/coupling/?repo=billing-core")
    assert "src/catalog_sync.py" in coupled.content.decode()


def test_api(client_as) -> None:  # type: ignore[no-untyped-def]
    cto = client_as("cto").get("/api/v1/engineering/truck-factor?repo=billing-core").json()
    assert cto["truck_factor"] == 1 and cto["authors"][0]["developer"]
    engineer = client_as("engineer").get("/api/v1/engineering/truck-factor?repo=billing-core")
    data = engineer.json()
    assert data["truck_factor"] == 1
    hero = _cast()["hero"]
    if hero.user is None or hero.user.username != "engineer":
        assert data["authors"] == [{"developer": None, "name": None, "files": 10}]
    hot = client_as("cto").get("/api/v1/engineering/hotspots?repo=billing-core").json()
    rows = {r["path"]: r for r in hot["files"]}
    # Every invoice change is in the last 12 months; the year before saw none.
    assert rows["src/invoices/totals.py"]["revisions"] == 30
    assert rows["src/invoices/totals.py"]["previous_revisions"] == 0
    bad = client_as("cto").get("/api/v1/engineering/truck-factor")
    assert bad.status_code == 422 and "repo=NAME or team=SLUG" in bad.content.decode()
    team = client_as("cto").get("/api/v1/engineering/truck-factor?team=payments").json()
    assert "billing-core" in team["repos"]
    coupling = client_as("cto").get("/api/v1/engineering/coupling?repo=billing-core").json()
    pairs = {(p["entity"], p["coupled"]): p for p in coupling["pairs"]}
    pair = pairs[("src/catalog_sync.py", "src/invoices/totals.py")]
    # 17 shared commits; catalog_sync 17 revisions, totals 13 + 17 = 30 in the window.
    assert pair["shared"] == 17
    assert pair["degree"] == round(17 / ((17 + 30) / 2) * 100, 1)


def test_finding_rule_matches_team_truck_factors() -> None:
    findings = teams_with_truck_factor_one(SYSTEM, date(2026, 11, 27))
    flagged = {f.statement.split(":")[0] for f in findings}
    for team in selectors.teams_with_repositories(SYSTEM):
        tf = selectors.team_truck_factor(actor=SYSTEM, team=team)["truck_factor"]
        assert (team.name in flagged) == (tf == 1)


def test_reorg_scenario_gains_a_knowledge_section() -> None:
    from steward.orgdesign import selectors as orgdesign_selectors
    from steward.orgdesign import services as orgdesign_services

    hero = _cast()["hero"]
    scenario = orgdesign_services.scenario_create(
        actor=SYSTEM, name="Hero leaves", effective_date=date(2026, 12, 15)
    )
    orgdesign_services.scenario_add_change(
        actor=SYSTEM,
        scenario=scenario,
        kind="mark_departure",
        payload={"person": hero.employee_id, "on": "2026-12-15"},
    )
    data = orgdesign_selectors.scenario_comparison(actor=SYSTEM, scenario=scenario)
    rows = {r["team"]: r for r in data["knowledge"]}
    payments = rows["payments"]
    # The same figures as the what-if on the team's repositories, the hero leaving.
    team = selectors.teams_with_repositories(SYSTEM)
    analysis = selectors.analyse(
        selectors.team_repositories(next(t for t in team if t.slug == "payments"))
    )
    outcome = selectors.what_if(
        analysis, selectors.developers_of_people(analysis, {hero.pk}), date(2026, 12, 16)
    )
    assert payments["truck_factor_before"] == outcome["truck_factor_before"]
    assert payments["truck_factor_after"] == outcome["truck_factor_after"]
    assert payments["files_losing_last_author"] == len(outcome["files_losing_last_author"])
    # billing-core's 9 files lose their last author at least.
    assert payments["files_losing_last_author"] >= 9


def test_team_and_person_panels(client_as) -> None:  # type: ignore[no-untyped-def]
    hero = _cast()["hero"]
    team_page = client_as("engineer").get("/org/teams/payments/").content.decode()
    assert "Code knowledge" in team_page
    data = selectors.team_truck_factor(actor=SYSTEM, team=hero.team)
    assert f"{data['truck_factor']} (people whose departure" in team_page
    cto = client_as("cto").get(f"/org/people/{hero.employee_id}/").content.decode()
    # billing-core: the hero authors 10 files, 9 of which nobody else knows.
    assert "author of 10 files; 9 files would lose their last author" in cto
    if hero.user is None or hero.user.username != "engineer":
        other = client_as("engineer").get(f"/org/people/{hero.employee_id}/").content.decode()
        assert "what if they left" not in other


@pytest.mark.parametrize("employee_id", ["E0005", "E0006", "E0012"])
def test_person_panel_lists_the_repositories_an_analysis_of_every_one_finds(
    client_as, employee_id: str
) -> None:  # type: ignore[no-untyped-def]
    """The panel reads only the repositories the person authored in (from the per-author
    summaries); walking every repository's analysis, as it once did, finds the same ones."""
    from steward.knowledge.panels import person_knowledge

    person = Person.objects.get(employee_id=employee_id)
    expected = set()
    for repo in selectors.ingested_repositories(SYSTEM):
        analysis = selectors.analyse([repo])
        mine = selectors.developers_of_people(analysis, {person.pk})
        if any(set(f.authors) & mine for f in analysis.authorship.files):
            expected.add(repo.name)
    cto = Person.objects.get(user__username="cto").user
    panel = person_knowledge(cto, person)
    assert panel is not None
    assert {row.label for row in panel.rows} == expected
    assert expected  # each of these demo people authors files somewhere


def test_risk_page_reads_end_dates_once_and_offers_only_authors(monkeypatch, client_as) -> None:  # type: ignore[no-untyped-def]
    from steward.knowledge import risk
    from steward.org import selectors as org_selectors
    from tests.factories import PersonFactory

    newcomer = PersonFactory(name="Nadia Newcomer", start_date=date(2026, 1, 5))
    calls: list[int] = []
    real = org_selectors.person_end_dates

    def counted(ids):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(ids)

    monkeypatch.setattr(org_selectors, "person_end_dates", counted)
    on = date(2026, 11, 27)
    hero = _cast()["hero"]
    data = risk.knowledge_risk(actor=SYSTEM, on=on, leave=[hero.pk])
    # One read of the end dates for the 41 repositories and every team, not two per row.
    assert len(calls) == 1
    monkeypatch.setattr(org_selectors, "person_end_dates", real)
    # Every row equals the selectors' own computation, repository by repository.
    assert len(data["repos"]) == Repository.objects.exclude(head_sha="").count()
    for row in data["repos"]:
        analysis = selectors.analyse([row["repo"]])
        gone = selectors.departed_developers(analysis, on)
        assert row["abandoned"] == len(selectors.abandoned_files(analysis, on))
        assert row["gone"] == gone
    billing = next(r for r in data["repos"] if r["repo"].name == "billing-core")
    assert (billing["truck_factor"], billing["files"], billing["abandoned"]) == (1, 14, 3)
    # The what-if rows match test_abandoned_and_what_if's hand count for billing-core.
    scenario = {s["what"]: s for s in data["scenario"]}
    assert scenario["billing-core"]["abandoned_after"] == 12
    assert scenario["billing-core"]["truck_factor_after"] == 0
    # Only people who authored code are offered; the hero is, the newcomer is not.
    offered = {p.pk for p in data["candidates"]}
    assert hero.pk in offered and newcomer.pk not in offered
    authors = {
        p
        for r in data["repos"]
        for people in selectors.analyse([r["repo"]]).developer_people().values()
        for p in people
    }
    assert offered <= authors
    page = client_as("cto").get(f"/engineering/knowledge/?leave={hero.pk}").content.decode()
    assert "Nadia Newcomer" not in page and f"If {hero.name} left" in page


def test_risk_page_counts_identities_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from steward.engineering import selectors as eng
    from steward.knowledge import risk

    calls: list[int] = []
    real = eng.identity_count

    def counted() -> int:
        calls.append(1)
        return real()

    monkeypatch.setattr(eng, "identity_count", counted)
    on = date(2026, 11, 27)
    data = risk.knowledge_risk(actor=SYSTEM, on=on)
    # One count for the 41 repositories and every team (it was one per analysis: a query
    # each, which costs most on PostgreSQL), and the rows are those of the uncounted path.
    assert len(calls) == 1
    assert len(data["repos"]) == Repository.objects.exclude(head_sha="").count() > 1
    monkeypatch.setattr(eng, "identity_count", real)
    for row in data["repos"]:
        analysis = selectors.analyse([row["repo"]])
        assert len(analysis.authorship.files) == row["files"]
        assert row["gone"] == selectors.departed_developers(analysis, on)
