"""Benchmark: the truck factor's `compute_authorship` of another checkout (the baseline) against
this one's, alternately in one process.

    python bench/authorship_before_after.py BASELINE_SRC [THIS_SRC]

A synthetic history (seed 3): 60,000 commits by 400 identities, about 190,000 change lines
over 20,000 paths with renames (2 % of lines). Prints the median CPU seconds of five runs each
and their ratio; fails unless both give the same authors and DOA for every file.
"""

import importlib.util
import random
import sys
import time


def load(src, name):
    spec = importlib.util.spec_from_file_location(name, f"{src}/steward/knowledge/truckfactor.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


this = (
    sys.argv[2]
    if len(sys.argv) > 2
    else str(__import__("pathlib").Path(__file__).resolve().parent.parent / "src")
)
sys.path.insert(0, this)
base, new = load(sys.argv[1], "tf_base"), load(this, "tf_new")
rng = random.Random(3)
people = [(f"Dev {i}", f"dev{i}@x.org") for i in range(400)]
commits = []
for _ in range(60_000):
    n, e = rng.choice(people)
    commits.append((n, e, n, e))
paths = [f"src/m{i // 50}/f{i}.py" for i in range(20_000)]
lines = []
live = list(paths[:2000])
for c in range(60_000):
    for _ in range(3 if c % 10 else 4):
        if rng.random() < 0.02 and live:
            old = rng.choice(live)
            newp = old + "x"
            live.remove(old)
            live.append(newp)
            lines.append((c, "R", newp, old))
        elif rng.random() < 0.1:
            p = paths[rng.randrange(len(paths))]
            live.append(p)
            lines.append((c, "A", p, ""))
        else:
            lines.append((c, "M", rng.choice(live), ""))
files = sorted(set(live))


def run(mod):
    src = mod.Source(commits=commits, lines=lines, files=files)
    t = time.process_time()
    a = mod.compute_authorship([src])
    return time.process_time() - t, a


out = {"base": [], "new": []}
for _ in range(5):
    for name, mod in (("base", base), ("new", new)):
        s, a = run(mod)
        out[name].append(s)
        key = [(f.path, sorted(f.authors), sorted(f.doa.items())) for f in a.files]
        out.setdefault(name + "_key", key)
assert out["base_key"] == out["new_key"], "different results"


def med(xs: list[float]) -> float:
    return sorted(xs)[len(xs) // 2]


print(f"files analysed {len(out['new_key'])}; same authors and DOA: yes")
before, after = med(out["base"]), med(out["new"])
print(f"median CPU: before {before:.3f} s, after {after:.3f} s, ratio {after / before:.3f}")
