"""Organization pages at 2,000 people: server time per page against baselines of the same run.

    python bench/org_pages.py [--people 2000] [--rounds 7] [--keep DIR] [--profile PATH]

Builds a generated organization (CEO → 8 VPs → 60 directors → engineering managers with 7
engineers each, 12 departments, one or two email addresses per person; the generator of
`bench/org_analyze.py`) into a fresh SQLite database in a temporary STEWARD_HOME (or DIR with
`--keep`, reused when present), then requests each page in process with Django's test client,
signed in as a CTO (`cto` group), once to warm up and `--rounds` times more, and prints the
median wall time and CPU time per page. Baselines measured in the same run, in the same process:
  healthz  `/healthz` (the framework's floor: middleware, one trivial query);
  raw SQL  the rows the people API returns (people joined with team, manager and department,
           plus their email addresses) read with one cursor, no model objects.
Target (issue 18): every page under 200 ms. `--profile PATH` names a page to cProfile (top 25
functions by cumulative time) and reports its query count and SQL time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

PAGES = [
    "/org/chart/",
    "/org/chart/?view=teams",
    "/org/chart/?all=1",
    "/api/v1/org/people?limit=1000",
    "/org/health/",
    "/org/people/",
    "/org/teams/",
    "/api/v1/org/teams?limit=1000",
    "/api/v1/openapi.json",
]


def _build(people: int) -> None:
    from django.contrib.auth.models import Group, User
    from django.db import transaction
    from org_analyze import _generate

    from steward.core.services import roles_ensure
    from steward.org.models import Department, Person, PersonEmail, Team

    rng = random.Random(18)
    _generate(people, rng)
    with transaction.atomic():
        depts = Department.objects.bulk_create(
            [Department(slug=f"dept-{i:02d}", name=f"Department {i}") for i in range(12)]
        )
        for i, team in enumerate(Team.objects.order_by("pk")):
            team.department = depts[i % 12]
            team.save(update_fields=["department"])
        emails = []
        titles = {
            "M6": "CEO",
            "M5": "VP Engineering",
            "M3": "Director",
            "M1": "Engineering Manager",
        }
        people = list(Person.objects.order_by("pk"))
        for person in people:
            person.title = titles.get(person.level, "Software Engineer")
            person.department = depts[person.pk % 12]
            emails.append(PersonEmail(person=person, email=f"p{person.pk}@example.com"))
            if person.pk % 3 == 0:
                emails.append(
                    PersonEmail(person=person, email=f"p{person.pk}@old.example.com", position=1)
                )
        Person.objects.bulk_update(people, ["title", "department"], batch_size=1000)
        PersonEmail.objects.bulk_create(emails, batch_size=2000)
        roles_ensure()
        user = User.objects.create_user("cto", password="bench")
        user.groups.add(Group.objects.get(name="cto"))
        ceo = Person.objects.order_by("pk").first()
        if ceo is not None:
            Person.objects.filter(pk=ceo.pk).update(user=user)


def _raw_sql() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.employee_id, p.name, p.title, p.level, p.track, t.slug, m.employee_id, "
            "p.location, p.timezone, p.start_date, p.end_date, d.slug, p.employment_type, "
            "p.fte, p.termination_type, p.regretted, p.attributes, p.salary, p.currency "
            "FROM org_person p LEFT JOIN org_team t ON t.id = p.team_id "
            "LEFT JOIN org_person m ON m.id = p.manager_id "
            "LEFT JOIN org_department d ON d.id = p.department_id "
            "ORDER BY p.name, p.employee_id LIMIT 1000"
        )
        cur.fetchall()
        cur.execute("SELECT person_id, email FROM org_personemail ORDER BY position, email")
        cur.fetchall()


def _timed(fn, rounds: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    fn()
    wall, cpu = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keep", help="build into this folder and keep it (reused if present)")
    parser.add_argument("--profile", help="cProfile this page (a path from the list)")
    parser.add_argument("--only", help="measure only the pages whose path contains this")
    args = parser.parse_args()
    home = args.keep or tempfile.mkdtemp(prefix="steward-bench-orgpages-")
    fresh = not (Path(home) / "built").exists()
    os.environ["STEWARD_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    os.environ["STEWARD_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from steward.core.cli_support import migrate

    migrate()
    if fresh:
        t0 = time.perf_counter()
        _build(args.people)
        (Path(home) / "built").write_text("ok")
        print(f"built in {time.perf_counter() - t0:.1f} s into {home}")
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from steward.org.models import Person, Team

    client = Client()
    client.force_login(User.objects.get(username="cto"))
    print(
        f"organization: {Person.objects.count()} people, {Team.objects.count()} teams; "
        f"median of {args.rounds} after a warm-up, as the CTO"
    )

    queries: list[float] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(time.perf_counter() - t0)

    def counted(path: str) -> tuple[int, float]:
        """Queries and their total ms for one request (Django resets connection.queries
        at each request's start, so they are counted with an execute wrapper)."""
        queries.clear()
        with connection.execute_wrapper(count):
            get(path)
        return len(queries), sum(queries) * 1000

    def get(path: str):  # type: ignore[no-untyped-def]
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: status {response.status_code}")
        return response

    floor, floor_cpu = _timed(lambda: get("/healthz"), args.rounds)
    raw, raw_cpu = _timed(_raw_sql, args.rounds)
    print(
        f"\n{'page':38} {'ms':>8} {'cpu ms':>8} {'queries':>8} {'x healthz':>10} {'x raw SQL':>10}"
    )
    print(f"{'/healthz (baseline)':38} {floor:8.1f} {floor_cpu:8.1f} {'':>8} {1:10.1f} {'':>10}")
    print(f"{'raw SQL of the people rows':38} {raw:8.1f} {raw_cpu:8.1f} {2:8d} {'':>10} {1:10.1f}")
    over = []
    for path in [p for p in PAGES if not args.only or args.only in p]:
        n_queries, _ = counted(path)
        wall, cpu = _timed(lambda p=path: get(p), args.rounds)
        print(
            f"{path:38} {wall:8.1f} {cpu:8.1f} {n_queries:8d} "
            f"{wall / floor:10.1f} {wall / raw:10.1f}"
        )
        if wall >= 200:
            over.append(path)
    print(f"\nat or over 200 ms: {over or 'none'}")
    if args.profile:
        n_queries, sql_ms = counted(args.profile)
        print(f"\n{args.profile}: {n_queries} queries, {sql_ms:.1f} ms in SQL")
        profiler = cProfile.Profile()
        profiler.enable()
        get(args.profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
