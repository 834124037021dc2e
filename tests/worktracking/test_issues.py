"""`steward import issues`: Jira CSV and REST JSON, GitHub issues, Linear CSV; parents and epics;
link keys resolved to initiatives; investment categories and effort per category."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.engineering.models import LinkKey
from steward.worktracking import investment
from steward.worktracking.models import WorkItem
from tests.factories import CommitFactory, InitiativeFactory, RepositoryFactory
from tests.worktracking.conftest import FIXTURES, World

pytestmark = pytest.mark.django_db


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_jira_csv_with_repeated_headers_and_parent_ids(db: None) -> None:
    diff = run_import("issues", FIXTURES / "jira_issues.csv", actor=SYSTEM)
    assert diff.counts()["added"] == 4
    story = WorkItem.objects.get(key="WTP-101")
    assert story.labels == ["backend", "payouts"]  # two `Labels` columns
    assert story.epic_key == "WTP-100" and story.estimate == Decimal(5)
    assert story.created_at == _utc("2026-02-02T10:31") and story.resolved_at == _utc(
        "2026-02-10T16:05"
    )
    assert story.status_category == "done"
    # Jira exports the parent's numeric id: 10101 is WTP-101.
    assert WorkItem.objects.get(key="WTP-103").parent_key == "WTP-101"
    assert WorkItem.objects.get(key="WTP-102").title == "Fix rounding, again"
    again = run_import("issues", FIXTURES / "jira_issues.csv", actor=SYSTEM)
    assert again.counts()["unchanged"] == 4 and not again.writes


def test_an_ambiguous_date_is_located(tmp_path: Path, db: None) -> None:
    text = (FIXTURES / "jira_issues.csv").read_text().replace("03/Feb/26 11:00 AM", "3/2/26")
    path = tmp_path / "jira.csv"
    path.write_text(text)
    with pytest.raises(InvalidInput) as caught:
        run_import("issues", path, actor=SYSTEM)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (4, "Created")
    assert "'3/2/26'" in problem.message and "15/Jan/24" in problem.hint
    assert not WorkItem.objects.filter(key__startswith="WTP-").exists()


def test_jira_rest_json_github_issues_and_linear(db: None) -> None:
    run_import("issues", FIXTURES / "jira_search.json", actor=SYSTEM)
    epic = WorkItem.objects.get(key="WTC-7")
    assert epic.item_type == "Epic" and epic.status_category == "in_progress"
    # moved to In Progress at 08:00+01:00
    assert epic.started_at == _utc("2026-01-20T07:00")
    child = WorkItem.objects.get(key="WTC-8")
    assert child.parent_key == "WTC-7" and child.resolved_at == _utc("2026-02-01T12:00")

    run_import("issues", FIXTURES / "github_issues.json", actor=SYSTEM)
    # the pull request that /issues also lists is not an issue
    assert list(WorkItem.objects.filter(source="github").values_list("key", flat=True)) == [
        "acme/wt-payments#40"
    ]
    bug = WorkItem.objects.get(key="acme/wt-payments#40")
    assert (bug.item_type, bug.labels, bug.repo_name) == ("Bug", ["bug"], "acme/wt-payments")

    run_import("issues", FIXTURES / "linear_issues.csv", actor=SYSTEM)
    sub = WorkItem.objects.get(key="WTL-2")
    assert sub.parent_key == "WTL-1" and sub.labels == ["Feature"]
    assert sub.started_at == _utc("2026-02-04T09:00") and sub.status_category == "done"
    assert WorkItem.objects.get(key="WTL-1").labels == ["Feature", "growth"]


def test_items_resolve_to_the_initiatives_naming_them_or_an_ancestor(db: None) -> None:
    run_import("issues", FIXTURES / "jira_issues.csv", actor=SYSTEM)
    initiative = InitiativeFactory(key="f-wt-init", link_keys=["WTP-100"])
    items = list(WorkItem.objects.filter(key__startswith="WTP-"))
    found = investment.initiatives_of_items(actor=SYSTEM, items=items)
    assert found == {
        "WTP-100": [initiative.key],
        "WTP-101": [initiative.key],  # its epic
        "WTP-102": [],
        "WTP-103": [initiative.key],  # its parent's epic
    }


RULES = [
    ("label", "ktlo", "KTLO"),
    ("issue_type", "Epic", "New capability"),
    ("repository", "wt-payments", "Platform"),
]


def test_classify_first_rule_wins_and_children_inherit() -> None:
    items = [
        {"key": "E", "item_type": "Epic", "labels": ["ktlo"], "project": "P", "repo_name": "",
         "parent_key": "", "epic_key": ""},
        {"key": "S", "item_type": "Story", "labels": [], "project": "P", "repo_name": "",
         "parent_key": "", "epic_key": "E"},
        {"key": "T", "item_type": "Sub-task", "labels": [], "project": "P", "repo_name": "",
         "parent_key": "S", "epic_key": ""},
        {"key": "G", "item_type": "Epic", "labels": [], "project": "P", "repo_name": "",
         "parent_key": "", "epic_key": ""},
        {"key": "X", "item_type": "Task", "labels": [], "project": "P",
         "repo_name": "acme/wt-payments", "parent_key": "", "epic_key": ""},
        {"key": "U", "item_type": "Task", "labels": [], "project": "P", "repo_name": "",
         "parent_key": "missing", "epic_key": ""},
    ]  # fmt: skip
    assert investment.classify(items, RULES) == {
        "E": "KTLO",  # the label rule comes first
        "S": "KTLO",
        "T": "KTLO",
        "G": "New capability",
        "X": "Platform",
        "U": "uncategorized",
    }


def test_effort_per_category_by_hand(world: World, tmp_path: Path) -> None:
    run_import("issues", FIXTURES / "jira_issues.csv", actor=SYSTEM)
    rules = tmp_path / "rules.csv"
    rules.write_text(
        "position,category,field,value,ktlo\n1,KTLO,label,ktlo,yes\n"
        "2,New capability,issue_type,Epic,no\n3,Platform,repository,wt-payments,no\n"
    )
    run_import("investment-rules", rules, actor=SYSTEM)
    # The demo's history ends on 2026-11-27: January 2027 holds only these commits.
    # alice, 4 January: one names WTP-103 (child of WTP-101, whose epic WTP-100 is an Epic),
    # one names WTP-102 (label ktlo): half a person-day each.
    day1 = _utc("2027-01-04T10:00")
    for key in ("WTP-103", "WTP-102"):
        commit = CommitFactory(
            repository=world.repository, email="alice@example.test", authored_at=day1
        )
        LinkKey.objects.create(commit=commit, key=key)
    # carol, 5 January: one unlinked commit in wt-payments (repository rule), one elsewhere.
    other = RepositoryFactory(name="wt-elsewhere", team=world.team)
    day2 = _utc("2027-01-05T10:00")
    CommitFactory(repository=world.repository, email="carol@example.test", authored_at=day2)
    CommitFactory(repository=other, email="carol@example.test", authored_at=day2)
    report = investment.investment_report(
        actor=SYSTEM, start=date(2027, 1, 1), end=date(2027, 2, 1)
    )
    assert report["person_days"] == 2.0
    assert {r["category"]: r["person_days"] for r in report["categories"]} == {
        "KTLO": 0.5,
        "New capability": 0.5,
        "Platform": 0.5,
        "uncategorized": 0.5,
    }
    assert report["ktlo_share"] == 0.25
    # alice and carol are both in f-payments: one cell, 2 person-days, a quarter KTLO
    assert report["by_team_month"] == [
        {
            "team": "f-payments",
            "month": "2027-01",
            "person_days": 2.0,
            "ktlo_share": 0.25,
            "categories": {
                "KTLO": 0.5,
                "New capability": 0.5,
                "Platform": 0.5,
                "uncategorized": 0.5,
            },
        }
    ]


def test_items_and_investment_pages_and_api(client_as: Any) -> None:
    run_import("issues", FIXTURES / "jira_issues.csv", actor=SYSTEM)
    InitiativeFactory(key="f-wt-init", link_keys=["WTP-100"])
    client = client_as("engineer")
    body = client.get("/api/v1/worktracking/items?source=jira&project=WTP").json()
    assert body["count"] == 4
    assert {i["key"]: i["epic"] for i in body["items"]}["WTP-101"] == "WTP-100"
    html = client.get("/work/items/?source=jira&project=WTP").content.decode()
    assert "WTP-103" in html and "f-wt-init" in html
    page = client.get("/work/investment/?from=2027-01-01&to=2027-02-01")
    assert page.status_code == 200
    rows = page.content.decode().split('id="categories"', 1)[1].split("</table>", 1)[0]
    # The category no rule matches is named in words, not by its API key.
    assert "<td>Uncategorized (no rule matches)</td>" in rows and "<td>uncategorized" not in rows
