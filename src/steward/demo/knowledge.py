"""The demo's code-knowledge story: one more payments repository, `billing-core`, written so that
every code-knowledge page has something true to say.

- Truck factor 1: one payments engineer (the "hero") wrote almost every file.
- A leaver's abandoned files: `legacy/` was written only by someone who has left.
- A hotspot folder: `src/invoices/` changes almost every week of the last year.
- Cross-team coupling: a catalog engineer changes `src/catalog_sync.py` together with
  `src/invoices/totals.py` again and again (catalog and payments declare no interaction). The
  catalog says the catalog team owns `src/catalog_sync.py` (entity `catalog-sync`), so the two
  modules belong to different teams: 17 shared commits, 17 and 67 revisions in the last 12
  months, degree 17 ÷ 42 = 40.5 % (architecture's cross-team coupling).
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from steward.demo.builder import DemoContext

FORMAT_VERSION = 1
REPO = "billing-core"


class _Stream:
    def __init__(self) -> None:
        self.out: list[bytes] = []
        self.mark = 0
        self.files: dict[str, list[str]] = {}

    def commit(
        self, who: tuple[str, str], when: datetime, message: str, edits: dict[str, str | None]
    ) -> None:
        self.mark += 1
        stamp = f"{int(when.timestamp())} +0000"
        ident = f"{who[0]} <{who[1]}> {stamp}"
        self.out.append(f"commit refs/heads/main\nmark :{self.mark}\n".encode())
        self.out.append(f"author {ident}\ncommitter {ident}\n".encode())
        payload = message.encode()
        self.out.append(b"data %d\n%s\n" % (len(payload), payload))
        for path, line in edits.items():
            if line is None:
                self.out.append(f"D {path}\n".encode())
                self.files.pop(path, None)
                continue
            lines = self.files.setdefault(path, [])
            lines.append(line)
            data = ("\n".join(lines) + "\n").encode()
            self.out.append(f"M 100644 inline {path}\n".encode())
            self.out.append(b"data %d\n%s\n" % (len(data), data))


def _people(ctx: DemoContext) -> dict[str, tuple[str, str]]:
    from steward.org.models import Person

    def ident(person: Person) -> tuple[str, str]:
        return person.name, person.emails.all()[0].email

    people = Person.objects.prefetch_related("emails").select_related("team")
    payments = [p for p in people.filter(team__slug="payments").order_by("start_date", "pk")]
    stayers = [p for p in payments if p.end_date is None and p.emails.all()]
    leavers = [
        p for p in people.exclude(end_date=None).order_by("-end_date", "pk") if p.emails.all()
    ]
    catalog = [
        p
        for p in people.filter(team__slug="catalog", end_date=None).order_by("start_date", "pk")
        if p.emails.all()
    ]
    if not stayers or not leavers or not catalog:
        return {}
    return {
        "hero": ident(stayers[0]),
        "helper": ident(stayers[1] if len(stayers) > 1 else stayers[0]),
        "leaver": ident(leavers[0]),
        "catalog": ident(catalog[0]),
        "leaver_end": (str(leavers[0].end_date), ""),
    }


def build(ctx: DemoContext, target: Path) -> bool:
    """Write billing-core as a bare repository at `target`; False if the org lacks the cast."""
    cast = _people(ctx)
    if not cast:
        return False
    hero, helper, leaver, catalog = cast["hero"], cast["helper"], cast["leaver"], cast["catalog"]
    leaver_end = datetime.fromisoformat(cast["leaver_end"][0]).replace(tzinfo=UTC)
    today = datetime.combine(ctx.today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
    start = min(today - timedelta(days=700), leaver_end - timedelta(days=200))
    s = _Stream()
    core = [f"src/{name}.py" for name in ("api", "accounts", "ledger", "payouts", "refunds")]
    invoices = [f"src/invoices/{name}.py" for name in ("totals", "taxes", "render", "numbering")]
    legacy = [f"legacy/{name}.py" for name in ("gateway_v1", "reconcile_v1", "batch_export")]
    s.commit(
        hero,
        start,
        "Initial billing core\n",
        {"README.md": "# billing-core", **{p: "# core" for p in core + invoices}},
    )
    when = start + timedelta(days=3)
    # The leaver writes the legacy gateway before leaving; nobody touches it since.
    for i in range(12):
        s.commit(
            leaver,
            min(when + timedelta(days=i * 4), leaver_end - timedelta(days=30)),
            f"Legacy gateway step {i}\n",
            {legacy[i % len(legacy)]: f"legacy step {i}"},
        )
    # The hero keeps the core going; a helper makes a few small changes.
    for i in range(60):
        day = start + timedelta(days=10 + i * 9)
        if day >= today - timedelta(days=370):
            break
        edits: dict[str, str | None] = {core[i % len(core)]: f"core change {i}"}
        s.commit(hero if i % 6 else helper, day, f"Core change {i}\n", edits)
    # The last year: invoices change every week (hotspot); the catalog engineer changes the
    # catalog sync with the invoice totals (cross-team coupling).
    for week in range(50):
        day = today - timedelta(days=360 - week * 7)
        path = invoices[week % len(invoices)]
        s.commit(hero, day, f"Invoices: week {week}\n", {path: f"invoice change {week}"})
        if week % 3 == 0:
            s.commit(
                catalog,
                day + timedelta(hours=3),
                f"Sync catalog prices into invoice totals ({week})\n",
                {
                    "src/catalog_sync.py": f"catalog sync {week}",
                    "src/invoices/totals.py": f"price source {week}",
                },
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(target)], check=True)
    subprocess.run(
        ["git", "-C", str(target), "fast-import", "--quiet"],
        input=b"".join(s.out),
        check=True,
    )
    return True


def step_knowledge(ctx: DemoContext) -> None:
    """Build and ingest billing-core (owned by payments)."""
    from steward.engineering.ingest import ingest_paths

    folder = Path(settings.STEWARD_HOME) / "demo-repos" / f"knowledge-{ctx.seed}-v{FORMAT_VERSION}"
    target = folder / f"{REPO}.git"
    if not (folder / ".complete").exists():
        if target.exists():
            import shutil

            shutil.rmtree(target)
        if not build(ctx, target):
            return
        (folder / ".complete").write_text("ok\n")
    results = ingest_paths([target], team_slug="payments", workers=1)
    failed = [r for r in results if not r.ok]
    if failed:
        raise RuntimeError(f"demo ingestion failed: {failed[0].name}: {failed[0].error}")
    _catalog_sync(ctx)


CATALOG_SYNC = f"""apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: catalog-sync
  title: Catalog price sync
  description: Copies catalog prices into the invoice totals of {REPO}.
  annotations:
    github.com/project-slug: demo/{REPO}
    backstage.io/source-location: url:https://github.com/demo/{REPO}/tree/main/src/catalog_sync.py
    steward.io/tier: "2"
spec:
  type: library
  lifecycle: production
  owner: group:default/catalog
  system: catalog
"""


def _catalog_sync(ctx: DemoContext) -> None:
    """The catalog entity that gives `src/catalog_sync.py` to the catalog team (imported like
    any catalog file, once billing-core exists to link to)."""
    import tempfile

    from steward.core.importing import run_import
    from steward.core.policy import SYSTEM

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog-info.yaml"
        path.write_text(CATALOG_SYNC, encoding="utf-8")
        run_import("catalog", path, actor=SYSTEM, today=ctx.today)
