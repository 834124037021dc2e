""" "What if X leaves" as an API endpoint and a command (issue 10 items 3 and 6), on the demo's
billing-core (demo/knowledge.py), hand-counted in test_pages.py: 14 analysed files; the hero
authors README.md, the 5 core and the 4 invoice files (10); the catalog engineer
src/catalog_sync.py and, with the hero, src/invoices/totals.py; the leaver's 3 legacy files are
abandoned already."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from steward.cli import app
from steward.core.policy import SYSTEM, may_see_individual_activity
from steward.knowledge import selectors
from steward.org.models import Person

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("demo_day")]

HERO_FILES = {
    "README.md",
    *(f"src/{n}.py" for n in ("api", "accounts", "ledger", "payouts", "refunds")),
    *(f"src/invoices/{n}.py" for n in ("taxes", "render", "numbering")),
}


def _cast() -> tuple[Person, Person]:
    hero = Person.objects.filter(team__slug="payments", end_date=None).order_by("start_date", "pk")[
        0
    ]
    catalog = Person.objects.filter(team__slug="catalog", end_date=None).order_by(
        "start_date", "pk"
    )[0]
    return hero, catalog


def _row(rows: list[dict], key: str, value: str) -> dict:  # type: ignore[type-arg]
    [row] = [r for r in rows if r.get(key) == value]
    return row


def test_api_one_person(client_as) -> None:  # type: ignore[no-untyped-def]
    hero, _ = _cast()
    response = client_as("cto").get(f"/api/v1/engineering/what-if?person={hero.employee_id}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["people"] == [{"employee_id": hero.employee_id, "name": hero.name}]
    billing = _row(data["repositories"], "repo", "billing-core")
    # 9 of the hero's 10 files lose their last author (totals.py keeps the catalog engineer):
    # abandoned 3 → 12; the truck factor drops from 1 to 0.
    assert (billing["files_analyzed"], billing["files_authored"]) == (14, 10)
    assert (billing["truck_factor_before"], billing["truck_factor_after"]) == (1, 0)
    assert (billing["abandoned_before"], billing["abandoned_after"]) == (3, 12)
    assert {f["path"] for f in billing["files_losing_last_author"]} == HERO_FILES
    assert {f["repo"] for f in billing["files_losing_last_author"]} == {"billing-core"}
    # The payments team (the union of its repositories) equals the reorg scenario's figures.
    payments = _row(data["teams"], "team", "payments")
    [expected] = [
        r
        for r in selectors.departures_effect(
            actor=SYSTEM, leaving_person_ids={hero.pk}, on=selectors.timezone.localdate()
        )
        if r["team"] == "payments"
    ]
    assert (payments["truck_factor_before"], payments["truck_factor_after"]) == (
        expected["truck_factor_before"],
        expected["truck_factor_after"],
    )
    assert len(payments["files_losing_last_author"]) == expected["files_losing_last_author"]
    assert payments["abandoned_after"] - payments["abandoned_before"] == len(
        payments["files_losing_last_author"]
    )
    assert {("billing-core", p) for p in HERO_FILES} <= {
        (f["repo"], f["path"]) for f in payments["files_losing_last_author"]
    }
    # Every repository listed is one the hero authored a commit in.
    assert {r["repo"] for r in data["repositories"]} == {
        r.name for r in selectors.repositories_authored_by(SYSTEM, hero.pk)
    }


def test_several_people_and_the_cli(client_as) -> None:  # type: ignore[no-untyped-def]
    hero, catalog = _cast()
    out = CliRunner().invoke(
        app,
        [
            "metrics",
            "what-if",
            "--person",
            hero.employee_id,
            "--person",
            catalog.employee_id,
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    billing = _row(data["repositories"], "repo", "billing-core")
    # Both leave: the hero's 10 files and catalog_sync.py lose their last author (11); every
    # one of the 14 files is abandoned afterwards.
    assert billing["files_authored"] == 11
    assert (billing["abandoned_before"], billing["abandoned_after"]) == (3, 14)
    assert {f["path"] for f in billing["files_losing_last_author"]} == HERO_FILES | {
        "src/catalog_sync.py",
        "src/invoices/totals.py",
    }
    assert {t["team"] for t in data["teams"]} >= {"payments", "catalog"}
    # The same through the API.
    api = client_as("cto").get(
        f"/api/v1/engineering/what-if?person={hero.employee_id}&person={catalog.employee_id}"
    )
    assert _row(api.json()["repositories"], "repo", "billing-core") == billing
    # Plain text: one line per repository and team.
    text = CliRunner().invoke(app, ["metrics", "what-if", "--person", hero.employee_id])
    assert "billing-core: truck factor 1 → 0, 9 of 14 files lose their last author" in text.output


def test_policy_and_bad_input(client_as) -> None:  # type: ignore[no-untyped-def]
    hero, _ = _cast()
    engineer = Person.objects.get(user__username="engineer").user
    url = f"/api/v1/engineering/what-if?person={hero.employee_id}"
    expected = 200 if may_see_individual_activity(engineer, hero) else 403
    assert expected == 403  # the demo's engineer is not the hero nor their manager
    assert client_as("engineer").get(url).status_code == 403
    unknown = client_as("cto").get("/api/v1/engineering/what-if?person=NOPE")
    assert unknown.status_code == 422 and "no such person" in unknown.content.decode()
    assert client_as("cto").get("/api/v1/engineering/what-if").status_code == 422
