"""The demo company: composition as issue 2 asks, and determinism from the seed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from steward.demo.company import REFERENCE_DATE
from steward.org.models import Person, Team

pytestmark = pytest.mark.django_db


def _active(on: date) -> list[Person]:
    return [p for p in Person.objects.all() if p.is_active_on(on)]


def test_size_teams_and_types() -> None:
    people = Person.objects.count()
    assert 130 <= people <= 200
    teams = Team.objects.all()
    assert 8 <= teams.count() <= 15
    assert set(teams.values_list("type", flat=True)) == {
        "stream-aligned",
        "platform",
        "enabling",
        "complicated-subsystem",
    }


def test_three_management_layers() -> None:
    active = {p.pk: p for p in _active(REFERENCE_DATE)}
    depth = {}
    for person in active.values():
        n, cursor = 0, person.manager_id
        while cursor is not None and cursor in active:
            n += 1
            cursor = active[cursor].manager_id
        depth[person.pk] = n
    assert max(depth.values()) == 3


def test_leavers_currencies_time_zones_and_titles() -> None:
    leavers = Person.objects.filter(end_date__isnull=False)
    assert leavers.count() >= 10
    assert all(p.end_date <= REFERENCE_DATE for p in leavers)
    assert set(Person.objects.values_list("currency", flat=True)) == {"EUR", "USD"}
    assert len(set(Person.objects.values_list("timezone", flat=True))) >= 4
    titles = Counter(Person.objects.values_list("title", flat=True))
    assert titles["Chief Technology Officer"] == 1
    assert titles["Senior Software Engineer"] >= 10


def test_logins_match_the_contract() -> None:
    for name in ["cto", "executive", "finance", "people", "architect", "manager", "engineer"]:
        user = User.objects.get(username=name)
        assert user.check_password("demo")
        assert list(user.groups.values_list("name", flat=True)) == [name]
    manager = Person.objects.get(user__username="manager")
    engineer = Person.objects.get(user__username="engineer")
    team = manager.led_teams.get()
    members = [p for p in _active(REFERENCE_DATE) if p.team_id == team.pk]
    assert len(members) >= 5
    assert engineer.team_id == team.pk and engineer.manager_id == manager.pk


def _org_rows(home: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(home / "steward.sqlite3") as db:
        return db.execute(
            "SELECT employee_id, name, title, level, salary, currency, start_date, end_date "
            "FROM org_person ORDER BY employee_id"
        ).fetchall()


def _build(home: Path, seed: int) -> list[tuple[object, ...]]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(home)
    subprocess.run(
        [sys.executable, "-m", "steward", "demo", "--no-serve", "--seed", str(seed)],
        env=env,
        check=True,
        capture_output=True,
    )
    return _org_rows(home)


def test_same_seed_same_company_other_seed_other_company(tmp_path: Path) -> None:
    first = _build(tmp_path / "a", 1)
    again = _build(tmp_path / "b", 1)
    other = _build(tmp_path / "c", 2)
    assert first == again
    assert first != other
    # Rebuilding in the same home replaces the demo rather than adding to it.
    assert _build(tmp_path / "a", 1) == first
