"""What the talent app plugs into core: policy rules, navigation, import kinds, findings."""

from __future__ import annotations

from steward.core import labels, navigation, policy
from steward.core.importing import register_importer
from steward.core.jobs import register_daily_job
from steward.core.policy import FieldClass
from steward.core.registry import register_finding_rule


def register() -> None:
    """Called once from `TalentConfig.ready()`."""
    from steward.talent import models, rules, selectors

    policy.register_row_scope("talent.requisition", rules.requisition_rows)
    policy.register_row_scope("talent.approval", rules.approval_rows)
    policy.register_row_scope("talent.application", rules.application_rows)
    policy.register_row_scope("talent.candidate", rules.candidate_rows)
    policy.register_row_scope("talent.stagemove", rules.move_rows)
    policy.register_row_scope("talent.offer", rules.offer_rows)
    policy.register_row_scope("talent.scorecard", rules.scorecard_rows)
    # Not personal: every role may list sources, brand activities and interview kits.
    policy.register_open_models("talent.source", "talent.brandactivity", "talent.interviewkit")
    # Self-identification has no row scope: admins only, and pages show aggregates only.
    policy.register_editors("talent", rules.may_recruit)
    policy.register_sensitive_fields(
        "talent.candidate",
        {
            "id": FieldClass.PUBLIC,
            "name": FieldClass.CANDIDATE,
            "email": FieldClass.CANDIDATE,
            "phone": FieldClass.CANDIDATE,
            "location": FieldClass.CANDIDATE,
            "notes": FieldClass.CANDIDATE,
        },
    )
    policy.register_sensitive_fields(
        "talent.selfidentification",
        {"gender": FieldClass.DIVERSITY, "ethnicity": FieldClass.DIVERSITY},
    )
    policy.register_sensitive_fields(
        "talent.offer", {"salary": FieldClass.COMPENSATION, "currency": FieldClass.COMPENSATION}
    )
    policy.register_sensitive_fields(
        "talent.requisition",
        {"budgeted_cost": FieldClass.COMPENSATION, "currency": FieldClass.COMPENSATION},
    )

    area = "People & team"
    viewers = rules.PLAN_ROLES | {policy.Role.MANAGER}
    navigation.register_link(area, "Hiring plan", "talent:plan", viewers)
    navigation.register_link(area, "Hiring funnel", "talent:funnel", viewers)
    navigation.register_link(area, "Candidates", "talent:candidates", rules.RECRUITING_ROLES)
    navigation.register_link(area, "Employer brand", "talent:brand", rules.RECRUITING_ROLES)

    for choices, namespace in (
        (models.Reason, "talent_reason"),
        (models.RequisitionStatus, "requisition_status"),
        (models.Outcome, "application_outcome"),
        (models.RejectedBy, "rejected_by"),
        (models.OfferStatus, "offer_status"),
        (models.SourceKind, "source_kind"),
        (models.ActivityKind, "activity_kind"),
    ):
        labels.register_choices(choices, namespace)

    register_importer("applications", "steward.talent.importers.ApplicationsImporter")
    register_finding_rule("hiring-behind-plan", selectors.behind_plan_findings)
    # Candidate data past its retention date is erased every day (docs/talent.md, "Privacy").
    register_daily_job("talent-purge", "steward.talent.tasks.purge_candidates_job")
