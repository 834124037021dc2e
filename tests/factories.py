"""factory_boy factories: small, explicit data for service and selector tests.

The demo company is in the test database for every test, so the factories give keys that cannot
clash with it (`F…` employee ids, `f-…` slugs and keys). People are created through
`org.services.person_create`, so each one has the employment spell, team membership and reporting
line the app itself would record; the other factories save the model directly.

    team = TeamFactory()
    lead = PersonFactory(team=team)
    person = PersonFactory(team=team, manager=lead, start_date=date(2026, 1, 1))
    kr = KeyResultFactory(objective__priority=2)
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from steward.core.policy import SYSTEM
from steward.engineering.models import Commit, Repository
from steward.org import services as org_services
from steward.org.models import Department, Person, Team, TeamMembership
from steward.strategy.models import (
    Initiative,
    InitiativeObjective,
    KeyResult,
    Objective,
)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"f-dept-{n}")
    name = factory.Sequence(lambda n: f"Factory department {n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    slug = factory.Sequence(lambda n: f"f-team-{n}")
    name = factory.Sequence(lambda n: f"Factory team {n}")
    type = "stream-aligned"


class PersonFactory(DjangoModelFactory):
    """A person with their first spell, membership (given a team) and reporting line."""

    class Meta:
        model = Person

    employee_id = factory.Sequence(lambda n: f"F{n:05d}")
    name = factory.Sequence(lambda n: f"Factory Person {n}")
    start_date = date(2024, 1, 1)
    team = None
    manager = None

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        person = org_services.person_create(actor=SYSTEM, **kwargs)
        person.refresh_from_db()  # values as the database holds them (Decimal places included)
        return person


class TeamMembershipFactory(DjangoModelFactory):
    """A membership row on its own (people made by PersonFactory already have their first)."""

    class Meta:
        model = TeamMembership

    person = factory.SubFactory(PersonFactory)
    team = factory.SubFactory(TeamFactory)
    start = date(2024, 1, 1)
    end = None


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    key = factory.Sequence(lambda n: f"F-O{n}")
    title = factory.Sequence(lambda n: f"Factory objective {n}")
    start = date(2027, 1, 1)
    end = date(2027, 12, 31)
    priority = 1


class KeyResultFactory(DjangoModelFactory):
    class Meta:
        model = KeyResult

    objective = factory.SubFactory(ObjectiveFactory)
    key = factory.Sequence(lambda n: f"KR{n}")
    title = factory.Sequence(lambda n: f"Factory key result {n}")
    baseline = Decimal(0)
    target = Decimal(10)
    current = Decimal(0)
    confidence = Decimal("0.5")


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = Initiative

    key = factory.Sequence(lambda n: f"F-I{n}")
    title = factory.Sequence(lambda n: f"Factory initiative {n}")
    owner_team = factory.SubFactory(TeamFactory)


class InitiativeObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = InitiativeObjective

    initiative = factory.SubFactory(InitiativeFactory)
    objective = factory.SubFactory(ObjectiveFactory)
    weight = Decimal(1)


class RepositoryFactory(DjangoModelFactory):
    class Meta:
        model = Repository

    name = factory.Sequence(lambda n: f"f-repo-{n}")
    team = factory.SubFactory(TeamFactory)


class CommitFactory(DjangoModelFactory):
    """A commit by `email` (authored and committed at `authored_at`, UTC)."""

    class Meta:
        model = Commit

    repository = factory.SubFactory(RepositoryFactory)
    sha = factory.Sequence(lambda n: f"{n:040x}")
    author_name = "Factory Author"
    author_email = factory.Sequence(lambda n: f"author{n}@factory.test")
    mailmap_name = factory.SelfAttribute("author_name")
    email = factory.SelfAttribute("author_email")
    authored_at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    author_day = factory.LazyAttribute(lambda c: c.authored_at.date())
    committer_name = factory.SelfAttribute("author_name")
    committer_email = factory.SelfAttribute("author_email")
    committed_at = factory.SelfAttribute("authored_at")
    message = "Factory commit"
    added = 1
    deleted = 0
    files = 1
