"""Processes share one SQLite database: writers wait for the lock, backups never hold it, and a
writer that gives up says the database is busy (issue 17, item 3).

Every test runs real processes against a STEWARD_HOME of its own, as users and servers do.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from steward.core.dbbusy import DatabaseBusyMiddleware
from tests.conftest import steward_cli

pytestmark = pytest.mark.slow  # subprocesses, whole-database backups and demo builds

PASSWORD = "a long and proper passphrase"

# Holds a read snapshot (steward.core.backup.consistent_read) open until the file `go` exists,
# then writes a backup from inside the same snapshot.
SNAPSHOT = """
import os, sys, time, django
from pathlib import Path
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
django.setup()
from steward.core import backup
from steward.core.models import ApiToken
go, out = Path(sys.argv[1]), Path(sys.argv[2])
with backup.consistent_read():
    print("tokens", ApiToken.objects.count(), flush=True)
    while not go.exists():
        time.sleep(0.05)
    print("tokens", ApiToken.objects.count(), flush=True)
    backup.backup_write(out)
"""


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STEWARD_HOME")}
    env["STEWARD_HOME"] = str(home)
    env.update(extra)
    return env


def _cli(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "steward", *args],
        env=_env(home, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def home(initialized_home: Path) -> Path:
    """A fresh STEWARD_HOME (initialized once per run: `initialized_home`) with an admin `root`."""
    folder = initialized_home
    steward_cli(folder, "init", "--admin", "root", "--password-stdin", stdin=PASSWORD + "\n")
    return folder


def _hold_write_lock(database: Path, seconds: float, ready: threading.Event) -> None:
    """Take SQLite's write lock from another connection and keep it for `seconds`."""
    db = sqlite3.connect(database, isolation_level=None, timeout=30)
    db.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    db.execute("ROLLBACK")
    db.close()


def test_busy_timeout_comes_from_the_environment(home: Path) -> None:
    show = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'steward.settings');"
        "django.setup(); from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA busy_timeout').fetchone()[0], connection.transaction_mode)"
    )
    for extra, expected in (
        ({}, "60000 IMMEDIATE"),
        ({"STEWARD_SQLITE_BUSY_TIMEOUT": "42"}, "42000 IMMEDIATE"),
    ):
        out = subprocess.run(
            [sys.executable, "-c", show], env=_env(home, **extra), capture_output=True, text=True
        )
        assert out.stdout.split() == expected.split(), out.stderr
    bad = _cli(home, "init", STEWARD_SQLITE_BUSY_TIMEOUT="soon")
    assert bad.returncode != 0 and "STEWARD_SQLITE_BUSY_TIMEOUT" in bad.stderr


def test_a_writer_waits_for_the_lock_then_succeeds(home: Path) -> None:
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(home / "steward.sqlite3", 2.0, ready))
    holder.start()
    ready.wait(10)
    started = time.monotonic()
    result = _cli(home, "token", "create", "root", STEWARD_SQLITE_BUSY_TIMEOUT="30")
    waited = time.monotonic() - started
    holder.join()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("stw_")
    assert waited >= 1.5  # it waited for the lock instead of failing


def test_a_writer_that_gives_up_says_the_database_is_busy_and_who_runs(home: Path) -> None:
    # Note this test process as a running `steward backup`, as the CLI notes itself.
    run = home / "run"
    run.mkdir(exist_ok=True)
    (run / f"{os.getpid()}.json").write_text(
        json.dumps({"command": "steward backup", "started": time.time()})
    )
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(home / "steward.sqlite3", 4.0, ready))
    holder.start()
    ready.wait(10)
    try:
        result = _cli(home, "token", "create", "root", STEWARD_SQLITE_BUSY_TIMEOUT="0.5")
    finally:
        holder.join()
        (run / f"{os.getpid()}.json").unlink()
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert "the database is busy" in message
    assert f"steward backup (pid {os.getpid()}" in message
    assert "retrying is safe" in message
    assert "steward init" not in message
    again = _cli(home, "token", "create", "root", STEWARD_SQLITE_BUSY_TIMEOUT="0.5")
    assert again.returncode == 0, again.stderr


def test_a_backup_snapshot_lets_writers_go_on_and_stays_consistent(
    home: Path, tmp_path: Path
) -> None:
    go, out = tmp_path / "go", tmp_path / "during.jsonl.gz"
    reader = subprocess.Popen(
        [sys.executable, "-c", SNAPSHOT, str(go), str(out)],
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().split() == ["tokens", "0"]
        # The snapshot is open. With a 1 s busy timeout, writes fail unless nobody holds the lock.
        for name in ("one", "two"):
            started = time.monotonic()
            write = _cli(
                home, "token", "create", "root", "--name", name, STEWARD_SQLITE_BUSY_TIMEOUT="1"
            )
            assert write.returncode == 0, write.stderr
            assert time.monotonic() - started < 10
        go.touch()
        stdout, stderr = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert reader.returncode == 0, stderr
    assert stdout.split() == ["tokens", "0"]  # the snapshot did not see the writes
    with gzip.open(out, "rt", encoding="utf-8") as backup_file:
        header = json.loads(backup_file.readline())
        models = [json.loads(line).get("model") for line in backup_file]
    assert header["counts"]["core.apitoken"] == 0 and "core.apitoken" not in models
    after = tmp_path / "after.jsonl.gz"
    assert _cli(home, "backup", str(after)).returncode == 0
    with gzip.open(after, "rt", encoding="utf-8") as backup_file:
        assert json.loads(backup_file.readline())["counts"]["core.apitoken"] == 2


def test_a_request_whose_write_gave_up_gets_503_not_500() -> None:
    middleware = DatabaseBusyMiddleware(lambda request: None)
    factory = RequestFactory()
    page = middleware.process_exception(
        factory.post("/accounts/login/"), OperationalError("database is locked")
    )
    assert page is not None and page.status_code == 503 and page["Retry-After"] == "5"
    assert b"database is busy" in page.content and b"retrying is safe" in page.content
    api = middleware.process_exception(
        factory.post("/api/v1/strategy/check-ins"), OperationalError("database is locked")
    )
    assert api is not None and api.status_code == 503
    assert "database is busy" in json.loads(api.content)["detail"]
    other = middleware.process_exception(
        factory.get("/"), OperationalError("no such table: org_person")
    )
    assert other is None
