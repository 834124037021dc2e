# The alignment drill-down's page in index order (`selectors.commit_keys_on_days`): see
# docs/benchmarks.md, "Alignment growth from the demo to scale". Replaces `commit_author_day`
# (its leading column serves every window of days it served).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engineering", "0010_author_day_key_covering_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="commit",
            name="commit_author_day",
        ),
        migrations.AddIndex(
            model_name="commit",
            index=models.Index(fields=["author_day", "sha"], name="commit_author_day_sha"),
        ),
    ]
