"""Shared fixtures: the demo company built once per test session, and clients per role."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

DEMO_ROLES = ["admin", "cto", "executive", "finance", "people", "architect", "manager", "engineer"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The test database holds the demo company (seed 1); each test runs in a rollback."""
    from steward.demo.builder import demo_build

    with django_db_blocker.unblock():
        demo_build(seed=1)


@pytest.fixture
def client_as(db) -> Callable[[str | None], Client]:  # type: ignore[no-untyped-def]
    """A test client logged in as a demo login (None: anonymous)."""

    def make(username: str | None) -> Client:
        client = Client()
        if username is not None:
            client.force_login(User.objects.get(username=username))
        return client

    return make


def wipe_org() -> None:
    """Delete the whole organization (design records included) in the current transaction."""
    from steward.org.models import (
        Department,
        EmploymentSpell,
        Person,
        PersonEmail,
        ReportingLine,
        RoleDescription,
        Team,
        TeamMembership,
    )
    from steward.orgdesign.models import (
        HeadcountPlanEntry,
        Scenario,
        TeamAllocation,
        TeamInteraction,
    )

    for design_model in (HeadcountPlanEntry, Scenario, TeamAllocation, TeamInteraction):
        design_model.objects.all().delete()
    Team.objects.update(lead=None)
    for model in (TeamMembership, ReportingLine, EmploymentSpell, PersonEmail):
        model.objects.all().delete()
    Person.objects.update(manager=None)
    Person.objects.all().delete()
    Team.objects.all().delete()
    Department.objects.update(parent=None)
    Department.objects.all().delete()
    RoleDescription.objects.all().delete()


@pytest.fixture
def empty_org(db) -> None:  # type: ignore[no-untyped-def]
    """Remove the demo organization inside this test's transaction (rolled back afterwards)."""
    wipe_org()


def steward_cli(
    home: Path, *args: str, check: bool = True, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `steward ARGS` against STEWARD_HOME=home on SQLite, as a user would."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "steward", *args],
        env=env,
        check=check,
        input=stdin,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A STEWARD_HOME holding the demo company (seed 1), built once by `steward demo --no-serve`."""
    home = tmp_path_factory.mktemp("demo-home")
    steward_cli(home, "demo", "--no-serve")
    return home
