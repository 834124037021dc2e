"""Old audit entries of users kept both password hashes in full; keep only that it changed."""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations

MASK = "(secret)"


def scrub(apps: Any, schema_editor: Any) -> None:
    log_entry = apps.get_model("auditlog", "LogEntry")
    content_type = apps.get_model("contenttypes", "ContentType")
    user_type = content_type.objects.filter(app_label="auth", model="user").first()
    if user_type is None:
        return
    for entry in log_entry.objects.filter(content_type=user_type).iterator():
        changed = False
        changes = entry.changes
        if changes is None and "password" in (entry.changes_text or ""):
            try:
                changes = json.loads(entry.changes_text)
            except ValueError:
                changes = {"password": None}
        if isinstance(changes, dict) and "password" in changes:
            changes["password"] = [MASK, MASK]
            changed = True
        data = entry.serialized_data
        fields = data.get("fields") if isinstance(data, dict) else None
        if isinstance(fields, dict) and "password" in fields:
            fields["password"] = MASK
            changed = True
        if changed:
            entry.changes = changes
            entry.serialized_data = data
            entry.changes_text = ""
            entry.save(update_fields=["changes", "serialized_data", "changes_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
