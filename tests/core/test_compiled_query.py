"""`core.compiled_query`: the same objects as the ORM's own query, without compiling it again."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Model
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from steward.core import policy
from steward.core.auth import token_create, token_revoke, user_for_token
from steward.core.compiled_query import CompiledQuery
from steward.org.models import Person
from tests.conftest import DEMO_ROLES

pytestmark = pytest.mark.django_db


def _fields(obj: Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _orm_user(pk: int) -> User | None:
    """What `user_with_roles` read before it was compiled once: the ORM's query."""
    return policy.users_with_roles(User.objects.all()).filter(pk=pk).first()


def test_every_user_reads_as_the_orm_reads_them_with_roles_and_person() -> None:
    users = list(User.objects.order_by("pk"))
    assert len(users) >= len(DEMO_ROLES)
    for user in users:
        expected = _orm_user(user.pk)
        assert expected is not None
        with CaptureQueriesContext(connection) as queries:
            got = policy.user_with_roles(user.pk)
            assert got is not None
            roles, person = policy.roles_of(got), policy.person_of(got)
        assert len(queries) == 1, [q["sql"] for q in queries]  # roles and person in the read
        assert _fields(got) == _fields(expected)
        assert roles == policy.roles_of(expected)
        expected_person = Person.objects.filter(user_id=user.pk).first()
        assert (person and _fields(person)) == (expected_person and _fields(expected_person))
        assert got._state.adding is False and got._state.db == "default"
    cto = policy.user_with_roles(User.objects.get(username="cto").pk)
    assert cto is not None and policy.roles_of(cto) == {policy.Role.CTO}  # the check can fail


def test_an_unknown_user_is_none_and_a_session_string_is_taken_as_its_number() -> None:
    assert policy.user_with_roles(10**9) is None
    cto = User.objects.get(username="cto")
    from_session = policy.user_with_roles(str(cto.pk))
    assert from_session is not None and from_session.username == "cto"


def test_tokens_read_their_user_and_roles_and_stop_when_revoked() -> None:
    cto = User.objects.get(username="cto")
    token, raw = token_create(user=cto, name="compiled")
    user = user_for_token(raw)
    assert user is not None and _fields(user) == _fields(cto)
    with CaptureQueriesContext(connection) as queries:
        assert policy.roles_of(user) == {policy.Role.CTO}
    assert len(queries) == 0
    assert user_for_token(raw + "x") is None
    token_revoke(token_id=token.pk)
    assert user_for_token(raw) is None


def test_the_sql_is_compiled_once() -> None:
    users = CompiledQuery(lambda pk: User.objects.filter(pk=pk).order_by("pk"), placeholder=-1)
    first = User.objects.order_by("pk").first()
    assert first is not None
    assert users.first(first.pk) == first
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled again")):
        assert users.first(first.pk) == first
        assert users.first(10**9) is None


def test_a_query_it_cannot_keep_is_refused() -> None:
    unordered = CompiledQuery(lambda pk: User.objects.filter(pk=pk), placeholder=-1)
    with pytest.raises(ImproperlyConfigured, match="ordered"):
        unordered.first(1)
    twice = CompiledQuery(
        lambda pk: User.objects.filter(pk=pk, groups__pk=pk).order_by("pk"), placeholder=-1
    )
    with pytest.raises(ImproperlyConfigured, match="2 of the query's parameters"):
        twice.first(1)
    absent = CompiledQuery(lambda _pk: User.objects.filter(pk=1).order_by("pk"), placeholder=-1)
    with pytest.raises(ImproperlyConfigured, match="0 of the query's parameters"):
        absent.first(1)
    users = CompiledQuery(lambda pk: User.objects.filter(pk=pk).order_by("pk"), placeholder=-1)
    with pytest.raises(TypeError, match="expected int"):
        users.first("1")
