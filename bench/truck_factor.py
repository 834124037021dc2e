"""Benchmark code knowledge on an ingested repository against `git log` of the same repository.

    python bench/truck_factor.py REPO [--baseline-src PATH]
    python bench/truck_factor.py --generate [--commits 100000] [--files 50000] [--cache DIR]

`--generate` writes (once, kept in `--cache`, default $TMPDIR/steward-bench) a repository of
`--commits` commits whose head tree holds about `--files` files (`generate` below: 400 authors,
folders owned by groups of them, renames, deletions, merges, mass changes of more than 30 files,
`.mailmap` aliases and accented names, dates over eight years up to today) and benchmarks it.

`--baseline-src` names another checkout's `src` (e.g. main before this change): its ingestion
is timed in the same run, so the cost of keeping file statuses is a ratio, not a guess.

Measured in this run, on this machine, each in a fresh subprocess:
- `git log -z --numstat -M` (ingestion's command before statuses were kept) and
  `git log -z --raw --no-abbrev --numstat -M` (the command Steward runs now): git's own cost
  of keeping statuses;
- `git log --name-status --find-renames` (what the authors' tool reads): the baseline for the
  truck factor;
- Steward's ingestion end to end (parse + store, fresh SQLite) and its ratio to the numstat-only
  `git log` (issue 10's target: within 1.1×);
- the truck factor computed from the ingested history (cold: reads the database, `git ls-tree`
  and `.mailmap`; target under 10 s), its ratio to `git log --name-status`, and again warm
  (cached analysis); hotspots and change coupling likewise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, os.environ.get("BENCH_SRC") or str(ROOT / "src"))

FORMAT = "--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aN%x1f%aE%x1f%ad%x1f%cn%x1f%ce%x1f%cd%x1f%B"
COMMANDS = {
    "numstat": ["log", "-z", "--numstat", "-M", "--date=raw", FORMAT, "HEAD", "--"],
    "raw+numstat": [
        "log",
        "-z",
        "--raw",
        "--no-abbrev",
        "--numstat",
        "-M",
        "--date=raw",
        FORMAT,
        "HEAD",
        "--",
    ],
    "name-status": ["log", "--name-status", "--pretty=format:commit\t%H", "--find-renames"],
}


FIRST = [
    "Ana",
    "Bruno",
    "Chen",
    "Dara",
    "Emeka",
    "Fatima",
    "Gustav",
    "Hana",
    "Ivan",
    "José",
    "Kofi",
    "Lena",
    "Łukasz",
    "Mei",
    "Noor",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Søren",
]
LAST = [
    "Álvarez",
    "Brown",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Hughes",
    "Ito",
    "Jensen",
    "Kowalski",
    "López",
    "Müller",
    "Nowak",
    "Okafor",
    "Pérez",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
]


class _Writer:
    """A `git fast-import` stream of a large repository (see `generate`)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.out: list[bytes] = []
        self.mark = 0
        self.head = 0
        self.files: dict[str, list[str]] = {}

    def data(self, payload: bytes) -> None:
        self.out.append(b"data %d\n" % len(payload))
        self.out.append(payload)
        self.out.append(b"\n")

    def edit(self, path: str, ops: list[bytes]) -> None:
        rng = self.rng
        lines = self.files.setdefault(path, [f"# {path}"])
        for _ in range(rng.randint(0, min(2, len(lines) - 1))):
            del lines[rng.randrange(1, len(lines))]
        for _ in range(rng.randint(1, 6)):
            lines.insert(
                rng.randint(1, len(lines)), f"value_{rng.randrange(10**6)} = {rng.random():.6f}"
            )
        if len(lines) > 30:
            del lines[1 : len(lines) - 20]
        body = ("\n".join(lines) + "\n").encode()
        ops.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body))

    def commit(
        self,
        ref: str,
        who: str,
        stamp: str,
        message: str,
        ops: list[bytes],
        parents: tuple[int, ...] = (),
    ) -> int:
        self.mark += 1
        self.out.append(f"commit {ref}\nmark :{self.mark}\n".encode())
        self.out.append(f"author {who} {stamp}\ncommitter {who} {stamp}\n".encode())
        self.data(message.encode())
        if parents:
            self.out.append(f"from :{parents[0]}\n".encode())
            for p in parents[1:]:
                self.out.append(f"merge :{p}\n".encode())
        self.out.extend(ops)
        self.out.append(b"\n")
        return self.mark


def generate(folder: Path, commits: int, files: int) -> Path:
    """A bare repository of `commits` commits whose head tree holds about `files` files.

    Written once with `git fast-import` (seeded, so the same shape every time; dates end today,
    so 12-month windows hold the last eighth of the history). 400 authors, some with accented
    names, 20 committing under an old e-mail that `.mailmap` maps back; 40 top-level folders of
    25 sub-folders each, every sub-folder worked on mostly by a group of 3 authors; new files
    added at a steady rate until the tree reaches `files`; changes of 1-6 files in one
    sub-folder, 1.5 % renames, 1 % deletions, 0.2 % mass changes of 40-200 files (ignored by
    coupling), and one commit in 30 made on a topic branch and merged with a merge commit.
    """
    from datetime import UTC, datetime, timedelta

    repo = folder / f"knowledge-{commits}-{files}.git"
    if (repo / "complete").exists():
        return repo
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(repo)], check=True)
    rng = random.Random(2016)
    people = [
        (f"{FIRST[i % 20]} {LAST[(i // 20) % 20]}{'' if i < 400 else i}", f"dev{i}@example.com")
        for i in range(400)
    ]
    weights = [1 / (i + 1) ** 0.8 for i in range(len(people))]
    aliases = {
        i: (people[i][0].upper() if i % 2 else people[i][0], f"dev{i}@old.example.com")
        for i in range(0, 400, 20)
    }
    mailmap = "".join(f"{people[i][0]} <{people[i][1]}> <{a[1]}>\n" for i, a in aliases.items())
    folders = [f"pkg{t:02d}/mod{s:02d}" for t in range(40) for s in range(25)]
    owners = {f: rng.sample(range(400), 3) for f in folders}
    in_folder: dict[str, list[str]] = {f: [] for f in folders}
    end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=8 * 365)
    step = (end - start).total_seconds() / commits
    w = _Writer(rng)
    created = 0

    def who(f: str | None) -> str:
        i = (
            rng.choice(owners[f])
            if f and rng.random() < 0.75
            else rng.choices(range(400), weights)[0]
        )
        name, email = people[i]
        if i in aliases and rng.random() < 0.3:
            name, email = aliases[i]
        return f"{name} <{email}>"

    ops = [b"M 100644 inline .mailmap\ndata %d\n%s\n" % (len(mailmap.encode()), mailmap.encode())]
    w.head = w.commit(
        "refs/heads/main", who(None), f"{int(start.timestamp())} +0000", "Initial commit\n", ops
    )
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    for i in range(1, commits):
        stamp = f"{int(start.timestamp() + i * step)} {rng.choice(('+0000', '+0100', '-0500'))}"
        ops = []
        f = rng.choice(folders)
        roll = rng.random()
        if created < files * 1.03 * i / commits:
            for _ in range(rng.randint(1, 5)):
                path = f"{f}/file_{created}.py"
                created += 1
                in_folder[f].append(path)
                w.edit(path, ops)
            message = f"Add files to {f}\n"
        elif roll < 0.015 and in_folder[f]:
            old = rng.choice(in_folder[f])
            g = rng.choice(folders)
            new = f"{g}/moved_{i}_{old.rsplit('/', 1)[1]}"
            in_folder[f].remove(old)
            in_folder[g].append(new)
            ops.append(f"R {old} {new}\n".encode())
            w.files[new] = w.files.pop(old)
            message = f"Move {old}\n"
        elif roll < 0.025 and len(in_folder[f]) > 10:
            gone = rng.choice(in_folder[f])
            in_folder[f].remove(gone)
            del w.files[gone]
            ops.append(f"D {gone}\n".encode())
            message = f"Remove {gone}\n"
        elif roll < 0.027:
            top = f.split("/")[0]
            paths = [p for g in folders if g.startswith(top + "/") for p in in_folder[g]]
            for path in rng.sample(paths, k=min(len(paths), rng.randint(40, 200))):
                w.edit(path, ops)
            message = f"Reformat {top}\n"
        else:
            paths = in_folder[f] or [f"{f}/file_{created}.py"]
            # a sub-folder's first files change together (coupling), others at random
            core = paths[:4]
            chosen = set(rng.sample(core, k=min(len(core), rng.randint(1, 3))))
            if rng.random() < 0.5:
                chosen |= set(rng.sample(paths, k=min(len(paths), rng.randint(1, 3))))
            for path in sorted(chosen):
                if path not in w.files:
                    created += 1
                    in_folder[f].append(path)
                w.edit(path, ops)
            message = f"Change {f}\n"
        author = who(f)
        if rng.random() < 1 / 30:
            topic = w.commit("refs/heads/topic", author, stamp, message, ops, (w.head,))
            w.head = w.commit(
                "refs/heads/main", who(None), stamp, "Merge branch 'topic'\n", ops, (w.head, topic)
            )
        else:
            w.head = w.commit("refs/heads/main", author, stamp, message, ops, (w.head,))
        if len(w.out) > 20000:
            proc.stdin.write(b"".join(w.out))
            w.out.clear()
    proc.stdin.write(b"".join(w.out))
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    (repo / "complete").write_text("ok")
    return repo


def _cpu() -> float:
    """CPU seconds of this process and its finished children (git): comparable under load."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _git_time(repo: str, args: list[str]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), _cpu()
    proc = subprocess.Popen(["git", "-C", repo, *args], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    while proc.stdout.read(1 << 18):
        pass
    proc.wait()
    return time.perf_counter() - start, _cpu() - cpu


def _child(mode: str, repo: str, home: str) -> None:
    if mode in COMMANDS:
        seconds, cpu = _git_time(repo, COMMANDS[mode])
        print(json.dumps({"seconds": seconds, "cpu": cpu}))
        return
    os.environ["STEWARD_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from steward.core.cli_support import migrate

    migrate()
    if mode == "ingest":
        from steward.engineering.ingest import ingest_paths

        start, cpu = time.perf_counter(), _cpu()
        [result] = ingest_paths([repo], workers=1)
        if not result.ok:
            raise SystemExit(result.error)
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        print(json.dumps({"seconds": seconds, "cpu": cpu, "new": result.new_commits}))
        return
    from steward.core.policy import SYSTEM
    from steward.engineering.ingest import repository_name
    from steward.knowledge import selectors

    repository = selectors.repository_by_name(repository_name(Path(repo)))
    timings: dict[str, float] = {}

    def timed(name: str, call: Any) -> Any:
        start, cpu = time.perf_counter(), _cpu()
        value = call()
        timings[name] = time.perf_counter() - start
        timings[name + "_cpu"] = _cpu() - cpu
        return value

    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    data = timed(
        "cold", lambda: selectors.repository_truck_factor(actor=SYSTEM, repository=repository)
    )
    timed("warm", lambda: selectors.repository_truck_factor(actor=SYSTEM, repository=repository))
    timed("map", lambda: selectors.knowledge_map(actor=SYSTEM, repository=repository))
    timed("hotspots", lambda: selectors.hotspots(actor=SYSTEM, repository=repository))
    timed(
        "hotspots_all",
        lambda: selectors.hotspots(actor=SYSTEM, repository=repository, months=1200),
    )
    timed("coupling", lambda: selectors.repository_coupling(actor=SYSTEM, repository=repository))
    timed(
        "coupling_all",
        lambda: selectors.repository_coupling(actor=SYSTEM, repository=repository, months=1200),
    )
    timed(
        "coupling_folders",
        lambda: selectors.repository_coupling(actor=SYSTEM, repository=repository, depth=2),
    )
    if os.environ.get("BENCH_PROFILE"):
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE"])
    print(
        json.dumps(
            {
                **timings,
                "truck_factor": data["truck_factor"],
                "files": data["files_analyzed"],
                "authors": [(a["name"], a["files"]) for a in data["authors"]],
            }
        )
    )


def _run(mode: str, repo: Path, home: Path, src: str | None = None) -> dict:  # type: ignore[type-arg]
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
        env["BENCH_SRC"] = src
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(repo), str(home)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Parse arguments and print the figures."""
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo", nargs="?", type=Path)
    parser.add_argument("--baseline-src")
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "steward-bench")
    args = parser.parse_args()
    if args.generate:
        args.cache.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        repo = generate(args.cache, args.commits, args.files)
        print(f"generated repository ready in {time.perf_counter() - started:.1f} s")
    elif args.repo:
        repo = args.repo
    else:
        raise SystemExit(__doc__)
    baseline = args.baseline_src
    count = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tree = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout.count(b"\n")
    print(f"== {repo} ({int(count):,} commits, {tree:,} files at HEAD)")
    with tempfile.TemporaryDirectory() as home:
        git = {name: _run(name, repo, Path(home)) for name in COMMANDS}
        print(f"{'':32} {'wall s':>8} {'CPU s':>8}")
        for name, t in git.items():
            print(f"git log {name:<24} {t['seconds']:8.2f} {t['cpu']:8.2f}")
        raw = git["raw+numstat"]["cpu"] / git["numstat"]["cpu"]
        print(f"  --raw costs git (CPU)          {raw:8.2f}x")
        ingest = _run("ingest", repo, Path(home))
        print(
            f"steward ingest (end to end)      {ingest['seconds']:8.2f} {ingest['cpu']:8.2f}   "
            f"x git log --numstat: {ingest['seconds'] / git['numstat']['seconds']:.2f} wall, "
            f"{ingest['cpu'] / git['numstat']['cpu']:.2f} CPU (target <= 1.1)"
        )
        tf = _run("tf", repo, Path(home))
        if baseline:
            with tempfile.TemporaryDirectory() as other:
                before = _run("ingest", repo, Path(other), baseline)
            print(
                f"ingest before (from {baseline}) {before['seconds']:8.2f} {before['cpu']:8.2f}"
                f"   now / before = {ingest['cpu'] / before['cpu']:.2f} CPU"
            )
    numstat, names = git["numstat"], git["name-status"]
    rows = [
        ("truck factor, cold", "cold"),
        ("truck factor, warm (cached)", "warm"),
        ("knowledge map (whole repo)", "map"),
        ("hotspots (12 months)", "hotspots"),
        ("hotspots (all history)", "hotspots_all"),
        ("change coupling (12 months)", "coupling"),
        ("change coupling (all history)", "coupling_all"),
        ("folder coupling (depth 2, 12 m)", "coupling_folders"),
    ]
    print(
        f"{'(target < 10 s each)':32} {'wall s':>8} {'CPU s':>8}   x numstat (wall, CPU)"
        "   x name-status (wall, CPU)"
    )
    for label, key in rows:
        wall, cpu = tf[key], tf[key + "_cpu"]
        print(
            f"{label:<32} {wall:8.2f} {cpu:8.2f}   {wall / numstat['seconds']:6.3f} "
            f"{cpu / numstat['cpu']:6.3f}          {wall / names['seconds']:6.3f} "
            f"{cpu / names['cpu']:6.3f}"
        )
    print(f"truck factor {tf['truck_factor']} over {tf['files']:,} files: {tf['authors'][:12]}")


if __name__ == "__main__":
    main()
