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
Both are read with core's YAML reader (`core.importing.yaml_reader`, the front matter with
`markdown_reader.read_front_matter`): every problem names the line, the column, the key's path
(`framework.tracks[0].levels[1].rank`) and the fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from steward.core.errors import Problem
from steward.core.importing.markdown_reader import read_front_matter
from steward.core.importing.yaml_reader import FileReader, Item


class LadderFileError(ValueError):
    """The file cannot be read as a ladder; `problems` says every reason found, each with its
    line, column and fix (`core.errors.Problem`)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


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


# --- Steward's file -------------------------------------------------------------------------


def parse_steward(text: str, file: str = "ladder.yaml") -> Ladder:
    """Steward's ladder file (YAML, or JSON which is YAML too), read with core's YAML reader:
    every problem at its line and column, the key named by its path
    (`framework.tracks[0].levels[1].rank`); `file` names the file in them."""
    problems: list[Problem] = []
    reader = FileReader(Path(file), problems, name=file)
    root = reader.compose_text(text)
    doc = reader.document(root, path="") if not problems else None
    top = doc.item("framework", hint="start with framework:") if doc is not None else None
    if top is None:
        raise LadderFileError(problems)
    ladder = Ladder(
        id=top.text("id", required=True).strip(),
        title=top.text("title", required=True).strip(),
        version=top.text("version").strip(),
        scoring=top.value("scoring"),
    )
    level_ids: dict[str, list[str]] = {}
    for raw in top.items("tracks", required=True):
        ladder.tracks.append(_steward_track(raw, ladder.tracks, level_ids))
    competency_ids: set[str] = set()
    for raw in top.items("competencies", required=True):
        ladder.competencies.append(_steward_competency(raw, competency_ids))
    seen: set[tuple[str, str, str]] = set()
    for raw in top.items("expectations"):
        ladder.expectations.append(_steward_expectation(raw, competency_ids, level_ids, seen))
    if problems:
        raise LadderFileError(problems)
    return ladder


def _steward_competency(raw: Item, competency_ids: set[str]) -> Competency:
    """One competency; its id must be new (then it is added to `competency_ids`)."""
    comp = Competency(
        id=raw.text("id", required=True).strip(),
        name=raw.text("name", required=True).strip(),
        category=raw.text("category").strip(),
    )
    if comp.id in competency_ids:
        raw.problem("id", f"competency {comp.id!r} appears twice", "rename one")
    competency_ids.add(comp.id)
    return comp


def _steward_track(raw: Item, tracks: list[Track], level_ids: dict[str, list[str]]) -> Track:
    """One track with its levels; adds each level id's track to `level_ids`."""
    track = Track(id=raw.text("id", required=True).strip(), title=raw.text("title").strip())
    if any(t.id == track.id for t in tracks):
        raw.problem("id", f"track {track.id!r} appears twice", "rename one")
    for level_raw in raw.items("levels", required=True):
        level = Level(
            id=level_raw.text("id", required=True).strip(),
            rank=level_raw.integer("rank", low=1, high=100, required=True) or 0,
            title=level_raw.text("title").strip(),
            sfia_level=level_raw.integer("sfia_level", low=1, high=7),
        )
        if any(lv.id == level.id for lv in track.levels):
            level_raw.problem("id", f"level {level.id!r} appears twice", "rename one")
        track.levels.append(level)
        level_ids.setdefault(level.id, []).append(track.id)
    return track


def _steward_expectation(
    raw: Item,
    competency_ids: set[str],
    level_ids: dict[str, list[str]],
    seen: set[tuple[str, str, str]],
) -> Expectation:
    """One expectation; its track is the level's when the level is in one track only. `seen`:
    the (competency, track, level) of the expectations before it."""
    comp_id = raw.text("competency", required=True).strip()
    level_id = raw.text("level", required=True).strip()
    track_id = raw.text("track").strip()
    if comp_id and comp_id not in competency_ids:
        raw.problem("competency", f"no competency {comp_id!r}", "use an id from competencies")
    track_id = _expectation_track(raw, level_id, track_id, level_ids.get(level_id, []))
    key = (comp_id, track_id, level_id)
    if key in seen:
        raw.problem(None, "this competency and level appear twice", "merge the two")
    seen.add(key)
    examples = raw.value("examples")
    if examples is not None and not isinstance(examples, list):
        raw.problem("examples", "must be a list", "write one example per item")
        examples = []
    return Expectation(
        competency=comp_id,
        track=track_id,
        level=level_id,
        criteria=raw.strings("criteria"),
        examples=list(examples or []),
    )


def _expectation_track(raw: Item, level_id: str, track_id: str, owners: list[str]) -> str:
    """The expectation's track: as written when that track has the level, else the level's
    only track; a problem when the level is unknown, not in the track, or in several."""
    if level_id and not owners:
        raw.problem("level", f"no level {level_id!r}", "use an id from levels")
    elif track_id and track_id not in owners:
        raw.problem("track", f"track {track_id!r} has no level {level_id!r}", "fix the track")
    elif not track_id and len(owners) > 1:
        raw.problem(
            "track",
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


def parse_monzo(text: str, name: str = "", file: str = "") -> Ladder:
    """A Monzo framework file: one track, its topics the competencies, levels "1".."N"; its
    front matter read with core's front matter reader (problems at their line and column).
    `name`: the file's name (the framework id when the file has no `path`); `file`: the file
    as problems name it (default `name`)."""
    problems: list[Problem] = []
    file = file or name or "ladder.md"
    reader = FileReader(Path(file), problems, name=file, prefix="front matter: ")
    front = read_front_matter(reader, text, path="")
    if not front.found:
        hint = "start the file with ---"
        problems.append(Problem(reader.name, 1, None, "no YAML front matter", hint))
    if front.item is None:
        raise LadderFileError(problems)
    data = front.item
    title = data.text("title", required=True).strip()
    path = data.text("path").strip() or name
    count = data.integer("levels", low=1, high=20, required=True) or 0
    track_id = slugify(path.strip("/").split("/")[-1] or title) or "track"
    ladder = Ladder(id=slugify(path) or slugify(title), title=title)
    track = Track(id=track_id, title=title)
    track.levels = [Level(id=str(n), rank=n, title=f"Level {n}") for n in range(1, count + 1)]
    ladder.tracks.append(track)
    for topic in data.items("topics", required=True):
        topic_name = topic.text("name", required=True).strip()
        comp = Competency(id=slugify(topic_name), name=topic_name)
        ladder.competencies.append(comp)
        for content in topic.items("content"):
            expectation = _monzo_expectation(content, comp.id, track.id, count)
            if expectation is not None:
                ladder.expectations.append(expectation)
    if problems:
        raise LadderFileError(problems)
    return ladder


def _monzo_expectation(
    content: Item, comp_id: str, track_id: str, count: int
) -> Expectation | None:
    """One `content` entry of a topic (None when its level is not one of the file's)."""
    level = content.integer("level", low=1, high=max(count, 1), required=True)
    if level is None:
        return None
    examples: list[Any] = [
        {
            "criteria": item.text("criteria", required=True).strip(),
            "examples": item.strings("examples"),
        }
        for item in content.items("exampleCriteria")
    ]
    return Expectation(
        competency=comp_id,
        track=track_id,
        level=str(level),
        criteria=content.strings("criteria"),
        examples=examples,
    )


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


def parse_file(name: str, text: str, file: str = "") -> Ladder:
    """A ladder file by its name: `.md` is Monzo, anything else Steward's YAML/JSON. `file`
    names the file in problems (default `name`)."""
    if name.lower().endswith(".md"):
        return parse_monzo(text, name, file)
    return parse_steward(text, file or name)


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
