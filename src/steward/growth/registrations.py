"""What the growth app plugs into core: policy rules, navigation, import kinds, findings."""

from __future__ import annotations

from steward.core import navigation, policy
from steward.core.importing import register_importer
from steward.core.policy import FieldClass, Role
from steward.core.registry import register_finding_rule, register_page_panel, register_panel
from steward.growth import rules


def register() -> None:
    """Called once from `GrowthConfig.ready()`."""
    # 1:1s: the cadence and the days met for the pair, managers above, people/CTO/admin; what
    # was said for the pair only (admins included: nobody else lists these rows).
    policy.register_row_scope("growth.oneononepair", rules.pair_rows)
    policy.register_row_scope("growth.oneononemeeting", rules.meeting_rows)
    policy.register_row_scope("growth.oneononecontent", rules.pair_only_rows("meeting__pair__"))
    policy.register_row_scope("growth.actionitem", rules.pair_only_rows("meeting__pair__"))
    policy.register_sensitive_fields(
        "growth.oneononecontent",
        {"agenda": FieldClass.PRIVATE, "private_notes": FieldClass.PRIVATE},
    )
    # Ladders are open; a person's level, plans and cases are theirs and their managers'.
    policy.register_open_models(
        "growth.framework",
        "growth.laddertrack",
        "growth.ladderlevel",
        "growth.competency",
        "growth.expectation",
        "growth.survey",
        "growth.surveyquestion",
        "growth.onboardingtemplate",
        "growth.onboardingtemplatetask",
        "growth.course",
    )
    # Coaching: the coach, the lead, and people/CTO/admin see the programme; session notes are
    # shown to the coach and the lead only (selectors.coaching_list).
    policy.register_row_scope("growth.coachingprogramme", rules.coaching_rows(""))
    policy.register_row_scope("growth.coachingsession", rules.coaching_rows("programme__"))
    for label, path in (
        ("growth.personlevel", "person"),
        ("growth.developmentplan", "person"),
        ("growth.developmentgoal", "plan__person"),
        ("growth.goalcheckin", "goal__plan__person"),
        ("growth.promotioncase", "person"),
        ("growth.promotionevidence", "case__person"),
        ("growth.promotiondecision", "case__person"),
        ("growth.onboardingplan", "person"),
        ("growth.onboardingtask", "plan__person"),
        ("growth.trainingrecord", "person"),
        ("growth.trainingbudget", "person"),
    ):
        policy.register_row_scope(label, rules.person_record_rows(path))
    policy.register_row_scope("growth.goal", rules.goal_rows())
    policy.register_row_scope("growth.goalprogress", rules.goal_rows("goal__"))
    # Survey answers are never listed (no scope: admins only, and no page or API lists them);
    # results are aggregates under the small-group rule.
    policy.register_sensitive_fields(
        "growth.surveyanswer", {"value": FieldClass.SURVEY, "comment": FieldClass.SURVEY}
    )
    policy.register_row_scope("growth.exitrecord", rules.exit_rows)
    policy.register_sensitive_fields("growth.exitrecord", {"reason": FieldClass.RETENTION})
    policy.register_editors("growth", rules.may_change_growth)

    area = "People & team"
    navigation.register_link(area, "1:1s", "growth:one_on_ones")
    navigation.register_link(area, "Onboarding", "growth:onboarding")
    navigation.register_link(area, "Career ladders", "growth:ladders")
    navigation.register_link(area, "Goals", "growth:goals")
    navigation.register_link(area, "Promotions", "growth:promotions")
    navigation.register_link(area, "Coaching & training", "growth:coaching")
    navigation.register_link(area, "Engagement", "growth:engagement")
    navigation.register_link(
        area, "Attrition", "growth:attrition", roles=frozenset(rules.ATTRITION_ROLES)
    )
    navigation.register_link(
        area, "Retention signals", "growth:retention", roles=frozenset({Role.CTO, Role.PEOPLE})
    )

    register_importer("ladder", "steward.growth.importers.LadderImporter")
    register_importer("survey", "steward.growth.importers.SurveyImporter")

    from steward.growth import engagement, panels, selectors

    register_panel("person", "growth", panels.person_growth)
    # Strategy sits below growth: its objective page lists the goals under it through a panel.
    register_page_panel("strategy:objective_detail", "goals", panels.objective_goals)
    register_page_panel("strategy:objectives", "goals", panels.objectives_goals)

    register_finding_rule("overdue-1on1s", selectors.overdue_findings)
    register_finding_rule("enps-drop", engagement.enps_drop_findings)
    _mask_private_text_in_the_audit_log()


def _mask_private_text_in_the_audit_log() -> None:
    """The audit log records that a 1:1 or an answer changed, never what it says: the admin
    who reads the log must not read 1:1 notes or survey answers."""
    from auditlog.registry import auditlog

    from steward.growth.models import (
        ActionItem,
        CoachingSession,
        OneOnOneContent,
        SurveyAnswer,
    )

    for model, fields in (
        (OneOnOneContent, ["agenda", "private_notes"]),
        (ActionItem, ["text"]),
        (SurveyAnswer, ["respondent", "value", "comment"]),
        (CoachingSession, ["notes"]),
    ):
        auditlog.unregister(model)
        auditlog.register(model, mask_fields=fields)
    # Who is asked is part of a survey's history.
    from steward.growth.models import Survey

    auditlog.unregister(Survey)
    auditlog.register(Survey, m2m_fields={"audience"})
