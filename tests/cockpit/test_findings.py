"""Findings: computed by the job, ranked, set aside per user (audited), shown by the policy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User

from steward.cockpit import selectors, services
from steward.cockpit.models import FindingDismissal
from steward.core import registry
from steward.core.registry import Finding
from steward.org.models import Person

pytestmark = pytest.mark.django_db

FIGURE = {"value": "9"}


@pytest.fixture
def rules() -> Iterator[None]:
    """Only this test's rules: one per subject kind, the figure of the first one adjustable."""
    engineer = Person.objects.get(employee_id="E0006")  # in the demo manager's team
    other = (
        Person.objects.exclude(team=engineer.team)
        .exclude(team=None)
        .filter(manager__isnull=False)
        .exclude(manager__employee_id="E0005")
        .first()
    )
    assert other is not None and other.team is not None

    def rule(actor: object, on: date) -> list[Finding]:
        return [
            Finding("t-mine", "info", f"my team's figure is {FIGURE['value']}", "/org/teams/",
                    key="mine", figure=FIGURE["value"], subject=f"team:{engineer.team.slug}"),
            Finding("t-other", "critical", "another team's problem", "/org/teams/",
                    key="other", subject=f"team:{other.team.slug}"),
            Finding("t-money", "warning", "a budget line overruns", "/org/", key="money",
                    audience=frozenset({"finance"})),
            Finding("t-old", "warning", "an old-style finding", "/strategy/"),
        ]  # fmt: skip

    saved = dict(registry.finding_rules._entries)
    registry.finding_rules._entries.clear()
    registry.register_finding_rule("t", rule)
    FIGURE["value"] = "9"
    try:
        yield
    finally:
        registry.finding_rules._entries.clear()
        registry.finding_rules._entries.update(saved)


def _seen(username: str) -> list[str]:
    user = User.objects.get(username=username)
    return [f["rule"] for f in selectors.findings_for(actor=user, on=date.today())["items"]]


def test_ranked_and_scoped_by_the_policy(rules: None) -> None:
    services.findings_refresh()
    # Critical first, then the rules' own order; the finance-only finding is not the CTO's.
    assert _seen("cto") == ["t-other", "t-old", "t-mine"]
    assert _seen("finance") == ["t-other", "t-money", "t-old", "t-mine"]
    assert _seen("admin") == ["t-other", "t-money", "t-old", "t-mine"]
    # The manager and the engineer see only what concerns their own team.
    assert _seen("manager") == ["t-mine"]
    assert _seen("engineer") == ["t-mine"]


def test_a_failing_rule_is_recorded_and_the_others_still_run(rules: None) -> None:
    def broken(actor: object, on: date) -> list[Finding]:
        raise RuntimeError("no data")

    registry.register_finding_rule("broken", broken)
    run = services.findings_refresh()
    assert run.errors == {"broken": "RuntimeError: no data"}
    assert run.findings.count() == 4


def test_dismissed_comes_back_when_its_figure_changes(rules: None) -> None:
    manager = User.objects.get(username="manager")
    services.findings_refresh()
    [mine] = selectors.findings_for(actor=manager, on=date.today())["items"]
    before = LogEntry.objects.get_for_model(FindingDismissal).count()
    services.finding_set_aside(
        actor=manager, identity=mine["identity"], fingerprint=mine["fingerprint"]
    )
    assert LogEntry.objects.get_for_model(FindingDismissal).count() == before + 1  # audited
    services.findings_refresh()
    assert _seen("manager") == []
    assert _seen("cto") == ["t-other", "t-old", "t-mine"]  # per user: the CTO still sees it
    FIGURE["value"] = "12"
    services.findings_refresh()
    [back] = selectors.findings_for(actor=manager, on=date.today())["items"]
    assert back["statement"] == "my team's figure is 12" and back["returned"] is True


def test_snoozed_stays_hidden_until_the_day_even_if_the_figure_changes(rules: None) -> None:
    cto = User.objects.get(username="cto")
    services.findings_refresh()
    old = next(
        f
        for f in selectors.findings_for(actor=cto, on=date.today())["items"]
        if f["rule"] == "t-old"
    )
    until = date.today() + timedelta(days=7)
    services.finding_set_aside(
        actor=cto, identity=old["identity"], fingerprint=old["fingerprint"], until=until
    )
    assert "t-old" not in _seen("cto")
    later = selectors.findings_for(actor=cto, on=until)["items"]
    assert "t-old" in [f["rule"] for f in later]
    assert services.finding_restore(actor=cto, identity=old["identity"]) == 1
    assert "t-old" in _seen("cto")


def test_home_page_lists_findings_and_dismiss_is_a_form(rules: None, client_as) -> None:  # type: ignore[no-untyped-def]
    services.findings_refresh()
    client = client_as("cto")
    body = client.get("/").content.decode()
    assert body.index("another team&#x27;s problem") < body.index("my team&#x27;s figure is 9")
    page = client.get("/")
    identity = "t-mine:mine"
    response = client.post(
        "/cockpit/findings/set-aside/",
        {"identity": identity, "fingerprint": "9", "how": "dismiss"},
    )
    assert response.status_code == 302
    assert (
        "my team&#x27;s figure is 9</a>"
        not in client.get("/").content.decode().split("set aside")[0]
    )
    assert page.status_code == 200
    api = client.get("/api/v1/cockpit/findings").json()
    assert [i["rule"] for i in api["items"]] == ["t-other", "t-old"] and api["count"] == 2


def test_stale_after_an_audited_write(rules: None) -> None:
    run = services.findings_refresh()
    assert not selectors.run_is_stale(run, date.today())
    cto = User.objects.get(username="cto")
    services.finding_set_aside(actor=cto, identity="t-old:/strategy/", fingerprint="x")
    assert not selectors.run_is_stale(run, date.today())  # the cockpit's own write
    person = Person.objects.get(employee_id="E0006")
    person.title = "Changed title"
    person.save()  # an audited change, as an import or an edit makes
    assert selectors.run_is_stale(run, date.today())
    assert selectors.run_is_stale(run, date.today() + timedelta(days=1))
