"""The CLI's exit codes and its refusal to overwrite real data."""

from __future__ import annotations

import functools
from pathlib import Path

from tests.conftest import steward_cli as _steward_cli

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
