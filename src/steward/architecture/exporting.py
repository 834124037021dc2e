"""`steward export decisions DIR`: every decision as a MADR 4 file `NNNN-title-with-dashes.md`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from steward.architecture.adr_format import ParsedRecord, file_name, write_madr4
from steward.architecture.models import Decision
from steward.core import policy
from steward.core.errors import BadInput


def as_record(decision: Decision) -> ParsedRecord:
    """The decision as the format-neutral record the writer takes."""
    replaced_by = [d.number for d in decision.superseded_by_set.all()]
    return ParsedRecord(
        title=decision.title,
        number=decision.number,
        status=decision.status,
        date=decision.date,
        decision_makers=list(decision.decision_makers),
        consulted=list(decision.consulted),
        informed=list(decision.informed),
        tags=list(decision.tags),
        supersedes=decision.supersedes.number if decision.supersedes else None,
        superseded_by=max(replaced_by) if replaced_by else None,
        body=decision.body,
    )


def export_decisions(folder: Path, *, actor: Any) -> list[Path]:
    """Write every decision `actor` (a user, or `policy.SYSTEM`: all) may see; the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = policy.visible(actor, "architecture.decision")
    written = []
    for decision in rows.select_related("supersedes").prefetch_related("superseded_by_set"):
        path = folder / file_name(decision.number, decision.title)
        path.write_text(write_madr4(as_record(decision)), encoding="utf-8")
        written.append(path)
    return written


def export_radar(path: Path, fmt: str, *, actor: Any, day: date) -> list[str]:
    """Write the radar as it stood on `day` in `fmt`; the warnings of what a 4 x 4 format merged."""
    from steward.architecture import radar_format, selectors

    if path.is_dir():
        raise BadInput(f"{path} is a folder: give the radar file to write")
    doc = selectors.radar_doc(actor=actor, day=day)
    text, warnings = radar_format.write(doc, fmt, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return warnings
