"""Organization pages render the model and honour the policy."""

from __future__ import annotations

import re
from datetime import date

import pytest

from steward.core.policy import SYSTEM
from steward.org import services
from steward.org.models import Person, Team

pytestmark = pytest.mark.django_db


def test_org_chart_lists_every_team_with_its_active_size(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("engineer").get("/org/chart/?view=teams").content.decode()
    today = date.today()
    for team in Team.objects.all():
        size = sum(1 for p in Person.objects.filter(team=team) if p.is_active_on(today))
        node = re.search(
            rf'<g class="node kind-team" id="n-team:{team.slug}".*?</g>', body, re.DOTALL
        )
        assert node is not None, team.slug
        assert f"{size} {'person' if size == 1 else 'people'}" in node.group(0)
        # Its members are drawn under it (teams start open), each once.
        members = re.findall(rf'data-parent="team:{team.slug}"', body)
        assert len(members) == size
    # The print drawings repeat the boxes without their ids: every id on the page is unique.
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert len(ids) == len(set(ids)) and "n-team:payments" in ids
    assert body.count('class="orgchart orgchart-print"') >= 2


def test_chart_team_fragment_lists_active_members_only(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("engineer").get("/org/chart/teams/payments/").content.decode()
    today = date.today()
    for person in Person.objects.filter(team__slug="payments"):
        shown = f"/org/people/{person.employee_id}/" in body
        assert shown == person.is_active_on(today), person


def test_reporting_tree_starts_at_the_cto(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("engineer").get("/org/chart/?view=reporting").content.decode()
    assert 'data-node="E0001" data-parent=""' in body
    direct = Person.objects.filter(manager__employee_id="E0001", end_date__isnull=True)
    for person in direct:
        assert f'data-node="{person.employee_id}" data-parent="E0001"' in body
    # Closing the CTO's box hides everyone under it; the toggle link says how many.
    closed = client_as("engineer").get("/org/chart/?view=reporting&toggle=E0001").content.decode()
    assert 'data-parent="E0001"' not in closed
    active = Person.objects.filter(end_date__isnull=True).count()
    assert f"+{active - 1}</text>" in closed
    reports = client_as("engineer").get("/org/chart/reports/E0001/").content.decode()
    for person in Person.objects.filter(manager__employee_id="E0001", end_date__isnull=True):
        assert f'data-person="{person.employee_id}"' in reports


def test_a_chart_over_the_box_budget_opens_one_level(client_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from steward.org import chartlayout

    # The demo's reporting tree down to depth 2 is more than 5 boxes: only the CTO's reports
    # are drawn, each closed with its count; a toggle still opens one of them.
    monkeypatch.setattr(chartlayout, "DEFAULT_BOX_BUDGET", 5)
    body = client_as("cto").get("/org/chart/?view=reporting").content.decode()
    direct = list(Person.objects.filter(manager__employee_id="E0001", end_date__isnull=True))
    for person in direct:
        assert f'data-node="{person.employee_id}" data-parent="E0001"' in body
    manager = next(
        p for p in direct if Person.objects.filter(manager=p, end_date__isnull=True).exists()
    )
    assert f'data-parent="{manager.employee_id}"' not in body
    opened = client_as("cto").get(f"/org/chart/?view=reporting&toggle={manager.employee_id}")
    assert f'data-parent="{manager.employee_id}"' in opened.content.decode()
    # With the default budget the demo opens two levels, as before.
    monkeypatch.setattr(chartlayout, "DEFAULT_BOX_BUDGET", 200)
    body = client_as("cto").get("/org/chart/?view=reporting").content.decode()
    assert f'data-parent="{manager.employee_id}"' in body


def test_person_page_shows_salary_to_cto_only(client_as) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.get(employee_id="E0007")
    amount = f"{int(person.salary):,} {person.currency}"
    assert amount in client_as("cto").get("/org/people/E0007/").content.decode()
    body = client_as("engineer").get("/org/people/E0007/").content.decode()
    assert f"{int(person.salary):,}" not in body and str(person.salary) not in body
    assert "Employed" not in body  # the employment spells are part of the private HR record
    assert "Team <a" in body  # team history is part of the org chart


def test_people_search(client_as) -> None:  # type: ignore[no-untyped-def]
    person = Person.objects.get(employee_id="E0007")
    body = client_as("engineer").get("/org/people/", {"q": person.name.split()[1]}).content.decode()
    assert person.name in body


def test_role_page_renders_markdown_and_escapes_raw_html(client_as) -> None:  # type: ignore[no-untyped-def]
    services.role_description_upsert(
        actor=SYSTEM,
        slug="test-role",
        title="Test role",
        description="d",
        summary="",
        body="## Duties\n\n- ship <script>alert(1)</script> things\n",
        sections=[],
        metadata={},
    )
    body = client_as("engineer").get("/org/roles/test-role/").content.decode()
    assert "<h2>Duties</h2>" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    cto = client_as("engineer").get("/org/roles/cto-role-descriptiom/").content.decode()
    assert "CTO Role Descriptiom" in cto
    assert "<h3>People Strategy:</h3>" in cto


def test_navigation_shows_only_areas_with_pages(client_as) -> None:  # type: ignore[no-untyped-def]
    body = client_as("engineer").get("/").content.decode()
    assert "People &amp; team" in body
    assert "Audit log" not in body
    assert "Audit log" in client_as("admin").get("/").content.decode()


def test_home_page_figures(client_as) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    active = sum(1 for p in Person.objects.all() if p.is_active_on(today))
    body = client_as("engineer").get("/").content.decode()
    assert f'<span class="value" id="fig-headcount">{active}</span>' in body
    assert "left in the last 12 months" not in body  # leavers are not the engineer's business
    assert "left in the last 12 months" in client_as("cto").get("/").content.decode()
