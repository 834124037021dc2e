"""Organization design models, taken over from `org` with their tables (state only)."""

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = [
    "teamallocation",
    "teaminteraction",
    "levelmixtarget",
    "compositiontarget",
    "burdenrate",
    "exchangerate",
    "headcountplanentry",
    "scenario",
    "scenariochange",
]


def relabel_content_types(apps, schema_editor):
    """Keep audit entries and permissions of the moved models attached to them."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(
        content_type.objects.using(db)
        .filter(app_label="orgdesign", model__in=MOVED)
        .values_list("model", flat=True)
    )
    content_type.objects.using(db).filter(app_label="org", model__in=MOVED).exclude(
        model__in=taken
    ).update(app_label="orgdesign")


def unlabel_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    content_type.objects.using(db).filter(app_label="orgdesign", model__in=MOVED).update(
        app_label="org"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("org", "0004_design_models_move_to_orgdesign"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CompositionTarget",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "metric",
                            models.CharField(
                                choices=[
                                    ("manager_to_ic_ratio", "ICs per manager"),
                                    ("senior_share", "Share of senior levels"),
                                ],
                                max_length=32,
                                unique=True,
                            ),
                        ),
                        ("value", models.DecimalField(decimal_places=3, max_digits=8)),
                        (
                            "levels",
                            models.CharField(
                                blank=True,
                                help_text="senior_share: the senior levels, comma-separated",
                                max_length=200,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "org_compositiontarget",
                        "ordering": ["metric"],
                    },
                ),
                migrations.CreateModel(
                    name="BurdenRate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("location", models.CharField(blank=True, max_length=100, unique=True)),
                        ("rate", models.DecimalField(decimal_places=3, max_digits=5)),
                    ],
                    options={
                        "db_table": "org_burdenrate",
                        "ordering": ["location"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("rate__gte", 0), ("rate__lte", 5)),
                                name="burden_rate_in_range",
                                violation_error_message="rate must be between 0 and 5 (e.g. 0.25 for 25%)",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ExchangeRate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("currency", models.CharField(max_length=3)),
                        ("reporting_currency", models.CharField(max_length=3)),
                        ("rate", models.DecimalField(decimal_places=6, max_digits=14)),
                    ],
                    options={
                        "db_table": "org_exchangerate",
                        "ordering": ["reporting_currency", "currency"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("currency", "reporting_currency"),
                                name="exchange_rate_unique",
                                violation_error_message="one rate per currency pair",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("rate__gt", 0)),
                                name="exchange_rate_positive",
                                violation_error_message="rate must be positive",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Scenario",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("description", models.TextField(blank=True)),
                        ("effective_date", models.DateField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("applied", "Applied"),
                                    ("discarded", "Discarded"),
                                ],
                                default="draft",
                                max_length=16,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("applied_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "applied_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "org_scenario",
                        "ordering": ["-updated_at", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="HeadcountPlanEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.SlugField(max_length=64, unique=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[("hire", "New hire"), ("backfill", "Backfill")],
                                default="hire",
                                max_length=16,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("planned", "Planned"),
                                    ("approved", "Approved"),
                                    ("filled", "Filled"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="planned",
                                max_length=16,
                            ),
                        ),
                        ("title", models.CharField(blank=True, max_length=200)),
                        ("level", models.CharField(max_length=32)),
                        (
                            "track",
                            models.CharField(
                                choices=[("ic", "Individual contributor"), ("manager", "Manager")],
                                default="ic",
                                max_length=16,
                            ),
                        ),
                        ("quarter", models.CharField(max_length=6)),
                        ("expected_start", models.DateField()),
                        (
                            "fte",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("1.00"), max_digits=4
                            ),
                        ),
                        ("location", models.CharField(blank=True, max_length=100)),
                        (
                            "salary",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=12, null=True
                            ),
                        ),
                        ("currency", models.CharField(blank=True, max_length=3)),
                        ("note", models.CharField(blank=True, max_length=300)),
                        (
                            "manager",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="org.person",
                            ),
                        ),
                        (
                            "replaces",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="org.person",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="planned_hires",
                                to="org.team",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "headcount plan entries",
                        "db_table": "org_headcountplanentry",
                        "ordering": ["expected_start", "key"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("fte__gt", 0), ("fte__lte", 1)),
                                name="plan_fte_in_range",
                                violation_error_message="fte must be greater than 0 and at most 1",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LevelMixTarget",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("level", models.CharField(max_length=32)),
                        ("share", models.DecimalField(decimal_places=3, max_digits=4)),
                        (
                            "team",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="level_targets",
                                to="org.team",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "org_levelmixtarget",
                        "ordering": ["team", "level"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("team", "level"),
                                name="level_target_unique",
                                violation_error_message="one target per team and level",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ScenarioChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("position", models.PositiveIntegerField()),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("move_person", "Move person"),
                                    ("change_manager", "Change manager"),
                                    ("create_team", "Create team"),
                                    ("merge_teams", "Merge teams"),
                                    ("split_team", "Split team"),
                                    ("dissolve_team", "Dissolve team"),
                                    ("add_hire", "Add planned hire"),
                                    ("mark_departure", "Mark departure"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("payload", models.JSONField(default=dict)),
                        ("base", models.JSONField(blank=True, default=dict)),
                        (
                            "scenario",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="changes",
                                to="orgdesign.scenario",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "org_scenariochange",
                        "ordering": ["scenario", "position"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("scenario", "position"),
                                name="scenario_change_position_unique",
                                violation_error_message="one change per position",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamAllocation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("on-call", "On-call"),
                                    ("ktlo", "Keep the lights on"),
                                    ("leave", "Planned leave"),
                                    ("other", "Other"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("quarter", models.CharField(blank=True, max_length=6)),
                        ("share", models.DecimalField(decimal_places=3, max_digits=4)),
                        ("note", models.CharField(blank=True, max_length=200)),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="allocations",
                                to="org.team",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "org_teamallocation",
                        "ordering": ["team", "kind", "quarter"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("team", "kind", "quarter"),
                                name="allocation_unique",
                                violation_error_message="one allocation per team, kind and quarter",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("share__gte", 0), ("share__lte", 1)),
                                name="allocation_share_in_range",
                                violation_error_message="share must be between 0 and 1",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamInteraction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "mode",
                            models.CharField(
                                choices=[
                                    ("collaboration", "Collaboration"),
                                    ("x-as-a-service", "X-as-a-service"),
                                    ("facilitating", "Facilitating"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=200)),
                        (
                            "other",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="org.team",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="interactions",
                                to="org.team",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "org_teaminteraction",
                        "ordering": ["team", "other", "mode"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("team", "other", "mode"),
                                name="interaction_unique",
                                violation_error_message="this interaction is already declared",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("team", models.F("other")), _negated=True),
                                name="interaction_two_teams",
                                violation_error_message="a team does not interact with itself",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unlabel_content_types),
    ]
