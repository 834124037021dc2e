"""Per-person commit and line counts (issue 9 item 10, docs/security.md).

Only the person, their managers and the cto (and admin) see one person's counts; every other
role sees the authors it may not see summed in `others`. Expected values are computed here
from the Commit table and the org's emails, not from the selector under test.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.contrib.auth.models import User
from django.db.models import Count, Sum

from steward.engineering.models import Commit, Identity
from steward.org.models import Person, PersonEmail

pytestmark = pytest.mark.django_db

REPOS = ["payments-api", "payments-ledger", "checkout-api"]
AGGREGATE_ONLY = ["engineer", "executive", "architect", "finance", "people"]


def _counts(repo: str) -> dict[str, tuple[int, int, int]]:
    """email -> (commits, added, deleted) over non-merge commits reachable from HEAD."""
    return {
        row["email"]: (row["n"], row["a"], row["d"])
        for row in Commit.objects.filter(repository__name=repo, reachable=True, parent_count__lte=1)
        .values("email")
        .annotate(n=Count("id"), a=Sum("added"), d=Sum("deleted"))
    }


def _person_by_email() -> dict[str, int]:
    """email -> person id: the org's emails, then admins' links; bots belong to nobody."""
    people = {e.lower(): p for e, p in PersonEmail.objects.values_list("email", "person_id")}
    for email, person_id, is_bot, manual in Identity.objects.values_list(
        "email", "person_id", "is_bot", "manual"
    ):
        if is_bot:
            people.pop(email, None)
        elif manual and person_id is not None:
            people[email] = person_id
    return people


def _allowed_people(username: str) -> set[int]:
    """The user's own person and, for the manager role, everyone below them."""
    user = User.objects.get(username=username)
    me = Person.objects.filter(user=user).first()
    if me is None:
        return set()
    allowed = {me.pk}
    if user.groups.filter(name="manager").exists():
        reports: dict[int, list[int]] = defaultdict(list)
        for pid, mid in Person.objects.exclude(manager=None).values_list("id", "manager_id"):
            reports[mid].append(pid)
        stack = [me.pk]
        while stack:
            for child in reports[stack.pop()]:
                if child not in allowed:
                    allowed.add(child)
                    stack.append(child)
    return allowed


def _expected_emails(role: str, counts: dict[str, tuple[int, int, int]]) -> set[str]:
    if role in ("cto", "admin"):
        return set(counts)
    allowed = _allowed_people(role)
    people = _person_by_email()
    return {email for email in counts if people.get(email) in allowed}


def _check(client_as, role: str, repo: str) -> set[str]:  # type: ignore[no-untyped-def]
    counts = _counts(repo)
    assert counts, f"the demo has no commits in {repo}"
    expected = _expected_emails(role, counts)
    client = client_as(role)
    data = client.get(f"/api/v1/engineering/repositories/{repo}/contributors").json()
    shown = {r["email"]: (r["commits"], r["added"], r["deleted"]) for r in data["contributors"]}
    assert shown == {email: counts[email] for email in expected}, (role, repo)
    hidden = [counts[email] for email in counts if email not in expected]
    others = data["others"]
    assert (others["authors"], others["commits"], others["added"], others["deleted"]) == (
        len(hidden),
        sum(h[0] for h in hidden),
        sum(h[1] for h in hidden),
        sum(h[2] for h in hidden),
    )
    # The rows and `others` add up to the repository's totals.
    assert sum(r["commits"] for r in data["contributors"]) + others["commits"] == sum(
        c[0] for c in counts.values()
    )
    body = client.get(f"/engineering/repositories/{repo}/").content.decode()
    for email in counts:
        assert (email in body) == (email in expected), (role, repo, email)
    if hidden:
        assert "Others (" in body
    return expected


@pytest.mark.parametrize("role", AGGREGATE_ONLY)
def test_roles_see_only_their_own_counts(client_as, role: str) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.get(username=role)
    me = Person.objects.filter(user=user).first()
    own = (
        set(PersonEmail.objects.filter(person=me).values_list("email", flat=True)) if me else set()
    )
    for repo in REPOS:
        shown = _check(client_as, role, repo)
        assert shown <= own, (role, repo, shown - own)


def test_the_engineer_sees_their_own_row_and_no_colleague(client_as) -> None:  # type: ignore[no-untyped-def]
    shown = set()
    for repo in REPOS:
        shown |= _check(client_as, "engineer", repo)
    me = Person.objects.get(user__username="engineer")
    assert shown and shown <= set(me.emails.values_list("email", flat=True))


def test_the_manager_sees_their_reports_only(client_as) -> None:  # type: ignore[no-untyped-def]
    me = Person.objects.get(user__username="manager")
    people = _person_by_email()
    for repo in REPOS:
        shown = _check(client_as, "manager", repo)
        counts = _counts(repo)
        if repo.startswith("payments"):
            # Reports of the payments lead commit here: the check sees rows other than theirs.
            assert {people.get(e) for e in shown} - {me.pk}, repo
        # Never a bot or an unmatched author.
        assert all(people.get(e) is not None for e in shown)
        assert shown != set(counts)


@pytest.mark.parametrize("role", ["cto", "admin"])
def test_cto_and_admin_see_every_author(client_as, role: str) -> None:  # type: ignore[no-untyped-def]
    for repo in REPOS:
        assert _check(client_as, role, repo) == set(_counts(repo))
