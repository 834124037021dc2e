# Attribution's read of the initiatives' keys (`selectors._keyed_day_counts`) from the index
# alone: see docs/benchmarks.md, "Alignment growth from the demo to scale".

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engineering", "0009_author_day_covering_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="authordaykey",
            name="author_day_key_key_day",
        ),
        migrations.AddIndex(
            model_name="authordaykey",
            index=models.Index(
                fields=["key", "day", "email", "repository", "keys", "commits"],
                name="author_day_key_covering",
            ),
        ),
    ]
