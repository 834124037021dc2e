"""`talent.git_remote.remote_url` gives what `git config --get remote.origin.url` gives."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from steward.talent import git_remote

pytestmark = pytest.mark.engine_free


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _repo(tmp_path: Path, name: str, *, bare: bool = False) -> Path:
    root = tmp_path / name
    subprocess.run(["git", "init", "-q", *(["--bare"] if bare else []), str(root)], check=True)
    return root


def _config(root: Path) -> Path:
    return root / "config" if (root / "HEAD").is_file() else root / ".git" / "config"


CONFIGS = {
    "plain": '[remote "origin"]\n\turl = https://github.com/acme/api.git\n',
    "comment after": '[remote "origin"]\n\turl = git@gitlab.com:acme/web.git ; mirror\n',
    "upper-case key, spaces": '[remote "origin"]\n  URL=https://codeberg.org/acme/x\n',
    "a section line git refuses": '[remote  "origin" ]\n  url=https://codeberg.org/acme/x\n',
    "two urls: the last": (
        '[remote "origin"]\n\turl = https://a.example/one\n\turl = https://github.com/two\n'
    ),
    "other remote only": '[remote "upstream"]\n\turl = https://github.com/acme/up.git\n',
    "origin in another section name": '[Remote "Origin"]\n\turl = https://github.com/case\n',
    "quoted (git reads it)": '[remote "origin"]\n\turl = "https://github.com/acme/q.git"\n',
    "include (git reads it)": "[include]\n\tpath = extra\n",
    "no remote": "",
}


@pytest.mark.parametrize("bare", [False, True])
@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_remote_url_equals_git(tmp_path: Path, case: str, bare: bool) -> None:
    root = _repo(tmp_path, "r", bare=bare)
    config = _config(root)
    config.write_text(config.read_text() + CONFIGS[case])
    (root / ("extra" if bare else ".git/extra")).write_text(
        '[remote "origin"]\n\turl = https://github.com/acme/included.git\n'
    )
    expected = _git("config", "--get", "remote.origin.url", cwd=root)
    assert git_remote.remote_url(str(root)) == expected
    if case in ("plain", "two urls: the last", "include (git reads it)"):
        assert expected  # the comparison is not between two empty answers


def test_config_file_read_without_git_for_plain_layouts(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = _repo(tmp_path, "r")
    _config(root).write_text(_config(root).read_text() + CONFIGS["plain"])
    monkeypatch.setattr(git_remote, "_ask_git", lambda path: pytest.fail("ran git"))
    assert git_remote.remote_url(str(root)) == "https://github.com/acme/api.git"
    assert git_remote.remote_url("") == ""


def test_a_missing_path_or_a_worktree_asks_git(tmp_path: Path) -> None:
    assert git_remote.remote_url(str(tmp_path / "nowhere")) == ""
    root = _repo(tmp_path, "main")
    _config(root).write_text(_config(root).read_text() + CONFIGS["plain"])
    _git(
        "-c",
        "user.name=a",
        "-c",
        "user.email=a@b",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
        cwd=root,
    )
    _git("worktree", "add", "-q", str(tmp_path / "wt"), cwd=root)
    assert (tmp_path / "wt" / ".git").is_file()
    assert git_remote.remote_url(str(tmp_path / "wt")) == "https://github.com/acme/api.git"
