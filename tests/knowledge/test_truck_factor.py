"""Truck factor: hand-built repositories with hand-computed DOA values and truck factors, and
Steward against an independent re-implementation of the authors' tool (reference_tool.py)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from steward.cli import app
from steward.core.policy import SYSTEM
from steward.engineering import ingest
from steward.engineering.models import Repository
from steward.knowledge import selectors
from steward.knowledge.mailmap import Mailmap
from steward.knowledge.truckfactor import doa
from tests.engineering.gitfixtures import commit, init, run
from tests.knowledge import reference_tool

pytestmark = pytest.mark.django_db(transaction=False)

ANN = ("Ann", "ann@example.com")
BOB = ("Bob", "bob@example.com")
CAROL = ("Carol", "carol@example.com")
DAN = ("Dan", "dan@example.com")


def _day(n: int) -> str:
    return f"@{1767225600 + n * 86400} +0000"


class Builder:
    """Commits as given people, one day apart."""

    def __init__(self, repo: Path) -> None:
        self.repo = init(repo)
        self.n = 1

    def write(self, path: str, text: str) -> Builder:
        target = self.repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return self

    def remove(self, path: str) -> Builder:
        (self.repo / path).unlink()
        return self

    def move(self, old: str, new: str) -> Builder:
        (self.repo / new).parent.mkdir(parents=True, exist_ok=True)
        run(self.repo, "mv", old, new)
        return self

    def commit(self, who: tuple[str, str], message: str = "change") -> str:
        self.n += 1
        return commit(self.repo, message, name=who[0], email=who[1], when=_day(self.n))


def _ingest(repo: Path) -> Repository:
    results = ingest.ingest_paths([repo])
    assert all(r.ok for r in results), results
    return Repository.objects.get(name=repo.name)


def _doa_by_name(repo: Repository, path: str) -> dict[str, float]:
    analysis = selectors.analyse([repo])
    devs = analysis.authorship.developers
    for f in analysis.authorship.files:
        if f.path == path:
            return {devs[d].name: round(v, 4) for d, v in f.doa.items()}
    raise AssertionError(f"{path} not analysed")


def _authors(repo: Repository) -> dict[str, set[str]]:
    analysis = selectors.analyse([repo])
    devs = analysis.authorship.developers
    return {f.path: {devs[a].name for a in f.authors} for f in analysis.authorship.files}


def _tf(repo: Repository, **kwargs: object) -> dict:  # type: ignore[type-arg]
    return selectors.repository_truck_factor(actor=SYSTEM, repository=repo, **kwargs)  # type: ignore[arg-type]


def _same_as_reference(repo: Repository, path: Path) -> None:
    tf, removed = reference_tool.truck_factor(path)
    data = _tf(repo)
    assert data["truck_factor"] == tf
    assert [(a["developer"], a["files"]) for a in data["authors"]] == removed
    ref_files, analysed = reference_tool.authors_by_file(path)
    assert data["files_analyzed"] == analysed
    analysis = selectors.analyse([repo])
    devs = analysis.authorship.developers
    mine = {
        f.path: {"||".join(devs[a].usernames) for a in f.authors} for f in analysis.authorship.files
    }
    assert mine == ref_files


def test_doa_formula_by_hand() -> None:
    assert doa(True, 0, 0) == pytest.approx(4.391)
    assert doa(False, 2, 2) == pytest.approx(3.293 + 0.328 - 0.321 * math.log(3))
    assert doa(False, 0, 0) == 3.293


def test_single_developer_repository(tmp_path: Path) -> None:
    b = Builder(tmp_path / "solo")
    b.write("a.txt", "a\n").write("b.txt", "b\n").commit(ANN)
    b.write("a.txt", "a2\n").commit(ANN)
    repo = _ingest(b.repo)
    # Ann: FA=1, DL=1, AC=0 on a.txt -> 4.555; FA=1 on b.txt -> 4.391.
    assert _doa_by_name(repo, "a.txt") == {"Ann": 4.555}
    assert _doa_by_name(repo, "b.txt") == {"Ann": 4.391}
    data = _tf(repo)
    assert data == {
        "repo": "solo",
        "rev": repo.head_sha,
        "truck_factor": 1,
        "coverage": 0.0,
        "files_analyzed": 2,
        "authors": [{"developer": "ANN@EXAMPLE.COM", "name": "Ann", "files": 2}],
    }
    _same_as_reference(repo, b.repo)


def test_rename_chain(tmp_path: Path) -> None:
    b = Builder(tmp_path / "chain")
    b.write("a.txt", "1\n").commit(ANN)
    b.write("a.txt", "1\n2\n").commit(BOB)
    b.write("a.txt", "1\n2\n3\n").commit(BOB)
    b.move("a.txt", "b.txt").commit(CAROL)
    b.move("b.txt", "c.txt").commit(ANN)
    repo = _ingest(b.repo)
    # c.txt's history: R b->c (Ann), R a->b (Carol), M, M (Bob), A (Ann); 4 deliveries.
    ann = 3.293 + 1.098 + 0.164 - 0.321 * math.log(1 + 3)
    bob = 3.293 + 0.164 * 2 - 0.321 * math.log(1 + 2)
    carol = 3.293 + 0.164 - 0.321 * math.log(1 + 3)
    assert _doa_by_name(repo, "c.txt") == {
        "Ann": round(ann, 4),
        "Bob": round(bob, 4),
        "Carol": round(carol, 4),
    }
    # Bob: 3.268 / 4.110 = 0.795 > 0.75 but below 3.293 without an add: not an author.
    assert _authors(repo) == {"c.txt": {"Ann"}}
    assert _tf(repo)["truck_factor"] == 1
    _same_as_reference(repo, b.repo)


def test_path_renamed_away_and_recreated_and_a_rename_expanded_once(tmp_path: Path) -> None:
    b = Builder(tmp_path / "recreate")
    b.write("x.txt", "x\n").commit(ANN)
    b.move("x.txt", "y.txt").commit(BOB)
    b.write("x.txt", "new x\nother\n").commit(CAROL)  # x.txt re-created by Carol
    # old.txt -> b.txt (Bob), then b.txt -> a.txt (Carol) and b.txt re-created (Dan).
    b.write("old.txt", "old\nlines\nhere\n").commit(ANN)
    b.move("old.txt", "b.txt").commit(BOB)
    b.move("b.txt", "a.txt").commit(CAROL)
    b.write("b.txt", "brand\nnew\nfile\nof dan\n").commit(DAN)
    repo = _ingest(b.repo)
    one = 3.293 + 1.098  # an add and no change by others
    # x.txt (path history only): the two adds, Ann's and Carol's.
    assert _doa_by_name(repo, "x.txt") == {"Ann": round(one, 4), "Carol": round(one, 4)}
    # y.txt: R x->y (Bob) and x.txt's two adds; 1 delivery.
    assert _doa_by_name(repo, "y.txt") == {
        "Ann": round(one - 0.321 * math.log(2), 4),
        "Bob": round(3.293 + 0.164, 4),
        "Carol": round(one - 0.321 * math.log(2), 4),
    }
    # a.txt (first in tree order) expands R b->a, then R old->b: Ann's add comes along.
    assert _doa_by_name(repo, "a.txt") == {
        "Ann": round(one - 0.321 * math.log(3), 4),
        "Bob": round(3.293 + 0.164 - 0.321 * math.log(2), 4),
        "Carol": round(3.293 + 0.164 - 0.321 * math.log(2), 4),
        "Dan": round(one - 0.321 * math.log(3), 4),
    }
    # b.txt reaches R old->b, already expanded for a.txt: Ann's add is not inherited again.
    assert _doa_by_name(repo, "b.txt") == {
        "Bob": round(3.293 + 0.164, 4),
        "Dan": round(one - 0.321 * math.log(2), 4),
    }
    assert _authors(repo) == {
        "a.txt": {"Ann", "Dan"},
        "b.txt": {"Bob", "Dan"},
        "x.txt": {"Ann", "Carol"},
        "y.txt": {"Ann", "Bob", "Carol"},
    }
    # Files per author: Ann 3, Bob 2, Carol 2, Dan 2. Coverage before each removal: 4/4,
    # remove Ann; 4/4, remove Bob (ties by key: BOB < CAROL < DAN); 4/4, remove Carol; 2/4 is
    # not below 0.5, remove Dan; nobody is left. Truck factor 4, coverage 0.
    data = _tf(repo)
    assert data["truck_factor"] == 4
    assert [(a["name"], a["files"]) for a in data["authors"]] == [
        ("Ann", 3),
        ("Bob", 2),
        ("Carol", 2),
        ("Dan", 2),
    ]
    assert data["coverage"] == 0.0
    _same_as_reference(repo, b.repo)


def test_deleted_and_re_added_by_someone_else(tmp_path: Path) -> None:
    b = Builder(tmp_path / "readd")
    b.write("f.txt", "1\n").commit(ANN)
    b.write("f.txt", "1\n2\n").commit(ANN)
    b.remove("f.txt").write("g.txt", "g\n").commit(BOB)
    b.write("f.txt", "completely\ndifferent\n").commit(CAROL)
    repo = _ingest(b.repo)
    # The deletion is ignored: A Ann, M Ann, A Carol; 1 delivery (Ann's).
    assert _doa_by_name(repo, "f.txt") == {
        "Ann": round(3.293 + 1.098 + 0.164, 4),
        "Carol": round(3.293 + 1.098 - 0.321 * math.log(2), 4),
    }
    assert _authors(repo) == {"f.txt": {"Ann", "Carol"}, "g.txt": {"Bob"}}
    _same_as_reference(repo, b.repo)


def test_file_introduced_only_by_a_merge_and_truck_factor_zero(tmp_path: Path) -> None:
    b = Builder(tmp_path / "merged")
    b.write("README", "r\n").commit(ANN)
    run(b.repo, "checkout", "-q", "-b", "side")
    b.write("side.txt", "s\n").commit(BOB)
    run(b.repo, "checkout", "-q", "main")
    b.write("main.txt", "m\n").commit(CAROL)
    run(b.repo, "merge", "-q", "--no-ff", "--no-commit", "side")
    (b.repo / "evil.txt").write_text("only in the merge\n")
    run(b.repo, "add", "evil.txt")
    run(b.repo, "commit", "-q", "-m", "merge", env={"GIT_AUTHOR_NAME": "Dan"})
    repo = _ingest(b.repo)
    authors = _authors(repo)
    assert "evil.txt" not in authors  # no change line: not analysed
    assert authors == {"README": {"Ann"}, "main.txt": {"Carol"}, "side.txt": {"Bob"}}
    # Three files, one author each: remove ANN (3/3), BOB (2/3), then 1/3 < 0.5: 2.
    assert _tf(repo)["truck_factor"] == 2
    _same_as_reference(repo, b.repo)
    # Excluding every analysed file leaves nothing: truck factor 0, coverage unknown.
    data = _tf(repo, exclude=["*.txt", "README"])
    assert (data["truck_factor"], data["files_analyzed"], data["coverage"]) == (0, 0, None)


def test_empty_author_uses_committer_accents_mailmap_and_case(tmp_path: Path) -> None:
    b = Builder(tmp_path / "idents")
    b.write("a.txt", "a\n").commit(("José Núñez", "jose@old.example.com"))
    b.write("b.txt", "b\n").commit(("Jose Nunez", "jnunez@example.com"))  # accents stripped
    b.write("c.txt", "c\n").commit(("ann smith", "ann1@example.com"))
    b.write("d.txt", "d\n").commit(("Ann Smith", "ann2@example.com"))  # case differs only
    b.write("e.txt", "e\n").commit(("Eve", "eve@old.example.com"))
    b.write("f.txt", "f\n").commit(("Evelyn", "evelyn@example.com"))
    # An author with an empty name and e-mail: the committer (Carol) counts.
    run(b.repo, "add", "-A")
    (b.repo / "g.txt").write_text("g\n")
    run(b.repo, "add", "-A")
    tree = run(b.repo, "write-tree").decode().strip()
    head = run(b.repo, "rev-parse", "HEAD").decode().strip()
    raw = (
        f"tree {tree}\nparent {head}\nauthor <> 1767787200 +0000\n"
        "committer Carol <carol@example.com> 1767787200 +0000\n\nno author\n"
    ).encode()
    sha = run(b.repo, "hash-object", "--literally", "-t", "commit", "-w", "--stdin", data=raw)
    run(b.repo, "update-ref", "refs/heads/main", sha.decode().strip())
    run(b.repo, "reset", "-q", "--hard")
    # .mailmap (in the analysed revision): Eve's two addresses are one person.
    b.write(".mailmap", "Evelyn <evelyn@example.com> <eve@old.example.com>\n").commit(DAN)
    repo = _ingest(b.repo)
    analysis = selectors.analyse([repo])
    devs = {d.key: d.usernames for d in analysis.authorship.developers}
    assert devs == {
        "ANN1@EXAMPLE.COM": ["ANN1@EXAMPLE.COM", "ANN2@EXAMPLE.COM"],
        "CAROL@EXAMPLE.COM": ["CAROL@EXAMPLE.COM"],
        "DAN@EXAMPLE.COM": ["DAN@EXAMPLE.COM"],
        "EVELYN@EXAMPLE.COM": ["EVELYN@EXAMPLE.COM"],
        "JNUNEZ@EXAMPLE.COM": ["JNUNEZ@EXAMPLE.COM", "JOSE@OLD.EXAMPLE.COM"],
    }
    data = _tf(repo)
    # 8 files: Ann 2, Evelyn 2, Jose 2, Carol 1, Dan 1 -> remove ANN1 (6/8), EVELYN (4/8),
    # JNUNEZ (2/8 < 0.5 next): 3.
    assert [(a["developer"], a["files"]) for a in data["authors"]] == [
        ("ANN1@EXAMPLE.COM", 2),
        ("EVELYN@EXAMPLE.COM", 2),
        ("JNUNEZ@EXAMPLE.COM", 2),
    ]
    assert data["truck_factor"] == 3
    _same_as_reference(repo, b.repo)


def test_mailmap_like_git() -> None:
    mm = Mailmap(
        "# comment\n"
        "Proper Name <proper@example.com>\n"
        "<new@example.com> <OLD@example.com>\n"
        "Other <other@example.com> Commit Name <shared@example.com>\n"
        "Simple <simple@example.com> <shared@example.com>\n"
    )
    assert mm.map("whatever", "PROPER@example.com") == ("Proper Name", "PROPER@example.com")
    assert mm.map("Kept", "old@example.com") == ("Kept", "new@example.com")
    assert mm.map("commit name", "shared@example.com") == ("Other", "other@example.com")
    assert mm.map("Someone", "shared@example.com") == ("Simple", "simple@example.com")
    assert mm.map("X", "nobody@example.com") == ("X", "nobody@example.com")


def test_mailmap_agrees_with_git_check_mailmap(tmp_path: Path) -> None:
    text = (
        "A Proper <a@x.org>\n"
        "<b.new@x.org> <b@x.org>\n"
        "C New <c.new@x.org> c old <C@x.org>\n"
        "  Spaced   Name   <s@x.org>  # trailing\n"
        "D <d@x.org> <d@x.org>\n"
    )
    repo = init(tmp_path / "mm")
    (repo / ".mailmap").write_text(text)
    mm = Mailmap(text)
    for name, email in [
        ("a", "A@X.ORG"),
        ("bee", "b@x.org"),
        ("C OLD", "c@x.org"),
        ("c other", "c@x.org"),
        ("s", "s@x.org"),
        ("dee", "D@x.org"),
        ("none", "none@x.org"),
    ]:
        out = run(repo, "check-mailmap", f"{name} <{email}>").decode().strip()
        want_name, _, rest = out.rpartition(" <")
        assert mm.map(name, email) == (want_name, rest[:-1]), (name, email, out)


def random_history(folder: Path, seed: int) -> Path:
    """A random history of 70 commits: adds, edits, renames (also back to a former name),
    deletions and re-creations by six people (two of them one developer by name, accented)."""
    people = [ANN, BOB, CAROL, DAN, ("Émile Zola", "emile@example.com"), ("emile zola", "ez@x.org")]
    rng = random.Random(seed)
    b = Builder(folder)
    paths: list[str] = []
    gone: list[str] = []
    for step in range(70):
        who = rng.choice(people)
        action = rng.random()
        if not paths or action < 0.25:
            path = f"{rng.choice(['src', 'lib', 'docs'])}/f{step}.txt"
            b.write(path, "".join(f"line {i} {step}\n" for i in range(rng.randint(3, 9))))
            paths.append(path)
        elif action < 0.6:
            path = rng.choice(paths)
            b.write(path, (b.repo / path).read_text() + f"more {step}\n")
        elif action < 0.8:
            old = rng.choice(paths)
            reuse = [g for g in gone if g not in paths]
            new = (
                rng.choice(reuse)
                if reuse and rng.random() < 0.4
                else f"{rng.choice(['src', 'lib', 'moved'])}/r{step}.txt"
            )
            if old == new or new in paths:
                continue
            b.move(old, new)
            paths[paths.index(old)] = new
            gone.append(old)
        elif action < 0.9 and len(paths) > 2:
            old = rng.choice(paths)
            b.remove(old)
            paths.remove(old)
            gone.append(old)
        else:
            reuse = [g for g in gone if g not in paths]
            if not reuse:
                continue
            path = rng.choice(reuse)
            b.write(path, f"re-created {step}\n" * rng.randint(1, 4))
            paths.append(path)
        b.commit(who, f"step {step}")
    return b.repo


def test_random_histories_equal_the_reference(tmp_path: Path) -> None:
    """Random adds, edits, renames (also back to a former name), deletions and re-creations."""
    for seed in range(4):
        path = random_history(tmp_path / f"random{seed}", seed)
        repo = _ingest(path)
        _same_as_reference(repo, path)


def test_revision_and_cli_json(tmp_path: Path) -> None:
    b = Builder(tmp_path / "revs")
    b.write("a.txt", "a\n").commit(ANN)
    first = run(b.repo, "rev-parse", "HEAD").decode().strip()
    b.write("b.txt", "b\n").write("c.txt", "c\n").write("d.txt", "d\n").commit(BOB)
    repo = _ingest(b.repo)
    assert _tf(repo)["truck_factor"] == 1  # Bob 3 of 4 files: 1/4 left < 0.5
    old = _tf(repo, rev=first)
    assert (old["rev"], old["files_analyzed"], old["truck_factor"]) == (first, 1, 1)
    assert old["authors"][0]["developer"] == "ANN@EXAMPLE.COM"
    runner = CliRunner()
    result = runner.invoke(
        app, ["metrics", "truck-factor", "--repo", "revs", "--rev", first, "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "repo",
        "rev",
        "truck_factor",
        "coverage",
        "files_analyzed",
        "authors",
    ]
    assert data["truck_factor"] == 1
    result = runner.invoke(app, ["metrics", "truck-factor", "--repo", "nope", "--json"])
    assert result.exit_code == 2


def test_ingested_statuses_equal_git_name_status(tmp_path: Path) -> None:
    """The status letter kept at ingestion (one `git log --raw --numstat` pass) equals git's."""
    from steward.engineering.models import FileChange
    from tests.engineering.gitfixtures import build_tricky

    repo_path = tmp_path / "tricky"
    build_tricky(repo_path)
    (repo_path / "link").symlink_to("b.txt")
    commit(repo_path, "a link", when=_day(40))
    (repo_path / "link").unlink()
    (repo_path / "link").write_text("now a file\n")
    (repo_path / "d.txt").unlink()
    commit(repo_path, "type change and deletion", when=_day(41))
    repo = _ingest(repo_path)
    out = run(repo_path, "log", "--no-merges", "--name-status", "-M", "--format=@%H").decode()
    want = set()
    sha = ""
    for line in out.splitlines():
        if line.startswith("@"):
            sha = line[1:]
        elif line:
            parts = line.split("\t")
            want.add((sha, parts[0][0], parts[-1]))
    got = set(
        FileChange.objects.filter(commit__repository=repo).values_list(
            "commit__sha", "status", "path"
        )
    )
    assert got == want
    assert {s for _, s, _ in got} == {"A", "M", "D", "R", "T"}
