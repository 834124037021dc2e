"""`steward import decisions DIR`: a folder of decision records in any FORMATS.md dialect.

Every file is parsed first; files that are not records (README, index, templates) are skipped
and listed (as warnings); a record that cannot be read is a problem with its file, line and
reason, and then nothing is written. Otherwise all records are written in one transaction,
keyed by number, so importing the same folder again changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from steward.architecture.adr_format import NotARecord, ParsedRecord, RecordError, parse_record
from steward.architecture.models import Decision
from steward.core import safe_yaml
from steward.core.importing import Change, Diff, Importer, audit_created

FIELDS = (
    "title",
    "status",
    "date",
    "decision_makers",
    "consulted",
    "informed",
    "tags",
    "body",
    "supersedes",
)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".md")


def _current(decision: Decision) -> dict[str, Any]:
    return {
        "title": decision.title,
        "status": decision.status,
        "date": decision.date,
        "decision_makers": list(decision.decision_makers),
        "consulted": list(decision.consulted),
        "informed": list(decision.informed),
        "tags": list(decision.tags),
        "body": decision.body,
        "supersedes": decision.supersedes.number if decision.supersedes else None,
    }


class DecisionsImporter(Importer):
    """A folder (or one file) of Markdown decision records."""

    kind = "decisions"

    def read_records(self) -> list[tuple[Path, ParsedRecord]]:
        """Parse every file; record problems; list skipped files in `self.skipped`."""
        self.skipped: list[str] = []
        records: list[tuple[Path, ParsedRecord]] = []
        for file in _files(self.path):
            rel = str(file.relative_to(self.path)) if self.path.is_dir() else file.name
            try:
                text = safe_yaml.read_text(file)  # the size limit; UTF-8, a BOM dropped
            except safe_yaml.YamlRefused as exc:
                self.problem(None, None, str(exc), exc.hint, file=str(file))
                continue
            try:
                records.append((file, parse_record(file.name, text)))
            except NotARecord:
                self.skipped.append(rel)
            except RecordError as exc:
                self.problem(exc.line, None, exc.reason, file=str(file))
        return records

    def _number_numberless(self, records: list[tuple[Path, ParsedRecord]]) -> None:
        """Give records without a number (date-prefixed names) the number Steward gave them
        before (by file name), else the next free one, in file-name (that is, date) order."""
        self.sources: dict[int, str] = {}
        known = dict(Decision.objects.exclude(source_file="").values_list("source_file", "number"))
        used = set(Decision.objects.values_list("number", flat=True))
        used.update(r.number for _f, r in records if r.number is not None)
        next_free = max(used, default=0) + 1
        for file, record in sorted(records, key=lambda fr: fr[0].name):
            if record.number is not None:
                continue
            if file.name in known:
                record.number = known[file.name]
            else:
                record.number = next_free
                next_free += 1
            self.sources[record.number] = file.name

    def plan(self) -> Diff:
        diff = self.new_diff()
        records = self.read_records()
        by_number: dict[int, tuple[Path, ParsedRecord]] = {}
        self._number_numberless(records)
        for file, record in records:
            assert record.number is not None
            if record.number in by_number:
                other = by_number[record.number][0]
                self.problem(
                    1,
                    None,
                    f"number {record.number} is also used by {other.name}",
                    "give each record its own number",
                    file=str(file),
                )
                continue
            by_number[record.number] = (file, record)
        # `superseded by N` on the old record means N supersedes it (adr-tools writes both).
        for number, (_file, record) in by_number.items():
            target = record.superseded_by
            if target is not None and target in by_number:
                newer = by_number[target][1]
                if newer.supersedes is None:
                    newer.supersedes = number
        existing = {d.number: d for d in Decision.objects.select_related("supersedes")}
        known = set(existing) | set(by_number)
        for number in sorted(by_number):
            file, record = by_number[number]
            if record.supersedes is not None and record.supersedes not in known:
                diff.warnings.append(
                    f"{file.name}: supersedes ADR-{record.supersedes:04d}, which is neither in "
                    "the folder nor in Steward (link dropped)"
                )
                record.supersedes = None
            new = {name: getattr(record, name) for name in FIELDS}
            key = f"ADR-{number:04d}"
            current = existing.get(number)
            if current is None:
                diff.add(Change("added", key, line=None, payload=record))
                continue
            old = _current(current)
            changed = {n: (old[n], new[n]) for n in FIELDS if old[n] != new[n]}
            kind = "changed" if changed else "unchanged"
            diff.add(Change(kind, key, fields=changed, payload=record))
        diff.warnings.extend(f"skipped {name} (not a decision record)" for name in self.skipped)
        return diff

    def apply(self, diff: Diff) -> None:
        """New records in bulk (audited with `audit_created`), changed ones with `save()`."""
        added: list[ParsedRecord] = [c.payload for c in diff.of_kind("added")]
        changed: list[ParsedRecord] = [c.payload for c in diff.of_kind("changed")]
        actor = self.actor if getattr(self.actor, "pk", None) else None
        created = Decision.objects.bulk_create(
            [
                Decision(
                    number=r.number or 0,  # numbered in plan()
                    source_file=self.sources.get(r.number or 0, ""),
                    created_by=actor,
                    **{name: getattr(r, name) for name in FIELDS[:-1]},
                )
                for r in added
            ]
        )
        audit_created(created, actor=actor)
        decisions = {d.number: d for d in Decision.objects.all()}
        for record in changed:
            assert record.number is not None
            decision = decisions[record.number]
            for name in FIELDS[:-1]:
                setattr(decision, name, getattr(record, name))
            decision.save()  # save(): audited
        # Links last: a record may supersede one that was created in this same import.
        for record in [*added, *changed]:
            assert record.number is not None
            decision = decisions[record.number]
            target = decisions.get(record.supersedes) if record.supersedes is not None else None
            if decision.supersedes_id != (target.pk if target else None):
                decision.supersedes = target
                decision.save(update_fields=["supersedes", "updated_at"])
