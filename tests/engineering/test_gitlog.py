"""The git log parser against git's own output (no database)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from steward.engineering import gitlog, linkkeys
from tests.engineering.gitfixtures import build_tricky, git_contributors, init, run


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    repo = tmp_path_factory.mktemp("git") / "tricky"
    return repo, build_tricky(repo)


def test_every_commit_is_read_once_with_parents(tricky: tuple[Path, dict[str, str]]) -> None:
    repo, shas = tricky
    commits = list(gitlog.stream_log(repo, ["HEAD"]))
    expected = run(repo, "rev-list", "HEAD").decode().split()
    assert [c.sha for c in commits] == expected
    by_sha = {c.sha: c for c in commits}
    assert len(by_sha[shas["merge"]].parents) == 2
    assert by_sha[shas["root"]].parents == ()
    assert by_sha[shas["empty"]].files == []


def test_renames_binary_and_root_files(tricky: tuple[Path, dict[str, str]]) -> None:
    repo, shas = tricky
    by_sha = {c.sha: c for c in gitlog.stream_log(repo, ["HEAD"])}
    rename = by_sha[shas["rename"]].files
    assert [(f.old_path, f.path, f.added, f.deleted) for f in rename] == [
        ("a.txt", "renamed.txt", 0, 0)
    ]
    binary = by_sha[shas["binary"]].files
    assert [(f.path, f.binary, f.added, f.deleted) for f in binary] == [("logo.png", True, 0, 0)]
    root = sorted((f.path, f.added, f.binary) for f in by_sha[shas["root"]].files)
    assert root == [("a.txt", 3, False), ("logo.png", 0, True)]


def test_authors_times_and_encodings(tricky: tuple[Path, dict[str, str]]) -> None:
    repo, shas = tricky
    by_sha = {c.sha: c for c in gitlog.stream_log(repo, ["HEAD"])}
    zoe = by_sha[shas["same_time_1"]]
    assert zoe.author_name == "Zoë Ünicode"
    assert zoe.author_email == "zoe@example.com"  # lowercased
    assert zoe.author_offset == 120
    assert zoe.author_time == by_sha[shas["same_time_2"]].author_time
    assert by_sha[shas["rename"]].author_offset == -300
    latin = by_sha[shas["latin1"]]
    assert latin.author_name.startswith("J") and latin.author_name.endswith("rgen Latin")
    assert latin.author_offset == 60
    mailmapped = by_sha[shas["mailmap"]]
    assert (mailmapped.author_email, mailmapped.mailmap_email) == (
        "bob@example.com",
        "bob@new.example.com",
    )
    assert mailmapped.mailmap_name == "Bob Builder"


def test_sums_equal_git_numstat(tricky: tuple[Path, dict[str, str]]) -> None:
    repo, _ = tricky
    totals: dict[str, list[int]] = {}
    for c in gitlog.stream_log(repo, ["HEAD"]):
        if len(c.parents) > 1:
            continue
        row = totals.setdefault(c.mailmap_email, [0, 0, 0])
        row[0] += 1
        row[1] += sum(f.added for f in c.files)
        row[2] += sum(f.deleted for f in c.files)
    assert {k: tuple(v) for k, v in totals.items()} == git_contributors(repo)


def test_exclusions_and_tags(tricky: tuple[Path, dict[str, str]]) -> None:
    repo, shas = tricky
    newer = [c.sha for c in gitlog.stream_log(repo, ["HEAD"], [shas["mainline"]])]
    assert set(newer) == {shas["mailmap"], shas["latin1"], shas["merge"], shas["feature"]}
    tags = {t.name: t.sha for t in gitlog.tags(repo)}
    assert tags == {"v1.0": shas["binary"], "v1.1": shas["mailmap"]}


def test_chunk_boundaries_do_not_matter(tricky: tuple[Path, dict[str, str]]) -> None:
    repo, _ = tricky
    raw = run(repo, *gitlog.log_args(["HEAD"], []))
    whole = list(gitlog.parse_stream([raw]))
    tiny = list(gitlog.parse_stream(raw[i : i + 7] for i in range(0, len(raw), 7)))
    assert whole == tiny
    assert len(whole) == int(run(repo, "rev-list", "--count", "HEAD"))


def test_bad_repositories_say_why(tmp_path: Path) -> None:
    with pytest.raises(gitlog.GitError, match="no such folder"):
        gitlog.inspect(tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(gitlog.GitError, match="not a git repository"):
        gitlog.inspect(tmp_path / "plain")
    empty = init(tmp_path / "empty")
    with pytest.raises(gitlog.GitError, match="no commits"):
        gitlog.inspect(empty)
    source = init(tmp_path / "source")
    for i in range(3):
        (source / "f").write_text(str(i))
        run(source, "add", "-A")
        run(source, "commit", "-qm", f"c{i}")
    run(tmp_path, "clone", "-q", "--depth", "1", f"file://{source}", "shallow")
    with pytest.raises(gitlog.GitError, match="shallow"):
        gitlog.inspect(tmp_path / "shallow")


def test_link_keys() -> None:
    patterns = linkkeys.compile_patterns(linkkeys.DEFAULT_PATTERNS)
    assert linkkeys.extract("Fix PAY-123 and #42, not ab-1 or PAY-0 or &#39;", patterns) == [
        "PAY-123",
        "#42",
    ]
    assert linkkeys.commit_keys("Merge branch 'feature/PAY-7-x' into main\n\nsee #3", patterns) == [
        ("PAY-7", "branch"),
        ("#3", "message"),
    ]
    assert linkkeys.merged_branch("Merge pull request #42 from acme/ops-9") == "acme/ops-9"
    assert linkkeys.merged_branch("Fix things") is None


def _keys_by_finditer(text: str, patterns: list[re.Pattern[str]]) -> list[str]:
    """Link keys as the plain definition has them: every match of every pattern, in order."""
    found: dict[str, None] = {}
    for pattern in patterns:
        for match in pattern.finditer(text):
            key = match.group(1) if pattern.groups else match.group(0)
            if key:
                found.setdefault(key, None)
    return list(found)


def test_link_key_prefilters_change_nothing() -> None:
    # The default patterns are tried only on messages with "-<digit>" or "#<digit>": on random
    # text over the characters that matter the keys are those of running every pattern.
    rng = random.Random(7)
    alphabet = "AZB9-#&1 x_\n'0"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    texts += ["PAY-1", "see #42", "A-1", "AB-1", "&#39;", "x#1", "AB-0", "AB-12345678", "#0 #9"]
    defaults = linkkeys.compile_patterns(linkkeys.DEFAULT_PATTERNS)
    for patterns in (
        defaults,
        [re.compile(p, re.IGNORECASE) for p in linkkeys.DEFAULT_PATTERNS],
        linkkeys.compile_patterns([r"\b([A-Z]+)-\d+", r"(Z)|(B)"]),
    ):
        got = [linkkeys.extract(t, patterns) for t in texts]
        assert got == [_keys_by_finditer(t, patterns) for t in texts]
    # The random texts do hold keys, and texts without them too.
    assert 100 < sum(1 for t in texts if linkkeys.extract(t, defaults)) < len(texts) - 100


def test_statuses_equal_git_name_status(tricky: tuple[Path, dict[str, str]]) -> None:
    repo, _ = tricky
    expected: dict[str, dict[str, str]] = {}
    sha = ""
    for line in run(repo, "log", "--name-status", "-M", "--format=%H").decode().splitlines():
        parts = line.split("\t")
        if len(parts) == 1 and parts[0]:
            sha = parts[0]
            expected[sha] = {}
        elif len(parts) > 1:
            expected[sha][parts[-1]] = parts[0][0]
    raw = run(repo, *gitlog.log_args(["HEAD"], []))
    got = {c.sha: {f.path: f.status for f in c.files} for c in gitlog.parse_stream([raw])}
    assert got == expected
    assert {"A", "M", "R"} <= {s for files in got.values() for s in files.values()}
    # When the raw and numstat entries do not pair up one to one, they are matched by path.
    commit = gitlog.GitCommit("x", (), "", "", "", "", 0, 0, "", "", 0, 0, "")
    commit.files = [gitlog.FileChange(p, "", 1, 0, False) for p in ("a", "b")]
    gitlog._finish_commit(commit, [("D", b"b")])
    assert [f.status for f in commit.files] == ["", "D"]


def test_read_blobs_equals_git_show(tricky: tuple[Path, dict[str, str]]) -> None:
    repo, _ = tricky
    listing = run(repo, "ls-tree", "-r", "HEAD").decode().splitlines()
    blobs = {line.split("\t")[1]: line.split()[2] for line in listing}
    assert "logo.png" in blobs
    got = gitlog.read_blobs(repo, list(blobs.values()))
    for path, blob in blobs.items():
        assert got[blob] == run(repo, "show", f"HEAD:{path}")
    with pytest.raises(gitlog.GitError, match="missing"):
        gitlog.read_blobs(repo, ["0" * 40])
