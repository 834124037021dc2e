"""The demo written in bulk (steward.demo.batch) is what the per-row services wrote.

The pinned figures were measured in the demo of seed 1 built by the per-row services (commit
7e73695, before the growth step wrote in bulk) with bench/demo_dump.py; the full comparison of
every table is `python bench/demo_dump.py compare` (docs/benchmarks.md).
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import transaction

from steward.core.policy import SYSTEM
from steward.demo.batch import Batch
from steward.growth import services
from steward.growth.models import (
    ActionItem,
    LadderLevel,
    OneOnOneContent,
    OneOnOneMeeting,
    OneOnOnePair,
    PersonLevel,
    TrainingBudget,
)
from steward.org.models import Person

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _demo_dump() -> Any:
    spec = importlib.util.spec_from_file_location("demo_dump", ROOT / "bench" / "demo_dump.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The tables the growth step writes in bulk, and their rows in the demo of seed 1.
BULK = {
    "growth.personlevel": 176,
    "growth.oneononepair": 129,
    "growth.oneononemeeting": 1312,
    "growth.oneononecontent": 1312,
    "growth.actionitem": 396,
    "growth.trainingbudget": 113,
    "growth.trainingrecord": 56,
    "growth.exitrecord": 21,
}
# Their audit entries by (model, action: 0 create, 1 change): 25 promoted people's first level
# ended, and every budget created as given and then saved cleaned.
BULK_AUDIT = {
    **{(model, 0): rows for model, rows in BULK.items()},
    ("growth.personlevel", 1): 25,
    ("growth.trainingbudget", 1): 113,
}
# bench/demo_dump.py's digests of those tables (every column) and of their audit entries.
BULK_DIGEST = "57e7602b2de04e84"
BULK_AUDIT_DIGEST = "8adddb8237260e08"


def test_seed_1_rows_of_the_bulk_tables_are_the_per_row_services() -> None:
    dump = _demo_dump()
    tables = dump.dump_tables(set(BULK))
    assert {t["model"]: len(t["rows"]) for t in tables.values()} == BULK
    entries = dump.audit_entries(set(BULK))
    assert Counter((model, action) for model, _, _, action, _ in entries) == BULK_AUDIT
    assert dump.digest(tables) == BULK_DIGEST
    assert dump.digest(entries) == BULK_AUDIT_DIGEST


class _Undo(Exception):
    pass


def _written(since: int) -> list[tuple[str, int, str, dict[str, Any]]]:
    """Audit entries after `since`: model, action, repr and changes (the new rows' ids, which
    the two ways draw apart, left out)."""
    kept = []
    for entry in LogEntry.objects.filter(pk__gt=since).order_by("pk"):
        changes = {k: v for k, v in entry.changes.items() if k not in ("id", "pair", "meeting")}
        model = entry.content_type.model
        numbered = model in ("oneononemeeting", "oneononecontent", "actionitem")
        repr_ = "" if numbered else entry.object_repr
        kept.append((model, entry.action, repr_, changes))
    return kept


def _through_services(person: Person, cto: Person, low: Any, high: Any) -> None:
    services.person_level_set(actor=SYSTEM, person=person, level=low, start=date(2021, 1, 4))
    services.person_level_set(
        actor=SYSTEM, person=person, level=high, start=date(2022, 3, 1), note="promoted"
    )
    services.training_budget_set(actor=SYSTEM, person=person, year=2030, amount=1500)
    pair = services.pair_create(
        actor=SYSTEM, manager=cto, report=person, cadence_days=14, started_on=date(2021, 1, 4)
    )
    services.meeting_record(
        actor=SYSTEM,
        pair=pair,
        held_on=date(2021, 1, 18),
        agenda="Priorities",
        actions=[services.ActionIn(text=" Write it up ", owner=person, due_on=date(2021, 2, 1))],
    )


def _in_a_batch(person: Person, cto: Person, low: Any, high: Any) -> None:
    batch = Batch()
    first = batch.add(PersonLevel(person=person, level=low, start=date(2021, 1, 4)))
    batch.change(first, end=date(2022, 3, 1))
    batch.add(PersonLevel(person=person, level=high, start=date(2022, 3, 1), note="promoted"))
    budget = batch.add(TrainingBudget(person=person, year=2030, amount=1500), clean=False)
    batch.change(budget, stored=True, amount=1500, currency="EUR")
    pair = batch.add(
        OneOnOnePair(manager=cto, report=person, cadence_days=14, started_on=date(2021, 1, 4))
    )
    meeting = batch.add(OneOnOneMeeting(pair=pair, held_on=date(2021, 1, 18)))
    batch.add(OneOnOneContent(meeting=meeting, agenda="Priorities", private_notes=""))
    batch.add(
        ActionItem(meeting=meeting, text="Write it up", owner=person, due_on=date(2021, 2, 1))
    )
    batch.flush()


def _write(how: Any, person: Person, cto: Person) -> tuple[list[Any], list[Any]]:
    """What `how` writes for a leaver (levels, a budget, a 1:1 with the CTO), then undone."""
    levels = LadderLevel.objects.filter(track__framework__key="northwind-engineering")
    low, high = levels.get(key="L1"), levels.get(key="L2")
    result: tuple[list[Any], list[Any]] = ([], [])
    try:
        with transaction.atomic():
            PersonLevel.objects.filter(person=person).delete()
            since = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            how(person, cto, low, high)
            rows = list(
                PersonLevel.objects.filter(person=person)
                .order_by("start")
                .values_list("level_id", "start", "end", "note")
            )
            rows += list(
                TrainingBudget.objects.filter(person=person, year=2030).values_list(
                    "year", "amount", "currency"
                )
            )
            rows += list(
                ActionItem.objects.filter(meeting__pair__report=person).values_list(
                    "text", "owner_id", "due_on", "done_on"
                )
            )
            result = (_written(since), rows)
            raise _Undo
    except _Undo:
        pass
    return result


def test_a_batch_writes_and_audits_what_the_services_write() -> None:
    person = Person.objects.filter(end_date__isnull=False).order_by("employee_id").first()
    cto = Person.objects.get(title="Chief Technology Officer")
    assert person is not None
    entries, rows = _write(_through_services, person, cto)
    assert (entries, rows) == _write(_in_a_batch, person, cto)
    # The entries the services wrote: two levels (the first ended by the second), a budget
    # created as given then saved cleaned (1500 read back as 1500.00), a 1:1 with its content.
    assert [(model, action) for model, action, _, _ in entries] == [
        ("personlevel", 0),
        ("personlevel", 1),
        ("personlevel", 0),
        ("trainingbudget", 0),
        ("trainingbudget", 1),
        ("oneononepair", 0),
        ("oneononemeeting", 0),
        ("oneononecontent", 0),
        ("actionitem", 0),
    ]
    assert entries[1][3] == {"end": ["None", "2022-03-01"]}
    assert entries[4][3] == {"amount": ["1500.00", "1500"]}
    assert "content" not in entries[6][3]  # no content yet when the meeting was saved
    assert rows[-1] == ("Write it up", person.pk, date(2021, 2, 1), None)
