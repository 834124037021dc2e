"""Tech radar files (FORMATS.md section 2): read and write BYOR CSV/JSON, Zalando and Backstage.

Plain Python, no Django. Every reader returns a `RadarDoc` (the Backstage-shaped model Steward
keeps: any number of quadrants and rings, a timeline per entry, newest first); every writer
takes one. A writer for a 4 x 4 format degrades a richer radar and says what it merged.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import markdown
import nh3

FORMATS = ("byor-csv", "byor-json", "zalando", "backstage")
BYOR_COLUMNS = ("name", "ring", "quadrant", "isNew", "status", "description")
BYOR_QUADRANTS = ("Techniques", "Platforms", "Tools", "Languages & Frameworks")
BYOR_RINGS = ("Adopt", "Trial", "Assess", "Hold")
# FORMATS.md 2.1: the HTML BYOR renders in a description.
BYOR_TAGS = {"b", "i", "em", "strong", "a", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul"}
BYOR_TAGS |= {"br", "p", "u"}
# Movement as Steward stores it -> BYOR status, Zalando `moved`, Backstage `moved`.
MOVES = ("new", "in", "out", "unchanged")
BYOR_STATUS = {"new": "New", "in": "Moved In", "out": "Moved Out", "unchanged": "No Change"}
ZALANDO_MOVED = {"new": 2, "in": 1, "out": -1, "unchanged": 0}
BACKSTAGE_MOVED = {"new": 1, "in": 1, "out": -1, "unchanged": 0}


class RadarFileError(ValueError):
    """A radar file that cannot be read: `line` (1-based, or None) and the fix."""

    def __init__(self, message: str, line: int | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint


@dataclass
class Point:
    """One dated position of a blip: its ring (an id) and how it moved to get there."""

    date: date
    ring: str
    moved: str = "unchanged"  # one of MOVES


@dataclass
class Entry:
    """One blip: identity, quadrant (an id), text and its timeline (newest first)."""

    key: str
    title: str
    quadrant: str
    description: str = ""
    links: list[dict[str, str]] = field(default_factory=list)
    timeline: list[Point] = field(default_factory=list)
    active: bool = True
    line: int | None = None


@dataclass
class RadarDoc:
    """A whole radar: quadrants and rings in display order (ring 0 innermost), entries."""

    quadrants: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    rings: list[dict[str, str]] = field(default_factory=list)  # id, name, color, description
    entries: list[Entry] = field(default_factory=list)
    snapshot: bool = False  # a BYOR/Zalando file: one date, no history


def slug(name: str) -> str:
    """A stable id for a name: lower case, runs of other characters as one dash."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "blip"


def quadrant_name(name: str) -> str:
    """BYOR compares quadrant names with "and" written "&"."""
    return re.sub(r"\s+and\s+", " & ", name.strip(), flags=re.IGNORECASE)


def html_to_text(value: str) -> str:
    """BYOR's HTML description as Markdown-ish text: paragraphs and breaks kept, links kept."""
    if "<" not in value:
        return html.unescape(value).strip()
    text = re.sub(
        r"<a\s[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>",
        lambda m: f"[{m.group(2)}]({m.group(1)})",
        value,
        flags=re.IGNORECASE | re.DOTALL,
    )
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"</p>\s*", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<li>", "* ", text, flags=re.IGNORECASE)
    text = re.sub(r"</li>\s*", "\n", text, flags=re.IGNORECASE)
    text = nh3.clean(text, tags=set())
    return html.unescape(text).strip()


def text_to_html(value: str) -> str:
    """Markdown as the HTML BYOR allows (links as `<a>`)."""
    if not value.strip():
        return ""
    md = markdown.Markdown(output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return nh3.clean(
        md.convert(value),
        tags=BYOR_TAGS,
        attributes={"a": {"href", "target"}},
        link_rel="noopener",
        url_schemes={"http", "https", "mailto"},
    ).replace("\n", "")


def _parse_day(value: str, line: int | None) -> date:
    value = value.strip()
    for fmt in ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d", "%Y.%m", "%Y-%m"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise RadarFileError(
        f"date {value!r} is not a date", line, "write YYYY-MM-DD (Zalando: YYYY.MM)"
    )


def detect(name: str, text: str) -> str:
    """Which format a file is: by its name (`.csv`) or the shape of its JSON."""
    if name.lower().endswith(".csv"):
        return "byor-csv"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RadarFileError(
            f"not JSON: {exc.msg}", exc.lineno, "a radar is a .csv file or a JSON document"
        ) from exc
    if isinstance(data, list):
        return "byor-json"
    if isinstance(data, dict) and isinstance(data.get("entries"), list):
        entries = data["entries"]
        if any(isinstance(e, dict) and "timeline" in e for e in entries) or (
            "rings" in data and (any(isinstance(r, dict) and "id" in r for r in data["rings"]))
        ):
            return "backstage"
        return "zalando"
    raise RadarFileError(
        "not a radar: expected a BYOR list, or an object with `entries`",
        1,
        "export the radar as BYOR CSV/JSON, Zalando or Backstage JSON",
    )


# ----------------------------------------------------------------------------------- readers


def _byor_rows(rows: list[tuple[int, dict[str, str]]], on: date) -> RadarDoc:
    doc = RadarDoc(snapshot=True)
    quadrants: dict[str, str] = {}
    rings: dict[str, str] = {}  # lower-case name -> the file's first spelling
    problems: list[RadarFileError] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        missing = [c for c in ("name", "ring", "quadrant") if not row.get(c.lower())]
        if missing:
            problems.append(
                RadarFileError(
                    f"{', '.join(missing)} is empty", line, "every blip needs name, ring, quadrant"
                )
            )
            continue
        name = html_to_text(row["name"])
        quadrant = quadrant_name(row["quadrant"])
        quadrants.setdefault(slug(quadrant), quadrant)
        ring = rings.setdefault(row["ring"].lower(), row["ring"])
        status = row.get("status", "").lower()
        by_status = {v.lower(): k for k, v in BYOR_STATUS.items()}
        if status and status not in by_status:
            problems.append(
                RadarFileError(
                    f"status {row['status']!r} is not known",
                    line,
                    "use New, Moved In, Moved Out or No Change",
                )
            )
            continue
        moved = by_status.get(status) or (
            "new" if row.get("isnew", "").upper() == "TRUE" else "unchanged"
        )
        key = slug(name)
        if key in seen:
            problems.append(
                RadarFileError(f"{name!r} is also on line {seen[key]}", line, "list each blip once")
            )
            continue
        seen[key] = line
        doc.entries.append(
            Entry(
                key=key,
                title=name,
                quadrant=slug(quadrant),
                description=html_to_text(row.get("description", "")),
                timeline=[Point(on, slug(ring), moved)],
                line=line,
            )
        )
    if problems:
        raise ExceptionGroup("radar file problems", problems)
    doc.quadrants = sorted(
        quadrants.items(),
        key=lambda q: (BYOR_QUADRANTS.index(q[1]) if q[1] in BYOR_QUADRANTS else 9, q[1]),
    )
    default = [r.lower() for r in BYOR_RINGS]
    order = [
        rings[k]
        for k in sorted(rings, key=lambda k: default.index(k) if k in default else len(default))
    ]
    doc.rings = [{"id": slug(r), "name": r, "color": "", "description": ""} for r in order]
    return doc


def read_byor_csv(text: str, on: date) -> RadarDoc:
    """A BYOR CSV (one snapshot, dated `on`)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("name", "ring", "quadrant", "description") if c not in header]
    if missing:
        raise RadarFileError(
            f"missing column(s) {', '.join(missing)}",
            1,
            f"BYOR columns are {', '.join(BYOR_COLUMNS)}",
        )
    rows = [(reader.line_num, row) for row in reader]
    return _byor_rows(rows, on)


def read_byor_json(text: str, on: date) -> RadarDoc:
    """A BYOR JSON array of string-valued objects."""
    data = json.loads(text)
    rows = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise RadarFileError(f"item {index} is not an object", None, "list blip objects")
        rows.append((index, {str(k): str(v) for k, v in item.items()}))
    return _byor_rows(rows, on)


def read_zalando(text: str, default_quadrants: list[str], default_rings: list[str]) -> RadarDoc:
    """A Zalando `{date, entries}` file (with `quadrants` and `rings` from its config, if any)."""
    data = json.loads(text)
    on = _parse_day(str(data.get("date") or ""), 1)
    q_names = [str(q.get("name")) for q in data.get("quadrants") or []] or default_quadrants
    r_names = [str(r.get("name")) for r in data.get("rings") or []] or default_rings
    colors = [str(r.get("color") or "") for r in data.get("rings") or []] or [""] * len(r_names)
    doc = RadarDoc(snapshot=True)
    doc.quadrants = [(slug(n), n) for n in q_names]
    doc.rings = [
        {"id": slug(n), "name": n, "color": c, "description": ""}
        for n, c in zip(r_names, colors, strict=False)
    ]
    moved_of = {v: k for k, v in ZALANDO_MOVED.items()}
    problems = []
    for index, item in enumerate(data["entries"], start=1):
        try:
            q, r, m = int(item["quadrant"]), int(item["ring"]), int(item.get("moved", 0))
            label = str(item["label"]).strip()
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(
                RadarFileError(
                    f"entry {index}: {exc!s} missing or not a number",
                    None,
                    "each entry needs label, quadrant (0-3), ring (0-3), moved",
                )
            )
            continue
        if not (0 <= q < len(doc.quadrants)) or not (0 <= r < len(doc.rings)) or m not in moved_of:
            problems.append(
                RadarFileError(
                    f"entry {index} ({label}): quadrant {q}, ring {r} or moved {m} out of range",
                    None,
                    "quadrant and ring are 0-3, moved is -1, 0, 1 or 2",
                )
            )
            continue
        link = str(item.get("link") or "")
        doc.entries.append(
            Entry(
                key=slug(label),
                title=label,
                quadrant=doc.quadrants[q][0],
                links=[{"url": link, "title": label}] if link else [],
                timeline=[Point(on, doc.rings[r]["id"], moved_of[m])],
                active=bool(item.get("active", True)),
            )
        )
    if problems:
        raise ExceptionGroup("radar file problems", problems)
    return doc


def read_backstage(text: str) -> RadarDoc:
    """A Backstage `TechRadarLoaderResponse`: the whole history (timelines newest first)."""
    data = json.loads(text)
    doc = RadarDoc()
    doc.quadrants = [(str(q["id"]), str(q.get("name") or q["id"])) for q in data["quadrants"]]
    doc.rings = [
        {
            "id": str(r["id"]),
            "name": str(r.get("name") or r["id"]),
            "color": str(r.get("color") or ""),
            "description": str(r.get("description") or ""),
        }
        for r in data["rings"]
    ]
    quadrant_ids = {q for q, _n in doc.quadrants}
    ring_ids = {r["id"] for r in doc.rings}
    problems = []
    for index, item in enumerate(data["entries"], start=1):
        key = str(item.get("key") or item.get("id") or "")
        title = str(item.get("title") or key)
        if not key or item.get("quadrant") not in quadrant_ids:
            problems.append(
                RadarFileError(
                    f"entry {index} ({title}): no key or unknown quadrant {item.get('quadrant')!r}",
                    None,
                    f"quadrant is one of {', '.join(sorted(quadrant_ids))}",
                )
            )
            continue
        points = []
        timeline = list(item.get("timeline") or [])
        for position, point in enumerate(timeline):
            if point.get("ringId") not in ring_ids:
                problems.append(
                    RadarFileError(
                        f"entry {title}: timeline ring {point.get('ringId')!r} is not a ring",
                        None,
                        f"ringId is one of {', '.join(sorted(ring_ids))}",
                    )
                )
                break
            moved = int(point.get("moved", 0))
            oldest = position == len(timeline) - 1
            kind = {1: "in", -1: "out"}.get(moved, "unchanged")
            if oldest and moved == 1:
                kind = "new"
            points.append(Point(_parse_day(str(point["date"]), None), point["ringId"], kind))
        doc.entries.append(
            Entry(
                key=key,
                title=title,
                quadrant=str(item["quadrant"]),
                description=str(item.get("description") or ""),
                links=[
                    {"url": str(link.get("url", "")), "title": str(link.get("title", ""))}
                    for link in item.get("links") or []
                ],
                timeline=points,
            )
        )
    if problems:
        raise ExceptionGroup("radar file problems", problems)
    return doc


def read(name: str, text: str, on: date, *, quadrants: list[str], rings: list[str]) -> RadarDoc:
    """Any radar file; `on` dates a BYOR snapshot; `quadrants`/`rings` name Zalando indexes."""
    fmt = detect(name, text)
    if fmt == "byor-csv":
        return read_byor_csv(text, on)
    if fmt == "byor-json":
        return read_byor_json(text, on)
    if fmt == "zalando":
        return read_zalando(text, quadrants or list(BYOR_QUADRANTS), rings or list(BYOR_RINGS))
    return read_backstage(text)


# ----------------------------------------------------------------------------------- writers


class MappingError(ValueError):
    """A `--map` entry that names no quadrant or ring, or maps onto one mapped away itself."""


def _resolve_mapping(
    items: list[tuple[str, str]], mapping: dict[str, str], what: str
) -> dict[str, str]:
    """`{from: to}` given by name or id (case-insensitive) -> `{from id: to id}` for `items`
    ((id, name) pairs), only the entries that name one of `items`."""
    lookup: dict[str, str] = {}
    for ident, name in items:
        lookup.setdefault(ident.lower(), ident)
        lookup.setdefault(name.lower(), ident)
    result: dict[str, str] = {}
    for source, target in mapping.items():
        src = lookup.get(source.strip().lower())
        if src is None:
            continue
        dst = lookup.get(target.strip().lower())
        if dst is None:
            raise MappingError(f"{source}={target}: no {what} called {target!r}")
        if dst == src:
            continue
        result[src] = dst
    for src, dst in result.items():
        if dst in result:
            raise MappingError(
                f"{what} {dst!r} is itself mapped away; map {src!r} to where it goes instead"
            )
    return result


def degrade(
    doc: RadarDoc, mapping: dict[str, str] | None = None
) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Map a radar onto 4 quadrants and at most 4 rings: index per id, and what was merged.

    `mapping` (the export's `--map FROM=TO`, names or ids, case-insensitive) first writes
    quadrant or ring FROM as TO. Then, of the quadrants left, those after the fourth join the
    fourth; n > 4 rings left map to the nearest of four by position (ring i of n ->
    round(i * 3 / (n - 1))). Every merge is a warning.
    """
    mapping = mapping or {}
    warnings = []
    q_names = dict(doc.quadrants)
    q_map = _resolve_mapping(doc.quadrants, mapping, "quadrant")
    kept_q = [q for q, _n in doc.quadrants if q not in q_map]
    q_index = {q: min(i, 3) for i, q in enumerate(kept_q)}
    for src, dst in q_map.items():
        q_index[src] = q_index[dst]
        warnings.append(f"quadrant {q_names[src]} written as {q_names[dst]} (mapping)")
    if len(kept_q) > 4:
        extra = ", ".join(q_names[q] for q in kept_q[3:])
        warnings.append(f"quadrants {extra} merged into one (the format has exactly 4)")
    r_names = {r["id"]: r["name"] for r in doc.rings}
    r_map = _resolve_mapping([(r["id"], r["name"]) for r in doc.rings], mapping, "ring")
    kept_r = [r["id"] for r in doc.rings if r["id"] not in r_map]
    n = len(kept_r)
    r_index = {r: (i if n <= 4 else round(i * 3 / (n - 1))) for i, r in enumerate(kept_r)}
    for src, dst in r_map.items():
        r_index[src] = r_index[dst]
        warnings.append(f"ring {r_names[src]} written as {r_names[dst]} (mapping)")
    if n > 4:
        groups: dict[int, list[str]] = {}
        for r in kept_r:
            groups.setdefault(r_index[r], []).append(r_names[r])
        merged = [" + ".join(g) for g in groups.values() if len(g) > 1]
        warnings.append(f"rings merged to fit 4: {'; '.join(merged)}")
    return q_index, r_index, warnings


def written_names(
    doc: RadarDoc, q_index: dict[str, int], r_index: dict[str, int], mapping: dict[str, str]
) -> tuple[list[str], dict[int, dict[str, str]]]:
    """The written quadrants' names (those merged into one joined with " & "; a quadrant mapped
    away lends no name) and each written ring index's first ring."""
    q_map = _resolve_mapping(doc.quadrants, mapping, "quadrant")
    groups: dict[int, list[str]] = {}
    for q, name in doc.quadrants:
        if q not in q_map:
            groups.setdefault(q_index[q], []).append(name)
    q_names = [" & ".join(groups[i]) for i in sorted(groups)]
    r_map = _resolve_mapping([(r["id"], r["name"]) for r in doc.rings], mapping, "ring")
    rings: dict[int, dict[str, str]] = {}
    for r in doc.rings:
        if r["id"] not in r_map:
            rings.setdefault(r_index[r["id"]], r)
    return q_names, rings


def _current(entry: Entry) -> Point:
    return entry.timeline[0]


def byor_rows(
    doc: RadarDoc, mapping: dict[str, str] | None = None
) -> tuple[list[dict[str, str]], list[str]]:
    """The BYOR rows of the radar's current state, and the degrade warnings."""
    mapping = mapping or {}
    q_index, r_index, warnings = degrade(doc, mapping)
    q_names, rings = written_names(doc, q_index, r_index, mapping)
    r_names = {i: r["name"] for i, r in rings.items()}
    rows = []
    for entry in doc.entries:
        if not entry.timeline or not entry.active:
            continue
        point = _current(entry)
        rows.append(
            {
                "name": entry.title,
                "ring": r_names[r_index[point.ring]],
                "quadrant": q_names[q_index[entry.quadrant]],
                "isNew": "TRUE" if point.moved == "new" else "FALSE",
                "status": BYOR_STATUS[point.moved],
                "description": text_to_html(entry.description),
            }
        )
    return rows, warnings


def write_byor_csv(doc: RadarDoc, mapping: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """BYOR CSV (both `isNew` and `status` written), and what was merged."""
    rows, warnings = byor_rows(doc, mapping)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=BYOR_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), warnings


def write_byor_json(doc: RadarDoc, mapping: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """BYOR JSON: an array of string-valued objects."""
    rows, warnings = byor_rows(doc, mapping)
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n", warnings


def write_zalando(
    doc: RadarDoc, on: date, mapping: dict[str, str] | None = None
) -> tuple[str, list[str]]:
    """Zalando `{date, quadrants, rings, entries}` (quadrants and rings named as in its config)."""
    mapping = mapping or {}
    q_index, r_index, warnings = degrade(doc, mapping)
    q_names, written_rings = written_names(doc, q_index, r_index, mapping)
    rings = {i: {"name": r["name"], "color": r["color"]} for i, r in written_rings.items()}
    entries = []
    for entry in doc.entries:
        if not entry.timeline:
            continue
        point = _current(entry)
        item: dict[str, object] = {
            "label": entry.title,
            "quadrant": q_index[entry.quadrant],
            "ring": r_index[point.ring],
            "moved": ZALANDO_MOVED[point.moved],
            "active": entry.active,
        }
        if entry.links:
            item["link"] = entry.links[0]["url"]
        entries.append(item)
    data = {
        "date": on.strftime("%Y.%m"),
        "quadrants": [{"name": n} for n in q_names],
        "rings": [rings[i] for i in sorted(rings)],
        "entries": entries,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n", warnings


def write_backstage(doc: RadarDoc) -> tuple[str, list[str]]:
    """Backstage `TechRadarLoaderResponse`: lossless (every timeline point, newest first)."""
    data = {
        "quadrants": [{"id": q, "name": n} for q, n in doc.quadrants],
        "rings": [
            {"id": r["id"], "name": r["name"], "color": r["color"], "description": r["description"]}
            for r in doc.rings
        ],
        "entries": [
            {
                "id": e.key,
                "key": e.key,
                "title": e.title,
                "quadrant": e.quadrant,
                "description": e.description,
                "links": e.links,
                "timeline": [
                    {
                        "date": f"{p.date.isoformat()}T00:00:00.000Z",
                        "ringId": p.ring,
                        "moved": BACKSTAGE_MOVED[p.moved],
                    }
                    for p in e.timeline
                ],
            }
            for e in doc.entries
            if e.timeline
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n", []


def write(
    doc: RadarDoc, fmt: str, on: date, mapping: dict[str, str] | None = None
) -> tuple[str, list[str]]:
    """The radar in `fmt` (one of FORMATS), and the warnings of what a 4 x 4 format merged;
    `mapping` (quadrant or ring FROM -> TO) applies to the 4 x 4 formats only."""
    if fmt == "byor-csv":
        return write_byor_csv(doc, mapping)
    if fmt == "byor-json":
        return write_byor_json(doc, mapping)
    if fmt == "zalando":
        return write_zalando(doc, on, mapping)
    if fmt == "backstage":
        return write_backstage(doc)
    raise ValueError(f"format {fmt!r}: not one of {', '.join(FORMATS)}")
