"""The one write path for people: the field list, the rules across people, and the bulk write.

Every writer of people goes through here: the HRIS CSV importer (`steward import people`), org
as code (`steward import-all`), the person forms and the write API (through
`services.person_upsert_many` and its single-person wrappers). Each caller reads its own input
(a CSV row, a YAML mapping, a form) into `PersonWrite`s whose `values` use the names of
`PersonRow`; `check_people` applies every rule that spans people (team and manager exist,
reporting cycles, e-mail ownership, re-hires and earlier spells) and returns `PersonProblem`s that
the caller reports where its input came from (file and line, YAML key, form field);
`write_people` writes people, addresses and history in bulk (one INSERT or UPDATE per batch and
field set) and writes the audit log entries itself. Single-value rules (time zone, currency,
salary needs a currency, dates in order, ...) are in `steward.org.rules`.

History is derived (CSV, forms, API: a new team or manager takes effect on `today`, a change of
dates moves the rows that began or ended with the spell, a start after the last end is a re-hire)
or explicit (org as code: the file lists the spells, memberships and reporting lines).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Model

from steward.core.importing import (
    AuditRow,
    audit_deleted,
    audit_names,
    audit_rows,
    audit_updated,
    audit_value,
    insert_rows,
    update_rows,
)
from steward.org import rules
from steward.org.models import (
    Department,
    EmploymentSpell,
    Person,
    PersonEmail,
    ReportingLine,
    Team,
    TeamMembership,
    Track,
)


@dataclass
class PersonRow:
    """The fields of a person, in diff order, with their defaults: the one person field list.

    `team` and `department` are slugs, `manager` an employee_id, `emails` lower-case addresses
    (the first is the primary one). Every other list of person fields is derived from this one.
    """

    employee_id: str
    name: str = ""
    emails: list[str] = field(default_factory=list)
    title: str = ""
    level: str = ""
    track: str = Track.IC.value
    team: str = ""
    manager: str = ""
    department: str = ""
    location: str = ""
    timezone: str = ""
    employment_type: str = ""
    fte: Decimal = Decimal("1.00")
    start_date: date | None = None
    end_date: date | None = None
    termination_type: str = ""
    regretted: bool | None = None
    salary: Decimal | None = None
    currency: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)


def _default(f: dataclasses.Field[Any]) -> Any:
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


# Derived from PersonRow (do not write these lists out anywhere else).
FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PersonRow))[1:]
RELATIONS: tuple[str, ...] = ("team", "manager", "department")
PLAIN_FIELDS: tuple[str, ...] = tuple(n for n in FIELDS if n not in (*RELATIONS, "emails"))
HISTORY_FIELDS = frozenset(
    {"team", "manager", "start_date", "end_date", "termination_type", "regretted"}
)


def defaults() -> dict[str, Any]:
    """Every field of a person with its default value."""
    return {f.name: _default(f) for f in dataclasses.fields(PersonRow)[1:]}


def person_values(**given: Any) -> dict[str, Any]:
    """The values of a person: the defaults, overlaid with `given` (only PersonRow's fields)."""
    row = PersonRow(employee_id="", **given)
    return {name: getattr(row, name) for name in FIELDS}


@dataclass
class Existing:
    """A person as stored, in PersonRow's vocabulary."""

    pk: int
    values: dict[str, Any]


@dataclass
class History:
    """Explicit history of one person (org as code); None for a list: keep it as stored.

    Each entry is a mapping: employment `{start, end?, termination_type?, regretted?}`,
    team_history `{team, start, end?}`, manager_history `{manager, start, end?}`.
    """

    employment: list[dict[str, Any]] | None = None
    team_history: list[dict[str, Any]] | None = None
    manager_history: list[dict[str, Any]] | None = None


@dataclass
class PersonWrite:
    """What a writer asks for one person; `ref`: the caller's handle (CSV line, YAML entry)."""

    employee_id: str
    values: dict[str, Any]
    ref: Any = None
    history: History | None = None
    existing: Existing | None = None
    rehire: bool = False
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def compare(self) -> str:
        """Fill `changed`; the kind of change: added, changed, ended or unchanged."""
        if self.existing is None:
            return "added"
        old = self.existing.values
        self.changed = {n: (old[n], self.values[n]) for n in FIELDS if old[n] != self.values[n]}
        if self.rehire:
            return "changed"
        if old["end_date"] is None and self.values["end_date"] is not None:
            return "ended"
        return "changed" if self.changed else "unchanged"


@dataclass
class PersonProblem:
    """A rule a PersonWrite breaks; `field` is a PersonRow name (`chain`: a reporting cycle)."""

    write: PersonWrite
    field: str
    message: str
    hint: str
    chain: tuple[str, ...] = ()

    @property
    def first_in_cycle(self) -> bool:
        """True for the cycle's first member (a cycle is then reported once)."""
        return bool(self.chain) and self.chain[0] == self.write.employee_id


_CHUNK = 500


def chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    """`values` in slices small enough for an `IN (...)` clause."""
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


# ------------------------------------------------------------------- reading what is stored


def load_existing(employee_ids: Sequence[str] | None = None) -> dict[str, Existing]:
    """Stored people (all of them, or those with `employee_ids`) in PersonRow's vocabulary."""
    names = ("id", "employee_id", *PLAIN_FIELDS)
    related = ("team__slug", "manager__employee_id", "department__slug")
    if employee_ids is None:
        rows = list(Person.objects.values_list(*names, *related))
    else:
        rows = []
        for chunk in chunks(list(employee_ids)):
            rows.extend(Person.objects.filter(employee_id__in=chunk).values_list(*names, *related))
    emails: dict[int, list[str]] = {}
    query = PersonEmail.objects.order_by("person_id", "position", "id")
    if employee_ids is not None:
        query = query.filter(person_id__in=[r[0] for r in rows])
    for person_id, email in query.values_list("person_id", "email"):
        emails.setdefault(person_id, []).append(email)
    result: dict[str, Existing] = {}
    for values in rows:
        record = dict(zip(names, values[: len(names)], strict=True))
        team, manager, department = values[len(names) :]
        record.update(
            team=team or "",
            manager=manager or "",
            department=department or "",
            emails=emails.get(record["id"], []),
            attributes=record["attributes"] or {},
        )
        result[record["employee_id"]] = Existing(record.pop("id"), record)
    return result


class _Managers:
    """Who reports to whom after the writes: the writes over the stored people (read lazily)."""

    def __init__(self, writes: list[PersonWrite], stored: dict[str, Existing], complete: bool):
        self.graph = {eid: record.values["manager"] for eid, record in stored.items()}
        self.complete = complete
        for write in writes:
            self.graph[write.employee_id] = write.values["manager"]

    def known(self, ids: set[str]) -> set[str]:
        """Those of `ids` that are people (in the writes or stored)."""
        found = {i for i in ids if i in self.graph}
        missing = sorted(ids - found)
        if missing and not self.complete:
            for chunk in chunks(missing):
                for eid, manager in Person.objects.filter(employee_id__in=chunk).values_list(
                    "employee_id", "manager__employee_id"
                ):
                    self.graph[eid] = manager or ""
                    found.add(eid)
        return found

    def manager(self, eid: str) -> str:
        if eid not in self.graph and not self.complete:
            self.known({eid})
        return self.graph.get(eid, "")


# ------------------------------------------------------------------- the rules across people


def reporting_cycles(
    starts: Collection[str], manager_of: Callable[[str], str]
) -> dict[str, list[str]]:
    """For each of `starts` whose chain of managers runs into a reporting cycle: that cycle."""
    found: dict[str, list[str] | None] = {}
    for start in starts:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node = start
        while node and node not in found and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = manager_of(node)
        cycle = path[on_path[node] :] if node in on_path else found.get(node) if node else None
        for visited in path:
            found[visited] = cycle
    return {s: cycle for s in dict.fromkeys(starts) if (cycle := found.get(s))}


def cycle_problem(cycle: list[str], first: str) -> tuple[tuple[str, ...], rules.Problem]:
    """The cycle as a chain starting (and ending) at `first`, and its problem."""
    start = cycle.index(first)
    chain = (*cycle[start:], *cycle[:start], first)
    return chain, (
        "manager cycle: " + " -> ".join(chain),
        "give one of them a manager outside the cycle (or none)",
    )


def _check_teams(writes: list[PersonWrite], teams: set[str]) -> list[PersonProblem]:
    problems = []
    for write in writes:
        team = write.values["team"]
        if team and team not in teams:
            problems.append(PersonProblem(write, "team", *rules.unknown_team_problem(team)))
    return problems


def _check_managers(writes: list[PersonWrite], managers: _Managers) -> list[PersonProblem]:
    """Unknown managers, then reporting cycles (every write whose chain runs into one)."""
    problems: list[PersonProblem] = []
    wanted = {w.values["manager"] for w in writes if w.values["manager"]}
    known = managers.known(wanted)
    for write in writes:
        manager = write.values["manager"]
        if manager and manager not in known:
            problems.append(
                PersonProblem(write, "manager", *rules.unknown_manager_problem(manager))
            )
            managers.graph[write.employee_id] = ""
    order = {w.employee_id: i for i, w in enumerate(writes)}
    cycles = reporting_cycles(order, managers.manager)
    for write in writes:
        cycle = cycles.get(write.employee_id)
        if cycle is None:
            continue
        first = min(cycle, key=lambda eid: order.get(eid, 10**9))
        chain, problem = cycle_problem(cycle, first)
        problems.append(PersonProblem(write, "manager", *problem, chain=chain))
    return problems


def value_problems(v: dict[str, Any]) -> list[tuple[str, rules.Problem]]:
    """The rules on one person's own values (`steward.org.rules`), as (field, problem)."""
    found = (
        ("timezone", rules.timezone_problem(v["timezone"])),
        ("currency", rules.currency_problem(v["currency"])),
        ("currency", rules.salary_currency_problem(v["salary"], v["currency"])),
        (
            "termination_type",
            rules.leaving_problem("termination_type", v["termination_type"], v["end_date"]),
        ),
        ("regretted", rules.leaving_problem("regretted", v["regretted"], v["end_date"])),
        ("end_date", rules.end_before_start_problem(v["start_date"], v["end_date"])),
    )
    return [(name, problem) for name, problem in found if problem]


def _check_emails(writes: list[PersonWrite], owner_of: dict[str, str]) -> list[PersonProblem]:
    """An address belongs to one person; one given up by its owner in the same writes is free."""
    wanted = {w.employee_id: {e.lower() for e in w.values["emails"]} for w in writes}
    claimed: dict[str, str] = {}
    problems = []
    for write in writes:
        for email in write.values["emails"]:
            address = email.lower()
            owner = owner_of.get(address)
            if owner == write.employee_id or (
                owner is not None and owner in wanted and address not in wanted[owner]
            ):
                owner = None  # theirs, or given up by its owner in these writes
            owner = owner or claimed.setdefault(address, write.employee_id)
            if owner != write.employee_id:
                problems.append(
                    PersonProblem(write, "emails", *rules.email_taken_problem(email, owner))
                )
    return problems


def _email_owners(writes: list[PersonWrite], complete: bool) -> dict[str, str]:
    query = PersonEmail.objects.all()
    if not complete:
        query = query.filter(email__in=[e.lower() for w in writes for e in w.values["emails"]])
    return dict(query.values_list("email", "person__employee_id"))


def _check_spells(writes: list[PersonWrite]) -> list[PersonProblem]:
    """Start-date changes of stored people: a re-hire, a correction, or an earlier spell."""
    moved = [
        w
        for w in writes
        if w.existing
        and w.values["start_date"] is not None
        and w.values["start_date"] != w.existing.values["start_date"]
    ]
    if not moved:
        return []
    spells: dict[int, list[tuple[date, date | None]]] = {}
    for chunk in chunks([w.existing.pk for w in moved if w.existing]):
        for person_id, start, end in EmploymentSpell.objects.filter(
            person_id__in=chunk
        ).values_list("person_id", "start_date", "end_date"):
            spells.setdefault(person_id, []).append((start, end))
    problems = []
    for write in moved:
        assert write.existing is not None
        old = write.existing.values
        new_start: date = write.values["start_date"]
        earlier = sorted(s for s in spells.get(write.existing.pk, []) if s[0] < old["start_date"])
        if old["end_date"] is not None and new_start >= old["end_date"]:
            write.rehire = True
            continue
        if any(start == new_start for start, _ in earlier):
            problems.append(
                PersonProblem(
                    write,
                    "start_date",
                    f"{new_start} is the start of an earlier employment spell; "
                    f"{write.employee_id} was re-hired on {old['start_date']}",
                    "import the current HRIS export (one row per person, latest spell)",
                )
            )
        elif earlier and earlier[-1][1] is not None and new_start < earlier[-1][1]:
            problems.append(
                PersonProblem(
                    write,
                    "start_date",
                    f"{new_start} overlaps the earlier employment spell "
                    f"{earlier[-1][0]} to {earlier[-1][1]}",
                    f"give a start_date on or after {earlier[-1][1]}",
                )
            )
    return problems


def check_people(
    writes: list[PersonWrite],
    *,
    teams: set[str] | None = None,
    existing: dict[str, Existing] | None = None,
    email_owners: dict[str, str] | None = None,
    derive_history: bool = True,
    per_person: bool = True,
) -> list[PersonProblem]:
    """Every rule across people, for `writes` (fills each write's `existing`).

    `teams` (slugs) and `email_owners` (address -> employee_id) default to the database;
    `existing` to the stored people of the writes (pass `load_existing()` for a whole file).
    `per_person=False` leaves out the rules on one person's own values (team exists, dates in
    order) for a caller that applies them while reading, in column order.
    """
    complete = existing is not None
    stored = existing if existing is not None else load_existing([w.employee_id for w in writes])
    for write in writes:
        write.existing = stored.get(write.employee_id)
    if teams is None:
        slugs = {w.values["team"] for w in writes if w.values["team"]}
        teams = set(Team.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    problems = _check_teams(writes, teams) if per_person else []
    problems += _check_managers(writes, _Managers(writes, stored, complete))
    if email_owners is None:
        email_owners = _email_owners(writes, complete)
    problems += _check_emails(writes, email_owners)
    for write in writes if per_person else ():
        problems += [PersonProblem(write, f, *p) for f, p in value_problems(write.values)]
    if derive_history:
        problems += _check_spells(writes)
    return problems


# --------------------------------------------------------------------------- writing


_SPELL_FIELDS = ("person_id", "start_date", "end_date", "termination_type", "regretted")
_MEMBER_FIELDS = ("person_id", "team_id", "start", "end")
_LINE_FIELDS = ("person_id", "manager_id", "start", "end")


class _Writer:
    """Writes `PersonWrite`s (already checked and compared) in bulk, with their audit entries."""

    def __init__(self, actor: Any, today: date, writes: list[PersonWrite]) -> None:
        self.actor = actor
        self.today = today
        self.team_ids: dict[str, int] = dict(Team.objects.values_list("slug", "id"))
        self.dept_ids: dict[str, int] = dict(Department.objects.values_list("slug", "id"))
        people = Person.objects.values_list("employee_id", "id")
        if len(writes) > _CHUNK:
            self.person_ids: dict[str, int] = dict(people)
        else:  # a few people (a form, the API): only them and their managers
            needed = {w.employee_id for w in writes} | {w.values["manager"] for w in writes}
            for write in writes:
                if write.history and write.history.manager_history:
                    needed.update(e["manager"] for e in write.history.manager_history)
            self.person_ids = dict(people.filter(employee_id__in=needed))
        self.history = _NewHistory()

    def fk(self, values: dict[str, Any]) -> tuple[int | None, int | None, int | None]:
        return (
            self.team_ids[values["team"]] if values["team"] else None,
            self.person_ids[values["manager"]] if values["manager"] else None,
            self.dept_ids[values["department"]] if values["department"] else None,
        )

    def create_people(self, writes: list[PersonWrite]) -> None:
        # Create managers before their reports (in layers), so every manager_id is known.
        fields = ("employee_id", *PLAIN_FIELDS, "team_id", "manager_id", "department_id")
        pending = {w.employee_id: w for w in writes}
        label = audit_names(Person)
        audit: list[AuditRow] = []
        while pending:
            layer = [
                w
                for w in pending.values()
                if not w.values["manager"] or w.values["manager"] not in pending
            ]
            rows = [
                (w.employee_id, *(w.values[n] for n in PLAIN_FIELDS), *self.fk(w.values))
                for w in layer
            ]
            pks = insert_rows(Person, fields, rows)
            for write, pk, row in zip(layer, pks, rows, strict=True):
                self.person_ids[write.employee_id] = pk
                del pending[write.employee_id]
                changes = {
                    label[name]: ["None", str(value)]
                    for name, value in zip(fields, row, strict=True)
                }
                audit.append((pk, f"{write.values['name']} ({write.employee_id})", changes))
        audit_rows(Person, 0, audit, actor=self.actor)

    def update_people(self, writes: list[PersonWrite]) -> None:
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        audit: list[AuditRow] = []
        for write in writes:
            assert write.existing is not None
            changed = {k: v for k, v in write.changed.items() if k != "emails"}
            if not changed:
                continue
            names = tuple(sorted(changed))
            fk = dict(zip(RELATIONS, self.fk(write.values), strict=True))
            values = [fk[n] if n in fk else write.values[n] for n in names]
            groups.setdefault(names, []).append((*values, write.existing.pk))
            audit.append(
                (
                    write.existing.pk,
                    f"{write.values['name']} ({write.employee_id})",
                    {n: [audit_value(old), audit_value(new)] for n, (old, new) in changed.items()},
                )
            )
        for names, rows in groups.items():
            update_rows(Person, [f"{n}_id" if n in RELATIONS else n for n in names], rows)
        audit_rows(Person, 1, audit, actor=self.actor)

    def write_emails(self, added: list[PersonWrite], touched: list[PersonWrite]) -> None:
        changed = [w for w in touched if "emails" in w.changed]
        removed: list[PersonEmail] = []
        moved: list[tuple[Model, dict[str, tuple[Any, Any]]]] = []
        new: list[tuple[int, str, int]] = []
        current: dict[int, dict[str, PersonEmail]] = {}
        for chunk in chunks([w.existing.pk for w in changed if w.existing]):
            for email in PersonEmail.objects.filter(person_id__in=chunk):
                current.setdefault(email.person_id, {})[email.email] = email
        for write in changed:
            assert write.existing is not None
            mine = current.get(write.existing.pk, {})
            wanted = write.values["emails"]
            removed.extend(e for address, e in mine.items() if address not in wanted)
            for position, address in enumerate(wanted):
                if address not in mine:
                    new.append((write.existing.pk, address, position))
                elif mine[address].position != position:
                    moved.append((mine[address], {"position": (mine[address].position, position)}))
        for write in added:
            person_id = self.person_ids[write.employee_id]
            new.extend(
                (person_id, address, position)
                for position, address in enumerate(write.values["emails"])
            )
        if removed:
            audit_deleted(removed, actor=self.actor)
            PersonEmail.objects.filter(pk__in=[e.pk for e in removed]).delete()
        if moved:
            update_rows(PersonEmail, ["position"], [(c["position"][1], e.pk) for e, c in moved])
            audit_updated(moved, actor=self.actor)
        fields = ("person_id", "email", "position")
        pks = insert_rows(PersonEmail, fields, new)
        audit_rows(
            PersonEmail,
            0,
            (
                (
                    pk,
                    row[1],
                    {
                        "person": ["None", str(row[0])],
                        "email": ["None", row[1]],
                        "position": ["None", str(row[2])],
                    },
                )
                for pk, row in zip(pks, new, strict=True)
            ),
            actor=self.actor,
        )

    def replace_history(self, writes: list[PersonWrite]) -> None:
        """Explicit history: each given list replaces the stored rows of that person."""
        for model, attr, key in (
            (EmploymentSpell, "employment", ""),
            (TeamMembership, "team_history", "team"),
            (ReportingLine, "manager_history", "manager"),
        ):
            replaced = [w for w in writes if w.history and getattr(w.history, attr) is not None]
            if not replaced:
                continue
            ids = [self.person_ids[w.employee_id] for w in replaced]
            old: list[Model] = []
            for chunk in chunks(ids):
                old.extend(model.objects.filter(person_id__in=chunk))  # type: ignore[attr-defined]
            if old:
                audit_deleted(old, actor=self.actor)
                model.objects.filter(pk__in=[o.pk for o in old]).delete()  # type: ignore[attr-defined]
            for write in replaced:
                pid = self.person_ids[write.employee_id]
                for entry in getattr(write.history, attr):
                    if model is EmploymentSpell:
                        self.history.spells.append(
                            (
                                pid,
                                entry["start"],
                                entry.get("end"),
                                entry.get("termination_type", ""),
                                entry.get("regretted"),
                            )
                        )
                    elif model is TeamMembership:
                        self.history.members.append(
                            (pid, self.team_ids[entry[key]], entry["start"], entry.get("end"))
                        )
                    else:
                        self.history.lines.append(
                            (pid, self.person_ids[entry[key]], entry["start"], entry.get("end"))
                        )


def write_people(
    writes: list[PersonWrite], *, actor: Any, today: date, derive_history: bool = True
) -> None:
    """Write checked and compared `writes`: people, addresses and history, in bulk, audited."""
    writer = _Writer(actor, today, writes)
    added = [w for w in writes if w.existing is None]
    touched = [w for w in writes if w.existing is not None]
    for write in touched:
        write.compare()
    writer.create_people(added)
    writer.update_people(touched)
    writer.write_emails(added, touched)
    if derive_history:
        for write in added:
            writer.history.first_spell(writer, write)
        _History(writer, [w for w in touched if w.rehire or HISTORY_FIELDS & set(w.changed)]).run()
    else:
        writer.replace_history([*added, *touched])
    writer.history.write(actor=actor)


class _NewHistory:
    """New spells, memberships and reporting lines, inserted (and audited) in bulk at the end."""

    def __init__(self) -> None:
        self.spells: list[tuple[Any, ...]] = []
        self.members: list[tuple[Any, ...]] = []
        self.lines: list[tuple[Any, ...]] = []

    def open(
        self,
        person_id: int,
        values: dict[str, Any],
        team_id: int | None,
        manager_id: int | None,
    ) -> None:
        """A new spell from the row's start, with its team and manager from that day."""
        start, end = values["start_date"], values["end_date"]
        self.spells.append((person_id, start, end, values["termination_type"], values["regretted"]))
        if team_id:
            self.members.append((person_id, team_id, start, end))
        if manager_id:
            self.lines.append((person_id, manager_id, start, end))

    def first_spell(self, writer: _Writer, write: PersonWrite) -> None:
        """The first spell of a person added by these writes."""
        team_id, manager_id, _ = writer.fk(write.values)
        self.open(writer.person_ids[write.employee_id], write.values, team_id, manager_id)

    def write(self, *, actor: Any) -> None:
        """Insert and audit everything collected."""
        for model, fields, rows, label in (
            (EmploymentSpell, _SPELL_FIELDS, self.spells, "{0}: {1}–{2}"),
            (TeamMembership, _MEMBER_FIELDS, self.members, "{0} in {1} {2}–{3}"),
            (ReportingLine, _LINE_FIELDS, self.lines, "{0} → {1} {2}–{3}"),
        ):
            pks = insert_rows(model, fields, rows)
            names = audit_names(model)
            audit_rows(
                model,
                0,
                (
                    (
                        pk,
                        label.format(*(("" if v is None else v) for v in row)),
                        {names[f]: ["None", str(v)] for f, v in zip(fields, row, strict=True)},
                    )
                    for pk, row in zip(pks, rows, strict=True)
                ),
                actor=actor,
            )


class _History:
    """History of people who changed: spells, team memberships and reporting lines are kept."""

    def __init__(self, writer: _Writer, writes: list[PersonWrite]) -> None:
        self.writer = writer
        self.writes = writes
        ids = [w.existing.pk for w in writes if w.existing]
        self.spells: dict[int, list[EmploymentSpell]] = {}
        self.members: dict[int, list[TeamMembership]] = {}
        self.lines: dict[int, list[ReportingLine]] = {}
        for chunk in chunks(ids):
            for spell in EmploymentSpell.objects.filter(person_id__in=chunk).order_by("start_date"):
                self.spells.setdefault(spell.person_id, []).append(spell)
            for member in TeamMembership.objects.filter(person_id__in=chunk).order_by("start"):
                self.members.setdefault(member.person_id, []).append(member)
            for line in ReportingLine.objects.filter(person_id__in=chunk).order_by("start"):
                self.lines.setdefault(line.person_id, []).append(line)
        self.updates: dict[type[Model], list[tuple[Model, dict[str, tuple[Any, Any]]]]] = {}

    def _set(self, obj: Model, **values: Any) -> None:
        changes = {k: (getattr(obj, k), v) for k, v in values.items() if getattr(obj, k) != v}
        if not changes:
            return
        for key, (_, new) in changes.items():
            setattr(obj, key, new)
        self.updates.setdefault(type(obj), []).append((obj, changes))

    def run(self) -> None:
        """Work out each person's history rows, then write the updates (audited)."""
        today = self.writer.today
        new = self.writer.history
        for write in self.writes:
            assert write.existing is not None
            pid = write.existing.pk
            old, values = write.existing.values, write.values
            start, end = values["start_date"], values["end_date"]
            team, manager, _ = self.writer.fk(values)
            if write.rehire:
                current: list[Any] = [*self.members.get(pid, []), *self.lines.get(pid, [])]
                for row in current:
                    if row.end is None:
                        self._set(row, end=old["end_date"])
                new.open(pid, values, team, manager)
                continue
            # The same spell: corrections of its dates, its ending, or a change of team/manager.
            spell = next(
                (s for s in self.spells.get(pid, []) if s.start_date == old["start_date"]), None
            )
            if spell is None:
                new.spells.append(
                    (pid, start, end, values["termination_type"], values["regretted"])
                )
            else:
                self._set(
                    spell,
                    start_date=start,
                    end_date=end,
                    termination_type=values["termination_type"],
                    regretted=values["regretted"],
                )
            effective = max(min(today, end) if end else today, start)
            for history, target, attr, rows in (
                (self.members.get(pid, []), team, "team_id", new.members),
                (self.lines.get(pid, []), manager, "manager_id", new.lines),
            ):
                self._follow_dates(history, old, start, end)
                span = self._switch(history, target, attr, effective, start, end)
                if span is not None:
                    rows.append((pid, target, span[0], span[1]))
        for model, pairs in self.updates.items():
            groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
            for obj, changes in pairs:
                names = tuple(sorted(changes))
                groups.setdefault(names, []).append((*(getattr(obj, n) for n in names), obj.pk))
            for names, rows in groups.items():
                update_rows(model, names, rows)
            audit_updated(
                [(o, {k.removesuffix("_id"): v for k, v in c.items()}) for o, c in pairs],
                actor=self.writer.actor,
            )

    def _follow_dates(
        self, history: list[Any], old: dict[str, Any], start: date, end: date | None
    ) -> None:
        """Rows that began with the spell begin with it; rows that ended with it end with it."""
        for row in history:
            values: dict[str, Any] = {}
            if row.start == old["start_date"] and start != old["start_date"]:
                values["start"] = start
            if old["end_date"] is not None and row.end == old["end_date"] and end != row.end:
                values["end"] = end
            elif old["end_date"] is None and row.end is None and end is not None:
                values["end"] = max(end, values.get("start", row.start))
            if values:
                self._set(row, **values)

    def _switch(
        self,
        history: list[Any],
        target: int | None,
        attr: str,
        on: date,
        start: date,
        end: date | None,
    ) -> tuple[date, date | None] | None:
        """Make `target` current from `on`; returns (start, end) of a row to create, if any."""
        current = history[-1] if history else None
        if current is not None and current.end is not None and end is None:
            current = None  # the latest row is closed and the person is employed: none current
        if current is not None and getattr(current, attr) == target:
            return None
        if current is None:
            if target is None:
                return None
            return (on, end) if end is None or on < end else (start, end)
        if current.start >= on or (end is not None and on >= end):
            if target is None:
                if current.start >= on:
                    self._set(current, end=current.start)
                return None
            # A correction of the current row, not a move: keep one row.
            self._set(current, **{attr: target})
            return None
        self._set(current, end=on)
        return (on, end) if target is not None else None
