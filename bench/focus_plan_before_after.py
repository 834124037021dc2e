"""Benchmark: `FocusImporter.plan` of another checkout (the baseline) against this one's.

    python bench/focus_plan_before_after.py BASELINE_SRC [THIS_SRC]   (ROWS=100000 by default)

Both plans run alternately in one process on one generated bill (bench/import_focus.py's
generator, seed 7, FOCUS 1.3 with ContractApplied), five times each, reading the same fresh
SQLite database (40 mapping rules); prints the median CPU seconds of each and their ratio, and
fails unless both plans give the same periods, digests and sums. Only the baseline's
`finance/importers.py` is loaded from BASELINE_SRC (everything else is this checkout's).
"""

import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

base_src = sys.argv[1]
new_src = sys.argv[2] if len(sys.argv) > 2 else str(Path(__file__).resolve().parent.parent / "src")
home = Path(tempfile.mkdtemp(prefix="imp-focus-micro-"))
os.environ["STEWARD_HOME"] = str(home)
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, new_src)
sys.path.insert(0, str(Path(new_src).parent / "bench"))
import import_focus  # the generator  # noqa: E402

from steward.core.cli_support import django_setup, migrate  # noqa: E402

django_setup()
migrate()
import steward.finance.importers as new  # noqa: E402
from steward.core.policy import SYSTEM  # noqa: E402
from steward.finance import services  # noqa: E402

for i in range(40):
    services.rule_create(
        actor=SYSTEM,
        source="focus",
        priority=10,
        field="tag:team",
        pattern=f"team-{i}",
        service=f"svc-{i}",
    )
spec = importlib.util.spec_from_file_location("fi_base", f"{base_src}/steward/finance/importers.py")
base = importlib.util.module_from_spec(spec)
sys.modules["fi_base"] = base
spec.loader.exec_module(base)
bill = home / "focus.csv"
import_focus.generate(bill, int(os.environ.get("ROWS", "100000")), applied=True)


def plan(mod):
    imp = mod.FocusImporter(bill, actor=SYSTEM)
    t = time.process_time()
    d = imp.plan()
    s = time.process_time() - t
    assert not imp.problems
    key = [
        (
            c.kind,
            c.key,
            c.payload[1],
            sorted((k, tuple(v)) for k, v in c.payload[3]),
            sorted((k, tuple(v)) for k, v in c.payload[5]),
        )
        for c in d.changes
    ]
    return s, key


times = {"before": [], "after": []}
keys = {}
for _ in range(5):
    for name, mod in (("before", base), ("after", new)):
        s, key = plan(mod)
        times[name].append(s)
        keys.setdefault(name, key)
assert keys["before"] == keys["after"], "plans differ"


def med(xs: list[float]) -> float:
    return sorted(xs)[len(xs) // 2]


print(f"same periods, digests and sums: yes ({len(keys['after'])} periods)")
print(
    "before", [round(x, 2) for x in times["before"]], "after", [round(x, 2) for x in times["after"]]
)
before, after = med(times["before"]), med(times["after"])
print(f"median CPU: before {before:.2f} s, after {after:.2f} s, ratio {after / before:.3f}")
