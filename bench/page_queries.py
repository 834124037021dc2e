"""The database queries of every navigation page and API list, per role (issue 18 item 5).

    python bench/page_queries.py HOME [--roles cto,engineer] [--only TEXT] [--show PATH]
                                 [--fixed] [--json FILE]

HOME is a demo STEWARD_HOME (`steward demo --no-serve`; with DATABASE_URL set, the PostgreSQL
demo database). Each URL of bench/scale.py's list (every GET page and endpoint without
parameters, the organization's detail pages, the biggest repository's pages) is requested once
to warm up, then once more inside Django's `CaptureQueriesContext` per role (a signed-in test
client), and the number of queries is printed per URL and role, most first. `--show PATH` prints
that URL's SQL (first role); `--fixed` prints the queries (numbers and quoted values blanked)
that at least 90% of the pages run, i.e. what every request pays.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

_VALUES = re.compile(r"'[^']*'|\b\d+(\.\d+)?\b")


def _shape(sql: str) -> str:
    """The query with its values blanked (the same query for another row reads the same)."""
    return _VALUES.sub("?", sql)[:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home")
    parser.add_argument("--roles", default="cto,engineer")
    parser.add_argument("--only", default="")
    parser.add_argument("--show", default="")
    parser.add_argument("--fixed", action="store_true")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    os.environ["STEWARD_HOME"] = args.home
    os.environ["STEWARD_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    from pages import DETAIL_PATHS, discovered_paths
    from scale import ADMIN_PATHS, DETAILS

    paths = discovered_paths(args.home)
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from steward.engineering.models import Repository

    biggest = Repository.objects.order_by("-reachable_commits").first()
    extra = [p.format(repo=biggest.name) for p in DETAILS] if biggest else []
    every = [p for p in dict.fromkeys([*paths, *DETAIL_PATHS, *extra]) if args.only in p]
    roles = args.roles.split(",")
    counts: dict[str, dict[str, int | None]] = {p: {} for p in every}
    shapes: Counter[str] = Counter()
    pages = 0
    for role in roles:
        client = Client()
        client.force_login(User.objects.get(username=role))
        for path in every + [p for p in ADMIN_PATHS if role == "admin"]:
            client.get(path)  # warm-up (caches of the process)
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path).status_code
            counts.setdefault(path, {})[role] = len(captured) if status == 200 else None
            if status == 200:
                pages += 1
                shapes.update({_shape(q["sql"]) for q in captured.captured_queries})
            if path == args.show and role == roles[0]:
                for q in captured.captured_queries:
                    print(q["sql"][:400])
                print()
    width = max(len(p) for p in counts)
    print(f"{'URL':<{width}} " + " ".join(f"{r:>9}" for r in roles))
    for path, by_role in sorted(
        counts.items(), key=lambda kv: -max(v or 0 for v in kv[1].values())
    ):
        cells = [by_role.get(r) for r in roles]
        print(f"{path:<{width}} " + " ".join(f"{'-' if c is None else c:>9}" for c in cells))
    total = {r: sum(v.get(r) or 0 for v in counts.values()) for r in roles}
    print(f"{'total':<{width}} " + " ".join(f"{total[r]:>9}" for r in roles))
    if args.fixed:
        print(f"\nqueries run by at least 90% of {pages} pages:")
        for shape, n in shapes.most_common():
            if n >= 0.9 * pages:
                print(f"  {n:>4}  {shape}")
    if args.json:
        Path(args.json).write_text(json.dumps(counts, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
