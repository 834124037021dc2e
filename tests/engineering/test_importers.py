"""CSV import of deployments and incidents through the import framework."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.core.errors import InvalidInput
from steward.core.importing import run_import
from steward.core.policy import SYSTEM
from steward.engineering.models import Deployment, Incident

pytestmark = pytest.mark.django_db

DEPLOYMENTS = """id,repo,sha,environment,status,started_at,finished_at,service
csv-1,payments-api,,production,success,2026-11-01T10:00:00Z,2026-11-01T10:10:00Z,payments-api
csv-2,payments-api,,Production,failure,2026-11-02T10:00:00+01:00,2026-11-02T10:10:00+01:00,payments-api
"""


def test_deployments_import_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "deployments.csv"
    path.write_text(DEPLOYMENTS)
    diff = run_import("deployments", path, actor=SYSTEM)
    assert diff.counts()["added"] == 2
    assert Deployment.objects.get(external_id="csv-2").finished_at.isoformat() == (
        "2026-11-02T09:10:00+00:00"
    )
    again = run_import("deployments", path, actor=SYSTEM)
    assert again.counts() == {"added": 0, "changed": 0, "unchanged": 2, "ended": 0}
    path.write_text(
        DEPLOYMENTS.replace(
            "csv-2,payments-api,,Production,failure", "csv-2,payments-api,,Production,success"
        )
    )
    changed = run_import("deployments", path, actor=SYSTEM)
    assert [(c.key, c.fields["status"]) for c in changed.of_kind("changed")] == [
        ("csv-2", ("failure", "success"))
    ]
    assert Deployment.objects.filter(external_id__startswith="csv-").count() == 2


def test_invalid_rows_name_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    path.write_text(
        "id,service,repo,severity,created_at,resolved_at,deployment_id\n"
        "i-1,payments-api,,sev1,2026-11-01T10:00:00Z,2026-11-01T12:00:00Z,csv-1\n"
        "i-2,payments-api,,sev2,not a date,,\n"
        "i-3,,,sev2,2026-11-01T10:00:00Z,2026-10-01T10:00:00Z,\n"
    )
    with pytest.raises(InvalidInput) as caught:
        run_import("incidents", path, actor=SYSTEM)
    found = {(p.line, p.column) for p in caught.value.problems}
    assert found == {(3, "created_at"), (4, "service"), (4, "resolved_at")}
    assert not Incident.objects.filter(external_id="i-1").exists()
