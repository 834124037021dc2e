"""Career framework files (FORMATS.md 6), plain data in and out (no Django but `framework_data`).

Two shapes are read:

- **Steward's ladder file** (YAML or JSON): ``framework{id, title, version, tracks[{id, title?,
  levels[{id, rank, title, sfia_level}]}], competencies[{id, name, category}],
  expectations[{competency, level, track?, criteria[], examples[]}], scoring?}``. `track` on an
  expectation is Steward's addition: a level id may repeat across tracks; it is needed only then.
- **A Monzo progression framework file** (Markdown with YAML front matter: `path`, `title`,
  `levels`, `topics[{name, content[{level, criteria[], exampleCriteria[{criteria,
  examples[]}]}]}]`): one track whose topics are the competencies. Levels are "1".."N".

Both become the same `Ladder` value; `dump_yaml` writes Steward's file and `dump_monzo` a Monzo
file (for a one-track framework), and reading what was written gives the same value back.
Every problem names the line (when the YAML says it), the field path and the fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from steward.core import safe_yaml


@dataclass(frozen=True)
class LadderProblem:
    """One thing wrong with a ladder file."""

    line: int | None
    where: str
    message: str
    hint: str = ""


class LadderFileError(ValueError):
    """The file cannot be read as a ladder; `problems` says every reason found."""

    def __init__(self, problems: list[LadderProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.where}: {p.message}" for p in problems))


@dataclass
class Level:
    id: str
    rank: int
    title: str = ""
    sfia_level: int | None = None


@dataclass
class Track:
    id: str
    title: str = ""
    levels: list[Level] = field(default_factory=list)


@dataclass
class Competency:
    id: str
    name: str
    category: str = ""


@dataclass
class Expectation:
    competency: str
    track: str
    level: str
    criteria: list[str] = field(default_factory=list)
    examples: list[Any] = field(default_factory=list)  # str or {criteria, examples[]}


@dataclass
class Ladder:
    id: str
    title: str
    version: str = ""
    tracks: list[Track] = field(default_factory=list)
    competencies: list[Competency] = field(default_factory=list)
    expectations: list[Expectation] = field(default_factory=list)
    scoring: Any = None


_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """`Backend Engineering` -> `backend-engineering`."""
    return _SLUG.sub("-", text.lower()).strip("-")


# --- locating problems ----------------------------------------------------------------------


def _node_lines(node: Any, path: str, out: dict[str, int]) -> None:
    if node is None:
        return
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            out[sub] = key.start_mark.line + 1
            _node_lines(value, sub, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _node_lines(item, f"{path}[{index}]", out)


class _Reader:
    def __init__(self, lines: dict[str, int], offset: int = 0) -> None:
        self.lines = lines
        self.offset = offset
        self.problems: list[LadderProblem] = []

    def problem(self, where: str, message: str, hint: str = "") -> None:
        line = None
        probe = where
        while probe:
            if probe in self.lines:
                line = self.lines[probe] + self.offset
                break
            probe = re.sub(r"(\[\d+\]|\.[^.\[]+)$", "", probe)
        self.problems.append(LadderProblem(line, where, message, hint))

    def text(self, data: Any, key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key) if isinstance(data, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(f"{where}.{key}", "is missing", f"give {key} a value")
            return ""
        if isinstance(value, (dict, list)):
            self.problem(f"{where}.{key}", "must be text", f"write {key} as a plain value")
            return ""
        return str(value).strip()

    def items(self, data: Any, key: str, where: str, *, required: bool = True) -> list[Any]:
        value = data.get(key) if isinstance(data, dict) else None
        if value is None:
            if required:
                self.problem(f"{where}.{key}", "is missing", f"add a list under {key}")
            return []
        if not isinstance(value, list):
            self.problem(f"{where}.{key}", "must be a list", f"write {key} as a YAML list")
            return []
        return value

    def strings(self, value: Any, where: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(where, "must be a list of texts", "write one text per list item")
            return []
        return [v for v in value]

    def integer(self, value: Any, where: str, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(where, f"must be a whole number from {low} to {high}", "")
            return None
        return value


# --- Steward's file -------------------------------------------------------------------------


def parse_steward(text: str) -> Ladder:
    """Steward's ladder file (YAML, or JSON which is YAML too)."""
    try:
        node = safe_yaml.compose(text)
        data = safe_yaml.construct(node) if node is not None else None
    except safe_yaml.YamlRefused as exc:
        raise LadderFileError([LadderProblem(exc.line, "file", exc.message, exc.hint)]) from exc
    lines: dict[str, int] = {}
    _node_lines(node, "", lines)
    reader = _Reader(lines)
    if not isinstance(data, dict) or not isinstance(data.get("framework"), dict):
        raise LadderFileError(
            [LadderProblem(1, "framework", "no `framework:` mapping", "start with framework:")]
        )
    top = data["framework"]
    ladder = Ladder(
        id=reader.text(top, "id", "framework"),
        title=reader.text(top, "title", "framework"),
        version=reader.text(top, "version", "framework", required=False),
        scoring=top.get("scoring"),
    )
    level_ids: dict[str, list[str]] = {}
    for t_index, raw in enumerate(reader.items(top, "tracks", "framework")):
        ladder.tracks.append(_steward_track(reader, raw, t_index, ladder.tracks, level_ids))
    competency_ids = set()
    for c_index, raw in enumerate(reader.items(top, "competencies", "framework")):
        where = f"framework.competencies[{c_index}]"
        comp = Competency(
            id=reader.text(raw, "id", where),
            name=reader.text(raw, "name", where),
            category=reader.text(raw, "category", where, required=False),
        )
        if comp.id in competency_ids:
            reader.problem(f"{where}.id", f"competency {comp.id!r} appears twice", "rename one")
        competency_ids.add(comp.id)
        ladder.competencies.append(comp)
    seen: set[tuple[str, str, str]] = set()
    for e_index, raw in enumerate(reader.items(top, "expectations", "framework", required=False)):
        ladder.expectations.append(
            _steward_expectation(reader, raw, e_index, competency_ids, level_ids, seen)
        )
    if reader.problems:
        raise LadderFileError(reader.problems)
    return ladder


def _steward_track(
    reader: _Reader,
    raw: Any,
    t_index: int,
    tracks: list[Track],
    level_ids: dict[str, list[str]],
) -> Track:
    """One track with its levels; adds each level id's track to `level_ids`."""
    where = f"framework.tracks[{t_index}]"
    track = Track(
        id=reader.text(raw, "id", where), title=reader.text(raw, "title", where, required=False)
    )
    if any(t.id == track.id for t in tracks):
        reader.problem(f"{where}.id", f"track {track.id!r} appears twice", "rename one")
    for l_index, level_raw in enumerate(reader.items(raw, "levels", where)):
        lw = f"{where}.levels[{l_index}]"
        level_id = reader.text(level_raw, "id", lw)
        rank = reader.integer(
            level_raw.get("rank") if isinstance(level_raw, dict) else None,
            f"{lw}.rank",
            1,
            100,
        )
        sfia_raw = level_raw.get("sfia_level") if isinstance(level_raw, dict) else None
        sfia = None if sfia_raw is None else reader.integer(sfia_raw, f"{lw}.sfia_level", 1, 7)
        if any(lv.id == level_id for lv in track.levels):
            reader.problem(f"{lw}.id", f"level {level_id!r} appears twice", "rename one")
        track.levels.append(
            Level(
                id=level_id,
                rank=rank or 0,
                title=reader.text(level_raw, "title", lw, required=False),
                sfia_level=sfia,
            )
        )
        level_ids.setdefault(level_id, []).append(track.id)
    return track


def _steward_expectation(
    reader: _Reader,
    raw: Any,
    e_index: int,
    competency_ids: set[str],
    level_ids: dict[str, list[str]],
    seen: set[tuple[str, str, str]],
) -> Expectation:
    """One expectation; its track is the level's when the level is in one track only. `seen`:
    the (competency, track, level) of the expectations before it."""
    where = f"framework.expectations[{e_index}]"
    comp_id = reader.text(raw, "competency", where)
    level_id = reader.text(raw, "level", where)
    track_id = reader.text(raw, "track", where, required=False)
    if comp_id and comp_id not in competency_ids:
        reader.problem(
            f"{where}.competency",
            f"no competency {comp_id!r}",
            "use an id from competencies",
        )
    track_id = _expectation_track(reader, where, level_id, track_id, level_ids.get(level_id, []))
    key = (comp_id, track_id, level_id)
    if key in seen:
        reader.problem(where, "this competency and level appear twice", "merge the two")
    seen.add(key)
    examples = raw.get("examples") if isinstance(raw, dict) else None
    if examples is not None and not isinstance(examples, list):
        reader.problem(f"{where}.examples", "must be a list", "write one example per item")
        examples = []
    return Expectation(
        competency=comp_id,
        track=track_id,
        level=level_id,
        criteria=reader.strings(
            raw.get("criteria") if isinstance(raw, dict) else None, f"{where}.criteria"
        ),
        examples=list(examples or []),
    )


def _expectation_track(
    reader: _Reader, where: str, level_id: str, track_id: str, owners: list[str]
) -> str:
    """The expectation's track: as written when that track has the level, else the level's
    only track; a problem when the level is unknown, not in the track, or in several."""
    if level_id and not owners:
        reader.problem(f"{where}.level", f"no level {level_id!r}", "use an id from levels")
    elif track_id and track_id not in owners:
        reader.problem(
            f"{where}.track", f"track {track_id!r} has no level {level_id!r}", "fix the track"
        )
    elif not track_id and len(owners) > 1:
        reader.problem(
            f"{where}.track",
            f"level {level_id!r} is in several tracks ({', '.join(owners)})",
            "add track: to say which",
        )
    elif not track_id and owners:
        track_id = owners[0]
    return track_id


def steward_data(ladder: Ladder) -> dict[str, Any]:
    """The ladder as the data of Steward's file."""
    framework: dict[str, Any] = {"id": ladder.id, "title": ladder.title}
    if ladder.version:
        framework["version"] = ladder.version
    framework["tracks"] = [
        {
            "id": t.id,
            **({"title": t.title} if t.title else {}),
            "levels": [
                {
                    "id": lv.id,
                    "rank": lv.rank,
                    "title": lv.title,
                    **({"sfia_level": lv.sfia_level} if lv.sfia_level is not None else {}),
                }
                for lv in t.levels
            ],
        }
        for t in ladder.tracks
    ]
    framework["competencies"] = [
        {"id": c.id, "name": c.name, **({"category": c.category} if c.category else {})}
        for c in ladder.competencies
    ]
    framework["expectations"] = [
        {
            "competency": e.competency,
            "track": e.track,
            "level": e.level,
            "criteria": list(e.criteria),
            "examples": list(e.examples),
        }
        for e in ladder.expectations
    ]
    if ladder.scoring is not None:
        framework["scoring"] = ladder.scoring
    return {"framework": framework}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML text of `data` (keys in the order given, no aliases, Unicode kept)."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def dump_json(data: dict[str, Any]) -> str:
    """JSON text of `data`."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- Monzo ----------------------------------------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)


def parse_monzo(text: str, name: str = "") -> Ladder:
    """A Monzo framework file: one track, its topics the competencies, levels "1".."N"."""
    match = _FRONT.match(text.lstrip("\ufeff"))
    if match is None:
        raise LadderFileError(
            [LadderProblem(1, "front matter", "no YAML front matter", "start the file with ---")]
        )
    try:
        node = safe_yaml.compose(match.group(1))
        data = safe_yaml.construct(node) if node is not None else None
    except safe_yaml.YamlRefused as exc:
        line = exc.line + 1 if exc.line else None
        raise LadderFileError([LadderProblem(line, "front matter", exc.message, exc.hint)]) from exc
    lines: dict[str, int] = {}
    _node_lines(node, "", lines)
    reader = _Reader(lines, offset=1)  # the front matter starts on line 2
    if not isinstance(data, dict):
        raise LadderFileError([LadderProblem(2, "front matter", "is not a mapping", "")])
    title = reader.text(data, "title", "")
    path = reader.text(data, "path", "", required=False) or name
    count = reader.integer(data.get("levels"), ".levels", 1, 20) or 0
    track_id = slugify(path.strip("/").split("/")[-1] or title) or "track"
    ladder = Ladder(id=slugify(path) or slugify(title), title=title)
    track = Track(id=track_id, title=title)
    track.levels = [Level(id=str(n), rank=n, title=f"Level {n}") for n in range(1, count + 1)]
    ladder.tracks.append(track)
    for t_index, topic in enumerate(reader.items(data, "topics", "")):
        where = f"topics[{t_index}]"
        topic_name = reader.text(topic, "name", where)
        comp = Competency(id=slugify(topic_name), name=topic_name)
        ladder.competencies.append(comp)
        for c_index, content in enumerate(reader.items(topic, "content", where, required=False)):
            cw = f"{where}.content[{c_index}]"
            level = reader.integer(
                content.get("level") if isinstance(content, dict) else None,
                f"{cw}.level",
                1,
                max(count, 1),
            )
            if level is None:
                continue
            examples: list[Any] = []
            for x_index, item in enumerate(content.get("exampleCriteria") or []):
                xw = f"{cw}.exampleCriteria[{x_index}]"
                examples.append(
                    {
                        "criteria": reader.text(item, "criteria", xw),
                        "examples": reader.strings(
                            item.get("examples") if isinstance(item, dict) else None,
                            f"{xw}.examples",
                        ),
                    }
                )
            ladder.expectations.append(
                Expectation(
                    competency=comp.id,
                    track=track.id,
                    level=str(level),
                    criteria=reader.strings(content.get("criteria"), f"{cw}.criteria"),
                    examples=examples,
                )
            )
    if reader.problems:
        raise LadderFileError(reader.problems)
    return ladder


def dump_monzo(ladder: Ladder, sidebar_group: str = "engineering") -> str:
    """A Monzo framework file of a one-track ladder whose levels are "1".."N"."""
    if len(ladder.tracks) != 1:
        raise ValueError("a Monzo file holds one track; export each track of this framework")
    track = ladder.tracks[0]
    names = {c.id: c.name for c in ladder.competencies}
    topics = []
    for comp in ladder.competencies:
        content = []
        for e in ladder.expectations:
            if e.competency != comp.id:
                continue
            entry: dict[str, Any] = {"level": int(e.level), "criteria": list(e.criteria)}
            examples = [x for x in e.examples if isinstance(x, dict)]
            if examples:
                entry["exampleCriteria"] = [
                    {"criteria": x.get("criteria", ""), "examples": list(x.get("examples", []))}
                    for x in examples
                ]
            content.append(entry)
        topics.append({"name": names[comp.id], "content": content})
    front = {
        "path": "/" + ladder.id.replace("-", "/", 1) if "-" in ladder.id else f"/{ladder.id}",
        "title": ladder.title,
        "sidebarGroup": sidebar_group,
        "yaml": True,
        "levels": len(track.levels),
        "topics": topics,
    }
    return f"---\n{dump_yaml(front)}---\n"


def parse_file(name: str, text: str) -> Ladder:
    """A ladder file by its name: `.md` is Monzo, anything else Steward's YAML/JSON."""
    if name.lower().endswith(".md"):
        return parse_monzo(text, name)
    return parse_steward(text)


# --- from the database (the one Django-aware helper) ---------------------------------------


def framework_data(framework: Any) -> dict[str, Any]:
    """A stored framework as the data of Steward's file."""
    return steward_data(ladder_of(framework))


def ladder_of(framework: Any) -> Ladder:
    """A stored framework as a `Ladder`."""
    ladder = Ladder(
        id=framework.key,
        title=framework.title,
        version=framework.version,
        scoring=framework.scoring,
    )
    for track in framework.tracks.all():
        ladder.tracks.append(
            Track(
                id=track.key,
                title=track.title,
                levels=[
                    Level(id=lv.key, rank=lv.rank, title=lv.title, sfia_level=lv.sfia_level)
                    for lv in track.levels.all()
                ],
            )
        )
    order: dict[int, int] = {}
    for comp in framework.competencies.all():
        ladder.competencies.append(Competency(id=comp.key, name=comp.name, category=comp.category))
        order[comp.pk] = len(order)
    expectations = []
    for comp in framework.competencies.all():
        for e in comp.expectations.all():
            expectations.append(
                (
                    order[comp.pk],
                    e.level.track.position,
                    e.level.track.key,
                    e.level.rank,
                    Expectation(
                        competency=comp.key,
                        track=e.level.track.key,
                        level=e.level.key,
                        criteria=list(e.criteria),
                        examples=list(e.examples),
                    ),
                )
            )
    ladder.expectations = [x[-1] for x in sorted(expectations, key=lambda x: x[:4])]
    return ladder
