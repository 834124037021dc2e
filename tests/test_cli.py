"""The CLI's exit codes and its refusal to overwrite real data."""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import steward_cli as _steward_cli

pytestmark = pytest.mark.slow  # subprocesses, whole-database backups and demo builds

# Exit codes are what these tests check, so a non-zero exit is not an error here.
steward_cli = functools.partial(_steward_cli, check=False)


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = steward_cli(tmp_path, "demo", "--seed", "many")
    assert result.returncode == 2
    assert "--seed" in result.stderr


def test_init_creates_admin_and_demo_refuses_a_real_database(tmp_path: Path) -> None:
    result = steward_cli(
        tmp_path, "init", "--admin", "root", "--password-stdin", stdin="s3cret-pass\n"
    )
    assert result.returncode == 0, result.stderr
    refused = steward_cli(tmp_path, "demo", "--no-serve")
    assert refused.returncode == 2
    assert "not the demo" in refused.stderr
    token = steward_cli(tmp_path, "token", "create", "root", "--name", "ci")
    assert token.returncode == 0
    assert token.stdout.strip().startswith("stw_")
    assert steward_cli(tmp_path, "token", "create", "nobody").returncode == 2
    assert steward_cli(tmp_path, "token", "revoke", "999").returncode == 2
    assert steward_cli(tmp_path, "token", "revoke", "1").returncode == 0


def test_init_applies_the_password_validators_and_writes_nothing(tmp_path: Path) -> None:
    result = steward_cli(tmp_path, "init", "--admin", "root", "--password-stdin", stdin="abcde\n")
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    # Django's own MinimumLengthValidator message, with the configured minimum (settings: 10).
    assert "This password is too short. It must contain at least 10 characters." in message
    with sqlite3.connect(tmp_path / "steward.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
    common = steward_cli(
        tmp_path, "init", "--admin", "root", "--password-stdin", stdin="password123\n"
    )
    assert common.returncode == 2 and "too common" in common.stderr


def test_database_and_backup_files_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask: files would be 0644 unless created 0600
    try:
        home = tmp_path / "home"
        init = steward_cli(
            home, "init", "--admin", "root", "--password-stdin", stdin="a long passphrase\n"
        )
        assert init.returncode == 0, init.stderr
        database = home / "steward.sqlite3"
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert stat.S_IMODE(database.stat().st_mode) == 0o600
        assert stat.S_IMODE((home / "secret_key").stat().st_mode) == 0o600
        # While a connection is open SQLite keeps its -wal and -shm files; they follow the
        # database file's mode.
        db = sqlite3.connect(database)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE probe (x)")
        for companion in ("steward.sqlite3-wal", "steward.sqlite3-shm"):
            assert stat.S_IMODE((home / companion).stat().st_mode) == 0o600, companion
        db.close()
        backup = steward_cli(home, "backup", str(tmp_path / "b.jsonl.gz"))
        assert backup.returncode == 0, backup.stderr
        assert stat.S_IMODE((tmp_path / "b.jsonl.gz").stat().st_mode) == 0o600
        # A database made world-readable before this fix is tightened on the next command.
        database.chmod(0o644)
        assert steward_cli(home, "init").returncode == 0
        assert stat.S_IMODE(database.stat().st_mode) == 0o600
    finally:
        os.umask(old)
