"""Investment rules edited in the browser (services, forms, pages, audit, preview), effort from
reviews and people cost per category, computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.engineering.models import LinkKey
from steward.worktracking import investment, services
from steward.worktracking.models import (
    Account,
    InvestmentRule,
    PullRequest,
    Review,
    WorkItem,
)
from tests.factories import CommitFactory
from tests.wipe import delete_all
from tests.worktracking.conftest import FIXTURES, World

pytestmark = pytest.mark.django_db


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def clean(db: None) -> None:
    """No demo rules or work items: only the Jira fixture's four items."""
    delete_all(InvestmentRule, WorkItem)
    run_import("issues", FIXTURES / "jira_issues.csv", actor=SYSTEM)


def _cto() -> User:
    return User.objects.get(username="cto")


def _save(**kwargs: Any) -> InvestmentRule:
    return services.investment_rule_save(actor=_cto(), **kwargs)


def _order() -> list[tuple[int, str, str]]:
    return list(
        InvestmentRule.objects.order_by("position").values_list("position", "field", "value")
    )


def _four() -> None:
    _save(category="KTLO", field="label", value="ktlo", ktlo=True)
    _save(category="KTLO", field="issue_type", value="Bug", ktlo=True)
    _save(category="New capability", field="issue_type", value="Epic")
    _save(category="Platform", field="project", value="WTP")


def test_rules_are_added_last_inserted_moved_and_deleted_with_audit(clean: None) -> None:
    _four()
    assert _order() == [
        (1, "label", "ktlo"),
        (2, "issue_type", "Bug"),
        (3, "issue_type", "Epic"),
        (4, "project", "WTP"),
    ]
    # Inserted at place 2: the others step down.
    _save(category="Support", field="label", value="support", position=2)
    assert [v for _p, _f, v in _order()] == ["ktlo", "support", "Bug", "Epic", "WTP"]
    # Moved from 5 to 1.
    wtp = InvestmentRule.objects.get(value="WTP")
    services.investment_rule_move(actor=_cto(), rule=wtp, position=1)
    assert [v for _p, _f, v in _order()] == ["WTP", "ktlo", "support", "Bug", "Epic"]
    # A place past the end is last.
    services.investment_rule_move(actor=_cto(), rule=wtp, position=99)
    assert [v for _p, _f, v in _order()] == ["ktlo", "support", "Bug", "Epic", "WTP"]
    # Deleted: the rules after it close up.
    support = InvestmentRule.objects.get(value="support")
    support_pk = str(support.pk)
    services.investment_rule_delete(actor=_cto(), rule=support)
    assert _order() == [
        (1, "label", "ktlo"),
        (2, "issue_type", "Bug"),
        (3, "issue_type", "Epic"),
        (4, "project", "WTP"),
    ]
    # Every step is in the audit log with the true old and new place.
    kind = ContentType.objects.get_for_model(InvestmentRule)
    entries = LogEntry.objects.filter(content_type=kind)
    epic = InvestmentRule.objects.get(value="Epic")
    moves = [
        e.changes_dict["position"]
        for e in entries.filter(object_pk=str(epic.pk)).order_by("pk")
        if "position" in e.changes_dict
    ]
    # created at 3 (the create entry), to 4 (insert), 5 (move of WTP to 1), 4 (WTP last),
    # 3 (support deleted)
    assert [m[1] for m in moves] == ["3", "4", "5", "4", "3"]
    deleted = entries.filter(action=LogEntry.Action.DELETE, object_pk=support_pk)
    assert deleted.count() == 1


def test_rule_errors_name_their_fields(clean: None) -> None:
    _four()
    with pytest.raises(services.InvestmentRuleError) as caught:
        _save(category="Other", field="issue_type", value="bug")
    assert "rule 2 already matches issue type 'Bug'" in caught.value.fields["value"][0]
    with pytest.raises(services.InvestmentRuleError) as caught:
        _save(category="Uncategorized", field="label", value="x")
    assert "category" in caught.value.fields
    with pytest.raises(services.InvestmentRuleError) as caught:
        _save(category=" ", field="colour", value="")
    assert set(caught.value.fields) == {"category", "field", "value"}
    # Editing a rule to its own value is not a duplicate.
    bug = InvestmentRule.objects.get(value="Bug")
    _save(category="KTLO", field="issue_type", value="BUG", ktlo=True, rule=bug)
    assert InvestmentRule.objects.get(pk=bug.pk).value == "BUG"
    with pytest.raises(PermissionDenied):
        services.investment_rule_save(
            actor=User.objects.get(username="engineer"), category="X", field="label", value="y"
        )


def test_keeping_the_lights_on_belongs_to_the_category(clean: None) -> None:
    _four()
    bug = InvestmentRule.objects.get(value="Bug")
    _save(category="KTLO", field="issue_type", value="Bug", ktlo=False, rule=bug)
    assert set(InvestmentRule.objects.filter(category="KTLO").values_list("ktlo", flat=True)) == {
        False
    }


def test_preview_counts_by_hand(clean: None) -> None:
    _four()
    # WTP-100 Epic (project WTP); WTP-101 Story in epic WTP-100; WTP-102 Bug labelled ktlo;
    # WTP-103 Sub-task whose parent is WTP-101. Every item matches the project rule (4), but
    # rule 1 decides WTP-102, rule 3 decides WTP-100 and passes its category to WTP-101 and,
    # through it, WTP-103; rule 2 (Bug) matches WTP-102, which rule 1 took first.
    found = investment.rules_with_preview(actor=_cto())
    counts = [
        (r["rule"].position, r["matches"], r["decides"], r["inherited"], r["shadowed"])
        for r in found["rules"]
    ]
    assert counts == [(1, 1, 1, 0, 0), (2, 1, 0, 0, 1), (3, 1, 1, 2, 0), (4, 4, 0, 0, 4)]
    assert (found["items"], found["uncategorized"]) == (4, 0)
    assert investment.preview_one("issue_type", "story") == {"items": 4, "matches": 1}


def test_rule_pages_for_the_cto(clean: None, client_as: Any) -> None:
    client = client_as("cto")
    page = client.get("/work/investment/rules/")
    assert page.status_code == 200 and "New rule" in page.content.decode()
    # Preview without saving.
    data = {"field": "issue_type", "value": "bug", "category": "KTLO", "ktlo": "on"}
    preview = client.post("/work/investment/rules/new/", {**data, "preview": "1"})
    assert preview.status_code == 200
    assert "matches 1 of the 4 imported work items" in preview.content.decode()
    assert not InvestmentRule.objects.exists()
    # Saved.
    saved = client.post("/work/investment/rules/new/", data)
    assert saved.status_code == 302 and saved["Location"] == "/work/investment/rules/"
    rule = InvestmentRule.objects.get()
    assert (rule.position, rule.category, rule.ktlo) == (1, "KTLO", True)
    # The same value again: the error is beside the field, nothing saved.
    again = client.post("/work/investment/rules/new/", {**data, "value": "BUG"})
    assert again.status_code == 422
    assert "rule 1 already matches issue type" in again.content.decode()
    assert 'id="value-error"' in again.content.decode()
    assert InvestmentRule.objects.count() == 1
    # Edited (another category), a second rule, moved up by the list's arrow, deleted.
    edit = client.post(f"/work/investment/rules/{rule.pk}/edit/", {**data, "category": "Bugs"})
    assert edit.status_code == 302 and InvestmentRule.objects.get().category == "Bugs"
    client.post("/work/investment/rules/new/", {"field": "label", "value": "ktlo",
                                                 "category": "KTLO"})  # fmt: skip
    second = InvestmentRule.objects.get(value="ktlo")
    assert (
        client.post(f"/work/investment/rules/{second.pk}/move/", {"position": 1}).status_code == 302
    )
    assert [v for _p, _f, v in _order()] == ["ktlo", "bug"]
    html = client.get("/work/investment/rules/").content.decode()
    assert "↑" in html and "Delete" in html
    assert client.get(f"/work/investment/rules/{second.pk}/delete/").status_code == 200
    assert client.post(f"/work/investment/rules/{second.pk}/delete/").status_code == 302
    assert _order() == [(1, "issue_type", "bug")]
    # In the browser the audit log names the CTO.
    kind = ContentType.objects.get_for_model(InvestmentRule)
    entry = LogEntry.objects.get(
        content_type=kind, object_pk=str(second.pk), action=LogEntry.Action.DELETE
    )
    assert entry.actor == _cto()


def test_rule_pages_refuse_other_roles(clean: None, client_as: Any) -> None:
    _four()
    rule = InvestmentRule.objects.get(position=1)
    client = client_as("engineer")
    html = client.get("/work/investment/rules/").content.decode()
    assert "New rule" not in html and "KTLO" in html
    for path in ("new/", f"{rule.pk}/edit/", f"{rule.pk}/move/", f"{rule.pk}/delete/"):
        assert client.get(f"/work/investment/rules/{path}").status_code == 403
    assert client.post(f"/work/investment/rules/{rule.pk}/delete/").status_code == 403
    assert InvestmentRule.objects.count() == 4


# ---------------------------------------------------------------- effort from reviews and cost


@pytest.fixture
def january(world: World) -> World:
    """alice, 4 January 2027: commits naming WTP-103 (New capability, through its parent and
    epic) and WTP-102 (KTLO), and a review of carol's pull request naming WTP-102.
    carol, 6 January: only a review of alice's pull request, which names no item (repository
    wt-payments: Platform); her review of her own pull request, her plain comment and a bot's
    review that day are not effort."""
    InvestmentRule.objects.all().delete()
    run_import("issues", FIXTURES / "jira_issues.csv", actor=SYSTEM)
    for n, (category, field, value, ktlo) in enumerate(
        [
            ("KTLO", "label", "ktlo", True),
            ("New capability", "issue_type", "Epic", False),
            ("Platform", "repository", "wt-payments", False),
        ],
        start=1,
    ):
        InvestmentRule.objects.create(
            position=n, category=category, field=field, value=value, ktlo=ktlo
        )
    day1 = _utc("2027-01-04T10:00")
    for key in ("WTP-103", "WTP-102"):
        commit = CommitFactory(
            repository=world.repository, email="alice@example.test", authored_at=day1
        )
        LinkKey.objects.create(commit=commit, key=key)
    alice = Account.objects.create(source="github", login="wt-alice", email="alice@example.test")
    carol = Account.objects.create(source="github", login="wt-carol", email="carol@example.test")
    bot = Account.objects.create(source="github", login="wt-ci[bot]", is_bot=True)

    def pull(number: int, author: Account, keys: list[str]) -> PullRequest:
        return PullRequest.objects.create(
            source="github", repo_name="acme/wt-payments", number=number, state="merged",
            author=author, created_at=_utc("2027-01-03T09:00"), link_keys=keys,
        )  # fmt: skip

    carols = pull(9001, carol, ["WTP-102"])
    alices = pull(9002, alice, [])

    def review(pr: PullRequest, who: Account, when: str, kind: str = "review") -> None:
        Review.objects.create(
            pull_request=pr, external_id=f"{pr.number}-{who.login}-{kind}", reviewer=who,
            kind=kind, state="APPROVED", submitted_at=_utc(when),
        )  # fmt: skip

    review(carols, alice, "2027-01-04T11:00")
    review(alices, carol, "2027-01-06T11:00")
    review(carols, carol, "2027-01-06T12:00")  # her own pull request
    review(alices, carol, "2027-01-06T13:00", kind="comment")
    review(alices, bot, "2027-01-06T14:00")
    return world


JAN = {"start": date(2027, 1, 1), "end": date(2027, 2, 1)}


def test_reviews_are_effort_by_hand(january: World) -> None:
    report = investment.investment_report(actor=SYSTEM, with_cost=False, **JAN)
    # alice's day: three units of 1/3 (two commits, one review); carol's day: one review.
    assert report["person_days"] == 2.0
    assert report["review_person_days"] == round(1 / 3 + 1, 3)
    got = {r["category"]: (r["person_days"], r["review_person_days"]) for r in report["categories"]}
    assert got == {
        "KTLO": (round(2 / 3, 3), round(1 / 3, 3)),
        "New capability": (round(1 / 3, 3), 0.0),
        "Platform": (1.0, 1.0),
        "uncategorized": (0.0, 0.0),
    }
    assert report["ktlo_share"] == round((2 / 3) / 2, 4)
    assert [(i["key"], i["person_days"], i["review_person_days"]) for i in report["items"]] == [
        ("WTP-102", round(2 / 3, 3), round(1 / 3, 3)),
        ("WTP-103", round(1 / 3, 3), 0.0),
    ]
    [cell] = report["by_team_month"]
    assert (cell["team"], cell["month"], cell["person_days"]) == ("f-payments", "2027-01", 2.0)


@pytest.fixture
def costs(monkeypatch: pytest.MonkeyPatch) -> None:
    """January 2027 people cost: f-payments 6,000 (alice and carol), another team 1,000."""
    from steward.finance import selectors as finance

    def fake(months: list[date]) -> Any:
        cells = [
            {
                ("f-payments", "alice"): Decimal(3000),
                ("f-payments", "carol"): Decimal(3000),
                ("f-other", "x"): Decimal(1000),
            }
            if m == date(2027, 1, 1)
            else {}
            for m in months
        ]
        return finance.PeopleCost(months, cells)

    monkeypatch.setattr(finance, "people_cost", fake)


def test_cost_per_category_by_hand(january: World, costs: None) -> None:
    report = investment.investment_report(actor=_cto(), **JAN)
    cost = report["cost"]
    # f-payments' 6,000 by its effort: KTLO 2/3 of 2 days, New capability 1/3, Platform 1;
    # f-other had no activity: its 1,000 is not attributed.
    assert cost["categories"] == {
        "KTLO": Decimal("2000.00"),
        "New capability": Decimal("1000.00"),
        "Platform": Decimal("3000.00"),
        "uncategorized": Decimal("0.00"),
    }
    assert (cost["total"], cost["not_attributed"], cost["suppressed"]) == (
        Decimal("7000.00"),
        Decimal("1000.00"),
        False,
    )
    # Half a month (1 to 16 January): 15 of 31 days of each month's cost.
    half = investment.investment_report(actor=_cto(), start=date(2027, 1, 1), end=date(2027, 1, 16))
    assert half["cost"]["total"] == Decimal("3387.10")  # 7000 x 15/31
    assert half["cost"]["categories"]["KTLO"] == Decimal("967.74")  # 2000 x 15/31


def test_cost_follows_the_policy(january: World, costs: None, client_as: Any) -> None:
    executive = investment.investment_report(actor=User.objects.get(username="executive"), **JAN)
    assert executive["cost"]["suppressed"] is True
    assert executive["cost"]["categories"] is None and executive["cost"]["not_attributed"] is None
    assert executive["cost"]["total"] == Decimal("7000.00")
    assert all(r["cost"] is None for r in executive["categories"])
    engineer = investment.investment_report(actor=User.objects.get(username="engineer"), **JAN)
    assert engineer["cost"] is None
    query = "?from=2027-01-01&to=2027-02-01"
    cto_html = client_as("cto").get(f"/work/investment/{query}").content.decode()
    assert "People cost (" in cto_html and "2,000" in cto_html
    exec_html = client_as("executive").get(f"/work/investment/{query}").content.decode()
    assert "People cost (" not in exec_html and "7,000" in exec_html
    eng_html = client_as("engineer").get(f"/work/investment/{query}").content.decode()
    assert "people cost" not in eng_html.lower()
    api = client_as("finance").get(f"/api/v1/worktracking/investment{query}").json()
    assert api["cost"]["categories"]["Platform"] == "3000.00"


def test_the_investment_balance_feeds_the_alignment_page(january: World, client_as: Any) -> None:
    from steward.core import registry

    assert "strategy:alignment" in registry.page_panel_providers
    html = client_as("engineer").get("/strategy/alignment/?from=2027-01-01&to=2027-02-01")
    text = html.content.decode()
    assert "Investment balance in this period" in text
    # 2 person-days: Platform 1 (50 %), KTLO 2/3 (33 %), New capability 1/3 (17 %).
    assert 'Platform</a> <span class="text-body-secondary">· 1.0 person-days · 50 %' in text
    assert "KTLO (keeping the lights on)</a>" in text and "· 0.7 person-days · 33 %" in text
    assert "Keeping the lights on, all categories" in text
    # Another team's view of the same period has no activity.
    other = client_as("engineer").get(
        "/strategy/alignment/?from=2027-01-01&to=2027-02-01&team=nobody-team"
    )
    assert "No commit or review by people in this period." in other.content.decode()
    # Other pages carry no page panel.
    assert "page-panels" not in client_as("engineer").get("/work/flow/").content.decode()


def test_a_category_named_keeping_the_lights_on_is_not_said_twice(client_as: Any) -> None:
    """The demo's KTLO category is called "Keeping the lights on": the pages name it once; a
    category with another name (as "KTLO" above) still says what it is."""
    from steward.worktracking.panels import ktlo_label

    assert ktlo_label("KTLO", True) == "KTLO (keeping the lights on)"
    assert ktlo_label("Keeping the lights on", True) == "Keeping the lights on"
    assert ktlo_label("Platform", False) == "Platform"
    period = "?from=2026-08-29&to=2026-11-27"
    page = client_as("cto").get(f"/work/investment/{period}").content.decode()
    assert "<td>Keeping the lights on</td>" in page
    alignment = client_as("cto").get(f"/strategy/alignment/{period}").content.decode()
    assert "Keeping the lights on</a>" in alignment
    for html in (page, alignment):
        assert "Keeping the lights on (keeping the lights on)" not in html


# ---------------------------------------------------------------- capitalizable cost per category


@pytest.fixture
def windows(january: World) -> World:
    """Initiatives over the January items: CAP (window over all of January) and RUN (no
    window) both name WTP-102; EPIC names the epic WTP-100, whose story WTP-101 is WTP-103's
    parent, with a window ending at go-live on 16 January (15 of January's 31 days)."""
    from steward.finance.models import Capitalization
    from steward.strategy.models import Initiative

    Initiative.objects.create(key="CAP", title="Capitalized", link_keys=["WTP-102"])
    Initiative.objects.create(key="RUN", title="Run", link_keys=["WTP-102"])
    Initiative.objects.create(key="EPIC", title="Epic", link_keys=["WTP-100"])
    Capitalization.objects.create(
        initiative="CAP", capitalize_from=date(2026, 6, 1), go_live=date(2027, 3, 1)
    )
    Capitalization.objects.create(
        initiative="EPIC", capitalize_from=date(2026, 12, 1), go_live=date(2027, 1, 16)
    )
    # A window of an initiative that names no item with effort changes nothing.
    Capitalization.objects.create(initiative="NONE", capitalize_from=date(2026, 1, 1))
    return january


def test_capitalizable_cost_per_category_by_hand(windows: World, costs: None) -> None:
    report = investment.investment_report(actor=_cto(), **JAN)
    got = {
        r["category"]: (r["cost"], r["capitalizable"], r["expensed"]) for r in report["categories"]
    }
    # KTLO (2,000) is WTP-102's effort: split equally over CAP (in its window all month) and
    # RUN (no window): half capitalizable. New capability (1,000) is WTP-103's, which takes EPIC
    # through its parent WTP-101 and epic WTP-100: 15/31 of January is before go-live.
    # Platform: carol's review names no work item, expensed.
    assert got == {
        "KTLO": (Decimal("2000.00"), Decimal("1000.00"), Decimal("1000.00")),
        "New capability": (Decimal("1000.00"), Decimal("483.87"), Decimal("516.13")),
        "Platform": (Decimal("3000.00"), Decimal("0.00"), Decimal("3000.00")),
        "uncategorized": (Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
    }
    cost = report["cost"]
    assert cost["capitalizable_categories"] == {c: v[1] for c, v in got.items()}
    # The 1,000 not attributed (f-other, no activity) is expensed.
    assert (cost["capitalizable"], cost["expensed"]) == (Decimal("1483.87"), Decimal("5516.13"))
    # The first half of January (1 to 16): the cost is 15/31 of the month's; EPIC's window
    # covers all of those days, so New capability's cost is all capitalizable.
    half = investment.investment_report(actor=_cto(), start=date(2027, 1, 1), end=date(2027, 1, 16))
    rows = {r["category"]: (r["cost"], r["capitalizable"]) for r in half["categories"]}
    assert rows["New capability"] == (Decimal("483.87"), Decimal("483.87"))  # 1000 x 15/31
    assert rows["KTLO"] == (Decimal("967.74"), Decimal("483.87"))  # 2000 x 15/31, half


def test_nothing_is_capitalizable_without_windows(january: World, costs: None) -> None:
    from steward.strategy.models import Initiative

    Initiative.objects.create(key="CAP", title="Capitalized", link_keys=["WTP-102"])
    report = investment.investment_report(actor=_cto(), **JAN)
    assert {r["capitalizable"] for r in report["categories"]} == {Decimal("0.00")}
    assert (report["cost"]["capitalizable"], report["cost"]["expensed"]) == (
        Decimal("0.00"),
        Decimal("7000.00"),
    )


def test_capitalizable_cost_follows_the_policy(windows: World, costs: None, client_as: Any) -> None:
    executive = investment.investment_report(actor=User.objects.get(username="executive"), **JAN)
    # Executives: the totals only, as for the people cost.
    assert executive["cost"]["capitalizable_categories"] is None
    assert all(
        r["capitalizable"] is None and r["expensed"] is None for r in executive["categories"]
    )
    assert (executive["cost"]["capitalizable"], executive["cost"]["expensed"]) == (
        Decimal("1483.87"),
        Decimal("5516.13"),
    )
    engineer = investment.investment_report(actor=User.objects.get(username="engineer"), **JAN)
    assert engineer["cost"] is None
    assert all(r["capitalizable"] is None for r in engineer["categories"])
    query = "?from=2027-01-01&to=2027-02-01"
    cto_html = client_as("cto").get(f"/work/investment/{query}").content.decode()
    assert '<th class="num">Capitalizable</th>' in cto_html and "516" in cto_html
    assert "capitalization window" in cto_html
    exec_html = client_as("executive").get(f"/work/investment/{query}").content.decode()
    assert '<th class="num">Capitalizable</th>' not in exec_html and "1,484" in exec_html
    eng_html = client_as("engineer").get(f"/work/investment/{query}").content.decode()
    assert "capitaliz" not in eng_html.lower()
    api = client_as("finance").get(f"/api/v1/worktracking/investment{query}").json()
    ktlo = next(r for r in api["categories"] if r["category"] == "KTLO")
    assert (ktlo["cost"], ktlo["capitalizable"], ktlo["expensed"]) == (
        "2000.00",
        "1000.00",
        "1000.00",
    )
    assert (api["cost"]["capitalizable"], api["cost"]["expensed"]) == ("1483.87", "5516.13")
    assert api["cost"]["categories"]["Platform"] == "3000.00"
    eng_api = client_as("engineer").get(f"/api/v1/worktracking/investment{query}").json()
    assert eng_api["cost"] is None
    assert {r["capitalizable"] for r in eng_api["categories"]} == {None}


def test_report_from_the_kept_summary_as_computed(
    january: World, costs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report reads a kept summary (the items ranked once, not every item's effort) and
    reads the whole effort only to compute the cost: served again from the cache it is the
    same, and ranking keeps the most effort first."""
    from django.core.cache import cache

    cache.clear()
    first = investment.investment_report(actor=_cto(), **JAN)
    assert [i["key"] for i in first["items"]] == ["WTP-102", "WTP-103"]
    calls: list[object] = []
    effort = investment._effort
    monkeypatch.setattr(investment, "_effort", lambda *a: calls.append(a) or effort(*a))
    again = investment.investment_report(actor=_cto(), **JAN)
    assert again == first and calls == []
    cache.clear()
    monkeypatch.setattr(investment, "TOP_ITEMS", 1)
    top = investment.investment_report(actor=_cto(), **JAN)
    assert [i["key"] for i in top["items"]] == ["WTP-102"] and len(calls) == 1
    assert top["cost"] == first["cost"]
