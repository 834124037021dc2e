"""The quarterly board report and the monthly executive brief, from live data.

A report is the sections of `core.registry.report_sections` (the cockpit registers roadmap,
delivery, people and risks here; an app such as finance registers its own), a narrative outline
of their key figures compared with the previous quarter's snapshot, the CTO's commentary per
section (`ReportNote`) and, in the board report, the technology vision. HTML first; the PDF is
the same HTML through WeasyPrint.

The board version holds no personal data: sections get `period.board = True` and name no
person; the cockpit's own sections name teams and objectives only.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from steward.cockpit import charts
from steward.core import policy, registry
from steward.core.errors import BadInput
from steward.core.periods import parse_quarter, quarter_of
from steward.core.registry import KeyFigure, ReportPeriod, ReportSection

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(kind: str, text: str) -> ReportPeriod:
    """`board` + "2026Q4" or `brief` + "2026-11" as a report period; BadInput otherwise."""
    if kind == "board":
        try:
            quarter = parse_quarter(text)
        except (ValueError, BadInput) as exc:
            raise BadInput(f"quarter {text!r}: write it as 2026Q4") from exc
        return ReportPeriod("board", quarter.start, quarter.end, str(quarter), True)
    if kind == "brief":
        match = MONTH.match(text or "")
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise BadInput(f"month {text!r}: write it as 2026-11")
        year, month = int(match.group(1)), int(match.group(2))
        start = date(year, month, 1)
        end = start + timedelta(days=calendar.monthrange(year, month)[1])
        return ReportPeriod("brief", start, end, start.strftime("%B %Y"), False)
    raise BadInput(f"report {kind!r}: board or brief")


def code_of(period: ReportPeriod) -> str:
    """The period as it is written in URLs and commands: "2026Q4" or "2026-11"."""
    if period.kind == "board":
        return str(quarter_of(period.start))
    return period.start.strftime("%Y-%m")


def recent_quarters(on: date, count: int = 4) -> list[str]:
    """This quarter and the ones before it."""
    now = quarter_of(on)
    return [str(now - n) for n in range(count)]


def recent_months(on: date, count: int = 6) -> list[str]:
    """This month and the ones before it ("2026-11")."""
    out, day = [], on.replace(day=1)
    for _ in range(count):
        out.append(day.strftime("%Y-%m"))
        day = (day - timedelta(days=1)).replace(day=1)
    return out


# --- the cockpit's own sections (it may read every app's selectors: the top floor) ---------


def roadmap_section(actor: policy.Actor, period: ReportPeriod) -> ReportSection | None:
    """Objectives and their progress, initiatives planned in the period and their status."""
    from steward.strategy import selectors as strategy

    objectives = [strategy.objective_dict(o) for o in strategy.objective_list(actor=actor)]
    active = [o for o in objectives if o["start"] < period.end and o["end"] > period.start]
    quarter = str(quarter_of(period.start))
    initiatives = [
        {"key": i.key, "title": i.title, "status": i.get_status_display(), "raw": i.status}
        for i in strategy.initiative_list(actor=actor)
        if i.planned_start == quarter or i.status == "in-progress"
    ]
    done = sum(1 for i in initiatives if i["raw"] == "done")
    progress = [o["progress"] for o in active if o["progress"] is not None]
    mean = sum(progress) / len(progress) if progress else None
    chart = charts.bar_svg(
        [{"objective": f"{o['key']} {o['title']}"[:60], "progress": o["progress"]}
         for o in active if o["progress"] is not None],
        "progress", "objective", "progress of the key results", percent=True,
    )  # fmt: skip
    html = render_to_string(
        "cockpit/sections/roadmap.html",
        {"objectives": active, "initiatives": initiatives, "chart": chart},
    )
    return ReportSection(
        key="roadmap",
        title="Roadmap and objectives",
        html=html,
        order=10,
        figures=(
            KeyFigure("roadmap.objectives", "objectives in the period", len(active), "",
                      reverse("strategy:objectives")),
            KeyFigure("roadmap.progress", "mean objective progress",
                      None if mean is None else round(mean * 100, 1), "%",
                      reverse("strategy:objectives")),
            KeyFigure("roadmap.initiatives", "initiatives in progress or planned",
                      len(initiatives), "", reverse("strategy:roadmap")),
            KeyFigure("roadmap.done", "initiatives done", done, "", reverse("strategy:roadmap")),
        ),
    )  # fmt: skip


def delivery_section(actor: policy.Actor, period: ReportPeriod) -> ReportSection | None:
    """The four keys of the whole organization over the period, with the weekly deployments."""
    from steward.engineering import selectors as engineering
    from steward.engineering.charts import trend_svg

    end = min(period.end, date.today() + timedelta(days=1))
    if end <= period.start:
        return None
    metrics, weeks = engineering.dora_overview(actor=actor, start=period.start, end=end)
    chart = trend_svg(weeks, "deployment_frequency") if weeks else ""
    df = metrics["deployment_frequency"]
    lt = metrics["lead_time_for_changes"]
    cfr = metrics["change_failure_rate"]
    rt = metrics["failed_deployment_recovery_time"]
    url = f"{reverse('engineering:delivery')}?from={period.start}&to={end}"
    rate = None if cfr["rate"] is None else round(cfr["rate"] * 100, 1)
    html = render_to_string(
        "cockpit/sections/delivery.html", {"m": metrics, "chart": chart, "url": url, "rate": rate}
    )
    return ReportSection(
        key="delivery",
        title="Delivery",
        html=html,
        order=20,
        figures=(
            KeyFigure("delivery.per_week", "production deployments per week", df["per_week"],
                      "", url),
            KeyFigure("delivery.lead_time", "median lead time for changes", lt["median_hours"],
                      "h", url),
            KeyFigure("delivery.change_failure_rate", "change failure rate", rate, "%", url),
            KeyFigure("delivery.recovery", "median recovery time", rt["median_hours"], "h", url),
        ),
    )  # fmt: skip


def people_section(actor: policy.Actor, period: ReportPeriod) -> ReportSection | None:
    """Headcount at the end of the period, joiners and leavers in it, team sizes (no names)."""
    from steward.org import selectors as org

    last = min(period.end - timedelta(days=1), date.today())
    people = list(
        org.person_list(actor=actor).values("start_date", "end_date", "track", "team__name")
    )

    def active(p: Any, on: date) -> bool:
        return p["start_date"] <= on and (p["end_date"] is None or p["end_date"] > on)

    headcount = [p for p in people if active(p, last)]
    joiners = sum(1 for p in people if period.start <= p["start_date"] <= last)
    leavers = sum(1 for p in people if p["end_date"] and period.start < p["end_date"] <= last)
    by_team: dict[str, int] = {}
    for p in headcount:
        name = p["team__name"] or "no team"
        by_team[name] = by_team.get(name, 0) + 1
    chart = charts.bar_svg(
        [{"team": t, "people": n} for t, n in sorted(by_team.items())], "people", "team",
        "people per team",
    )  # fmt: skip
    url = reverse("org:team_list")
    html = render_to_string(
        "cockpit/sections/people.html",
        {
            "headcount": len(headcount),
            "managers": sum(1 for p in headcount if p["track"] == "manager"),
            "joiners": joiners,
            "leavers": leavers,
            "teams": len(by_team),
            "on": last,
            "chart": chart,
        },
    )
    return ReportSection(
        key="people",
        title="People",
        html=html,
        order=30,
        figures=(
            KeyFigure("people.headcount", "people employed", len(headcount), "", url),
            KeyFigure("people.joiners", "joiners", joiners, "", url),
            KeyFigure("people.leavers", "leavers", leavers, "", url),
        ),
    )  # fmt: skip


def risks_section(actor: policy.Actor, period: ReportPeriod) -> ReportSection | None:
    """What needs attention: the current findings, counted by kind for the board (no names),
    listed for the executive brief."""
    from steward.cockpit import selectors

    found = selectors.findings_for(actor=actor, on=date.today())
    items = found["items"] + found["set_aside"]
    by_rule: dict[str, dict[str, int]] = {}
    for f in items:
        counts = by_rule.setdefault(f["rule"], {"critical": 0, "warning": 0, "info": 0})
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    critical = sum(1 for f in items if f["severity"] == "critical")
    html = render_to_string(
        "cockpit/sections/risks.html",
        {"board": period.board, "by_rule": sorted(by_rule.items()), "items": items,
         "run": found["run"]},
    )  # fmt: skip
    return ReportSection(
        key="risks",
        title="Risks and what needs attention",
        html=html,
        order=90,
        figures=(
            KeyFigure("risks.critical", "critical findings", critical, "", reverse("home")),
            KeyFigure("risks.findings", "findings", len(items), "", reverse("home")),
        ),
    )  # fmt: skip


SECTIONS = {
    "roadmap": roadmap_section,
    "delivery": delivery_section,
    "people": people_section,
    "risks": risks_section,
}


def register() -> None:
    """The cockpit's own sections (called from the cockpit's registrations)."""
    for name, provider in SECTIONS.items():
        registry.register_report_section(name, provider)


# --- building, comparing, rendering ------------------------------------------------------


def figures_of(sections: list[ReportSection]) -> list[dict[str, Any]]:
    """Every key figure of the sections as plain data (what a snapshot freezes)."""
    return [
        {"key": f.key, "label": f.label, "value": f.value, "unit": f.unit, "section": s.key}
        for s in sections
        for f in s.figures
    ]


def _compare(figures: list[dict[str, Any]], previous: Any | None) -> list[dict[str, Any]]:
    before = {f["key"]: f["value"] for f in previous.figures} if previous is not None else {}
    out = []
    for f in figures:
        was = before.get(f["key"])
        change = None
        if isinstance(was, int | float) and isinstance(f["value"], int | float):
            change = round(f["value"] - was, 2)
        out.append({**f, "previous": was, "change": change})
    return out


def build(actor: policy.Actor, period: ReportPeriod) -> dict[str, Any]:
    """Everything a report shows: sections, outline, comparison, commentary, vision."""
    from steward.cockpit import selectors
    from steward.cockpit.models import ReportNote

    sections = registry.report(actor, period)
    code = code_of(period)
    quarter = str(quarter_of(period.start))
    previous = selectors.snapshot_before(quarter)
    notes = dict(
        ReportNote.objects.filter(kind=period.kind, period=code).values_list("section", "text")
    )
    return {
        "period": period,
        "code": code,
        "kind": period.kind,
        "title": (
            f"Board report, {period.label}" if period.board else f"Executive brief, {period.label}"
        ),
        "sections": [{"section": s, "note": notes.get(s.key, "")} for s in sections],
        "outline": _compare(figures_of(sections), previous),
        "previous": previous,
        "vision": selectors.vision() if period.board else None,
        "generated_at": timezone.now(),
        "filename": f"steward-{period.kind}-{code}",
    }


def snapshot(actor: policy.Actor, period: ReportPeriod, *, reason: str) -> Any:
    """Freeze the key figures of the quarter of `period` as they are now."""
    from steward.cockpit import services

    quarter = quarter_of(period.start)
    board = ReportPeriod("board", quarter.start, quarter.end, str(quarter), True)
    figures = figures_of(registry.report(policy.SYSTEM, board))
    return services.snapshot_take(actor=actor, period=str(quarter), figures=figures, reason=reason)


def snapshot_closed_quarter(on: date) -> Any | None:
    """At a quarter's end: freeze the quarter just closed, once (the refresh job calls this)."""
    from steward.cockpit.models import Snapshot

    closed = quarter_of(on) - 1
    if Snapshot.objects.filter(period=str(closed), reason="quarter end").exists():
        return None
    return snapshot(
        policy.SYSTEM,
        ReportPeriod("board", closed.start, closed.end, str(closed), True),
        reason="quarter end",
    )


def html(built: dict[str, Any]) -> str:
    """The report as one standalone HTML document (what the PDF is made from)."""
    return render_to_string("cockpit/report_document.html", {"report": built})


def pdf(built: dict[str, Any]) -> bytes:
    """The report as PDF (WeasyPrint, no network: every resource is inline)."""
    from weasyprint import HTML

    return HTML(string=html(built)).write_pdf()  # type: ignore[no-any-return]
