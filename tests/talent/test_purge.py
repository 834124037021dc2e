"""The daily purge of candidate data past its retention date: the background job the worker
runs (and queues again for the next day), `steward talent purge [--dry-run]`; the erased keep
an anonymous stub, so the funnel counts do not change."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from steward.core import jobs
from steward.core.policy import SYSTEM
from steward.org.models import Team
from steward.talent import selectors, services
from steward.talent.models import Candidate, Requisition
from steward.talent.tasks import purge_candidates_job

pytestmark = pytest.mark.django_db

EVER = {"start": date(2000, 1, 1), "end": date(2100, 1, 1)}


def _queued() -> list[tuple[str, Any]]:
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(task_path__endswith="purge_candidates_job")
        .order_by("enqueued_at")
        .values_list("status", "run_after")
    )


def _three_candidates() -> tuple[Candidate, Candidate, Candidate]:
    """Past retention with a closed application (erased), within retention (kept), past
    retention but with an open application (kept until it closes)."""
    req: Requisition = services.requisition_create(
        actor=SYSTEM,
        key="P-1",
        title="Software Engineer",
        team=Team.objects.order_by("slug").first(),
        level="L3",
        target_start=date(2027, 3, 1),
        stages=["Applied", "Screen", "Offer"],
    )
    today = timezone.localdate()
    # 1 Jan 2026 + 30 days: retained until 31 Jan 2026, before today.
    old = services.candidate_create(
        actor=SYSTEM,
        name="Olga Expired",
        email="olga@x.example",
        retention_days=30,
        today=date(2026, 1, 1),
    )
    kept = services.candidate_create(actor=SYSTEM, name="Kim Within", retention_days=30)
    assert kept.retain_until == today + timedelta(days=30)
    busy = services.candidate_create(
        actor=SYSTEM, name="Bo Busy", retention_days=30, today=date(2026, 1, 1)
    )
    for cand, closed in ((old, True), (kept, True), (busy, False)):
        app = services.application_create(
            actor=SYSTEM,
            candidate=cand,
            requisition=req,
            applied_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        )
        services.application_move(
            actor=SYSTEM, application=app, stage="Screen", at=datetime(2026, 1, 8, 9, tzinfo=UTC)
        )
        if closed:
            services.application_close(
                actor=SYSTEM,
                application=app,
                outcome="rejected",
                reason="not enough backend experience",
                at=datetime(2026, 1, 12, 9, tzinfo=UTC),
            )
    return old, kept, busy


def _p1_funnel() -> dict[str, Any]:
    data = selectors.hiring_metrics(actor=SYSTEM, requisition="P-1", **EVER)
    return {
        "applications": data["applications"],
        "stages": [(s["stage"], s["reached"], s["passed"]) for s in data["stages"]],
    }


def test_the_worker_runs_the_purge_job_and_queues_the_next_day(monkeypatch: Any) -> None:
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    old, kept, busy = _three_candidates()
    before = _p1_funnel()
    # By hand: 3 applications entered Applied and left it for Screen (3 of 3 passed); 2 left
    # Screen by rejection (0 passed); the open one is still in Screen.
    assert before == {
        "applications": 3,
        "stages": [("Applied", 3, 3), ("Screen", 2, 0), ("Offer", 0, 0)],
    }
    due = {c.pk for c in services.candidates_due_for_purge()}
    assert old.pk in due and kept.pk not in due and busy.pk not in due

    purge_candidates_job.enqueue()  # what the daily schedule does when the hour comes
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0)

    for cand in (old, kept, busy):
        cand.refresh_from_db()
    assert (old.name, old.email, old.erased_on) == (
        f"Erased candidate {old.pk}",
        "",
        timezone.localdate(),
    )
    assert (kept.name, kept.erased_on) == ("Kim Within", None)
    assert (busy.name, busy.erased_on) == ("Bo Busy", None)
    assert old.applications.count() == 1  # the anonymous stub keeps its application
    assert _p1_funnel() == before
    # The run succeeded and queued the next one for the next 03:00 (local time).
    runs = _queued()
    assert [status for status, _ in runs] == ["SUCCESSFUL", "READY"]
    next_at = timezone.localtime(runs[1][1])
    assert (next_at.hour, next_at.minute) == (jobs.DAILY_HOUR, 0)
    assert timezone.now() < next_at <= timezone.now() + timedelta(days=1)


def test_next_run_is_the_next_three_oclock() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    with timezone.override(berlin):
        at = jobs.next_run(datetime(2026, 12, 3, 2, 59, tzinfo=berlin))
        assert at == datetime(2026, 12, 3, 3, 0, tzinfo=berlin)
        at = jobs.next_run(datetime(2026, 12, 3, 3, 0, tzinfo=berlin))
        assert at == datetime(2026, 12, 4, 3, 0, tzinfo=berlin)
        # 22:30 UTC on 3 December is 23:30 in Berlin: the next 03:00 is on 4 December.
        at = jobs.next_run(datetime(2026, 12, 3, 22, 30, tzinfo=UTC))
        assert at == datetime(2026, 12, 4, 3, 0, tzinfo=berlin)


def test_the_worker_queues_the_daily_purge_once() -> None:
    assert "talent-purge" in jobs.DAILY_JOBS
    assert jobs.queue_daily_jobs() == ["talent-purge"]
    assert [s for s, _ in _queued()] == ["READY"]
    # Started again (or restarted): one run is already waiting, nothing more is queued.
    assert jobs.queue_daily_jobs() == []
    assert [s for s, _ in _queued()] == ["READY"]


def test_cli_dry_run_erases_nothing_then_purge_erases() -> None:
    from typer.testing import CliRunner

    from steward.cli import app

    old, kept, busy = _three_candidates()
    due = [c.pk for c in services.candidates_due_for_purge()]
    assert old.pk in due and kept.pk not in due and busy.pk not in due
    dry = CliRunner().invoke(app, ["talent", "purge", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    answer = json.loads(dry.output)
    assert (answer["dry_run"], answer["candidates"], answer["erased"]) == (True, due, len(due))
    old.refresh_from_db()
    assert old.erased_on is None and old.name == "Olga Expired"
    done = CliRunner().invoke(app, ["talent", "purge", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["candidates"] == due
    old.refresh_from_db()
    assert old.erased_on is not None and old.email == ""
    assert services.candidates_due_for_purge() == []
