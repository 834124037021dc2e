"""Queued work runs without a second command: `steward serve` and `steward demo` start the job
worker beside the web server (issue 15: findings refreshed in a background job after imports)."""

from __future__ import annotations

import subprocess
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command

from steward.cockpit import selectors
from steward.core import server


def _queued() -> list[str]:
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(task_path__endswith="refresh_findings_job").values_list(
            "status", flat=True
        )
    )


@pytest.mark.django_db
def test_a_stale_home_page_queues_one_refresh_that_the_worker_runs(
    client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_tasks_db.management.commands import db_worker

    from steward.cockpit.models import FindingRun

    # The worker closes connections that are not in autocommit mode; inside the test's
    # transaction that would close the test's own connection on PostgreSQL.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    FindingRun.objects.all().delete()  # no run yet: stale
    client = client_as("cto")
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200  # a second visit does not queue a second refresh
    assert _queued() == ["READY"]
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0)
    assert _queued() == ["SUCCESSFUL"]
    # The job's own bookkeeping is not an audited write: the run it stored is current (an
    # audited job result made every refresh stale and the home page queue another, forever).
    assert not selectors.run_is_stale(selectors.latest_run(), date.today())
    assert client.get("/").status_code == 200
    assert _queued() == ["SUCCESSFUL"]


def _fake_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(["sleep", "60"])


def test_serve_starts_the_job_worker_and_stops_it_with_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        started.append(_fake_worker())
        return started[-1]

    def run(self: Any) -> None:
        assert started and started[0].poll() is None  # the worker runs while the server does
        raise SystemExit(0)  # what gunicorn does when it is stopped

    monkeypatch.setattr(server, "start_job_worker", start)
    monkeypatch.setattr(server.StewardServer, "run", run)
    with pytest.raises(SystemExit):
        server.serve_forever(host="127.0.0.1", port=0, workers=1)
    assert len(started) == 1
    assert started[0].returncode is not None  # stopped and reaped


def test_no_jobs_starts_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def start() -> subprocess.Popen[bytes]:
        raise AssertionError("--no-jobs must not start the job worker")

    monkeypatch.setattr(server, "start_job_worker", start)
    monkeypatch.setattr(server.StewardServer, "run", lambda self: None)
    server.serve_forever(host="127.0.0.1", port=0, workers=1, jobs=False)


def test_a_worker_that_ignores_terminate_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    stubborn = subprocess.Popen(
        ["sh", "-c", "trap '' TERM; echo ready; exec sleep 60"], stdout=subprocess.PIPE
    )
    assert stubborn.stdout is not None
    assert stubborn.stdout.readline() == b"ready\n"  # the trap is set before it is stopped
    monkeypatch.setattr(subprocess.Popen, "wait", _wait_short(subprocess.Popen.wait))
    server.stop_job_worker(stubborn)
    assert stubborn.returncode == -9


def _wait_short(wait: Any) -> Any:
    def short(self: Any, timeout: float | None = None) -> Any:
        return wait(self, timeout=None if timeout is None else min(timeout, 1))

    return short
