"""The organization design models moved to the `orgdesign` app (state only: tables are kept)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_plan_entry_follows_team"),
    ]

    operations = [
        # The tables stay where they are; `orgdesign` 0001 takes them over under their old names.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="BurdenRate",
                ),
                migrations.DeleteModel(
                    name="CompositionTarget",
                ),
                migrations.DeleteModel(
                    name="ExchangeRate",
                ),
                migrations.RemoveField(
                    model_name="levelmixtarget",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="scenario",
                    name="applied_by",
                ),
                migrations.RemoveField(
                    model_name="scenario",
                    name="owner",
                ),
                migrations.RemoveField(
                    model_name="scenariochange",
                    name="scenario",
                ),
                migrations.RemoveField(
                    model_name="teamallocation",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="teaminteraction",
                    name="other",
                ),
                migrations.RemoveField(
                    model_name="teaminteraction",
                    name="team",
                ),
                migrations.DeleteModel(
                    name="HeadcountPlanEntry",
                ),
                migrations.DeleteModel(
                    name="LevelMixTarget",
                ),
                migrations.DeleteModel(
                    name="Scenario",
                ),
                migrations.DeleteModel(
                    name="ScenarioChange",
                ),
                migrations.DeleteModel(
                    name="TeamAllocation",
                ),
                migrations.DeleteModel(
                    name="TeamInteraction",
                ),
            ],
            database_operations=[],
        ),
    ]
