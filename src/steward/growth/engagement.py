"""Engagement survey results: eNPS per round and team under the small-group rule, trends,
question scores, comments, and the "eNPS drop" finding.

eNPS (METRICS.md) = % answering 9-10 − % answering 0-6 over respondents. A team's figure is
shown only when at least `min_group` people answered (STEWARD_MIN_GROUP_SIZE, default 5, never
below 3), with complementary suppression along the line "teams → the whole organization"
(`core.disclosure.suppressed`): when one team is hidden, the organization's figure and the
shown teams' counts must not give it away, so one more team is hidden. Results are aggregates
only; no page, API response or export lists an answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.db import transaction

from steward.core import disclosure
from steward.core.importing import Change, Diff, audit_created
from steward.core.registry import Finding
from steward.core.requestmemo import once_per_request

NO_TEAM = "(no team)"
TOTAL = "__total__"
DROP_POINTS = 10  # an eNPS drop of at least this many points between two rounds is a finding


def min_group() -> int:
    """The small-group threshold in force."""
    return disclosure.min_group_size(getattr(settings, "STEWARD_MIN_GROUP_SIZE", None))


@dataclass(frozen=True)
class Enps:
    """The eNPS of a group of answers (0-10)."""

    respondents: int
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> float | None:
        """% promoters − % detractors, −100…+100 (None without respondents)."""
        if not self.respondents:
            return None
        return 100 * (self.promoters - self.detractors) / self.respondents


def enps_of(values: Iterable[int]) -> Enps:
    """eNPS counts of 0-10 answers (promoters 9-10, passives 7-8, detractors 0-6)."""
    values = list(values)
    return Enps(
        respondents=len(values),
        promoters=sum(1 for v in values if v >= 9),
        passives=sum(1 for v in values if 7 <= v <= 8),
        detractors=sum(1 for v in values if v <= 6),
    )


def hidden_groups(groups: dict[str, set[str]], threshold: int) -> frozenset[str]:
    """Which groups (and TOTAL) to hide: too few respondents, then complementary suppression."""
    figures = {
        name: disclosure.Figure({r: Decimal(1) for r in members})
        for name, members in groups.items()
    }
    figures[TOTAL] = disclosure.combine(figures.values())
    return disclosure.suppressed(figures, [(list(groups), TOTAL)], threshold)


# --- reads ----------------------------------------------------------------------------------


def team_ids_by_slug() -> dict[str, int]:
    """Team ids by slug (for the importer)."""
    from steward.org import selectors as org_selectors

    return {slug: team.pk for slug, team in org_selectors.teams_by_slug().items()}


@once_per_request
def _team_names() -> Mapping[int, str]:
    from steward.org import selectors as org_selectors

    return MappingProxyType({team.pk: team.name for team in org_selectors.teams_by_slug().values()})


def survey_list() -> list[Any]:
    """Survey rounds, oldest first (rounds are not sensitive: open to every role)."""
    return list(_surveys())


@once_per_request
def _surveys() -> tuple[Any, ...]:
    from steward.growth.models import Survey

    return tuple(Survey.objects.order_by("opened_on", "key"))


def _enps_answers(surveys: Iterable[Any]) -> dict[int, list[tuple[str, int | None, int]]]:
    """Survey id -> (respondent, team id, value) of the round's eNPS answers, for every round
    of `surveys` in one query (aggregated by the callers)."""
    from steward.growth.models import SurveyAnswer

    answers: dict[int, list[tuple[str, int | None, int]]] = defaultdict(list)
    rows = SurveyAnswer.objects.filter(
        question__survey__in=surveys, question__kind="enps", value__isnull=False
    ).values_list("question__survey_id", "respondent", "team_id", "value")
    for survey_id, respondent, team_id, value in rows:
        if value is not None:
            answers[survey_id].append((respondent, team_id, int(value)))
    return answers


def enps_round(
    survey: Any,
    threshold: int | None = None,
    answers: list[tuple[str, int | None, int]] | None = None,
) -> dict[str, Any]:
    """A round's eNPS for the organization and per team, hidden where the rule says so
    (`answers`: the round's eNPS answers when the caller read them, as `_enps_answers`)."""
    threshold = threshold or min_group()
    names = _team_names()
    members: dict[str, set[str]] = defaultdict(set)
    values: dict[str, list[int]] = defaultdict(list)
    if answers is None:
        answers = _enps_answers([survey])[survey.pk]
    for respondent, team_id, value in answers:
        group = names.get(team_id, NO_TEAM) if team_id else NO_TEAM
        members[group].add(respondent)
        values[group].append(value)
    hidden = hidden_groups(dict(members), threshold) if members else frozenset()
    teams = []
    for group in sorted(members):
        if group in hidden:
            teams.append({"group": group, "suppressed": True})
        else:
            teams.append({"group": group, **_enps_dict(enps_of(values[group]))})
    everyone = [v for vs in values.values() for v in vs]
    total: dict[str, Any]
    if not everyone:
        total = {"respondents": 0, "enps": None, "level": "no data"}
    elif TOTAL in hidden:
        total = {"suppressed": True}
    else:
        total = _enps_dict(enps_of(everyone))
    return {
        "survey": survey.key,
        "title": survey.title,
        "opened_on": survey.opened_on,
        "min_group_size": threshold,
        "organization": total,
        "teams": teams,
    }


def _enps_dict(figure: Enps) -> dict[str, Any]:
    score = figure.score
    return {
        "respondents": figure.respondents,
        "promoters": figure.promoters,
        "passives": figure.passives,
        "detractors": figure.detractors,
        "enps": None if score is None else round(score, 1),
        "band": band(score),
    }


def band(score: float | None) -> str:
    """Factorial's bands (FORMATS.md 8)."""
    if score is None:
        return "no data"
    for upper, name in (
        (-31, "concern"),
        (-1, "needs improvement"),
        (10, "not bad"),
        (30, "good"),
        (60, "great"),
    ):
        if score <= upper:
            return name
    return "amazing"


def enps_trend(threshold: int | None = None) -> list[dict[str, Any]]:
    """Every round's results, oldest first (the trend per round)."""
    surveys = survey_list()
    answers = _enps_answers(surveys)  # every round's in one query, not one per round
    return [enps_round(s, threshold, answers[s.pk]) for s in surveys]


def question_scores(survey: Any, threshold: int | None = None) -> list[dict[str, Any]]:
    """Organization-wide results of the round's 1-5 questions (shown at ≥ threshold answers)."""
    from steward.growth.models import SurveyAnswer

    threshold = threshold or min_group()
    rows = []
    for question in survey.questions.filter(kind="scale"):
        answers = [
            int(v)
            for v in SurveyAnswer.objects.filter(
                question=question, value__isnull=False
            ).values_list("value", flat=True)
            if v is not None
        ]
        if len(answers) < threshold:
            rows.append({"question": question.text, "suppressed": True})
            continue
        rows.append(
            {
                "question": question.text,
                "answers": len(answers),
                "mean": round(sum(answers) / len(answers), 2),
                "favourable": round(100 * sum(1 for a in answers if a >= 4) / len(answers), 1),
            }
        )
    return rows


def comments(survey: Any, threshold: int | None = None) -> list[str] | None:
    """The round's free-text comments, organization-wide, without team or person; None when
    fewer than `threshold` people answered the round."""
    from steward.growth.models import SurveyAnswer

    threshold = threshold or min_group()
    answers = SurveyAnswer.objects.filter(question__survey=survey)
    if answers.values("respondent").distinct().count() < threshold:
        return None
    texts = [c for c in answers.exclude(comment="").values_list("comment", flat=True)]
    return sorted(texts)


def participation(survey: Any, threshold: int | None = None) -> dict[str, Any]:
    """Who was asked and how many answered: the audience (team names, or the whole
    organization), the people employed in it on the opening day, and the response rate, shown
    only when at least `threshold` people answered (a count below it is hidden too)."""
    from steward.growth.models import SurveyAnswer
    from steward.org import selectors as org_selectors

    threshold = threshold or min_group()
    teams = list(survey.audience.order_by("name"))
    sizes = org_selectors.team_sizes(on=survey.opened_on)
    invited = sum(sizes.get(t.pk, 0) for t in teams) if teams else sum(sizes.values())
    respondents = (
        SurveyAnswer.objects.filter(question__survey=survey).values("respondent").distinct().count()
    )
    result: dict[str, Any] = {
        "audience": [t.name for t in teams] or ["the whole organization"],
        "invited": invited,
        "opened_on": survey.opened_on,
        "closes_on": survey.closes_on,
        "open": survey.opened_on <= date.today()
        and (survey.closes_on is None or survey.closes_on >= date.today()),
    }
    if respondents < threshold:
        result["suppressed"] = True
    else:
        result["respondents"] = respondents
        result["rate"] = round(100 * respondents / invited, 1) if invited else None
    return result


def enps_drops(threshold: int | None = None) -> list[dict[str, Any]]:
    """Groups whose shown eNPS fell by at least DROP_POINTS between the last two rounds."""
    rounds = enps_trend(threshold)
    if len(rounds) < 2:
        return []
    before, after = rounds[-2], rounds[-1]
    drops = []
    pairs = [("the organization", before["organization"], after["organization"])]
    old_teams = {t["group"]: t for t in before["teams"]}
    pairs += [(t["group"], old_teams.get(t["group"], {}), t) for t in after["teams"]]
    for group, old, new in pairs:
        if old.get("enps") is None or new.get("enps") is None:
            continue
        fall = old["enps"] - new["enps"]
        if fall >= DROP_POINTS:
            drops.append(
                {
                    "group": group,
                    "before": old["enps"],
                    "after": new["enps"],
                    "points": round(fall, 1),
                    "from_survey": before["title"],
                    "to_survey": after["title"],
                    "survey": after["survey"],
                }
            )
    return drops


def enps_drop_findings(user: Any, on: date) -> list[Finding]:
    """Cockpit: eNPS drops of at least 10 points between the last two rounds (shown groups)."""
    from steward.core import policy

    if not policy.roles_of(user):
        return []
    findings = []
    for drop in enps_drops():
        findings.append(
            Finding(
                "enps-drop",
                "warning",
                f"eNPS of {drop['group']} fell {drop['points']:,.1f} points, from "
                f"{drop['before']:+,.1f} to {drop['after']:+,.1f} "
                f"({drop['from_survey']} → {drop['to_survey']})",
                f"/growth/engagement/?survey={drop['survey']}",
            )
        )
    return findings


# --- writes (the importer) ------------------------------------------------------------------


def answer_changes(rows: list[dict[str, Any]]) -> list[Change]:
    """One change per answer: added, changed (value, team or comment) or unchanged."""
    from steward.growth.models import SurveyAnswer

    stored = {
        (a.question.survey.key, a.question.key, a.respondent): a
        for a in SurveyAnswer.objects.filter(
            question__survey__key__in={r["survey"] for r in rows}
        ).select_related("question__survey")
    }
    changes = []
    for row in rows:
        key = f"{row['survey']}/{row['question']}/answer on line {row['line']}"
        old = stored.get((row["survey"], row["question"], row["respondent"]))
        if old is None:
            changes.append(Change("added", key, line=row["line"]))
            continue
        fields = {}
        for name, new in (
            ("value", row["value"]),
            ("team_id", row["team_id"]),
            ("comment", row["comment"]),
        ):
            if getattr(old, name) != new:
                fields[name] = ("…", "…")  # answers are never echoed, not even to the importer
        changes.append(
            Change("changed" if fields else "unchanged", key, line=row["line"], fields=fields)
        )
    return changes


@transaction.atomic
def answers_save(*, actor: Any, rows: list[dict[str, Any]], diff: Diff) -> None:
    """Write imported answers (surveys and questions made as needed); idempotent."""
    from steward.core import policy
    from steward.core.actors import SystemActor
    from steward.growth import rules
    from steward.growth.models import Survey, SurveyAnswer, SurveyQuestion

    if not (isinstance(actor, SystemActor) or rules.may_import_surveys(actor)):
        raise policy.PermissionDenied("only the people role, the CTO and admins import surveys")
    surveys: dict[str, Survey] = {}
    questions: dict[tuple[str, str], SurveyQuestion] = {}
    created = []
    for row in rows:
        survey = surveys.get(row["survey"])
        if survey is None:
            survey, _ = Survey.objects.get_or_create(
                key=row["survey"],
                defaults={"title": row["survey_title"], "opened_on": row["answered_at"]},
            )
            surveys[row["survey"]] = survey
        if row["answered_at"] < survey.opened_on:
            survey.opened_on = row["answered_at"]
            survey.save()
        qkey = (row["survey"], row["question"])
        question = questions.get(qkey)
        if question is None:
            question, _ = SurveyQuestion.objects.get_or_create(
                survey=survey,
                key=row["question"],
                defaults={"text": row["question_text"], "kind": row["kind"]},
            )
            questions[qkey] = question
        answer = SurveyAnswer.objects.filter(
            question=question, respondent=row["respondent"]
        ).first()
        if answer is None:
            created.append(
                SurveyAnswer(
                    question=question,
                    respondent=row["respondent"],
                    team_id=row["team_id"],
                    value=row["value"],
                    comment=row["comment"],
                )
            )
            continue
        if (answer.value, answer.team_id, answer.comment) != (
            row["value"],
            row["team_id"],
            row["comment"],
        ):
            answer.value, answer.team_id, answer.comment = (
                row["value"],
                row["team_id"],
                row["comment"],
            )
            answer.save()
    SurveyAnswer.objects.bulk_create(created)
    # The log records that answers arrived, not what they say (see registrations.py).
    audit_created(created, actor=actor, fields=["question_id"])
