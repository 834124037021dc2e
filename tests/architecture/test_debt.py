"""The tech-debt register: WSJF by hand, ranking, scale checks, and the conversion into a
strategy initiative (done on the strategy side: architecture may not import strategy)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from steward.architecture import selectors, services
from steward.architecture.models import DebtItem
from steward.core.policy import SYSTEM
from steward.strategy import selectors as strategy_selectors
from steward.strategy import services as strategy_services

pytestmark = pytest.mark.django_db


def test_demo_ranking_by_hand_computed_wsjf() -> None:
    ranked = selectors.debt_ranked(actor=SYSTEM)
    assert [(r.item.title, r.cost_of_delay, r.wsjf, r.rank) for r in ranked] == [
        ("Write the auth-service runbook", 3 + 8 + 13, Decimal("24.00"), 1),  # 24 / 1
        ("Retire payments-webhooks", 5 + 8 + 8, Decimal("4.20"), 2),  # 21 / 5
        ("Move checkout-web off AngularJS", 8 + 13 + 13, Decimal("2.62"), 3),  # 34 / 13 = 2.615
        ("Drop Moment.js", 1 + 2 + 2, Decimal("2.50"), 4),  # 5 / 2
        ("Replace MongoDB in catalog-importer with PostgreSQL", 16, Decimal("2.00"), 5),  # 16 / 8
        ("Split the checkout module's order state machine", 16, Decimal("0.80"), 6),  # 16 / 20
    ]


def test_ties_go_to_the_higher_interest_and_done_items_go_last() -> None:
    architect = User.objects.get(username="architect")
    a = services.debt_save(
        actor=architect,
        title="A",
        business_value=20,
        time_criticality=20,
        risk_reduction=20,
        job_size=1,
        interest=Decimal(10),
    )
    b = services.debt_save(
        actor=architect,
        title="B",
        business_value=20,
        time_criticality=20,
        risk_reduction=20,
        job_size=1,
        interest=Decimal(20),
    )
    services.debt_save(
        actor=architect, item=selectors.debt_get(actor=SYSTEM, pk=a.pk), status="done"
    )
    ranked = selectors.debt_ranked(actor=SYSTEM)
    assert ranked[0].item.pk == b.pk and ranked[0].rank == 1
    assert ranked[-1].item.pk == a.pk and ranked[-1].rank == 0


def test_inputs_off_the_scale_are_field_errors(client_as) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.DebtError) as info:
        services.debt_save(actor=SYSTEM, title="x", business_value=4, job_size=1)
    assert "business_value" in info.value.field_messages()
    response = client_as("architect").post(
        "/architecture/debt/new/",
        {
            "title": "x",
            "business_value": "4",
            "time_criticality": "1",
            "risk_reduction": "1",
            "job_size": "1",
            "status": "open",
        },
    )
    assert response.status_code == 422


def test_the_register_page_and_api(client_as) -> None:  # type: ignore[no-untyped-def]
    page = client_as("engineer").get("/architecture/debt/").content.decode()
    # Open items' interest: 45,250 + 18,400 + 12,300 + 6,150 + 9,050 + 1,020 = 92,170.
    assert "92,170" in page
    data = client_as("engineer").get("/api/v1/architecture/debt").json()
    assert data["count"] == 6
    assert (data["items"][0]["wsjf"], data["items"][0]["rank"]) == ("24.00", 1)


def test_demo_item_became_an_initiative_keeping_the_link() -> None:
    item = DebtItem.objects.get(title="Retire payments-webhooks")
    assert item.initiative_key == f"debt-{item.pk}" and item.status == "planned"
    initiative = strategy_selectors.initiative_list(actor=SYSTEM).get(key=item.initiative_key)
    assert (initiative.value, initiative.time_criticality, initiative.job_size) == (5, 8, 5)
    assert initiative.owner_team.slug == "payments"  # type: ignore[union-attr]
    with pytest.raises(strategy_services.StrategyError, match="already initiative"):
        strategy_services.initiative_from_debt(actor=SYSTEM, item_id=item.pk)


def test_convert_in_one_action_from_the_page(client_as) -> None:  # type: ignore[no-untyped-def]
    item = DebtItem.objects.get(title="Drop Moment.js")
    url = f"/strategy/initiatives/from-debt/{item.pk}/"
    assert client_as("architect").post(url).status_code == 403  # not a strategy editor
    response = client_as("cto").post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/strategy/initiatives/debt-{item.pk}/"
    item.refresh_from_db()
    assert item.initiative_key == f"debt-{item.pk}"
    page = client_as("engineer").get(f"/architecture/debt/{item.pk}/").content.decode()
    assert f"/strategy/initiatives/debt-{item.pk}/" in page


def test_team_lead_edits_own_debt_items_only(client_as) -> None:  # type: ignore[no-untyped-def]
    """Issue 11 item 6: team leads edit their own debt items (the demo `manager` leads
    payments), not another team's; engineers edit none; a lead files items for their team only."""
    manager = client_as("manager")
    own = DebtItem.objects.get(title="Retire payments-webhooks")
    other = DebtItem.objects.get(title="Drop Moment.js")  # checkout's
    url = f"/architecture/debt/{own.pk}/edit/"
    page = manager.get(url)
    assert page.status_code == 200
    payments = page.context["form"].fields["owner_team"].queryset.get()
    assert payments.slug == "payments"  # the only team offered: the one the manager leads
    form = {
        "title": "Retire payments-webhooks now",
        "owner_team": payments.pk,
        "business_value": "5",
        "time_criticality": "8",
        "risk_reduction": "8",
        "job_size": "3",
        "status": "planned",
    }
    assert manager.post(url, form).status_code == 302
    own.refresh_from_db()
    assert (own.title, own.job_size) == ("Retire payments-webhooks now", 3)
    assert manager.get(f"/architecture/debt/{other.pk}/edit/").status_code == 403
    assert manager.post(f"/architecture/debt/{other.pk}/edit/", form).status_code == 403
    assert client_as("engineer").get(url).status_code == 403
    created = manager.post("/architecture/debt/new/", {**form, "title": "Ledger retries"})
    assert created.status_code == 302
    assert DebtItem.objects.get(title="Ledger retries").owner_team == payments
    # Handing an item to a team the lead does not lead is refused.
    with pytest.raises(services.DebtError):
        services.debt_save(
            actor=User.objects.get(username="manager"),
            item=own,
            owner_team=other.owner_team,
        )
