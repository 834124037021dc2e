"""The registries apps plug into: navigation, policy rules, findings and search providers."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group, User

from steward.core import navigation, policy, registry
from steward.growth import rules as growth_rules


def test_navigation_areas_and_links_in_registration_order() -> None:
    areas = navigation.areas()
    assert [a.label for a in areas] == list(navigation.AREA_LABELS)
    people = dict((a.label, [link.url_name for link in a.links]) for a in areas)["People & team"]
    # org registers before orgdesign (INSTALLED_APPS order), so the plan comes last.
    assert people == [
        "org:chart",
        "org:team_list",
        "org:person_list",
        "org:role_list",
        "org:department_list",
        "orgdesign:headcount_plan",
        "growth:one_on_ones",
        "growth:onboarding",
        "growth:ladders",
        "growth:goals",
        "growth:promotions",
        "growth:coaching",
        "growth:engagement",
        "growth:attrition",
        "growth:retention",
        "talent:plan",
        "talent:funnel",
        "talent:candidates",
        "talent:brand",
    ]


def test_navigation_rejects_unknown_areas_and_duplicates() -> None:
    with pytest.raises(ValueError, match="unknown navigation area"):
        navigation.register_link("Nowhere", "X", "x:y")
    with pytest.raises(ValueError, match="already in"):
        navigation.register_link("People & team", "Org chart again", "org:chart")


def test_policy_rules_come_from_the_apps() -> None:
    assert "org.team" in policy.registry.open_models
    assert "orgdesign.teamallocation" in policy.registry.open_models
    assert "engineering.commit" in policy.registry.open_models
    assert "strategy.objective" in policy.registry.open_models
    assert set(policy.registry.row_scopes) == {
        "org.person",
        "orgdesign.scenario",
        "orgdesign.headcountplanentry",
        "orgdesign.burdenrate",
        "orgdesign.exchangerate",
        "cockpit.findingdismissal",
        "cockpit.reportnote",
        "cockpit.snapshot",
        "growth.oneononepair",
        "growth.oneononemeeting",
        "growth.oneononecontent",
        "growth.actionitem",
        "growth.personlevel",
        "growth.developmentplan",
        "growth.developmentgoal",
        "growth.goalcheckin",
        "growth.goal",
        "growth.goalprogress",
        "growth.promotioncase",
        "growth.promotionevidence",
        "growth.promotiondecision",
        "growth.exitrecord",
        "growth.onboardingplan",
        "growth.onboardingtask",
        "growth.trainingrecord",
        "growth.trainingbudget",
        "growth.coachingprogramme",
        "growth.coachingsession",
        # finance (issue 12): every model is for the money roles.
        "finance.fiscalyear",
        "finance.costcenter",
        "finance.budgetversion",
        "finance.budgetline",
        "finance.monthlyrate",
        "finance.mappingrule",
        "finance.ledgerentry",
        "finance.billingperiod",
        "finance.cloudcost",
        "finance.vendor",
        "finance.contract",
        "finance.capitalization",
        "finance.vendorevaluation",
        "finance.serviceusage",
        "finance.commitmentcost",
        "finance.variancethreshold",
        "talent.requisition",
        "talent.approval",
        "talent.application",
        "talent.candidate",
        "talent.stagemove",
        "talent.offer",
        "talent.scorecard",
    }
    assert set(policy.registry.editors) == {
        "architecture",
        "org",
        "orgdesign",
        "strategy",
        "cockpit",
        "worktracking",
        "growth",
        "finance",
        "talent",
    }
    assert (
        policy.registry.sensitive_fields["org.person"]["salary"] == policy.FieldClass.COMPENSATION
    )
    assert policy.registry.person_model == "org.Person"
    with pytest.raises(ValueError, match="already registered"):
        policy.register_row_scope("org.person", policy.person_rows)
    with pytest.raises(ValueError, match="already registered"):
        policy.register_editors("org", policy.may_change_org)


@pytest.mark.django_db
def test_a_model_without_rules_is_for_admins_only() -> None:
    # engineering.identity: not open, no row scope -> only admins list it.
    engineer = User.objects.create_user("reg-engineer")
    engineer.groups.add(Group.objects.get_or_create(name="engineer")[0])
    admin = User.objects.create_superuser("reg-admin")
    assert policy.visible(engineer, "engineering.identity").query.is_empty()
    assert not policy.visible(admin, "engineering.identity").query.is_empty()


def test_finding_keeps_its_four_field_signature_and_defaults() -> None:
    old_style = registry.Finding("r", "warning", "O1 received 1 % of effort", "/s/")
    assert (old_style.owner, old_style.key, old_style.figure, old_style.subject) == ("",) * 4
    assert old_style.identity == "r:/s/" and old_style.fingerprint == "O1 received 1 % of effort"
    new_style = registry.Finding(
        "r", "warning", "O1 received 1 % of effort", "/s/", key="O1", figure="1"
    )
    assert new_style.identity == "r:O1" and new_style.fingerprint == "1"


def test_findings_and_search_registries_run_every_provider(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fresh registries: the apps' own rules and providers are tested with their apps.
    monkeypatch.setattr(registry, "finding_rules", registry.Registry("findings rule"))
    monkeypatch.setattr(registry, "search_providers", registry.Registry("search provider"))
    seen: list[tuple[object, date]] = []

    def rule(user: object, on: date) -> list[registry.Finding]:
        seen.append((user, on))
        return [registry.Finding("test-rule", "warning", "Something to look at", "/x/")]

    def provider(user: object, query: str, limit: int) -> list[registry.SearchResult]:
        return [registry.SearchResult("thing", f"{query} {i}", f"/t/{i}/") for i in range(5)]

    registry.register_finding_rule("test-rule", rule)
    registry.register_search_provider("things", provider)
    try:
        with pytest.raises(ValueError, match="already registered"):
            registry.register_finding_rule("test-rule", rule)
        day = date(2026, 12, 1)
        assert [f for f in registry.findings("u", day) if f.rule == "test-rule"] == [
            registry.Finding("test-rule", "warning", "Something to look at", "/x/")
        ]
        assert seen == [("u", day)]
        assert [r.title for r in registry.search("u", " abc ", limit=2)] == ["abc 0", "abc 1"]
        assert registry.search("u", "  ") == []
    finally:
        registry.finding_rules.unregister("test-rule")
        registry.search_providers.unregister("things")
    assert registry.findings("u", day) == []


def test_the_menu_is_the_one_core_used_to_hard_code() -> None:
    # core/navigation.py as it was before the apps registered their links, plus the links
    # added since (Departments by org, Decisions by architecture).
    planners = policy.ORG_PLANNER_ROLES
    money = frozenset(
        {policy.Role.ADMIN, policy.Role.CTO, policy.Role.FINANCE, policy.Role.EXECUTIVE}
    )
    r = policy.Role
    hiring = frozenset({r.ADMIN, r.CTO, r.PEOPLE, r.EXECUTIVE, r.FINANCE, r.MANAGER})
    recruiting = frozenset({r.ADMIN, r.CTO, r.PEOPLE})
    expected = [
        (
            "Strategy & roadmap",
            [
                ("Objectives", "strategy:objectives", None),
                ("Initiatives", "strategy:initiatives", None),
                ("Roadmap", "strategy:roadmap", None),
                ("Now / next / later", "strategy:board", None),
                ("Alignment", "strategy:alignment", None),
                ("Innovation & improvement", "strategy:innovation", None),
                # Added by the cockpit (issue 15).
                ("Technology vision", "cockpit:vision", None),
                ("Board report and brief", "cockpit:reports", policy.REPORT_READER_ROLES),
            ],
        ),
        (
            "Architecture & delivery",
            [
                ("Delivery", "engineering:delivery", None),
                ("Repositories", "engineering:repositories", None),
                ("Identities", "engineering:identities", frozenset({policy.Role.ADMIN})),
                ("Decisions", "architecture:decisions", None),
                ("Tech radar", "architecture:radar", None),
                ("Service catalog", "architecture:catalog", None),
                ("Tech debt", "architecture:debt", None),
                # Code knowledge (issue 10).
                ("Code knowledge", "knowledge:risk", None),
                ("Hotspots", "knowledge:hotspots", None),
                ("Change coupling", "knowledge:coupling", None),
                ("Flow", "worktracking:flow", None),
                ("Work items", "worktracking:items", None),
                ("Investment", "worktracking:investment", None),
            ],
        ),
        (
            "Budget & vendors",
            [
                ("Budget", "finance:budget", money),
                ("Plan vs actual", "finance:plan_vs_actual", money),
                ("Variance drivers", "finance:variance", money),
                ("Cost allocation", "finance:allocation", money),
                ("Unit cost per service", "finance:services", money),
                ("Cloud bills", "finance:cloud", money),
                ("Vendors & contracts", "finance:contracts", money),
            ],
        ),
        (
            "Product trade-offs",
            [
                ("Prioritization", "strategy:prioritization", None),
                ("Portfolio plan", "strategy:plan", None),
            ],
        ),
        (
            "People & team",
            [
                ("Org chart", "org:chart", None),
                ("Teams", "org:team_list", None),
                ("People", "org:person_list", None),
                ("Role descriptions", "org:role_list", None),
                # Added with the editing forms (issue 9).
                ("Departments", "org:department_list", None),
                ("Headcount plan", "orgdesign:headcount_plan", planners),
                # Growth (issue 14).
                ("1:1s", "growth:one_on_ones", None),
                ("Onboarding", "growth:onboarding", None),
                ("Career ladders", "growth:ladders", None),
                ("Goals", "growth:goals", None),
                ("Promotions", "growth:promotions", None),
                ("Coaching & training", "growth:coaching", None),
                ("Engagement", "growth:engagement", None),
                ("Attrition", "growth:attrition", frozenset(growth_rules.ATTRITION_ROLES)),
                (
                    "Retention signals",
                    "growth:retention",
                    frozenset({policy.Role.CTO, policy.Role.PEOPLE}),
                ),
                # Talent (issue 13).
                ("Hiring plan", "talent:plan", hiring),
                ("Hiring funnel", "talent:funnel", hiring),
                ("Candidates", "talent:candidates", recruiting),
                ("Employer brand", "talent:brand", recruiting),
            ],
        ),
        (
            "Structure & process",
            [
                ("Organization health", "orgdesign:health", None),
                ("Capacity", "orgdesign:capacity", None),
                ("Reorg scenarios", "orgdesign:scenario_list", planners),
            ],
        ),
    ]
    actual = [
        (area.label, [(link.label, link.url_name, link.roles) for link in area.links])
        for area in navigation.areas()
    ]
    assert actual == expected


@pytest.mark.django_db
def test_the_menu_links_are_reverse_s_urls_under_any_prefix_and_urlconf() -> None:
    """The menu keeps each link's URL (`navigation.link_urls`) per URL configuration and script
    prefix: the same URLs `reverse` gives, a link whose URL does not exist left out."""
    from django.test import override_settings
    from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

    admin = User.objects.get(username="admin")
    roles = policy.roles_of(admin)

    def by_reverse() -> list[tuple[str, list[tuple[str, str]]]]:
        shown = []
        for area in navigation.areas():
            links = []
            for link in area.links:
                if link.roles is not None and not (roles & link.roles):
                    continue
                try:
                    links.append((link.label, reverse(link.url_name)))
                except NoReverseMatch:
                    continue
            if links:
                shown.append((area.label, links))
        return shown

    def by_menu() -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            (a["label"], [(link["label"], link["url"]) for link in a["links"]])
            for a in navigation.visible_areas(admin)
        ]

    before = get_script_prefix()
    try:
        for prefix in ("/", "/steward/", "/"):
            set_script_prefix(prefix)
            assert by_menu() == by_reverse()
            assert by_menu()[0][1][0] == ("Objectives", f"{prefix}strategy/")
    finally:
        set_script_prefix(before)
    # A URL configuration without the apps' pages: their links are left out, and come back.
    with override_settings(ROOT_URLCONF="tests.core.urls_without_pages"):
        assert by_menu() == by_reverse() == []
    assert by_menu() == by_reverse() != []
