"""Every URL pattern and API endpoint, requested as every demo role and anonymously.

The URL list is discovered from the resolver, so a new page or endpoint without an entry in
`SAMPLES` fails `test_every_url_has_samples`: nobody can add a URL and skip this matrix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.urls import URLPattern, URLResolver, get_resolver

from steward.org.models import Person
from tests.conftest import DEMO_ROLES
from tests.plain_text import heading_problems, problems, visible_text

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced url name, or the raw pattern when unnamed
    pattern: str  # the full route with <converter:name> placeholders


def _walk(patterns: list[object], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name=name or full, pattern=full)


def discovered_routes() -> list[Route]:
    """Every project URL except the Django admin's per-model pages (admin-only, see below)."""
    return list(_routes_of(get_resolver()))


@functools.cache
def _routes_of(resolver: URLResolver) -> tuple[Route, ...]:
    """The routes of one resolver, walked once (each of the matrix's 3,000 tests looks its
    route up; `get_resolver` gives a new resolver when the URLconf changes)."""
    routes = []
    for route in _walk(resolver.url_patterns, "", ""):
        if route.pattern.startswith("admin/") and route.name not in ADMIN_SAMPLED:
            continue
        routes.append(route)
    return tuple(routes)


# The admin site is for admins (staff) only; its index and audit log are sampled here.
ADMIN_SAMPLED = {"admin:index", "admin:auditlog_logentry_changelist"}

# Concrete parameter values per route; each value set is requested. Subjects:
# E0006 = the demo engineer, E0005 = the manager, E0001 = the CTO, a leaver from the payments team.
SAMPLES: dict[str, list[dict[str, str]]] = {
    "home": [{}],
    "healthz": [{}],
    "search": [{}],
    "login": [{}],
    "logout": [],  # POST-only; exercised by the browser tests
    "admin:index": [{}],
    "admin:auditlog_logentry_changelist": [{}],
    "org:chart": [{}],
    "org:chart_team": [{"slug": "payments"}],
    "org:chart_reports": [{"employee_id": "E0005"}, {"employee_id": "LEAVER"}],
    "org:team_list": [{}],
    "org:team_list_csv": [{}],
    "org:team_detail": [{"slug": "payments"}],
    "org:person_list": [{}],
    "org:person_list_csv": [{}],
    "org:person_detail": [
        {"employee_id": "E0001"},
        {"employee_id": "E0005"},
        {"employee_id": "E0006"},
        {"employee_id": "OTHER"},
        {"employee_id": "LEAVER"},
    ],
    "org:role_list": [{}],
    "org:role_detail": [{"slug": "cto-role-descriptiom"}],
    "api:api-root": [],
    "api:openapi-json": [{}],
    "api:openapi-view": [{}],
    "api:people_list": [{}],
    "api:people_detail": [
        {"employee_id": "E0001"},
        {"employee_id": "E0006"},
        {"employee_id": "OTHER"},
        {"employee_id": "LEAVER"},
    ],
    "api:teams_list": [{}],
    "api:teams_detail": [{"slug": "payments"}],
    "api:roles_list": [{}],
    "engineering:delivery": [{}],
    "engineering:deployments": [{}],
    "engineering:deployments_csv": [{}],
    "engineering:deployment_detail": [{"pk": "1"}],
    "engineering:lead_time": [{}],
    "engineering:lead_time_csv": [{}],
    "engineering:incidents": [{}],
    "engineering:incidents_csv": [{}],
    "engineering:repositories": [{}],
    "engineering:repositories_csv": [{}],
    "engineering:pick_repositories": [{}],
    "engineering:repository_detail": [{"name": "payments-api"}],
    "engineering:identities": [{}],
    "engineering:identities_csv": [{}],
    "api:repositories": [{}],
    "api:repository_detail": [{"name": "payments-api"}],
    "api:repository_contributors": [{"name": "payments-api"}],
    "api:dora": [{}],
    "api:dora_weekly": [{}],
    "api:deployments": [{}],
    "api:incidents": [{}],
    "api:lead_time_commits": [{}],
    # POST-only with a source token: tests/engineering/test_webhooks.py
    "api:webhook_deployments": [],
    "api:webhook_incidents": [],
    # Strategy (issue 5): demo objective O1 with key result KR1, demo initiative PAY-LAUNCH.
    "strategy:objectives": [{}],
    "strategy:objective_detail": [{"key": "O1"}],
    "strategy:initiative_detail": [{"key": "PAY-LAUNCH"}],
    "strategy:roadmap": [{}],
    "strategy:board": [{}],
    "strategy:prioritization": [{}],
    "strategy:plan": [{}],
    "strategy:alignment": [{}],
    "strategy:alignment_commits": [{}],
    "strategy:innovation": [{}],
    "api:objectives_list": [{}],
    "api:objectives_detail": [{"key": "O1"}],
    "api:check_ins_list": [{"key": "O1", "kr": "KR1"}],
    "api:check_ins_create": [],  # POST; same path as the list
    "api:initiatives_list": [{}],
    "api:initiatives_detail": [{"key": "PAY-LAUNCH"}],
    "api:prioritization": [{}],
    "api:roadmap": [{}],
    "api:plan": [{}],
    "api:plan_solve_instance": [],  # POST-only; tests/strategy/test_api.py
    "api:alignment": [{}],
    "api:alignment_commits": [{}],
    "api:ideas_list": [{}],
    "api:improvement_actions_list": [{}],
    # Organization design (issue 3); SCENARIO = the first demo scenario (drafted by the CTO).
    # Cockpit (issue 15): findings, reports, snapshots, vision.
    "cockpit:finding_set_aside": [],  # POST-only; tests/cockpit/test_findings.py
    "cockpit:finding_restore": [],  # POST-only
    "cockpit:reports": [{}],
    "cockpit:snapshot_take": [],  # POST-only; tests/cockpit/test_reports.py
    "cockpit:report": [
        {"kind": "board", "period": "2026Q4"},
        {"kind": "brief", "period": "2026-11"},
    ],
    "cockpit:report_pdf": [],  # a PDF per request is slow; tests/cockpit/test_reports.py
    "cockpit:report_note": [],  # POST-only
    "cockpit:vision": [{}],
    "cockpit:vision_edit": [{}],
    "api:findings_list": [{}],
    "orgdesign:health": [{}],
    "orgdesign:capacity": [{}],
    "orgdesign:allocation_set": [],  # POST-only
    "orgdesign:allocation_create": [{}],
    "orgdesign:allocation_edit": [{"pk": "ALLOCATION"}],
    "orgdesign:allocation_delete": [{"pk": "ALLOCATION"}],
    "orgdesign:headcount_plan": [{}],
    "orgdesign:plan_entry_create": [{}],
    "orgdesign:plan_entry_edit": [{"key": "PLANENTRY"}],
    "orgdesign:plan_entry_delete": [{"key": "PLANENTRY"}],
    "orgdesign:scenario_list": [{}],
    "orgdesign:scenario_detail": [{"scenario_id": "SCENARIO"}],
    "orgdesign:scenario_change_add": [],  # POST-only (HTMX)
    "orgdesign:scenario_change_remove": [],  # POST-only (HTMX)
    "orgdesign:scenario_apply": [],  # POST-only
    "orgdesign:scenario_export": [{"scenario_id": "SCENARIO"}],
    "api:structure": [{}],
    "api:capacity": [{}],
    "api:headcount_plan": [{}],
    "api:scenarios_list": [{}],
    "api:scenarios_create": [],  # same path as the list; POST
    "api:scenarios_detail": [{"scenario_id": "SCENARIO"}],
    "api:scenarios_compare": [{"scenario_id": "SCENARIO"}],
    "api:scenarios_add_change": [],  # POST-only
    "api:scenarios_remove_change": [],  # DELETE-only
    "api:scenarios_apply": [],  # POST-only
    # Editing (issue 9): forms for the org and strategy editors; pickers for every role.
    "org:person_create": [{}],
    "org:person_edit": [{"employee_id": "E0006"}, {"employee_id": "LEAVER"}],
    "org:team_create": [{}],
    "org:team_edit": [{"slug": "payments"}],
    "org:team_delete": [{"slug": "payments"}],
    "org:team_move": [{}],
    "org:role_create": [{}],
    "org:role_edit": [{"slug": "cto-role-descriptiom"}],
    "org:role_delete": [{"slug": "cto-role-descriptiom"}],
    "org:department_list": [{}],
    "org:department_create": [{}],
    "org:department_edit": [{"slug": "engineering"}],
    "org:department_delete": [{"slug": "engineering"}],
    "org:pick_people": [{}],
    "org:pick_teams": [{}],
    "strategy:objective_create": [{}],
    "strategy:objective_edit": [{"key": "O1"}],
    "strategy:objective_delete": [{"key": "O1"}],
    "strategy:key_result_create": [{"key": "O1"}],
    "strategy:key_result_edit": [{"key": "O1", "kr": "KR1"}],
    "strategy:key_result_delete": [{"key": "O1", "kr": "KR1"}],
    "strategy:check_in_create": [{"key": "O1", "kr": "KR1"}],
    "strategy:check_in_delete": [{"key": "O1", "kr": "KR1", "pk": "CHECKIN"}],
    "strategy:initiatives": [{}],
    "strategy:initiatives_csv": [{}],
    "strategy:initiative_create": [{}],
    "strategy:initiative_edit": [{"key": "PAY-LAUNCH"}],
    "strategy:initiative_decisions": [{"key": "PAY-LAUNCH"}],
    "strategy:initiative_delete": [{"key": "PAY-LAUNCH"}],
    "strategy:idea_create": [{}],
    "strategy:idea_edit": [{"pk": "IDEA"}],
    "strategy:idea_delete": [{"pk": "IDEA"}],
    "strategy:action_create": [{}],
    "strategy:action_edit": [{"pk": "ACTION"}],
    "strategy:action_delete": [{"pk": "ACTION"}],
    "api:departments_list": [{}],
    # Writes (POST/PATCH/DELETE): tests/org/test_write_api.py, tests/strategy/test_write_api.py
    "api:people_create": [],
    "api:people_update": [],
    "api:people_move": [],
    "api:teams_create": [],
    "api:teams_update": [],
    "api:teams_delete": [],
    "api:departments_create": [],
    "api:departments_update": [],
    "api:departments_delete": [],
    "api:roles_create": [],
    "api:roles_update": [],
    "api:roles_delete": [],
    "api:objectives_create": [],
    "api:objectives_update": [],
    "api:objectives_delete": [],
    "api:key_results_create": [],
    "api:key_results_update": [],
    "api:key_results_delete": [],
    "api:check_ins_delete": [],
    "api:initiatives_create": [],
    "api:initiatives_update": [],
    "api:initiatives_delete": [],
    "api:ideas_create": [],
    "api:ideas_update": [],
    "api:ideas_delete": [],
    "api:improvement_actions_create": [],
    "api:improvement_actions_update": [],
    "api:improvement_actions_delete": [],
    # Architecture decisions (issue 11): demo ADR-0002 is accepted, ADR-0015 ends the chain.
    "architecture:decisions": [{}],
    "architecture:decisions_csv": [{}],
    "architecture:decision_create": [{}],
    "architecture:decision_preview": [],  # POST-only (HTMX); tests/architecture/test_views.py
    "architecture:decision_detail": [{"number": "2"}, {"number": "15"}],
    "architecture:decision_edit": [{"number": "2"}],
    "api:decisions_list": [{}],
    "api:decisions_detail": [{"number": "2"}],
    # Code knowledge (issue 10): billing-core is the demo's knowledge story (demo/knowledge.py).
    "knowledge:risk": [{}],
    "knowledge:hotspots": [{}],
    "knowledge:coupling": [{}],
    "knowledge:map": [{"name": "billing-core"}],
    "knowledge:file": [{"name": "billing-core", "path": "legacy/gateway_v1.py"}],
    # Query parameters required (repo= and coupled_repo=): tests/knowledge/test_cross_repository.py.
    "knowledge:cross_repository": [],
    # Query parameters required (repo or team): tests/knowledge/test_pages.py.
    "api:truck_factor": [],
    "api:knowledge_map": [],
    "api:hotspots": [],
    "api:coupling": [],
    "api:team_alignment": [{}],
    "api:cross_repository_coupling": [{}],
    # Query parameters required (repo= and coupled_repo=): tests/knowledge/test_cross_repository.py.
    "api:cross_repository_changes": [],
    # Needs person=: tests/knowledge/test_what_if.py (403 unless the person's activity is
    # visible to the caller).
    "api:what_if": [],
    "api:cross_team_coupling": [{}],
    # Work tracking (issue 16): PULL is the first demo pull request.
    "worktracking:flow": [{}],
    "worktracking:pulls": [{}],
    "worktracking:pull_detail": [{"pk": "PULL"}],
    "worktracking:items": [{}],
    "worktracking:investment": [{}],
    "worktracking:investment_rules": [{}],
    "worktracking:rule_create": [{}],
    "worktracking:rule_edit": [{"pk": "RULE"}],
    "worktracking:rule_move": [{"pk": "RULE"}],
    "worktracking:rule_delete": [{"pk": "RULE"}],
    "api:pull_requests": [{}],
    "api:pull_request": [{"pk": "PULL"}],
    "api:cycle_time": [{}],
    "api:review_load": [{}],
    "api:items": [{}],
    "api:investment_balance": [{}],
    "api:decisions_create": [],  # POST; tests/architecture/test_links_and_writes.py
    "api:decisions_update": [],  # PATCH; same
    # The tech radar (issue 11): everyone reads; architects, the CTO and admins edit.
    "architecture:radar": [{}],
    "architecture:radar_svg": [{}],
    "architecture:radar_usage": [{}],
    "architecture:technology_create": [{}],
    "architecture:technology": [{"key": "angularjs"}],
    "architecture:technology_edit": [{"key": "angularjs"}],
    "architecture:technology_move": [{"key": "angularjs"}],
    "architecture:radar_setup": [{}],
    "architecture:quadrant_create": [{}],
    "architecture:quadrant_edit": [{"key": "tools"}],
    "architecture:ring_create": [{}],
    "architecture:ring_edit": [{"key": "hold"}],
    "architecture:quadrant_delete": [{"key": "tools"}],
    "architecture:ring_delete": [{"key": "hold"}],
    "api:radar": [{}],
    # Catalog and debt: everyone reads; team leads (the manager leads payments) edit their own.
    "architecture:catalog": [{}],
    "architecture:component_create": [{}],
    "architecture:component": [
        {"kind": "component", "namespace": "default", "name": "payments-api"}
    ],
    "architecture:component_edit": [
        {"kind": "component", "namespace": "default", "name": "payments-api"},
        {"kind": "component", "namespace": "default", "name": "search-api"},
    ],
    "architecture:debt": [{}],
    "architecture:debt_create": [{}],
    "architecture:debt_detail": [{"pk": "DEBT"}],
    "architecture:debt_edit": [{"pk": "DEBT"}],
    "api:components_list": [{}],
    "api:debt_list": [{}],
    "strategy:initiative_from_debt": [],  # POST-only; tests/architecture/test_debt.py
    # Growth (issue 14): PAIR = the manager's 1:1 with the engineer, PAIR_OTHER = a 1:1 outside
    # the manager's subtree; PLAN, GOAL, CASE = the engineer's plan, goal and promotion case.
    "growth:one_on_ones": [{}],
    "growth:pair_create": [{}],
    "growth:pair_detail": [{"pk": "PAIR"}, {"pk": "PAIR_OTHER"}],
    "growth:pair_edit": [{"pk": "PAIR"}],
    "growth:meeting_create": [{"pk": "PAIR"}],
    "growth:action_item_toggle": [],  # POST-only; tests/growth/test_one_on_ones.py
    "growth:ladders": [{}],
    "growth:ladder_detail": [{"key": "northwind-engineering"}],
    "growth:ladder_export": [{"key": "northwind-engineering"}],
    "growth:my_growth": [{}],
    "growth:person_growth": [{"employee_id": "E0006"}, {"employee_id": "E0001"}],
    "growth:level_set": [{"employee_id": "E0006"}],
    "growth:plan_create": [{"employee_id": "E0006"}],
    "growth:goal_create": [{"pk": "PLAN"}],
    "growth:goal_check_in": [{"pk": "GOAL"}],
    # TEAMGOAL = the payments team's goal under O1, MYGOAL = the engineer's own goal under O1.
    "growth:goals": [{}],
    "growth:goal_new": [{}],
    "growth:goal_detail": [{"pk": "TEAMGOAL"}, {"pk": "MYGOAL"}],
    "growth:goal_edit": [{"pk": "TEAMGOAL"}, {"pk": "MYGOAL"}],
    "growth:goal_delete": [{"pk": "TEAMGOAL"}],
    "api:goals_list": [{}],
    "api:goals_detail": [{"pk": "TEAMGOAL"}, {"pk": "MYGOAL"}],
    "api:goals_create": [],  # POST; same path as the list; tests/growth/test_write_api.py
    "api:goals_update": [],  # PATCH
    "api:goals_delete": [],  # DELETE
    "api:onboarding_tasks_update": [],  # PATCH
    "api:action_items_create": [],  # POST-only
    "api:action_items_update": [],  # PATCH
    "growth:promotions": [{}],
    "growth:promotion_create": [{}],
    "growth:promotion_detail": [{"pk": "CASE"}],
    "growth:promotion_evidence": [{"pk": "CASE"}],
    "growth:promotion_decide": [{"pk": "CASE"}],
    "api:one_on_ones_list": [{}],
    "api:one_on_ones_detail": [{"pk": "PAIR"}, {"pk": "PAIR_OTHER"}],
    "api:one_on_ones_record": [],  # POST-only; tests/growth/test_api.py
    "api:ladders_list": [{}],
    "api:ladders_detail": [{"key": "northwind-engineering"}],
    "api:people_growth": [{"employee_id": "E0006"}, {"employee_id": "E0001"}],
    "api:promotions_list": [{}],
    "api:promotions_detail": [{"pk": "CASE"}],
    "growth:onboarding": [{}],
    "growth:onboarding_start": [{}],
    "growth:onboarding_detail": [{"pk": "ONBOARDING"}],
    "growth:onboarding_task_toggle": [],  # POST-only; tests/growth/test_onboarding.py
    "growth:coaching": [{}],
    "growth:coaching_create": [{}],
    "growth:coaching_session_create": [{"pk": "COACHING"}],
    "growth:course_create": [{}],
    "growth:training_record_create": [{}],
    "growth:training_budget_set": [{}],
    "growth:course_edit": [{"key": "k8s-fundamentals"}],
    "growth:course_delete": [{"key": "k8s-fundamentals"}],
    "growth:template_create": [{}],
    "growth:template_edit": [{"key": "engineering-30-60-90"}],
    "growth:template_delete": [{"key": "engineering-30-60-90"}],
    "growth:engagement": [{}],
    "growth:survey_create": [{}],
    "growth:survey_edit": [{"key": "engagement-2026-autumn"}],
    "growth:attrition": [{}],
    "growth:retention": [{}],
    "api:enps": [{}],
    "api:attrition": [{}],
    "api:tenure": [{}],
    "api:retention_signals": [{}],
    # Finance (issue 12): the demo's FY2026 with its budget (0) and reforecast (1).
    "finance:budget": [{}],
    "finance:fiscal_year_create": [{}],
    "finance:version_create": [],  # POST-only; tests/finance/test_views.py
    "finance:budget_edit": [{"year": "2026", "number": "1"}],
    "finance:budget_export": [{"year": "2026", "number": "0"}],
    "finance:plan_vs_actual": [{}],
    "finance:allocation": [{}],
    "finance:variance": [{}],
    "finance:ledger": [{}],
    "finance:services": [{}],
    "finance:service": [{"service": "search-api"}],
    "finance:evaluation_create": [{}],
    "finance:evaluation_edit": [{"key": "E-OBS"}],
    "finance:cloud": [{}],
    "finance:contracts": [{}],
    "finance:contracts_csv": [{}],
    "finance:contract_create": [{}],
    "finance:contract_edit": [{"key": "C-003"}],
    "finance:cost_centers": [{}],
    "finance:rates": [{}],
    "finance:thresholds": [{}],
    "finance:threshold_delete": [],  # POST-only; tests/finance/test_plan_vs_actual.py
    "finance:capitalization": [{}],
    "finance:evaluation_decision": [],  # POST-only; tests/finance/test_contracts_views.py
    "finance:capitalization_export": [{}],
    "api:finance_fiscal_years": [{}],
    "api:finance_budget_lines": [{}],
    "api:finance_plan_vs_actual": [{}],
    "api:finance_forecast": [{}],
    "api:finance_costs": [{}],
    "api:finance_billing_periods": [{}],
    "api:finance_contracts": [{}],
    "api:finance_vendors": [{}],
    "api:finance_unit_costs": [{}],
    "api:finance_variance_drivers": [{}],
    # Talent (issue 13): REQ-0001 is the demo manager's requisition; CANDIDATE and APPLICATION
    # applied to it; SCORECARD is one of the manager's own scorecards.
    "talent:plan": [{}],
    "talent:requisitions_csv": [{}],
    "talent:plan_generate": [],  # POST-only; tests/talent/test_views.py
    "talent:requisition_create": [{}],
    "talent:requisition_detail": [{"key": "REQ-0001"}],
    "talent:requisition_edit": [{"key": "REQ-0001"}],
    "talent:requisition_approve": [],  # POST-only
    "talent:requisition_status": [],  # POST-only
    "talent:board": [{"key": "REQ-0001"}],
    "talent:kit_build": [],  # POST-only
    "talent:job_post": [{"key": "REQ-0001"}],
    "talent:job_post_markdown": [{"key": "REQ-0001"}],
    "talent:application_move": [{"pk": "APPLICATION"}],
    "talent:application_close": [{"pk": "APPLICATION"}],
    "talent:offer_create": [{"pk": "APPLICATION"}],
    "talent:offer_resolve": [],  # POST-only
    "talent:candidates": [{}],
    "talent:candidates_csv": [{}],
    "talent:candidate_create": [{}],
    "talent:candidate_detail": [{"pk": "CANDIDATE"}],
    "talent:application_create": [{"pk": "CANDIDATE"}],
    "talent:candidate_erase": [{"pk": "CANDIDATE"}],
    "talent:candidate_edit": [{"pk": "CANDIDATE"}],
    "talent:self_identify": [{"pk": "CANDIDATE"}],
    "talent:interviewer_add": [{"pk": "APPLICATION"}],
    "talent:scorecard_submit": [{"pk": "SCORECARD"}],
    "talent:funnel": [{}],
    "talent:funnel_applications": [{}],
    "talent:applications_import": [{}],
    "talent:applications_import_commit": [],  # POST-only; tests/talent/test_import_browser.py
    "talent:diversity": [{}],
    "talent:brand": [{}],
    "talent:source_create": [{}],
    "talent:source_edit": [{"pk": "SOURCE"}],
    "talent:activity_create": [{}],
    "api:talent_requisitions_list": [{}],
    "api:talent_requisitions_detail": [{"key": "REQ-0001"}],
    "api:talent_applications_list": [{}],
    "api:talent_candidates_detail": [{"candidate_id": "CANDIDATE"}],
    "api:talent_funnel": [{}],
    "api:talent_funnel_applications": [{}],
    "api:talent_diversity": [{}],
    "api:talent_sources_list": [{}],
    "api:talent_activities_list": [{}],
    # Writes (POST/PATCH): every role sends each one in test_talent_write_matrix below;
    # the services' rules in tests/talent/test_write_api.py.
    "api:talent_requisitions_create": [],
    "api:talent_requisitions_update": [],
    "api:talent_candidates_create": [],
    "api:talent_applications_create": [],
    "api:talent_applications_move": [],
    "api:talent_scorecards_submit": [],
    "api:talent_applications_close": [],
    "api:talent_offers_create": [],
    "api:talent_offers_resolve": [],
    "api:talent_requisitions_approve": [],
    "api:talent_sources_create": [],
    "api:talent_sources_update": [],
    "api:talent_activities_create": [],
}

# Hiring (talent): the plan and funnel for the plan roles and managers; candidate data for
# recruiting (people), the CTO, admins and the hiring manager; changes for recruiting only.
HIRING_VIEWERS = {"admin", "cto", "people", "executive", "finance", "manager"}
CANDIDATE_VIEWERS = {"admin", "cto", "people", "manager"}
RECRUITERS = {"admin", "cto", "people"}
DIVERSITY_VIEWERS = {"admin", "cto", "people", "executive"}
TALENT_HIRING_PAGES = {
    "talent:plan",
    "talent:requisitions_csv",
    "talent:funnel",
    "talent:funnel_applications",
    "talent:requisition_detail",
    "talent:job_post",
    "talent:job_post_markdown",
    "api:talent_requisitions_list",
    "api:talent_requisitions_detail",
    "api:talent_funnel",
    "api:talent_funnel_applications",
}
TALENT_CANDIDATE_PAGES = {
    "talent:board",
    "talent:candidates",
    "talent:candidates_csv",
    "talent:candidate_detail",
    "talent:application_move",
    "talent:application_close",
    "api:talent_applications_list",
    "api:talent_candidates_detail",
}
TALENT_RECRUITER_PAGES = {
    "talent:applications_import",
    "talent:requisition_create",
    "talent:requisition_edit",
    "talent:candidate_create",
    "talent:application_create",
    "talent:candidate_erase",
    "talent:candidate_edit",
    "talent:self_identify",
    "talent:interviewer_add",
    "talent:offer_create",
    "talent:brand",
    "talent:source_create",
    "talent:source_edit",
    "talent:activity_create",
    "api:talent_sources_list",
    "api:talent_activities_list",
}
TALENT_DIVERSITY_PAGES = {"talent:diversity", "api:talent_diversity"}

# Editing pages: for the org editors and the strategy editors only (403 for the others).
ORG_EDITORS = {"admin", "cto", "people"}
STRATEGY_EDITORS = {"admin", "cto", "executive"}
ORG_EDIT_PAGES = {
    "org:person_create",
    "org:person_edit",
    "org:team_create",
    "org:team_edit",
    "org:team_delete",
    "org:team_move",
    "org:role_create",
    "org:role_edit",
    "org:role_delete",
    "org:department_create",
    "org:department_edit",
    "org:department_delete",
    "orgdesign:allocation_create",
    "orgdesign:allocation_edit",
    "orgdesign:allocation_delete",
    "orgdesign:plan_entry_create",
    "orgdesign:plan_entry_edit",
    "orgdesign:plan_entry_delete",
}
STRATEGY_EDIT_PAGES = {
    "strategy:objective_create",
    "strategy:objective_edit",
    "strategy:objective_delete",
    "strategy:key_result_create",
    "strategy:key_result_edit",
    "strategy:key_result_delete",
    "strategy:check_in_create",
    "strategy:check_in_delete",
    "strategy:initiative_create",
    "strategy:initiative_edit",
    "strategy:initiative_decisions",
    "strategy:initiative_delete",
    "strategy:idea_create",
    "strategy:idea_edit",
    "strategy:idea_delete",
    "strategy:action_create",
    "strategy:action_edit",
    "strategy:action_delete",
}

# Decisions: everyone reads and drafts; an accepted record is edited by its deciders only.
DECISION_DECIDERS = {"admin", "cto", "architect"}
DECISION_DECIDER_PAGES = {
    "architecture:decision_edit",
    "architecture:technology_create",
    "architecture:technology_edit",
    "architecture:technology_move",
    "architecture:quadrant_create",
    "architecture:quadrant_edit",
    "architecture:ring_create",
    "architecture:ring_edit",
    "architecture:quadrant_delete",
    "architecture:ring_delete",
}

OWNED_EDIT_PAGES = {
    "architecture:component_create",
    "architecture:component_edit",
    "architecture:debt_create",
    "architecture:debt_edit",
}

# Money (budgets, actuals, contracts) is for these roles; executives read, the others edit.
MONEY_ROLES = {"admin", "cto", "executive", "finance"}
MONEY_EDITORS = {"admin", "cto", "finance"}
MONEY_EDIT_PAGES = {
    "finance:budget_edit",
    "finance:contract_create",
    "finance:contract_edit",
    "finance:fiscal_year_create",
    "finance:evaluation_create",
    "finance:evaluation_edit",
}
# Investment rules (issue 16): the CTO and admins add, edit, move and delete them.
RULE_EDITORS = {"admin", "cto"}
RULE_EDIT_PAGES = {
    "worktracking:rule_create",
    "worktracking:rule_edit",
    "worktracking:rule_move",
    "worktracking:rule_delete",
}

# Organization plans (headcount plan, scenarios) are for these roles; managers see only
# the scenarios they drafted themselves.
ORG_PLANNERS = {"admin", "cto", "executive", "finance", "people", "manager"}
ORG_PLAN_LISTS = {
    "orgdesign:headcount_plan",
    "orgdesign:scenario_list",
    "api:headcount_plan",
    "api:scenarios_list",
}
ORG_SCENARIO_PAGES = {
    "orgdesign:scenario_detail",
    "orgdesign:scenario_export",
    "api:scenarios_detail",
    "api:scenarios_compare",
}


# Growth: who may open which page, written out from docs/growth.md (not from growth.rules).
GROWTH_ADMINS = {"admin", "cto", "people"}
WITH_PERSON = {"cto", "architect", "manager", "engineer"}
# The engineer's 1:1, plan and case: seen by the pair / the person, the manager above, admins.
ENGINEER_CIRCLE = GROWTH_ADMINS | {"manager", "engineer"}


# The demo's coaching programme: the CTO (coach) and the manager (lead) record sessions; the
# people role and admins see it (403 on the form); nobody else sees it (404).
COACHING_SESSION_STATUS = {
    "cto": {200},
    "manager": {200},
    "admin": {403},
    "people": {403},
}


def growth_status(role: str, name: str, params: dict[str, str]) -> set[int] | None:
    """The status of a growth page for a signed-in role (None: not a growth page)."""
    subject = params.get("pk") or params.get("employee_id")
    if name in ("growth:pair_detail", "api:one_on_ones_detail"):
        seen = ENGINEER_CIRCLE if subject == "PAIR" else GROWTH_ADMINS
        return {200} if role in seen else {404}
    if name == "growth:pair_edit":
        if role not in ENGINEER_CIRCLE:
            return {404}
        return {200} if role in GROWTH_ADMINS | {"manager"} else {403}
    if name == "growth:meeting_create":
        if role not in ENGINEER_CIRCLE:
            return {404}
        return {200} if role in ("manager", "engineer") else {403}
    if name == "growth:pair_create":
        return {200} if role in GROWTH_ADMINS | WITH_PERSON else {403}
    if name == "growth:my_growth":
        return {302} if role in WITH_PERSON else {404}
    if name in ("growth:person_growth", "api:people_growth"):
        seen = ENGINEER_CIRCLE if subject == "E0006" else GROWTH_ADMINS
        return {200} if role in seen else {404}
    if name in ("growth:plan_create", "growth:goal_create", "growth:goal_check_in"):
        return {200} if role in ENGINEER_CIRCLE else {404}
    if name == "growth:level_set" or name == "growth:promotion_evidence":
        if role not in ENGINEER_CIRCLE:
            return {404}
        return {200} if role != "engineer" else {403}
    if name in ("growth:goal_detail", "api:goals_detail"):
        return {200} if subject == "TEAMGOAL" or role in ENGINEER_CIRCLE else {404}
    if name in ("growth:goal_edit", "growth:goal_delete"):
        if subject == "MYGOAL":
            return {200} if role in ENGINEER_CIRCLE else {404}
        # The payments team's goal: people/CTO/admin, the strategy editors, its manager.
        return {200} if role in GROWTH_ADMINS | {"executive", "manager"} else {403}
    if name == "growth:goal_new":
        return {200} if role in GROWTH_ADMINS | WITH_PERSON | {"executive"} else {403}
    if name in ("growth:promotion_detail", "api:promotions_detail"):
        return {200} if role in ENGINEER_CIRCLE else {404}
    if name == "growth:promotion_decide":
        if role not in ENGINEER_CIRCLE:
            return {404}
        return {200} if role in GROWTH_ADMINS else {403}
    if name in ("growth:attrition", "api:attrition", "api:tenure"):
        return {200} if role in {"admin", "cto", "executive", "people"} else {403}
    if name in ("growth:retention", "api:retention_signals"):
        # Retention signals: the CTO and the people role only (not even admins).
        return {200} if role in {"cto", "people"} else {403}
    if name == "growth:onboarding_start":
        return {200} if role in GROWTH_ADMINS | {"manager"} else {403}
    if name == "growth:onboarding_detail":
        # A plan of a joiner outside the manager's team: the people role, the CTO, admins.
        return {200} if role in GROWTH_ADMINS else {404}
    if name in (
        "growth:course_create",
        "growth:course_edit",
        "growth:course_delete",
        "growth:template_create",
        "growth:template_edit",
        "growth:template_delete",
    ):
        return {200} if role in GROWTH_ADMINS else {403}
    if name == "growth:training_record_create":
        return {200} if role in GROWTH_ADMINS | WITH_PERSON else {403}
    if name == "growth:training_budget_set":
        return {200} if role in GROWTH_ADMINS | {"manager"} else {403}
    if name == "growth:coaching_create":
        # The people role, the CTO, admins, and anyone who is a person (coaching their leads).
        return {200} if role in GROWTH_ADMINS | WITH_PERSON else {403}
    if name == "growth:coaching_session_create":
        # The demo programme: the CTO coaching a lead; only the two record sessions.
        return COACHING_SESSION_STATUS.get(role, {404})
    if name in ("growth:survey_create", "growth:survey_edit"):
        return {200} if role in GROWTH_ADMINS else {403}
    if name == "growth:promotion_create":
        # The people role, the CTO, admins and anyone with reports.
        return {200} if role in GROWTH_ADMINS | {"manager"} else {403}
    return None


def _leaver() -> Person:
    """A person who left, from outside the manager's subtree."""
    return Person.objects.filter(end_date__isnull=False).exclude(team__slug="payments").first()  # type: ignore[return-value]


def _other() -> Person:
    """An active engineer in another team (not in the manager's subtree)."""
    return (
        Person.objects.filter(end_date__isnull=True, track="ic")
        .exclude(team__slug="payments")
        .order_by("employee_id")
        .first()
    )  # type: ignore[return-value]


def _resolve_value(value: str) -> str:
    if value == "DEBT":
        from steward.architecture.models import DebtItem

        return str(DebtItem.objects.get(title="Retire payments-webhooks").pk)
    if value == "LEAVER":
        return _leaver().employee_id
    if value == "OTHER":
        return _other().employee_id
    if value in ("CHECKIN", "IDEA", "ACTION"):
        from steward.strategy.models import CheckIn, Idea, ImprovementAction

        rows = {
            "CHECKIN": CheckIn.objects.filter(
                key_result__objective__key="O1", key_result__key="KR1"
            ),
            "IDEA": Idea.objects.all(),
            "ACTION": ImprovementAction.objects.all(),
        }[value]
        return str(rows.order_by("pk").values_list("pk", flat=True)[0])
    if value == "ALLOCATION":
        from steward.orgdesign.models import TeamAllocation

        return str(TeamAllocation.objects.order_by("pk").values_list("pk", flat=True)[0])
    if value == "PLANENTRY":
        from steward.orgdesign.models import HeadcountPlanEntry

        return str(HeadcountPlanEntry.objects.order_by("key").values_list("key", flat=True)[0])
    if value == "PULL":
        from steward.worktracking.models import PullRequest

        return str(PullRequest.objects.order_by("pk").values_list("pk", flat=True)[0])
    if value == "RULE":
        from steward.worktracking.models import InvestmentRule

        return str(InvestmentRule.objects.order_by("position").values_list("pk", flat=True)[0])
    if value == "COACHING":
        from steward.growth.models import CoachingProgramme

        return str(
            CoachingProgramme.objects.get(coach__employee_id="E0001", lead__employee_id="E0005").pk
        )
    if value in ("TEAMGOAL", "MYGOAL"):
        from steward.growth.models import Goal

        goal = Goal.objects.filter(objective__key="O1")
        if value == "TEAMGOAL":
            return str(goal.get(team__slug="payments").pk)
        return str(goal.get(person__employee_id="E0006").pk)
    if value in ("PAIR", "PAIR_OTHER", "PLAN", "GOAL", "CASE", "ONBOARDING"):
        return str(_growth_subject(value))
    if value == "SOURCE":
        from steward.talent.models import Source

        return str(Source.objects.order_by("pk").values_list("pk", flat=True)[0])
    if value in ("CANDIDATE", "APPLICATION", "SCORECARD"):
        from steward.talent.models import Application, Scorecard

        app = Application.objects.filter(requisition__key="REQ-0001").order_by("pk").first()
        assert app is not None
        if value == "CANDIDATE":
            return str(app.candidate_id)
        if value == "APPLICATION":
            return str(app.pk)
        card = Scorecard.objects.filter(interviewer__username="manager").order_by("pk").first()
        assert card is not None
        return str(card.pk)
    if value == "SCENARIO":
        from steward.orgdesign.models import Scenario

        return str(Scenario.objects.order_by("pk").values_list("pk", flat=True)[0])
    return value


def _growth_subject(value: str) -> int:
    from steward.growth.models import DevelopmentGoal, DevelopmentPlan, OneOnOnePair, PromotionCase

    if value == "PAIR":
        return OneOnOnePair.objects.get(
            manager__employee_id="E0005", report__employee_id="E0006"
        ).pk
    if value == "PAIR_OTHER":
        # Neither of the two is the manager, and the report is not in the manager's team.
        outside = (
            OneOnOnePair.objects.exclude(manager__employee_id__in=["E0005", "E0001"])
            .exclude(report__employee_id="E0005")
            .exclude(report__manager__employee_id="E0005")
        )
        return outside.order_by("pk").values_list("pk", flat=True)[0]
    if value == "ONBOARDING":
        from steward.growth.models import OnboardingPlan

        return (
            OnboardingPlan.objects.exclude(person__manager__employee_id="E0005")
            .exclude(person__employee_id__in=["E0005", "E0006"])
            .order_by("pk")
            .values_list("pk", flat=True)[0]
        )
    if value == "PLAN":
        return DevelopmentPlan.objects.get(person__employee_id="E0006").pk
    if value == "GOAL":
        return DevelopmentGoal.objects.filter(plan__person__employee_id="E0006").first().pk  # type: ignore[union-attr]
    return PromotionCase.objects.get(person__employee_id="E0006", status="open").pk


def _path(route: Route, params: dict[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        return _resolve_value(params[match.group("name")])

    return "/" + PARAM.sub(sub, route.pattern)


# The board report and the executive brief: the CTO, the executives and admins (issue 15).
REPORT_PAGES = {"cockpit:reports", "cockpit:report"}
REPORT_READERS = {"admin", "cto", "executive"}


COMMIT_ID = re.compile(r"\b(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")


def _money_patterns(person: Person) -> list[re.Pattern[str]]:
    assert person.salary is not None
    return _money_patterns_of(int(person.salary))


def _money_patterns_of(whole: int) -> list[re.Pattern[str]]:
    return [
        re.compile(rf"(?<![\d.]){whole}(?:\.00)?(?!\d)"),
        re.compile(rf"(?<![\d.]){whole:,}(?!\d)"),
    ]


def _shows_salary(body: str, person: Person) -> bool:
    """Whether `body` shows the person's salary (`_money_patterns`)."""
    assert person.salary is not None
    return _shows_amount(body, person.salary, digit_runs(body))


def _shows_amount(body: str, salary: Decimal, runs: frozenset[str]) -> bool:
    """Whether `body`, whose runs of digits are `runs` (`digit_runs`), shows `salary`
    (`_money_patterns`).

    Each pattern matches only where its amount stands literally (`85000`, `85,000`) and as whole
    runs of digits: `85000` (then `.00` or no digit) between a character that is neither a digit
    nor a dot and one that is no digit, `85,000` likewise, so its first group (`85`) is a whole
    run. The matrix checks about 150 salaries on each of its 3,000 responses: a pattern is
    searched only when its first run is among the body's (listed once) and its amount is in the
    body (`test_the_salary_shortcut_finds_what_the_patterns_find` and
    `test_cto_sees_salaries_so_the_matrix_check_can_fail` prove it finds what the patterns
    alone find).
    """
    return any(
        (first is None or first in runs) and literal in body and pattern.search(body)
        for first, literal, pattern in _salary_checks(salary)
    )


DIGITS = re.compile(r"\d+")


def digit_runs(body: str) -> frozenset[str]:
    """Every maximal run of digits in `body` (`\\d`, as the patterns read digits)."""
    return frozenset(DIGITS.findall(body))


@functools.cache
def _salary_checks(salary: Decimal) -> tuple[tuple[str | None, str, re.Pattern[str]], ...]:
    """Each money pattern of `salary`, with the run of digits its amount starts with (None: it
    does not start with a digit) and the amount as text."""
    whole = int(salary)
    checks = []
    for text, pattern in zip((f"{whole}", f"{whole:,}"), _money_patterns_of(whole), strict=True):
        first = DIGITS.match(text)
        checks.append((first.group(0) if first else None, text, pattern))
    return tuple(checks)


def test_every_url_has_samples() -> None:
    missing = [r.name for r in discovered_routes() if r.name not in SAMPLES]
    assert missing == [], f"add these URL names to SAMPLES: {missing}"


def test_demo_people_match_the_sample_subjects() -> None:
    assert Person.objects.get(employee_id="E0005").user.username == "manager"
    assert Person.objects.get(employee_id="E0006").user.username == "engineer"
    assert Person.objects.get(employee_id="E0001").user.username == "cto"
    assert _leaver().end_date is not None


def expected_status(role: str | None, route: Route, params: dict[str, str]) -> set[int]:
    """The status codes the policy allows, written out independently of the policy module."""
    name = route.name
    if name == "healthz":
        return {200}
    if name == "login":
        # Signed-in users are sent on from the login form.
        return {200} if role is None else {302}
    is_api = name.startswith("api:")
    if role is None:
        return {401} if is_api else {302}
    if name.startswith("admin:"):
        return {200} if role == "admin" else {302}
    if name in ("engineering:identities", "engineering:identities_csv") and role != "admin":
        # Linking author identities to people is an admin's job.
        return {403}
    subject = params.get("employee_id")
    if subject == "LEAVER" and role in ("manager", "engineer"):
        # Leavers are visible to the whole-org roles and to their former manager's chain only.
        return {404}
    growth = growth_status(role, name, params)
    if growth is not None:
        return growth
    if name in ORG_EDIT_PAGES and role not in ORG_EDITORS:
        return {403}
    if name in STRATEGY_EDIT_PAGES and role not in STRATEGY_EDITORS:
        return {403}
    if name in DECISION_DECIDER_PAGES and role not in DECISION_DECIDERS:
        return {403}
    if name in REPORT_PAGES and role not in REPORT_READERS:
        return {403}
    if name == "cockpit:vision_edit" and role not in ("admin", "cto"):
        return {403}
    if name in OWNED_EDIT_PAGES:
        # Deciders edit all; the manager leads payments (its debt item "Retire payments-webhooks"
        # and its components), not search.
        own = params.get("name") in (None, "payments-api")
        if role not in DECISION_DECIDERS and not (role == "manager" and own):
            return {403}
    if name in RULE_EDIT_PAGES and role not in RULE_EDITORS:
        return {403}
    if name in MONEY_EDIT_PAGES and role not in MONEY_EDITORS:
        return {403}
    if (name.startswith("finance:") or name.startswith("api:finance_")) and role not in MONEY_ROLES:
        return {403}
    if name in ORG_PLAN_LISTS and role not in ORG_PLANNERS:
        return {403}
    if name in TALENT_HIRING_PAGES and role not in HIRING_VIEWERS:
        return {403}
    if name in TALENT_CANDIDATE_PAGES and role not in CANDIDATE_VIEWERS:
        return {403}
    if name in TALENT_RECRUITER_PAGES and role not in RECRUITERS:
        return {403}
    if name in TALENT_DIVERSITY_PAGES and role not in DIVERSITY_VIEWERS:
        return {403}
    if name == "talent:scorecard_submit":
        # Only the interviewer opens their own scorecard; other candidate viewers get 404.
        if role not in CANDIDATE_VIEWERS:
            return {403}
        return {200} if role == "manager" else {404}
    if name in ORG_SCENARIO_PAGES and role not in ORG_PLANNERS - {"manager"}:
        # The demo scenario belongs to the CTO: invisible to managers and non-planners.
        return {404}
    return {200}


def _speaks_to_readers(name: str, content_type: str) -> bool:
    """Pages (not the API, Django's admin, the health check or the login pages) must speak plain
    language (tests/plain_text.py)."""
    if name.startswith(("api:", "admin:")) or name in ("healthz", "login", "logout"):
        return False
    return "text/html" in content_type


_DRAWN: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _charts_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each chart drawn once per process, not once per visitor.

    `core.charts` keeps each drawn chart in Django's cache, a database table here, so it is
    rolled back with every test and the matrix drew the same chart for each of the nine
    visitors (vl-convert: a twentieth of the matrix's CPU). The drawing is a function of the
    spec's text, so it is kept here under that text; the page is the same."""
    from steward.core import charts

    draw = charts.render_svg

    def render_svg(text: str) -> str:
        if text not in _DRAWN:
            _DRAWN[text] = draw(text)
        return _DRAWN[text]

    monkeypatch.setattr(charts, "render_svg", render_svg)


_KEPT = LocMemCache("policy-matrix", {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 100_000}})


@pytest.fixture
def _figures_kept_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The figures kept in Django's cache (`core.datacache`, finance's cells, knowledge's
    truck factors) kept in one cache per process for the matrix's visits, as a server keeps
    them between its visitors.

    Django's cache is a database table here, rolled back with every test, so each of the nine
    visitors computed the same figures again (the change-coupling and investment figures: an
    eighth of the matrix's CPU). Each key names the data version and everything else the
    answer depends on (the visitor's visible repositories, whether they may see pay), and
    every visit of the matrix reads the same database (the demo, unchanged), so the pages are
    the ones a server shows, its cache warm from the previous visitor."""
    import django.core.cache

    monkeypatch.setattr(django.core.cache, "cache", _KEPT)


def _cases() -> Iterator[tuple[str | None, str, dict[str, str]]]:
    for role in [None, *DEMO_ROLES]:
        for name, param_sets in SAMPLES.items():
            for params in param_sets:
                yield role, name, params


@pytest.mark.parametrize(
    ("role", "name", "params"),
    list(_cases()),
    ids=lambda v: str(v) if not isinstance(v, dict) else ",".join(f"{k}={x}" for k, x in v.items()),
)
@pytest.mark.usefixtures("_figures_kept_per_process")
def test_matrix(session_as, role: str | None, name: str, params: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    routes = {r.name: r for r in discovered_routes()}
    route = routes[name]
    path = _path(route, params)
    response = session_as(role).get(path)
    assert response.status_code in expected_status(role, route, params), path
    if response.status_code != 200:
        return
    body = response.content.decode("utf-8", errors="replace")
    if role is not None and _speaks_to_readers(name, response.get("Content-Type", "")):
        assert problems(visible_text(body)) == [], f"{role} on {path}: plain language"
        assert heading_problems(body) == [], f"{role} on {path}: one h1"
    may_see_all_salaries = role in ("admin", "cto", "finance", "people")
    if may_see_all_salaries:
        return
    # Commit ids (hexadecimal, 7 to 40 characters with a letter) are not amounts: "a63000b…".
    body = COMMIT_ID.sub("", body)
    runs = digit_runs(body)
    salaries = Person.objects.exclude(salary__isnull=True).values_list(
        "employee_id", "salary", "user__username"
    )
    for employee_id, salary, username in salaries:
        if role is not None and username == role:
            continue  # one's own salary
        assert not _shows_amount(body, salary, runs), (
            f"{role} sees {employee_id}'s salary {salary} on {path}"
        )


def test_cto_sees_salaries_so_the_matrix_check_can_fail(client_as) -> None:  # type: ignore[no-untyped-def]
    person = _other()
    body = client_as("cto").get(f"/org/people/{person.employee_id}/").content.decode()
    assert _shows_salary(body, person)
    assert person.salary is not None and person.salary > Decimal(0)
    # The plain-text shortcut of `_shows_salary` finds what the patterns alone find, for every
    # salary (this page shows one, the CSV of every person shows them all).
    everyone = client_as("cto").get("/org/people/export.csv").content.decode()
    for page in (body, everyone):
        for other in Person.objects.exclude(salary__isnull=True):
            by_pattern = any(p.search(page) for p in _money_patterns(other))
            assert _shows_salary(page, other) == by_pattern, other.employee_id


@pytest.mark.parametrize(
    "body",
    [
        "85000",
        "a 85000.00 b",
        "85000.5",
        "85000.001",
        ".85000",
        "1.85000",
        "185000",
        "850001",
        "085000",
        "85,000",
        "1,85,000",
        ".5,85,000",
        "85,000,000",
        "85,0001",
        "85,000.00",
        "x85,000y",
        "\u066385000",
        "85000\u0663",
        "8500",
        "850",
        "-850",
        "1,234,567 and 1234567",
        "234,567",
        "",
    ],
)
def test_the_salary_shortcut_finds_what_the_patterns_find(body: str) -> None:
    for salary in ("85000", "850", "1234567", "234567", "-850", "0"):
        whole = int(Decimal(salary))
        by_pattern = any(p.search(body) for p in _money_patterns_of(whole))
        assert _shows_amount(body, Decimal(salary), digit_runs(body)) == by_pattern, (body, salary)
    assert _shows_amount("pay 85,000 a year", Decimal("85000.00"), digit_runs("pay 85,000 a year"))


CSRF = re.compile(r"[A-Za-z0-9]{64}")


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("engineer", "/org/people/E0006/"),
        ("engineer", "/api/v1/org/people/E0006"),
        ("cto", "/org/people/E0005/"),
        ("manager", "/engineering/delivery/"),
    ],
)
def test_a_session_answers_as_a_sign_in(client_as, session_as, role: str, path: str) -> None:  # type: ignore[no-untyped-def]
    """The matrix's clients (`session_as`, the session written without signing in) are
    answered as clients that signed in (`client_as`): the same user, status and page (but
    the CSRF token, new on every page)."""
    signed_in = client_as(role).get(path)
    by_session = session_as(role).get(path)
    assert by_session.wsgi_request.user.username == role
    assert by_session.status_code == signed_in.status_code == 200
    assert CSRF.sub("-", by_session.content.decode()) == CSRF.sub("-", signed_in.content.decode())
    assert session_as(None).get(path).status_code in (302, 401)


def test_engineer_sees_own_salary_but_not_a_colleagues(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("engineer")
    me = Person.objects.get(employee_id="E0006")
    data = client.get("/api/v1/org/people/E0006").json()
    assert Decimal(data["salary"]) == me.salary
    colleague = client.get(f"/api/v1/org/people/{_other().employee_id}").json()
    assert "salary" not in colleague and "currency" not in colleague
    assert "employment_type" not in colleague


# Per-person commit and line counts (issue 9 item 10) are checked role by role, against the
# Commit table, in tests/core/test_activity_privacy.py (the repository page and the API).


# --- people on past dates and in scenarios (issue 8 item 8) ---------------------------------


def _invisible_to(role: str) -> list[Person]:
    """People `role` may not see, written out from the rules: leavers outside one's own chain."""
    if role not in ("manager", "engineer"):
        return []
    from datetime import date

    me = Person.objects.get(user__username=role)
    chain: set[int] = set()
    if role == "manager":
        edges = list(Person.objects.values_list("pk", "manager_id"))
        frontier = {me.pk}
        while frontier:
            frontier = {pk for pk, boss in edges if boss in frontier} - chain
            chain |= frontier
    today = date.today()
    return [
        p
        for p in Person.objects.filter(end_date__isnull=False, end_date__lte=today)
        if p.pk != me.pk and p.pk not in chain
    ]


def _named_leaver(client_as) -> tuple[Person, str]:  # type: ignore[no-untyped-def]
    """A leaver the engineer may not see, and a past day on which the CTO's analysis names them."""
    from datetime import timedelta

    cto = client_as("cto")
    for person in _invisible_to("engineer"):
        for day in (person.start_date, person.start_date + timedelta(days=60)):
            body = cto.get(f"/api/v1/org/structure?date={day.isoformat()}").content.decode()
            if _mentions(body, person):
                return person, day.isoformat()
    pytest.fail("no leaver is named in any past structure analysis")


def _past_paths(named_on: str) -> list[str]:
    from steward.orgdesign.models import Scenario

    days = {named_on, _leaver().start_date.isoformat(), _leaver().end_date.isoformat()}
    days |= {"2024-01-01", "2025-06-30"}
    paths = []
    for day in sorted(days):
        paths += [f"/org/health/?date={day}", f"/api/v1/org/structure?date={day}"]
    for pk in Scenario.objects.values_list("pk", flat=True):
        paths += [
            f"/api/v1/org/structure?scenario={pk}",
            f"/org/scenarios/{pk}/",
            f"/org/scenarios/{pk}/export.yaml",
            f"/api/v1/org/scenarios/{pk}",
            f"/api/v1/org/scenarios/{pk}/compare",
        ]
    return [*paths, "/org/headcount-plan/", "/api/v1/org/headcount-plan", "/org/capacity/"]


def _mentions(body: str, person: Person) -> bool:
    from html import escape

    by_id = re.search(rf"(?<![\w-]){re.escape(person.employee_id)}(?![\w-])", body)
    return bool(by_id) or person.name in body or escape(person.name) in body


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_no_invisible_person_on_past_dates_or_in_scenarios(client_as, role: str) -> None:  # type: ignore[no-untyped-def]
    _, named_on = _named_leaver(client_as)
    client = client_as(role)
    hidden = _invisible_to(role)
    for path in _past_paths(named_on):
        response = client.get(path)
        assert response.status_code in (200, 403, 404), path
        if role in ("admin", "cto"):
            assert response.status_code == 200, path  # proves every path exists
        if response.status_code != 200:
            continue
        body = response.content.decode("utf-8", errors="replace")
        for person in hidden:
            assert not _mentions(body, person), f"{role} sees {person.employee_id} on {path}"


def test_the_past_date_scan_can_fail(client_as) -> None:  # type: ignore[no-untyped-def]
    """The CTO's analysis of a past day names a leaver; the engineer's does not."""
    leaver, day = _named_leaver(client_as)
    assert leaver in _invisible_to("engineer")
    for path in (f"/org/health/?date={day}", f"/api/v1/org/structure?date={day}"):
        assert _mentions(client_as("cto").get(path).content.decode(), leaver), path
        assert not _mentions(client_as("engineer").get(path).content.decode(), leaver), path
    body = client_as("engineer").get(f"/api/v1/org/structure?date={day}").json()
    # The leaver's span of control is still counted, under an anonymous label.
    cto = client_as("cto").get(f"/api/v1/org/structure?date={day}").json()
    assert sorted(body["span_of_control"]["by_manager"].values()) == sorted(
        cto["span_of_control"]["by_manager"].values()
    )


# --- writes of the talent API, as every role ------------------------------------------------

TALENT_WRITES = [
    "api:talent_requisitions_create",
    "api:talent_requisitions_update",
    "api:talent_candidates_create",
    "api:talent_applications_create",
    "api:talent_applications_move",
    "api:talent_scorecards_submit",
    "api:talent_applications_close",
    "api:talent_offers_create",
    "api:talent_offers_resolve",
    "api:talent_requisitions_approve",
    "api:talent_sources_create",
    "api:talent_sources_update",
    "api:talent_activities_create",
]
APPROVERS = {"admin", "cto", "finance"}


def talent_write_status(role: str | None, name: str) -> set[int]:
    """The status of each talent write, written out from the rules: recruiting (people), the
    CTO and admins create and change; the hiring manager (the demo manager, of the requisition
    made below) moves its applications; only the interviewer submits their scorecard."""
    if role is None:
        return {401}
    ok = (
        200
        if name
        in (
            "api:talent_requisitions_update",
            "api:talent_scorecards_submit",
            "api:talent_applications_close",
            "api:talent_offers_resolve",
            "api:talent_sources_update",
        )
        else 201
    )
    if name == "api:talent_scorecards_submit":
        if role not in CANDIDATE_VIEWERS:
            return {403}
        return {ok} if role == "manager" else {404}
    if role == "manager" and name in (
        "api:talent_applications_move",
        "api:talent_applications_close",
    ):
        return {ok}
    if name == "api:talent_requisitions_approve":
        # The CTO, finance and admins decide; the manager sees their requisition but may not.
        return {ok} if role in APPROVERS else {403}
    return {ok} if role in RECRUITERS else {403}


def _talent_write_request(name: str) -> tuple[str, str, dict[str, object]]:
    """(method, path, body) of a write that succeeds for a caller allowed to make it: on a
    planned requisition whose hiring manager is the demo manager, with an open application
    and a scorecard of the manager's."""
    from datetime import date

    from django.contrib.auth.models import User

    from steward.core.policy import SYSTEM
    from steward.talent import services

    manager = Person.objects.get(employee_id="E0005")
    req = services.requisition_create(
        actor=SYSTEM,
        key="MATRIX-1",
        title="Software Engineer",
        team=manager.team,
        level="L3",
        target_start=date(2027, 6, 1),
        hiring_manager=manager,
    )
    cand = services.candidate_create(actor=SYSTEM, name="Matrix Candidate")
    app = services.application_create(actor=SYSTEM, candidate=cand, requisition=req)
    card = services.scorecard_assign(
        actor=SYSTEM,
        application=app,
        interviewer=User.objects.get(username="manager"),
        interview="Technical interview",
    )
    other = services.candidate_create(actor=SYSTEM, name="Matrix Applicant")
    rating = {"attribute": "Design", "rating": 4, "evidence": "Split the service cleanly."}
    offered = services.candidate_create(actor=SYSTEM, name="Matrix Offer")
    offered_app = services.application_create(actor=SYSTEM, candidate=offered, requisition=req)
    services.offer_make(
        actor=SYSTEM,
        application=offered_app,
        salary=None,
        sent_at=offered_app.applied_at,
    )
    activity = services.activity_create(
        actor=SYSTEM, title="Matrix meetup", kind="event", on=date(2026, 5, 1)
    )
    source = services.source_create(actor=SYSTEM, name="Matrix board", kind="job_board")
    return {
        "api:talent_requisitions_create": (
            "post",
            "/api/v1/talent/requisitions",
            {
                "title": "SRE",
                "team": manager.team.slug,
                "level": "L3",
                "target_start": "2027-09-01",
            },
        ),
        "api:talent_requisitions_update": (
            "patch",
            "/api/v1/talent/requisitions/MATRIX-1",
            {"note": "two interviews"},
        ),
        "api:talent_candidates_create": ("post", "/api/v1/talent/candidates", {"name": "Ann Lee"}),
        "api:talent_applications_create": (
            "post",
            "/api/v1/talent/applications",
            {"candidate": other.pk, "requisition": "MATRIX-1"},
        ),
        "api:talent_applications_move": (
            "post",
            f"/api/v1/talent/applications/{app.pk}/moves",
            {"stage": req.pipeline[1]},
        ),
        "api:talent_scorecards_submit": (
            "post",
            f"/api/v1/talent/scorecards/{card.pk}/submit",
            {"overall": "yes", "ratings": [rating]},
        ),
        "api:talent_applications_close": (
            "post",
            f"/api/v1/talent/applications/{app.pk}/close",
            {"outcome": "rejected", "reason": "Skills mismatch"},
        ),
        "api:talent_offers_create": (
            "post",
            f"/api/v1/talent/applications/{app.pk}/offers",
            {"salary": "80000", "currency": "EUR"},
        ),
        "api:talent_offers_resolve": (
            "post",
            f"/api/v1/talent/applications/{offered_app.pk}/offers/1/resolve",
            {"status": "declined"},
        ),
        "api:talent_requisitions_approve": (
            "post",
            "/api/v1/talent/requisitions/MATRIX-1/approvals",
            {"approved": True},
        ),
        "api:talent_sources_create": (
            "post",
            "/api/v1/talent/sources",
            {"name": "Matrix meetup", "kind": "brand", "activity": activity.pk},
        ),
        "api:talent_sources_update": (
            "patch",
            f"/api/v1/talent/sources/{source.pk}",
            {"activity": activity.pk},
        ),
        "api:talent_activities_create": (
            "post",
            "/api/v1/talent/activities",
            {"title": "Matrix talk", "kind": "talk", "on": "2026-06-01"},
        ),
    }[name]


@pytest.mark.parametrize("name", TALENT_WRITES)
@pytest.mark.parametrize("role", [None, *DEMO_ROLES])
def test_talent_write_matrix(role: str | None, name: str) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from steward.core.auth import token_create

    routes = {r.name for r in discovered_routes()}
    assert name in routes
    method, path, body = _talent_write_request(name)
    headers = {}
    if role is not None:
        _, raw = token_create(user=User.objects.get(username=role), name="matrix")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    before = _talent_state()
    send = getattr(Client(), method)
    response = send(path, body, content_type="application/json", **headers)
    assert response.status_code in talent_write_status(role, name), (role, path, response.content)
    if response.status_code >= 400:
        assert _talent_state() == before, (role, name)  # a refusal writes nothing
    else:
        assert _talent_state() != before, (role, name)


def _talent_state() -> list[object]:
    """Every talent row a write may add or change, to compare before and after a request."""
    from steward.talent import models as m

    return [
        list(m.Requisition.objects.values_list("key", "status", "note").order_by("key")),
        list(m.Approval.objects.values_list("pk", "approved").order_by("pk")),
        list(m.Candidate.objects.values_list("pk", "name").order_by("pk")),
        list(m.Application.objects.values_list("pk", "stage", "outcome").order_by("pk")),
        m.StageMove.objects.count(),
        list(m.Offer.objects.values_list("pk", "status").order_by("pk")),
        list(m.Scorecard.objects.values_list("pk", "submitted_at").order_by("pk")),
        list(m.Source.objects.values_list("pk", "activity_id").order_by("pk")),
        m.BrandActivity.objects.count(),
    ]
