"""The service catalog: Backstage files in (multi-document, references, relations), the same
out again, the flags, pages, forms (team leads edit their own) and the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from steward.architecture import catalog_format, selectors
from steward.architecture.exporting import export_catalog
from steward.architecture.models import Component
from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM

pytestmark = pytest.mark.django_db


def test_references_default_kind_and_namespace() -> None:
    assert catalog_format.parse_ref("team-a", "group") == "group:default/team-a"
    assert catalog_format.parse_ref("Group:Ops/Team-A", "group") == "group:ops/team-a"
    assert catalog_format.parse_ref("resource:db", "component") == "resource:default/db"
    assert catalog_format.parse_ref("ns/x", None) == ":ns/x"


def test_demo_catalog_matches_the_repositories() -> None:
    counts = {k: Component.objects.filter(kind=k).count() for k in ("system", "component")}
    # 14 teams -> 14 systems; 40 demo repositories + legacy-reports + catalog-sync (the
    # catalog team's file in billing-core, demo/knowledge.py) -> 42 components.
    assert counts == {"system": 14, "component": 42}
    assert Component.objects.filter(kind="resource").count() == 2
    api = Component.objects.get(name="payments-api", kind="component")
    assert (api.owner_team.slug, api.tier, api.repository.name) == (  # type: ignore[union-attr]
        "payments",
        1,
        "payments-api",
    )
    assert api.oncall == "pagerduty:payments"
    assert sorted(d.ref for d in api.depends_on.all()) == [
        "component:default/payments-ledger",
        "resource:default/payments-db",
    ]


def test_flags() -> None:
    today = date.today()
    flagged = {c.name: f for c, f in selectors.catalog_flags(actor=SYSTEM, on=today)}
    assert flagged == {
        "checkout-api": ["Depends on payments-webhooks, which is deprecated"],
        "auth-service": ["Tier 1 without a runbook"],
        "legacy-reports": ["No owner team (group:default/bi-team is not a Steward team)"],
    }
    team = Component.objects.get(name="search-api").owner_team
    assert team is not None
    team.dissolved_on = date(2026, 1, 31)
    team.save()
    flags = selectors.component_flags(Component.objects.get(name="search-api"), today)
    assert flags == [f"Owner team {team.name} was dissolved on 31 Jan 2026"]


def test_export_then_import_then_export_is_byte_identical(tmp_path: Path) -> None:
    first = tmp_path / "one.yaml"
    assert export_catalog(first, actor=SYSTEM) == 59  # 14 + 42 + 2 resources + 1 API
    Component.objects.all().delete()
    diff = run_import("catalog", first, actor=SYSTEM)
    assert diff.counts()["added"] == 59
    assert not run_import("catalog", first, actor=SYSTEM).writes
    second = tmp_path / "two.yaml"
    export_catalog(second, actor=SYSTEM)
    assert second.read_bytes() == first.read_bytes()


ACME = """---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Billing-API
  annotations: {steward.io/tier: "1"}
spec:
  type: service
  lifecycle: production
  owner: team-nobody
  dependsOn: [resource:default/billing-db, component:ghost]
relations:
  - {type: ownedBy, targetRef: "group:default/payments"}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: billing-db}
spec: {type: database, owner: payments}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest}
spec: {memberOf: []}
"""


def test_multi_document_file_relations_win_and_unknown_refs_are_warnings(tmp_path: Path) -> None:
    Component.objects.all().delete()
    path = tmp_path / "catalog-info.yaml"
    path.write_text(ACME)
    diff = run_import("catalog", path, actor=SYSTEM)
    billing = Component.objects.get(name="Billing-API")
    # The ownedBy relation wins over spec.owner.
    assert billing.owner_team is not None and billing.owner_team.slug == "payments"
    assert [d.name for d in billing.depends_on.all()] == ["billing-db"]
    assert "Billing-API: component:default/ghost is not in the catalog (dropped)" in diff.warnings
    assert any("User guest skipped" in n for n in diff.notes)
    assert billing.tier == 1


def test_bad_documents_name_file_and_line_and_nothing_is_written(tmp_path: Path) -> None:
    before = Component.objects.count()
    path = tmp_path / "bad.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ok}\n"
        "spec: {type: service, lifecycle: production, owner: payments}\n"
        "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: no owner}\n"
        "spec: {type: service}\n"
        "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\n"
        "spec: {type: service, lifecycle: production}\n"
    )
    with pytest.raises(InvalidInput) as info:
        run_import("catalog", path, actor=SYSTEM)
    # Each at its value: the second document's metadata.name, the third one's spec.
    assert [str(p) for p in info.value.problems] == [
        f"{path}:8: column 18: key 'metadata.name': 'no owner' is not a valid name (fix: 1-63 "
        "letters and digits, joined by single - _ or .)",
        f"{path}:14: column 7: key 'spec': Component x: spec.owner missing (fix: add the "
        "required fields (FORMATS.md 3))",
    ]
    assert Component.objects.count() == before


def test_pages_and_api(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    page = client.get("/architecture/catalog/").content.decode()
    assert "59 entries, 3 with something to fix" in page
    detail = client.get("/architecture/catalog/component/default/checkout-api/").content.decode()
    assert "Depends on payments-webhooks, which is deprecated" in detail
    assert "/architecture/catalog/component/default/payments-webhooks/" in detail
    data = client.get("/api/v1/architecture/components?flagged=true").json()
    assert data["count"] == 3
    assert {i["name"] for i in data["items"]} == {"checkout-api", "auth-service", "legacy-reports"}
    payments = client.get("/api/v1/architecture/components?team=payments&kind=component").json()
    assert payments["count"] == 3


def test_team_lead_edits_own_components_only(client_as) -> None:  # type: ignore[no-untyped-def]
    manager = client_as("manager")  # leads payments
    url = "/architecture/catalog/component/default/payments-ledger/edit/"
    page = manager.get(url)
    assert page.status_code == 200
    response = manager.post(
        url,
        {
            "title": "Ledger",
            "lifecycle": "production",
            "type": "service",
            "owner_team": page.context["form"].fields["owner_team"].queryset.get().pk,
            "tier": "1",
            "oncall": "pagerduty:payments",
            "runbook": "https://runbooks.example/ledger",
        },
    )
    assert response.status_code == 302
    ledger = Component.objects.get(name="payments-ledger")
    assert (ledger.title, ledger.runbook) == ("Ledger", "https://runbooks.example/ledger")
    assert (
        manager.get("/architecture/catalog/component/default/search-api/edit/").status_code == 403
    )
    assert client_as("engineer").get(url).status_code == 403


def test_tier_1_on_a_truck_factor_1_repository(client_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from steward.knowledge import selectors as knowledge_selectors

    asked: list[str] = []

    def fake(*, actor: object, scopes: list[tuple[object, list[str]]]) -> list[dict[str, object]]:
        asked.extend(r.name for r, _ in scopes)  # type: ignore[attr-defined]
        return [
            {"truck_factor": 1 if r.name == "payments-api" else 2, "files_analyzed": 9}  # type: ignore[attr-defined]
            for r, _ in scopes
        ]

    monkeypatch.setattr(knowledge_selectors, "scope_truck_factors", fake)
    client = client_as("engineer")
    flag = selectors.TRUCK_FACTOR_ONE
    assert (
        flag in client.get("/architecture/catalog/component/default/payments-api/").content.decode()
    )
    assert (
        flag
        not in client.get("/architecture/catalog/component/default/search-api/").content.decode()
    )
    assert asked == ["payments-api", "search-api"]
