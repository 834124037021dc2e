"""The CLI's exit codes and its refusal to overwrite real data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _steward(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "steward", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = _steward(tmp_path, "demo", "--seed", "many")
    assert result.returncode == 2
    assert "--seed" in result.stderr


def test_init_creates_admin_and_demo_refuses_a_real_database(tmp_path: Path) -> None:
    result = _steward(
        tmp_path, "init", "--admin", "root", "--password-stdin", stdin="s3cret-pass\n"
    )
    assert result.returncode == 0, result.stderr
    refused = _steward(tmp_path, "demo", "--no-serve")
    assert refused.returncode == 2
    assert "not the demo" in refused.stderr
    token = _steward(tmp_path, "token", "create", "root", "--name", "ci")
    assert token.returncode == 0
    assert token.stdout.strip().startswith("stw_")
    assert _steward(tmp_path, "token", "create", "nobody").returncode == 2
    assert _steward(tmp_path, "token", "revoke", "999").returncode == 2
    assert _steward(tmp_path, "token", "revoke", "1").returncode == 0
