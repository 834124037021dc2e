"""Growth and retention: 1:1s, career ladders, development plans, promotions, surveys, exits.

Privacy is in the shape of the tables: a survey answer holds no link to a person (only an
opaque digest to keep re-imports idempotent), and a 1:1's agenda, action items and private
notes live in rows whose row scope is the pair itself (see rules.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

# --- 1:1s -----------------------------------------------------------------------------------


class OneOnOnePair(models.Model):
    """A manager and one of their reports who meet every `cadence_days` days."""

    manager = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    cadence_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    # The day the cadence starts counting when no 1:1 was ever recorded.
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["manager", "report"]
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "report"],
                name="oneonone_pair_unique",
                violation_error_message="this manager and report already have a 1:1 cadence",
            ),
            models.CheckConstraint(
                condition=~Q(manager=models.F("report")),
                name="oneonone_pair_two_people",
                violation_error_message="a 1:1 needs two different people",
            ),
        ]

    def __str__(self) -> str:
        return f"1:1 {self.manager_id} - {self.report_id}"


class OneOnOneMeeting(models.Model):
    """That a 1:1 took place on a day (what was said is in the pair-only tables below)."""

    pair = models.ForeignKey(
        "growth.OneOnOnePair", on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField()

    class Meta:
        ordering = ["pair", "-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "held_on"],
                name="oneonone_meeting_once_a_day",
                violation_error_message="a 1:1 is already recorded for this pair on this day",
            )
        ]

    def __str__(self) -> str:
        return f"1:1 {self.pair_id} on {self.held_on}"


class OneOnOneContent(models.Model):
    """What a 1:1 was about: the agenda and the private notes, seen by the pair only."""

    meeting = models.OneToOneField(
        "growth.OneOnOneMeeting", on_delete=models.CASCADE, related_name="content"
    )
    agenda = models.TextField(blank=True)
    private_notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"content of {self.meeting_id}"


class ActionItem(models.Model):
    """Something one of the pair agreed to do by a day (seen by the pair only)."""

    meeting = models.ForeignKey(
        "growth.OneOnOneMeeting", on_delete=models.CASCADE, related_name="action_items"
    )
    text = models.CharField(max_length=500)
    owner = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        # Not the text: the audit log shows this to admins, who must not read 1:1 content.
        return f"action item {self.pk} of 1:1 {self.meeting_id}"


# --- career ladders -------------------------------------------------------------------------


class Framework(models.Model):
    """A career framework (FORMATS.md 6): tracks of levels, competencies, expectations."""

    key = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    version = models.CharField(max_length=50, blank=True)
    scoring = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class LadderTrack(models.Model):
    """A track of a framework (backend engineering, engineering management)."""

    framework = models.ForeignKey(
        "growth.Framework", on_delete=models.CASCADE, related_name="tracks"
    )
    key = models.SlugField(max_length=100)
    title = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="laddertrack_unique_key")
        ]

    def __str__(self) -> str:
        return self.title or self.key


class LadderLevel(models.Model):
    """A level of a track, ordered by `rank` (1 = most junior)."""

    track = models.ForeignKey("growth.LadderTrack", on_delete=models.CASCADE, related_name="levels")
    key = models.CharField(max_length=50)
    rank = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True)
    sfia_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )

    class Meta:
        ordering = ["track", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["track", "key"], name="ladderlevel_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}".strip()


class Competency(models.Model):
    """A competency of a framework (Monzo's "topics": communication, impact, ...)."""

    framework = models.ForeignKey(
        "growth.Framework", on_delete=models.CASCADE, related_name="competencies"
    )
    key = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position", "key"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="competency_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class Expectation(models.Model):
    """What a competency looks like at a level: criteria and examples."""

    competency = models.ForeignKey(
        "growth.Competency", on_delete=models.CASCADE, related_name="expectations"
    )
    level = models.ForeignKey(
        "growth.LadderLevel", on_delete=models.CASCADE, related_name="expectations"
    )
    criteria = models.JSONField(default=list, blank=True)
    examples = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="expectation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}@{self.level_id}"


class PersonLevel(models.Model):
    """A person's ladder level over `[start, end)` (the history of promotions)."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey("growth.LadderLevel", on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["person", "start"]
        constraints = [
            models.UniqueConstraint(fields=["person", "start"], name="personlevel_unique_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="personlevel_end_after_start",
                violation_error_message="end must be after start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.level_id} from {self.start}"


class DevelopmentPlan(models.Model):
    """A person's development plan: goals tied to competencies, with check-ins."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    target_level = models.ForeignKey(
        "growth.LadderLevel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person", "-started_on"]

    def __str__(self) -> str:
        return self.title


class DevelopmentGoal(models.Model):
    """A goal of a plan, tied to a competency of the ladder."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    plan = models.ForeignKey(
        "growth.DevelopmentPlan", on_delete=models.CASCADE, related_name="goals"
    )
    competency = models.ForeignKey(
        "growth.Competency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalCheckIn(models.Model):
    """A check-in on a development goal: a day, progress in percent, a note."""

    goal = models.ForeignKey(
        "growth.DevelopmentGoal", on_delete=models.CASCADE, related_name="check_ins"
    )
    on = models.DateField()
    progress = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["goal", "on", "pk"]

    def __str__(self) -> str:
        return f"goal check-in {self.pk} on {self.on}: {self.progress}%"


class PromotionCase(models.Model):
    """A case for promoting a person to a level: evidence, then decisions in order."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    to_level = models.ForeignKey("growth.LadderLevel", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-opened_on", "pk"]

    def __str__(self) -> str:
        return f"promotion of {self.person_id} to {self.to_level_id}"


class PromotionEvidence(models.Model):
    """One piece of evidence for a case: a competency, what was done, a link."""

    case = models.ForeignKey(
        "growth.PromotionCase", on_delete=models.CASCADE, related_name="evidence"
    )
    competency = models.ForeignKey(
        "growth.Competency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class PromotionDecision(models.Model):
    """A step in a case's decision history (submitted, calibrated, approved, declined...)."""

    case = models.ForeignKey(
        "growth.PromotionCase", on_delete=models.CASCADE, related_name="decisions"
    )
    on = models.DateField()
    outcome = models.CharField(max_length=16, choices=PromotionCase.Status.choices)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["case", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.on}: {self.outcome}"


# --- engagement surveys ---------------------------------------------------------------------


class Survey(models.Model):
    """One survey round (FORMATS.md 8): its questions and anonymous answers."""

    key = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    opened_on = models.DateField()
    closes_on = models.DateField(null=True, blank=True)
    # Who is asked: these teams (empty: the whole organization).
    audience = models.ManyToManyField("org.Team", blank=True, related_name="+")
    intro = models.TextField(blank=True)

    class Meta:
        ordering = ["opened_on", "key"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    """A question of a round: eNPS (0-10), a 1-5 agreement scale, or free text."""

    class Kind(models.TextChoices):
        ENPS = "enps", "eNPS (0-10)"
        SCALE = "scale", "Agreement (1-5)"
        TEXT = "text", "Free text"

    survey = models.ForeignKey("growth.Survey", on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=100)
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=8, choices=Kind.choices)

    class Meta:
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="surveyquestion_unique_key")
        ]

    def __str__(self) -> str:
        return self.text


class SurveyAnswer(models.Model):
    """One anonymous answer. No person is linked: `respondent` groups the answers of one
    response (an opaque digest of the file's `respondent_key` and the survey key)."""

    question = models.ForeignKey(
        "growth.SurveyQuestion", on_delete=models.CASCADE, related_name="answers"
    )
    respondent = models.CharField(max_length=64)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    value = models.SmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "respondent"], name="surveyanswer_one_per_respondent"
            )
        ]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"


# --- leaving --------------------------------------------------------------------------------


class ExitRecord(models.Model):
    """Why a person left (the exit interview's main reason), for the exit-reason breakdown."""

    class Reason(models.TextChoices):
        COMPENSATION = "compensation", "Compensation"
        CAREER = "career", "Career growth"
        MANAGER = "manager", "Manager relationship"
        WORKLOAD = "workload", "Workload"
        RELOCATION = "relocation", "Relocation"
        PERFORMANCE = "performance", "Performance"
        RESTRUCTURING = "restructuring", "Restructuring"
        OTHER = "other", "Other"

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    left_on = models.DateField()
    reason = models.CharField(max_length=16, choices=Reason.choices)

    class Meta:
        ordering = ["-left_on"]
        constraints = [
            models.UniqueConstraint(fields=["person", "left_on"], name="exitrecord_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} left {self.left_on}: {self.reason}"


# --- onboarding -----------------------------------------------------------------------------


class OnboardingTemplate(models.Model):
    """A reusable onboarding plan: tasks by phase (first 30, 60, 90 days)."""

    key = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class OnboardingTemplateTask(models.Model):
    """A task of a template: due `day` days after the start, done by the joiner, their
    manager or their buddy."""

    class Owner(models.TextChoices):
        JOINER = "joiner", "The new joiner"
        MANAGER = "manager", "Their manager"
        BUDDY = "buddy", "Their buddy"

    template = models.ForeignKey(
        "growth.OnboardingTemplate", on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(max_length=300)
    day = models.PositiveSmallIntegerField(validators=[MaxValueValidator(365)])
    owner = models.CharField(max_length=8, choices=Owner.choices, default=Owner.JOINER)

    class Meta:
        ordering = ["template", "day", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def phase(self) -> int:
        """30, 60 or 90 (the first day-range the task falls in; later tasks count as 90)."""
        return 30 if self.day <= 30 else 60 if self.day <= 60 else 90


class OnboardingPlan(models.Model):
    """A new joiner's onboarding, made from a template: a buddy and dated tasks."""

    person = models.OneToOneField("org.Person", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(
        "growth.OnboardingTemplate", null=True, blank=True, on_delete=models.SET_NULL
    )
    buddy = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start = models.DateField()

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"onboarding of {self.person_id}"


class OnboardingTask(models.Model):
    """A task of a joiner's plan, with its owner and due day."""

    plan = models.ForeignKey(
        "growth.OnboardingPlan", on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


# --- coaching and training ------------------------------------------------------------------


class CoachingProgramme(models.Model):
    """A coach (often the CTO) coaching a team lead: goals and sessions."""

    coach = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    started_on = models.DateField()
    goals = models.JSONField(default=list, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(coach=models.F("lead")),
                name="coaching_two_people",
                violation_error_message="a coach coaches someone else",
            )
        ]

    def __str__(self) -> str:
        return f"coaching of {self.lead_id} by {self.coach_id}"


class CoachingSession(models.Model):
    """A coaching session: the day, the topic, notes (the coach and the lead only)."""

    programme = models.ForeignKey(
        "growth.CoachingProgramme", on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField()
    topic = models.CharField(max_length=300)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["programme", "-held_on"]

    def __str__(self) -> str:
        return f"coaching session {self.pk}"


class Course(models.Model):
    """A course of the training catalog."""

    key = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    provider = models.CharField(max_length=200, blank=True)
    hours = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    cost = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="EUR")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TrainingRecord(models.Model):
    """A person took a course: when, and what it cost."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("growth.Course", on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    cost = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return f"{self.person_id} took {self.course_id}"


class TrainingBudget(models.Model):
    """A person's training budget for a calendar year."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")

    class Meta:
        ordering = ["person", "year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="trainingbudget_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


# --- goals and expectations -----------------------------------------------------------------


class Goal(models.Model):
    """A team's or one person's goal that cascades from a strategy objective (and, optionally,
    one of its key results), measured against the expectations of a ladder level."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    objective = models.ForeignKey("strategy.Objective", on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(
        "strategy.KeyResult", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The level whose expectations the goal is measured against (an individual goal starts at
    # the person's level on the day it is set).
    level = models.ForeignKey(
        "growth.LadderLevel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["objective", "team", "person", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False, person__isnull=True)
                | Q(team__isnull=True, person__isnull=False),
                name="goal_team_or_person",
                violation_error_message="a goal belongs to a team or to one person",
            )
        ]

    def __str__(self) -> str:
        return self.title


class GoalProgress(models.Model):
    """A check-in on a goal under an objective: its progress and status on a day, and why."""

    goal = models.ForeignKey("growth.Goal", on_delete=models.CASCADE, related_name="check_ins")
    on = models.DateField()
    progress = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(max_length=16, choices=Goal.Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["goal", "on", "pk"]
        verbose_name_plural = "goal progress"

    def __str__(self) -> str:
        return f"goal check-in {self.pk} on {self.on}: {self.progress}%"
