"""Onboarding: plans from templates (due days, owners, buddy), progress, and time to first and
tenth commit (METRICS.md) by hand and against the demo's commits counted independently."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from steward.core.policy import SYSTEM
from steward.growth import onboarding, services
from tests.factories import PersonFactory


def test_first_and_tenth_commit_by_hand() -> None:
    starts = {1: date(2026, 3, 2), 2: date(2026, 3, 2), 3: date(2026, 3, 2)}
    commits = [
        (1, date(2026, 2, 20), 5),  # before the start: does not count
        (1, date(2026, 3, 5), 4),  # first: 3 days; 4 so far
        (1, date(2026, 3, 9), 5),  # 9 so far
        (1, date(2026, 3, 20), 2),  # 11: tenth on day 18
        (2, date(2026, 4, 1), 1),  # first on day 30, tenth not yet
        (9, date(2026, 3, 3), 50),  # not a joiner
    ]
    assert onboarding.first_commits(starts, commits) == {
        1: {"first": 3, "tenth": 18},
        2: {"first": 30, "tenth": None},
        3: {"first": None, "tenth": None},
    }


@pytest.mark.django_db
def test_plan_from_template_has_due_days_owners_and_buddy() -> None:
    boss = PersonFactory(start_date=date(2024, 1, 1))
    joiner = PersonFactory(manager=boss, start_date=date(2026, 9, 1))
    buddy = PersonFactory(manager=boss, start_date=date(2025, 1, 1))
    template = services.onboarding_template_save(
        actor=SYSTEM,
        key="t-template",
        title="T",
        tasks=[("Accounts", 1, "manager"), ("Coffee", 2, "buddy"), ("Ship", 45, "joiner")],
    )
    plan = services.onboarding_start(actor=SYSTEM, person=joiner, template=template, buddy=buddy)
    rows = [(t.title, t.owner_id, t.due_on) for t in plan.tasks.order_by("due_on")]
    assert rows == [
        ("Accounts", boss.pk, date(2026, 9, 2)),
        ("Coffee", buddy.pk, date(2026, 9, 3)),
        ("Ship", joiner.pk, date(2026, 10, 16)),
    ]
    assert [t.phase for t in template.tasks.all()] == [30, 30, 60]
    first = plan.tasks.order_by("due_on").first()
    services.onboarding_task_set_done(actor=SYSTEM, task=first, done_on=date(2026, 9, 2))
    row = next(
        r
        for r in onboarding.plan_rows(actor=SYSTEM, on=date(2026, 9, 10))
        if r["plan"].pk == plan.pk
    )
    # 1 of 3 done; "Coffee" (due 3 Sep) is overdue on 10 Sep, "Ship" is not yet due.
    assert (row["done"], row["tasks"], row["progress"], row["overdue"], row["day"]) == (
        1,
        3,
        33.3,
        1,
        9,
    )
    with pytest.raises(services.GrowthError):
        services.onboarding_start(actor=SYSTEM, person=joiner, template=template)
    with pytest.raises(PermissionDenied):
        services.onboarding_task_set_done(
            actor=User.objects.get(username="engineer"), task=first, done_on=None
        )


@pytest.mark.django_db
def test_time_to_commits_matches_the_commits_counted_independently() -> None:
    from steward.engineering.models import Commit
    from steward.org.models import Person, PersonEmail

    today = date.today()
    start = today - timedelta(days=365)
    result = onboarding.time_to_commits(actor=SYSTEM, start=start, end=today, on=today)
    emails: dict[str, int] = dict(PersonEmail.objects.values_list("email", "person_id"))
    # Every reachable non-merge commit's author day, per person its email belongs to (read
    # once: the commits are the same for every joiner).
    days_of: dict[int, list[date]] = {}
    commits = Commit.objects.filter(reachable=True, parent_count__lte=1)
    for email, day in commits.values_list("email", "author_day"):
        if email in emails:
            days_of.setdefault(emails[email], []).append(day)
    checked = 0
    for row in result["people"]:
        person = Person.objects.get(employee_id=row["employee_id"])
        days = sorted(day for day in days_of.get(person.pk, []) if day >= person.start_date)
        expected_first = (days[0] - person.start_date).days if days else None
        expected_tenth = (days[9] - person.start_date).days if len(days) >= 10 else None
        assert (row["days_to_first"], row["days_to_tenth"]) == (expected_first, expected_tenth)
        checked += 1
    assert checked == result["all"]["joiners"] > 0
    for group in result["cohorts"] + result["teams"]:
        assert group.get("suppressed") or group["joiners"] >= 5


@pytest.mark.django_db
def test_the_engineer_sees_aggregates_and_only_their_own_figures() -> None:
    engineer = User.objects.get(username="engineer")
    today = date.today()
    result = onboarding.time_to_commits(
        actor=engineer, start=today - timedelta(days=3650), end=today, on=today
    )
    assert [p["employee_id"] for p in result["people"]] in ([], ["E0006"])


@pytest.mark.django_db
def test_the_grouped_query_counts_commits_by_hand_like_the_old_path() -> None:
    from datetime import UTC, datetime

    from tests.factories import CommitFactory, RepositoryFactory

    ana = PersonFactory(start_date=date(2026, 3, 2), emails=["ana@onboarding.test"])
    ben = PersonFactory(start_date=date(2026, 4, 1), emails=["ben@onboarding.test"])
    cy = PersonFactory(start_date=date(2026, 5, 1), emails=["cy@onboarding.test"])
    first_repo, second_repo = RepositoryFactory(), RepositoryFactory()

    def commits(email: str, day: date, n: int, repo: object = first_repo, **extra: object) -> None:
        at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        for _ in range(n):
            CommitFactory(author_email=email, authored_at=at, repository=repo, **extra)

    ana_email, ben_email = "ana@onboarding.test", "ben@onboarding.test"
    commits(ana_email, date(2026, 2, 20), 3)  # before her start: not counted
    commits(ana_email, date(2026, 3, 3), 2, reachable=False)  # not on any branch: not counted
    commits(ana_email, date(2026, 3, 4), 1, parent_count=2)  # a merge: not counted
    commits(ana_email, date(2026, 3, 5), 1)  # first: day 3
    commits(ana_email, date(2026, 3, 10), 4)  # 5 so far
    commits(ana_email, date(2026, 3, 12), 3)  # 8 so far
    commits(ana_email, date(2026, 3, 12), 2, repo=second_repo)  # 10: tenth on day 10
    commits(ana_email, date(2026, 3, 20), 1)
    commits(ben_email, date(2026, 4, 15), 3)  # first on day 14, tenth not yet
    commits(ben_email, date(2026, 7, 1), 9)  # after `on`: not counted
    on = date(2026, 6, 30)
    starts = {p.pk: p.start_date for p in (ana, ben, cy)}
    expected = {
        ana.pk: {"first": 3, "tenth": 10},
        ben.pk: {"first": 14, "tenth": None},
        cy.pk: {"first": None, "tenth": None},
    }
    assert onboarding.commit_figures(starts, on) == expected
    assert onboarding.commit_figures_by_days(starts, date(2026, 1, 1), on) == expected


@pytest.mark.django_db
def test_the_grouped_query_agrees_with_the_old_path_on_the_demo() -> None:
    from steward.org import selectors as org_selectors

    today = date.today()
    start = today - timedelta(days=3 * 365)
    joiners = org_selectors.person_list(actor=SYSTEM, started_from=start, started_to=today)
    starts = {p.pk: p.start_date for p in joiners}
    grouped = onboarding.commit_figures(starts, today)
    assert grouped == onboarding.commit_figures_by_days(starts, start, today)
    assert any(f["tenth"] is not None for f in grouped.values())
