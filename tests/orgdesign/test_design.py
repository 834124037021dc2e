"""Organization design against the database: history snapshots, scenarios, plan, policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from steward.core.periods import Quarter
from steward.core.policy import SYSTEM
from steward.org import services as org
from steward.org.errors import OrgError
from steward.org.models import Person, Team, TeamMembership
from steward.orgdesign import selectors as sel
from steward.orgdesign import services as design
from steward.orgdesign.models import ScenarioStatus

D0 = date(2026, 1, 1)
MOVE = date(2026, 6, 1)


@pytest.fixture
def tiny(empty_org):  # type: ignore[no-untyped-def]
    """Boss → Lead A (team a, 5 ICs) and Lead B (team b, 1 IC); i1 moves a → b on 1 June."""
    a = org.team_create(actor=SYSTEM, slug="a", name="A", type="stream-aligned")
    b = org.team_create(actor=SYSTEM, slug="b", name="B", type="platform")
    boss = org.person_create(
        actor=SYSTEM,
        employee_id="P0",
        name="Boss",
        start_date=D0,
        track="manager",
        salary=Decimal("150000"),
        currency="EUR",
        location="Berlin",
    )
    la = org.person_create(
        actor=SYSTEM,
        employee_id="LA",
        name="Lead A",
        start_date=D0,
        team=a,
        manager=boss,
        track="manager",
        salary=Decimal("100000"),
        currency="EUR",
        location="Berlin",
    )
    lb = org.person_create(
        actor=SYSTEM,
        employee_id="LB",
        name="Lead B",
        start_date=D0,
        team=b,
        manager=boss,
        track="manager",
        salary=Decimal("100000"),
        currency="USD",
        location="Austin",
    )
    org.team_set_lead(actor=SYSTEM, team=a, lead=la)
    org.team_set_lead(actor=SYSTEM, team=b, lead=lb)
    for n in range(5):
        org.person_create(
            actor=SYSTEM,
            employee_id=f"I{n}",
            name=f"IC {n}",
            start_date=D0,
            team=a,
            manager=la,
            salary=Decimal("80000"),
            currency="EUR",
            location="Berlin",
            fte=Decimal("0.5") if n == 4 else Decimal("1"),
        )
    org.person_create(
        actor=SYSTEM,
        employee_id="J0",
        name="J",
        start_date=D0,
        team=b,
        manager=lb,
        salary=Decimal("80000"),
        currency="EUR",
        location="Lisbon",
    )
    i1 = Person.objects.get(employee_id="I1")
    org.person_move(actor=SYSTEM, person=i1, team=b, on=MOVE)
    org.person_set_manager(actor=SYSTEM, person=i1, manager=lb, on=MOVE)
    return {"a": a, "b": b}


def test_date_uses_history_not_todays_fields(tiny) -> None:  # type: ignore[no-untyped-def]
    before = sel.analyze(sel.live_snapshot(date(2026, 3, 1)))
    after = sel.analyze(sel.live_snapshot(date(2026, 7, 1)))
    sizes_before = {t["slug"]: t["size"] for t in before["teams"]}
    sizes_after = {t["slug"]: t["size"] for t in after["teams"]}
    assert sizes_before == {"a": 6, "b": 2}
    assert sizes_after == {"a": 5, "b": 3}
    assert before["span_of_control"]["by_manager"] == {"LA": 5, "LB": 1, "P0": 2}
    assert after["span_of_control"]["by_manager"] == {"LA": 4, "LB": 2, "P0": 2}
    assert sel.analyze(sel.live_snapshot(date(2025, 12, 31)))["people"] == 0


def test_capacity_from_history_part_time_and_allocations(tiny) -> None:  # type: ignore[no-untyped-def]
    design.allocation_set(actor=SYSTEM, team=tiny["a"], kind="ktlo", share="0.2")
    report = sel.capacity_report(actor=SYSTEM, quarters=[Quarter(2026, 2)], team=None)  # type: ignore[arg-type]
    rows = {r["team"]: r["quarters"]["2026Q2"] for r in report["teams"]}
    # 2026Q2 has 91 days; i1 leaves a on 1 June after 61 days.
    gross_a = 13 * (1 + 1 + 1 + 1 + 0.5) + 13 * 61 / 91
    assert rows["a"]["person_weeks"] == round(gross_a * 0.8, 2)
    assert rows["b"]["person_weeks"] == round(13 * 2 + 13 * 30 / 91, 2)


def _admin() -> User:
    return User.objects.get(username="cto")


def test_scenario_apply_writes_history_and_is_audited(tiny) -> None:  # type: ignore[no-untyped-def]
    from auditlog.models import LogEntry

    cto = _admin()
    scenario = design.scenario_create(actor=cto, name="merge b", effective_date=date(2026, 9, 1))
    design.scenario_add_change(
        actor=cto, scenario=scenario, kind="merge_teams", payload={"source": "b", "into": "a"}
    )
    data = sel.scenario_comparison(actor=cto, scenario=scenario, quarters=[Quarter(2026, 4)])
    assert data["problems"] == []
    assert [r["person"] for r in data["manager_changes"]] == ["I1", "J0", "LB"]
    assert data["structure"]["figures"]["layers"] == {"before": 2, "after": 2}
    # Demo rates: USD→EUR 0.92; burden Austin 0.11, Lisbon 0.24, Berlin 0.21. Team b:
    # LB 100000 USD × 1.11 × 0.92 + J0 80000 × 1.24 + I1 80000 × 1.21 = 298120 EUR.
    assert data["cost"]["missing_salary"] == []
    assert data["cost"]["by_team"]["b"]["delta"] == Decimal("-298120.00")
    assert data["cost"]["by_team"]["a"]["delta"] == Decimal("298120.00")
    assert data["cost"]["total"]["delta"] == Decimal(0)
    # An executive sees aggregates, but not a team row over fewer than 5 people (team b: 3).
    executive = User.objects.get(username="executive")
    masked = sel.scenario_comparison(
        actor=executive, scenario=scenario, quarters=[Quarter(2026, 4)]
    )
    assert masked["cost"]["by_team"]["b"] == {
        "before": None,
        "after": None,
        "delta": None,
        "suppressed": True,
    }
    assert masked["cost"]["total"]["delta"] == Decimal(0)
    assert "cost" not in sel.scenario_comparison(
        actor=User.objects.get(username="manager"), scenario=scenario, quarters=[Quarter(2026, 4)]
    )
    before_entries = LogEntry.objects.count()
    design.scenario_apply(actor=cto, scenario=scenario, on=date(2026, 9, 1))
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.APPLIED
    assert Team.objects.get(slug="b").dissolved_on == date(2026, 9, 1)
    j0 = Person.objects.get(employee_id="J0")
    assert j0.team.slug == "a" and j0.manager.employee_id == "LA"
    assert TeamMembership.objects.filter(person=j0).count() == 2
    assert LogEntry.objects.count() > before_entries
    with pytest.raises(OrgError, match="applied"):
        design.scenario_apply(actor=cto, scenario=scenario)


def test_scenario_apply_refuses_conflicting_live_change(tiny) -> None:  # type: ignore[no-untyped-def]
    cto = _admin()
    scenario = design.scenario_create(actor=cto, name="move i2", effective_date=date(2026, 9, 1))
    design.scenario_add_change(
        actor=cto, scenario=scenario, kind="move_person", payload={"person": "I2", "team": "b"}
    )
    i2 = Person.objects.get(employee_id="I2")
    org.person_set_manager(
        actor=SYSTEM, person=i2, manager=Person.objects.get(employee_id="P0"), on=date(2026, 8, 1)
    )
    with pytest.raises(OrgError, match="I2's manager changed in the live org from LA to P0"):
        design.scenario_apply(actor=cto, scenario=scenario, on=date(2026, 9, 1))
    assert Person.objects.get(employee_id="I2").team.slug == "a"


def test_scenario_refuses_bad_changes(tiny) -> None:  # type: ignore[no-untyped-def]
    cto = _admin()
    scenario = design.scenario_create(actor=cto, name="bad", effective_date=date(2026, 9, 1))
    with pytest.raises(OrgError, match="reporting cycle"):
        design.scenario_add_change(
            actor=cto,
            scenario=scenario,
            kind="change_manager",
            payload={"person": "P0", "manager": "I0"},
        )
    org.person_end_employment(actor=SYSTEM, person=Person.objects.get(employee_id="I3"), on=MOVE)
    with pytest.raises(OrgError, match="a leaver"):
        design.scenario_add_change(
            actor=cto, scenario=scenario, kind="move_person", payload={"person": "I3", "team": "b"}
        )
    design.plan_entry_create(
        actor=SYSTEM, key="h-b", team=tiny["b"], level="L2", expected_start=date(2027, 1, 4)
    )
    with pytest.raises(OrgError, match="still owns planned hire h-b"):
        design.scenario_add_change(
            actor=cto, scenario=scenario, kind="dissolve_team", payload={"team": "b", "into": "a"}
        )
    assert scenario.changes.count() == 0


def test_manager_only_within_subtree_and_sees_own_scenarios(client_as) -> None:  # type: ignore[no-untyped-def]
    manager = User.objects.get(username="manager")
    scenario = design.scenario_create(actor=manager, name="mine")
    me = Person.objects.get(employee_id="E0005")
    mine = Person.objects.filter(manager=me, end_date__isnull=True).order_by("employee_id")[0]
    design.scenario_add_change(
        actor=manager,
        scenario=scenario,
        kind="change_manager",
        payload={"person": mine.employee_id, "manager": me.employee_id},
    )
    outsider = Person.objects.exclude(team__slug="payments").filter(end_date__isnull=True)[0]
    with pytest.raises(PermissionDenied, match="outside your reporting subtree"):
        design.scenario_add_change(
            actor=manager,
            scenario=scenario,
            kind="move_person",
            payload={"person": outsider.employee_id, "team": "payments"},
        )
    with pytest.raises(PermissionDenied):
        design.scenario_apply(actor=manager, scenario=scenario)
    with pytest.raises(PermissionDenied):
        design.scenario_create(actor=User.objects.get(username="engineer"), name="no")
    other = design.scenario_create(actor=_admin(), name="cto's")
    assert list(sel.scenario_list(actor=manager)) == [scenario]
    assert client_as("manager").get(f"/api/v1/org/scenarios/{other.pk}").status_code == 404


def test_scenario_yaml_round_trip(tiny) -> None:  # type: ignore[no-untyped-def]
    import yaml

    cto = _admin()
    scenario = design.scenario_create(actor=cto, name="split a", effective_date=date(2026, 9, 1))
    design.scenario_add_change(
        actor=cto,
        scenario=scenario,
        kind="split_team",
        payload={
            "team": "a",
            "new_slug": "a2",
            "new_name": "A2",
            "people": ["I2", "I3"],
            "lead": "I2",
        },
    )
    design.scenario_add_change(
        actor=cto,
        scenario=scenario,
        kind="add_hire",
        payload={"key": "H1", "team": "a2", "level": "L3", "expected_start": "2026-10-01"},
    )
    text = yaml.safe_dump(design.scenario_to_data(scenario), sort_keys=False)
    copy = design.scenario_from_data(actor=cto, data=yaml.safe_load(text))
    assert yaml.safe_dump(design.scenario_to_data(copy), sort_keys=False) == text
    with pytest.raises(OrgError, match=r"changes\[1\]: .*no such team"):
        design.scenario_from_data(
            actor=cto,
            data={"name": "x", "changes": [{"kind": "move_person", "person": "I0", "team": "zz"}]},
        )


def test_headcount_plan_totals_and_cost_visibility(tiny, client_as) -> None:  # type: ignore[no-untyped-def]
    design.burden_rate_set(actor=SYSTEM, location="Berlin", rate="0.25")
    design.plan_entry_create(
        actor=SYSTEM,
        key="h1",
        team=tiny["a"],
        level="L3",
        expected_start=date(2027, 1, 4),
        salary=Decimal("90000"),
        currency="EUR",
        location="Berlin",
    )
    design.plan_entry_create(
        actor=SYSTEM,
        key="h2",
        team=tiny["b"],
        level="L2",
        expected_start=date(2027, 4, 1),
        salary=Decimal("70000"),
        currency="EUR",
        location="Berlin",
        fte=Decimal("0.5"),
    )
    design.composition_target_set(actor=SYSTEM, metric="manager_to_ic_ratio", value="6")
    plan = sel.headcount_plan(actor=_admin())
    assert plan["quarters"] == ["2027Q1", "2027Q2"]
    assert plan["totals"]["by_quarter"] == {"2027Q1": 1.0, "2027Q2": 0.5}
    # 90000 × 1.25 and 70000 × 1.25 × 0.5
    assert plan["totals"]["cost_total"] == Decimal("112500.00") + Decimal("43750.00")
    gap = plan["composition"][0]
    # Live on today's date: managers P0, LA, LB; ICs I0-I4 + J0 = 6 → 2.0; after plan 8/3.
    assert gap["current"] == 2.0 and gap["after_plan"] == 2.67 and gap["gap_now"] == -4.0
    engineer_view = client_as("manager").get("/api/v1/org/headcount-plan").json()
    assert "cost_total" not in engineer_view["totals"]
    assert all("salary" not in item for item in engineer_view["items"])


def test_composition_gap_is_kept_until_the_org_moves(tiny) -> None:  # type: ignore[no-untyped-def]
    from steward.orgdesign.structure import analyze, headcounts

    live = sel.live_snapshot(date.today())
    full = analyze(live)
    assert headcounts(live) == {
        k: full[k] for k in ("people", "managers", "individual_contributors", "manager_to_ic_ratio")
    }

    def ratio() -> tuple[float, float]:
        rows = sel.headcount_plan(actor=_admin())["composition"]
        row = next(r for r in rows if r["metric"] == "manager_to_ic_ratio")
        return row["target"], row["current"]

    design.composition_target_set(actor=SYSTEM, metric="manager_to_ic_ratio", value="6")
    # Managers P0, LA, LB; ICs I0-I4 and J0: 6 / 3.
    assert ratio() == (6.0, 2.0)
    design.composition_target_set(actor=SYSTEM, metric="manager_to_ic_ratio", value="7")
    assert ratio() == (7.0, 2.0)
    # A seventh IC under Lead B (an audited write) is counted on the next read: 7 / 3.
    org.person_create(
        actor=SYSTEM,
        employee_id="I9",
        name="IC 9",
        start_date=D0,
        team=tiny["b"],
        manager=Person.objects.get(employee_id="LB"),
    )
    assert ratio() == (7.0, 2.33)
    # The structure analysis is kept the same way: read, change, read again.
    before = sel.structure_analysis(actor=_admin())
    org.person_create(actor=SYSTEM, employee_id="I10", name="IC 10", start_date=D0, team=tiny["a"])
    after = sel.structure_analysis(actor=_admin())
    assert after["people"] == before["people"] + 1 == len(sel.live_snapshot(date.today()).active())
    team_a = next(t for t in after["teams"] if t["slug"] == "a")
    assert team_a["size"] == next(t for t in before["teams"] if t["slug"] == "a")["size"] + 1


def test_capacity_is_kept_until_the_plan_moves(tiny) -> None:  # type: ignore[no-untyped-def]
    from steward.orgdesign.capacity import capacity

    quarters = [Quarter(2027, 1), Quarter(2027, 2)]

    def fresh() -> dict[str, object]:
        teams = ["a", "b"]
        plain = capacity(
            sel.live_assignments() + sel.plan_assignments(), sel.allocations(), quarters, teams
        )
        return {t: plain[t] for t in teams}

    def served() -> dict[str, object]:
        report = sel.capacity_report(actor=_admin(), quarters=quarters)
        return {row["team"]: row["quarters"] for row in report["teams"]}

    before = served()
    assert before == fresh()
    design.plan_entry_create(
        actor=SYSTEM,
        key="h9",
        team=tiny["a"],
        level="L3",
        expected_start=date(2027, 4, 1),
        salary=Decimal("90000"),
        currency="EUR",
        location="Berlin",
    )
    after = served()
    assert after == fresh() and after["a"] != before["a"] and after["b"] == before["b"]


def test_editor_htmx_adds_and_removes_changes_and_updates_panel(tiny, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    response = client.post(
        "/org/scenarios/", {"name": "editor", "effective_date": "2026-09-01"}, follow=False
    )
    scenario_id = int(response["Location"].rstrip("/").split("/")[-1])
    url = f"/org/scenarios/{scenario_id}/changes/"
    panel = client.post(url, {"kind": "move_person", "person": "J0", "team": "a"}).content.decode()
    assert "Changes (1)" in panel
    # J0 now reports to a's lead: the panel lists the manager change, and b became empty.
    assert "Lead B → Lead A" in panel
    refused = client.post(url, {"kind": "move_person", "person": "nobody", "team": "a"})
    assert "person nobody: no such person" in refused.content.decode()
    removed = client.post(f"/org/scenarios/{scenario_id}/changes/1/remove/").content.decode()
    assert "Changes (0)" in removed


def test_api_create_change_and_apply_with_conflict(tiny, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("cto")
    created = client.post(
        "/api/v1/org/scenarios",
        {"name": "api", "effective_date": "2026-09-01"},
        content_type="application/json",
    )
    assert created.status_code == 201
    sid = created.json()["id"]
    change = client.post(
        f"/api/v1/org/scenarios/{sid}/changes",
        {"kind": "change_manager", "payload": {"person": "I0", "manager": "LB"}},
        content_type="application/json",
    )
    assert change.status_code == 201
    bad = client.post(
        f"/api/v1/org/scenarios/{sid}/changes",
        {"kind": "change_manager", "payload": {"person": "P0", "manager": "I0"}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "reporting cycle" in bad.json()["detail"]
    org.person_set_manager(
        actor=SYSTEM,
        person=Person.objects.get(employee_id="I0"),
        manager=Person.objects.get(employee_id="P0"),
        on=date(2026, 8, 1),
    )
    conflict = client.post(f"/api/v1/org/scenarios/{sid}/apply")
    assert conflict.status_code == 409
    assert "I0's manager changed in the live org from LA to P0" in conflict.json()["detail"]
    compared = client.get(f"/api/v1/org/scenarios/{sid}/compare?quarters=2026Q4").json()
    assert compared["manager_changes"] == [
        {"person": "I0", "name": "IC 0", "before": "P0", "after": "LB"}
    ]
    assert client_as("engineer").get(f"/api/v1/org/scenarios/{sid}").status_code == 404
