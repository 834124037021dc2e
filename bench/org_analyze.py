"""Benchmark: structure analysis of a generated 5,000-person organization, and a 200-move scenario.

Usage: python bench/org_analyze.py [--people 5000] [--moves 200]

Builds the organization into a fresh SQLite database in a temporary STEWARD_HOME, then times
  baseline  loading the rows analysis needs (people, spells, memberships, reporting lines) as
            plain tuples, the least any analysis must do;
  analyze   `org analyze` in process: snapshot from history + every figure and flag;
  cli       `steward org analyze --json` as a subprocess (includes Python and Django start-up);
  compare   comparing a scenario with N moves against the live org (structure before/after,
            capacity per team and quarter, cost delta, manager changes).
Targets (issue 3): analyze under 1 s, compare under 2 s. Ratios are against the baseline
measured in the same run, so they are comparable across machines.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal


def _setup(home: str) -> None:
    os.environ["STEWARD_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from steward.core.cli_support import migrate

    migrate()


def _generate(n_people: int, rng: random.Random) -> None:
    """CEO → 8 VPs → directors → engineering managers → 7 ICs per team."""
    from django.db import transaction

    from steward.org.models import (
        EmploymentSpell,
        Person,
        ReportingLine,
        Team,
        TeamMembership,
    )

    zones = [
        "Europe/Berlin",
        "Europe/Lisbon",
        "America/New_York",
        "America/Chicago",
        "Asia/Kolkata",
    ]
    start = date(2020, 1, 1)
    people: list[Person] = []
    managers: dict[int, int | None] = {}
    teams: list[Team] = []
    team_of: dict[int, int] = {}
    next_id = 1

    def add(manager: int | None, level: str, track: str, team: int | None) -> int:
        nonlocal next_id
        pid = next_id
        next_id += 1
        people.append(
            Person(
                id=pid,
                employee_id=f"P{pid:05d}",
                name=f"Person {pid}",
                level=level,
                track=track,
                manager_id=manager,
                team_id=team,
                timezone=rng.choice(zones),
                location="Berlin",
                fte=Decimal("0.8") if rng.random() < 0.05 else Decimal("1"),
                start_date=start,
                salary=Decimal(rng.randrange(60, 160) * 1000),
                currency="EUR",
            )
        )
        managers[pid] = manager
        if team is not None:
            team_of[pid] = team
        return pid

    ceo = add(None, "M6", "manager", None)
    vps = [add(ceo, "M5", "manager", None) for _ in range(8)]
    per_team = 8
    n_teams = max(1, (n_people - 1 - 8 - 60) // per_team)
    directors = [add(vps[i % 8], "M3", "manager", None) for i in range(60)]
    for t in range(n_teams):
        teams.append(
            Team(id=t + 1, slug=f"team-{t + 1:04d}", name=f"Team {t + 1}", type="platform")
        )
    for t in range(n_teams):
        em = add(directors[t % 60], "M1", "manager", t + 1)
        teams[t].lead_id = em
        for _ in range(per_team - 1):
            add(em, rng.choice(["L1", "L2", "L3", "L3", "L4"]), "ic", t + 1)
    with transaction.atomic():
        Team.objects.bulk_create(
            [Team(id=t.id, slug=t.slug, name=t.name, type=t.type) for t in teams]
        )
        Person.objects.bulk_create(
            [p for p in people if p.manager_id is None]
        )  # the CEO first; the rest reference earlier ids only
        Person.objects.bulk_create([p for p in people if p.manager_id is not None], batch_size=1000)
        for t in teams:
            Team.objects.filter(pk=t.id).update(lead_id=t.lead_id)
        EmploymentSpell.objects.bulk_create(
            [EmploymentSpell(person_id=p.id, start_date=start) for p in people], batch_size=2000
        )
        TeamMembership.objects.bulk_create(
            [
                TeamMembership(person_id=pid, team_id=tid, start=start)
                for pid, tid in team_of.items()
            ],
            batch_size=2000,
        )
        ReportingLine.objects.bulk_create(
            [
                ReportingLine(person_id=pid, manager_id=mid, start=start)
                for pid, mid in managers.items()
                if mid is not None
            ],
            batch_size=2000,
        )


def _baseline() -> None:
    from steward.org.models import EmploymentSpell, Person, ReportingLine, TeamMembership

    list(Person.objects.values_list("id", "employee_id", "level", "team_id", "manager_id"))
    list(EmploymentSpell.objects.values_list("person_id", "start_date", "end_date"))
    list(TeamMembership.objects.values_list("person_id", "team_id", "start", "end"))
    list(ReportingLine.objects.values_list("person_id", "manager_id", "start", "end"))


def _best(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _scenario(moves: int, rng: random.Random, on: date) -> object:
    """A draft with `moves` person moves between random teams (stored as drafted)."""
    from steward.org.models import Person
    from steward.orgdesign.models import Scenario, ScenarioChange
    from steward.orgdesign.scenarios import Change, live_base
    from steward.orgdesign.selectors import live_snapshot

    live = live_snapshot(on)
    ics = list(
        Person.objects.filter(track="ic")
        .order_by("?")
        .values_list("employee_id", flat=True)[:moves]
    )
    teams = sorted(live.teams)
    scenario = Scenario.objects.create(name="bench", effective_date=on)
    rows = []
    for n, key in enumerate(ics, start=1):
        payload = {"person": key, "team": rng.choice(teams)}
        change = Change("move_person", payload, n)
        rows.append(
            ScenarioChange(
                scenario=scenario,
                position=n,
                kind="move_person",
                payload=payload,
                base=live_base(change, live),
            )
        )
    ScenarioChange.objects.bulk_create(rows)
    return scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--moves", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="steward-bench-org-") as home:
        _setup(home)
        t0 = time.perf_counter()
        _generate(args.people, rng)
        print(f"generated in {time.perf_counter() - t0:.1f} s")
        from steward.core.periods import quarter_range
        from steward.core.policy import SYSTEM
        from steward.org.models import Person
        from steward.orgdesign.selectors import live_snapshot, scenario_comparison
        from steward.orgdesign.structure import analyze

        on = date(2026, 11, 27)
        people = Person.objects.count()
        baseline = _best(_baseline)
        result: dict[str, object] = {}

        def run_analyze() -> None:
            result["analysis"] = analyze(live_snapshot(on))

        analyze_s = _best(run_analyze)
        data = result["analysis"]
        assert isinstance(data, dict)
        env = {**os.environ, "STEWARD_HOME": home}
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "steward", "org", "analyze", "--date", on.isoformat(), "--json"],
            env=env,
            check=True,
            capture_output=True,
        )
        cli_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "steward", "org", "scenario", "list", "--json"],
            env=env,
            check=True,
            capture_output=True,
        )
        startup_s = time.perf_counter() - t0
        scenario = _scenario(args.moves, rng, on)
        quarters = quarter_range("2026Q4..2027Q3")
        compare_s = _best(
            lambda: scenario_comparison(actor=SYSTEM, scenario=scenario, quarters=quarters),
            repeat=3,
        )
        comparison = scenario_comparison(actor=SYSTEM, scenario=scenario, quarters=quarters)
        print(
            f"organization: {people} people, {data['managers']} managers, "
            f"{len(data['teams'])} teams, {data['layers']} layers"
        )
        print(f"baseline (load rows)         {baseline * 1000:8.1f} ms")
        print(
            f"org analyze (in process)     {analyze_s * 1000:8.1f} ms  "
            f"{analyze_s / baseline:5.1f}x baseline  target < 1000 ms: "
            f"{'ok' if analyze_s < 1 else 'MISSED'}"
        )
        print(
            f"steward org analyze --json   {cli_s * 1000:8.1f} ms  (subprocess; start-up alone, "
            f"steward org scenario list --json, takes {startup_s * 1000:.0f} ms)"
        )
        print(
            f"compare {args.moves}-move scenario  {compare_s * 1000:8.1f} ms  "
            f"{compare_s / baseline:5.1f}x baseline  target < 2000 ms: "
            f"{'ok' if compare_s < 2 else 'MISSED'}  "
            f"({len(comparison['manager_changes'])} manager changes, "
            f"{len(comparison['problems'])} refused)"
        )


if __name__ == "__main__":
    main()
