"""The alignment selectors step by step, in one process (CPU ms, median and minimum of 9).

    STEWARD_HOME=<home> PYTHONPATH=<src> python bench/alignment_steps.py

The 90 days before the demo's reference date: the drill-down (its setup and two pages), the
report, and the report's steps (initiatives, `commit_groups`, the keyed-row read, attribution
with the team lookups). Run it with two `src/` folders (e.g. main's from `git archive`) on the
same home to compare versions step by step.
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
import django  # noqa: E402

django.setup()
from datetime import timedelta  # noqa: E402

from steward.core.policy import SYSTEM  # noqa: E402
from steward.demo.company import REFERENCE_DATE  # noqa: E402
from steward.engineering import selectors as ev  # noqa: E402
from steward.strategy import alignment, selectors  # noqa: E402
from steward.strategy.selectors import alignment as al  # noqa: E402

start, end = REFERENCE_DATE - timedelta(days=90), REFERENCE_DATE


def t(label, f, n=9):
    f()
    xs = []
    for _ in range(n):
        c = time.process_time()
        f()
        xs.append((time.process_time() - c) * 1000)
    print(f"{label:40} {statistics.median(xs):8.1f} ms (min {min(xs):.1f})")


ac = selectors.alignment_commits(actor=SYSTEM, start=start, end=end)
print("rows", ac.rows)
t("drill setup", lambda: selectors.alignment_commits(actor=SYSTEM, start=start, end=end))
t("drill page 0:100", lambda: ac[0:100])
ac2 = selectors.alignment_commits(actor=SYSTEM, start=start, end=end, objective="unaligned")
t("drill unaligned 200:250", lambda: ac2[200:250])
t("report", lambda: selectors.alignment_report(actor=SYSTEM, start=start, end=end))
by_key, _w = al._initiative_links(al.initiative_rows(SYSTEM))
t("initiative_rows", lambda: al.initiative_rows(SYSTEM))
t("commit_groups", lambda: ev.commit_groups(start=start, end=end, keys=set(by_key)))
t("keyed", lambda: ev._keyed_day_counts(start, end, frozenset(by_key)))
groups = ev.commit_groups(start=start, end=end, keys=set(by_key))
print("groups", len(groups))


def attribute():
    team_of = al._team_of({g.person_id for g in groups}, start, end)
    alignment.attribute_groups(groups, by_key, team_of)


t("team_of+attribute", attribute)
