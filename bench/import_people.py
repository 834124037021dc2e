"""Benchmark: import a generated 10,000-person HRIS CSV into a fresh SQLite database.

    python bench/import_people.py [--people 10000] [--keep DIR]

Generates (deterministically, seed 42) a teams CSV and a people CSV, creates a fresh database
under a temporary STEWARD_HOME, then times, end to end as a user runs them:
  1. `steward import people FILE` into the empty organization (target: under 10 s),
  2. the same command again (everything unchanged, nothing written),
  3. a one-field change for 1% of the people (a title) as a third run,
and, as the baseline measured in the same run on the same machine: reading the CSV with the
csv module and inserting the same rows with one sqlite3 `executemany` into a fresh file. It also
times `steward --help` (interpreter and CLI start-up) so the fixed cost is visible. Each step
prints wall time and CPU time (on a busy machine wall time is mostly waiting for a CPU).
Set DATABASE_URL to run against PostgreSQL instead (the database must be empty).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TEAM_TYPES = ["stream-aligned", "platform", "enabling", "complicated-subsystem"]
FIRST = [
    "Ada",
    "Bo",
    "Chen",
    "Dara",
    "Eli",
    "Fatima",
    "Goran",
    "Hana",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Mateo",
    "Nia",
    "Oskar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tariq",
    "Uma",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Almeida",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Underwood",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zhou",
]
PLACES = [
    ("Berlin", "Europe/Berlin", "EUR"),
    ("Lisbon", "Europe/Lisbon", "EUR"),
    ("London", "Europe/London", "GBP"),
    ("New York", "America/New_York", "USD"),
    ("Toronto", "America/Toronto", "CAD"),
]
PEOPLE_HEADER = [
    "employee_id",
    "name",
    "email",
    "title",
    "level",
    "track",
    "team",
    "manager_employee_id",
    "location",
    "employment_type",
    "start_date",
    "end_date",
    "salary",
    "currency",
    "department",
    "fte",
    "timezone",
    "termination_type",
    "regretted",
    "cost_center",
]


def generate(folder: Path, people: int, seed: int = 42) -> tuple[Path, Path]:
    """Write teams.csv and people.csv (a CTO, directors, managers, engineers; 5% leavers)."""
    rng = random.Random(seed)
    n_teams = max(4, people // 25)
    teams = [f"team-{i:03d}" for i in range(n_teams)]
    teams_path = folder / "teams.csv"
    with teams_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["slug", "name", "type", "parent", "lead_employee_id", "mission"])
        for i, slug in enumerate(teams):
            out.writerow(
                [slug, f"Team {i}", TEAM_TYPES[i % 4], f"dept-{i % 8}", "", f"Mission of team {i}"]
            )
    directors = max(1, n_teams // 8)
    managers: list[str] = []
    people_path = folder / "people.csv"
    base = date(2015, 1, 1)
    with people_path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(PEOPLE_HEADER)
        for n in range(1, people + 1):
            eid = f"E{n:05d}"
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            city, tz, currency = rng.choice(PLACES)
            start = base + timedelta(days=rng.randrange(3650))
            end = ""
            termination = ""
            regretted = ""
            if n > 1 + directors + n_teams and rng.random() < 0.05:
                end = (start + timedelta(days=rng.randrange(30, 900))).isoformat()
                termination = rng.choice(["voluntary", "involuntary", "other"])
                regretted = rng.choice(["yes", "no"])
            if n == 1:
                title, level, track, team, manager = "CTO", "M6", "manager", "", ""
            elif n <= 1 + directors:
                title, level, track, team, manager = "Director", "M5", "manager", "", "E00001"
            elif n <= 1 + directors + n_teams:
                title, level, track = "Engineering Manager", "M3", "manager"
                team = teams[n - 2 - directors]
                manager = f"E{2 + (n % directors):05d}"
                managers.append(eid)
            else:
                title, level, track = "Software Engineer", f"L{rng.randint(1, 5)}", "ic"
                index = rng.randrange(n_teams)
                team, manager = teams[index], managers[index]
            emails = f"{eid.lower()}@example.com"
            if rng.random() < 0.2:
                emails += f";{eid.lower()}@old.example.com"
            salary = f"{rng.randrange(40, 200) * 1000}.00"
            out.writerow(
                [
                    eid,
                    name,
                    emails,
                    title,
                    level,
                    track,
                    team,
                    manager,
                    city,
                    "full-time",
                    start.isoformat(),
                    end,
                    salary,
                    currency,
                    f"dept-{n % 8}",
                    "1.00" if rng.random() < 0.9 else "0.80",
                    tz,
                    termination,
                    regretted,
                    f"CC-{n % 50:02d}",
                ]
            )
    return teams_path, people_path


def changed_copy(people_path: Path, every: int = 100) -> Path:
    """The people file with the title of every `every`-th person changed."""
    rows = list(csv.reader(people_path.open(encoding="utf-8")))
    for i, row in enumerate(rows[1:], start=1):
        if i % every == 0:
            row[3] = row[3] + " II"
    path = people_path.with_name("people-changed.csv")
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def baseline(people_path: Path, folder: Path) -> float:
    """csv parsing + one sqlite3 executemany of the same rows into a fresh file, committed."""
    started = time.perf_counter()
    with people_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    db = sqlite3.connect(folder / "baseline.sqlite3")
    columns = ", ".join(f'"{c}" TEXT' for c in header)
    db.execute(f"CREATE TABLE person (id INTEGER PRIMARY KEY, {columns})")
    marks = ", ".join("?" for _ in header)
    db.executemany(f"INSERT INTO person ({', '.join(header)}) VALUES ({marks})", rows)
    db.commit()
    db.close()
    return time.perf_counter() - started


def steward(*args: str, env: dict[str, str]) -> tuple[float, float]:
    """Run `steward ARGS`; return its wall time and its CPU time (user + system) in seconds.

    CPU time is reported too because on a busy machine wall time mostly measures waiting.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "steward", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    """Generate, import, re-import; print times and ratios against the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="use this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="steward-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, STEWARD_HOME=str(folder / "home"))
    teams_path, people_path = generate(folder, args.people)
    changed_path = changed_copy(people_path)
    engine = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite"

    steward("init", env=env)
    startup = steward("--help", env=env)
    steward("import", "teams", str(teams_path), env=env)
    first = steward("import", "people", str(people_path), env=env)
    again = steward("import", "people", str(people_path), env=env)
    changed = steward("import", "people", str(changed_path), env=env)
    cpu_before = time.process_time()
    base = baseline(people_path, folder)
    base_cpu = time.process_time() - cpu_before

    print(
        f"{args.people} people, {engine}, files in {folder}; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'':40s} {'wall s':>8s} {'cpu s':>8s} {'wall/base':>10s}")
    print(f"{'baseline (csv + sqlite3 executemany)':40s} {base:8.3f} {base_cpu:8.3f}")
    for label, (wall, cpu) in (
        ("steward start-up (steward --help)", startup),
        ("import into empty organization", first),
        ("re-import, unchanged", again),
        ("re-import, 1% titles changed", changed),
    ):
        print(f"{label:40s} {wall:8.3f} {cpu:8.3f} {wall / base:9.1f}x")
    verdict = "ok" if first[0] < 10 else "MISSED (see cpu s if the machine is busy)"
    print(f"target: 10,000 people imported in under 10 s wall: {verdict}")


if __name__ == "__main__":
    main()
