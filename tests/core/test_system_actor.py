"""The explicit system actor: every role, no person, no user row; None is no longer an actor."""

from __future__ import annotations

import pytest

from steward.core import policy
from steward.org.models import Person
from steward.orgdesign import selectors as sel

pytestmark = pytest.mark.django_db


def test_system_holds_every_role_and_sees_every_person() -> None:
    assert policy.roles_of(policy.SYSTEM) == frozenset(policy.ALL_ROLES)
    assert policy.visible(policy.SYSTEM, "org.Person").count() == Person.objects.count()
    assert policy.may_see_compensation_aggregates(policy.SYSTEM)


def test_system_is_nobody_even_when_people_have_no_login() -> None:
    assert Person.objects.filter(user__isnull=True).exists()
    assert policy.person_of(policy.SYSTEM) is None
    assert policy.subtree_ids(policy.SYSTEM) == frozenset()
    assert policy.user_record(policy.SYSTEM) is None


def test_none_is_not_an_actor_any_more() -> None:
    """Leaving the actor out used to mean "sees everything"; now it fails loudly."""
    with pytest.raises(TypeError, match=r"policy\.SYSTEM"):
        sel.structure_analysis(actor=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"policy\.SYSTEM"):
        sel.headcount_plan(actor=None)  # type: ignore[arg-type]
