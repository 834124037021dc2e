"""Queries per request (issue 18 item 5): what every signed-in request pays, and a few pages.

Every query is a round trip on PostgreSQL, so the number of queries is pinned here: a change
that adds one to every request, or a query per row, fails. The expected counts are the queries
each request needs, listed by hand in each test; the answers are compared with the ones read
the way they were read before (roles from the groups, the person by user id, eNPS per round).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from steward.core import policy, requestmemo
from steward.core.auth import PasswordBackend, token_create, user_for_token
from steward.core.models import ApiToken, token_digest
from steward.growth import engagement
from steward.org.models import Person
from tests.conftest import DEMO_ROLES

pytestmark = pytest.mark.django_db


def _queries(client: Any, path: str, **extra: Any) -> list[str]:
    """The SQL of a second request to `path` (the first fills the process's caches)."""
    assert client.get(path, **extra).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, **extra).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _reads_groups_alone(sql: str) -> bool:
    return '"auth_user_groups"' in sql and "EXISTS" not in sql


@pytest.mark.parametrize("role", ["cto", "engineer", "manager", "admin"])
def test_an_api_list_pays_two_fixed_queries(client_as, role: str) -> None:  # type: ignore[no-untyped-def]
    # session; user with roles and person; the list's count; its page; the page's e-mails.
    queries = _queries(client_as(role), "/api/v1/org/people")
    extra = 1 if role == "manager" else 0  # the manager's reporting subtree (row scope)
    assert len(queries) == 5 + extra, "\n".join(queries)
    assert '"django_session"' in queries[0]
    assert '"auth_user"' in queries[1] and "EXISTS" in queries[1]
    assert not any(_reads_groups_alone(q) for q in queries)
    assert not any('"org_person"."user_id" =' in q for q in queries)


def test_a_token_request_reads_roles_with_the_token(client_as) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.get(username="cto")
    _token, raw = token_create(user=user)
    client = client_as(None)
    queries = _queries(client, "/api/v1/finance/fiscal-years", HTTP_AUTHORIZATION=f"Bearer {raw}")
    # token with user and roles; the list's count; its page; the years' budget versions.
    assert len(queries) == 4, "\n".join(queries)
    assert not any(_reads_groups_alone(q) for q in queries)


# Pages that had the most queries (bench/page_queries.py); the expected counts were 39, 36, 31,
# 29 and 25 before; each comment lists what is left.
PAGES = [
    # 2 fixed; fiscal year, version, 3 rates, centers, lines, 7 people-cost reads, center codes,
    # contract spans, ledger, cloud, team centers, contracts, thresholds, drivers: ledger,
    # cloud, teams; the chart cache's read and the page's year and versions again.
    ("cto", "/api/v1/finance/variance-drivers", 27),
    ("cto", "/api/v1/finance/forecast", 24),
    ("cto", "/finance/plan-vs-actual/", 30),
    ("cto", "/org/people/E0007/", 23),
    ("cto", "/growth/engagement/", 16),
    ("engineer", "/growth/engagement/", 16),
]


@pytest.mark.parametrize(("role", "path", "expected"), PAGES)
def test_query_count_of_the_busiest_pages(client_as, role: str, path: str, expected: int) -> None:  # type: ignore[no-untyped-def]
    queries = _queries(client_as(role), path)
    assert len(queries) == expected, "\n".join(q[:160] for q in queries)


def test_no_small_table_is_read_twice_in_a_finance_page(client_as) -> None:  # type: ignore[no-untyped-def]
    queries = _queries(client_as("cto"), "/api/v1/finance/forecast")
    for table in ("org_burdenrate", "org_exchangerate", "finance_monthlyrate"):
        assert sum(f'FROM "{table}"' in q for q in queries) == 1, table


def test_engagement_reads_each_table_once_not_once_per_round(client_as) -> None:  # type: ignore[no-untyped-def]
    queries = _queries(client_as("cto"), "/growth/engagement/")
    rounds = len(engagement.survey_list())
    assert rounds >= 2  # the demo's rounds: a query per round would show
    assert sum('FROM "growth_survey" ORDER BY' in q for q in queries) == 1
    assert sum('FROM "org_team" ORDER BY "org_team"."name"' in q for q in queries) == 1


@pytest.mark.parametrize("username", DEMO_ROLES)
def test_roles_and_person_read_with_the_user_are_those_read_apart(username: str) -> None:
    plain = User.objects.get(username=username)
    expected_roles = policy.roles_of(plain)
    expected_person = Person.objects.filter(user_id=plain.pk).first()
    with CaptureQueriesContext(connection) as captured:
        user = PasswordBackend().get_user(plain.pk)
        assert user is not None
        roles, person = policy.roles_of(user), policy.person_of(user)
    assert len(captured) == 1
    assert roles == expected_roles and roles  # every demo login holds a role
    assert person == expected_person


def test_roles_read_with_the_user_follow_group_changes_and_superusers() -> None:
    user = User.objects.create_user("several", password="x" * 12)
    assert policy.roles_of(PasswordBackend().get_user(user.pk)) == frozenset()  # type: ignore[arg-type]
    user.groups.add(Group.objects.get(name="finance"), Group.objects.get(name="architect"))
    user.groups.add(Group.objects.create(name="not-a-role"))
    read = PasswordBackend().get_user(user.pk)
    assert policy.roles_of(read) == {policy.Role.FINANCE, policy.Role.ARCHITECT}  # type: ignore[arg-type]
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    read = PasswordBackend().get_user(user.pk)
    assert policy.roles_of(read) == {  # type: ignore[arg-type]
        policy.Role.FINANCE,
        policy.Role.ARCHITECT,
        policy.Role.ADMIN,
    }
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert PasswordBackend().get_user(user.pk) is None


def test_a_token_user_has_the_roles_of_the_groups() -> None:
    user = User.objects.get(username="manager")
    _token, raw = token_create(user=user)
    found = user_for_token(raw)
    assert found is not None
    with CaptureQueriesContext(connection) as captured:
        assert policy.roles_of(found) == {policy.Role.MANAGER}
    assert len(captured) == 0


def test_the_token_read_compiled_once_is_the_read_built_per_request() -> None:
    """`core.auth` compiles its token query once per process (`core.compiled_query`): the SQL
    each request runs is the SQL of the queryset built afresh for its digest (the way it was
    built per request before)."""
    user = User.objects.get(username="manager")
    _token, raw = token_create(user=user)
    assert user_for_token(raw) is not None  # compiled
    fresh = (
        ApiToken.objects.select_related("user")
        .annotate(**policy.role_flags("user"))
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
    )
    with CaptureQueriesContext(connection) as built:
        assert fresh.first() is not None
    with CaptureQueriesContext(connection) as compiled:
        assert user_for_token(raw) == user
    assert [q["sql"] for q in compiled] == [q["sql"] for q in built]


def test_enps_trend_is_each_round_read_alone() -> None:
    trend = engagement.enps_trend()
    alone = [engagement.enps_round(s) for s in engagement.survey_list()]
    assert trend == alone
    assert any(r["organization"].get("respondents") for r in trend)  # there are answers


def _count_calls() -> tuple[list[int], Any]:
    calls: list[int] = []

    @requestmemo.once_per_request
    def read(n: int = 0) -> int:
        calls.append(n)
        return len(calls)

    return calls, read


def test_once_per_request_runs_once_per_get_and_arguments() -> None:
    calls, read = _count_calls()
    seen: list[int] = []

    def view(_request: Any) -> Any:
        seen.extend([read(), read(), read(1), read(1), read()])
        return None

    requestmemo.RequestMemoMiddleware(view)(RequestFactory().get("/"))
    assert seen == [1, 1, 2, 2, 1] and calls == [0, 1]
    requestmemo.RequestMemoMiddleware(view)(RequestFactory().get("/"))  # a new request reads anew
    assert calls == [0, 1, 0, 1]


def test_once_per_request_runs_every_time_outside_a_read_request() -> None:
    calls, read = _count_calls()
    assert [read(), read()] == [1, 2]  # no request: a service, a job, the CLI

    def view(_request: Any) -> Any:
        assert [read(), read()] == [3, 4]  # a write request reads afresh after its writes
        return None

    requestmemo.RequestMemoMiddleware(view)(RequestFactory().post("/"))
    assert calls == [0, 0, 0, 0]
