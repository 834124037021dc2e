"""Tables of the hiring pages (core.tables)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from steward.core.tables import DateColumn, MoneyColumn, NumberColumn, StewardTable
from steward.talent import rules, services


class RequisitionTable(StewardTable):
    """Requisitions: key and title, team, level, reason, status, target start, hiring manager
    and, for the roles that see hiring money, the budgeted cost; the CSV adds the quarter."""

    noun = ("requisition", "requisitions")

    title = tables.Column(verbose_name="Requisition", order_by=("key",))
    team = tables.Column(accessor="team__name", verbose_name="Team", order_by=("team__name",))
    level = tables.Column(verbose_name="Level")
    reason = tables.Column(verbose_name="Reason")
    status = tables.Column(verbose_name="Status")
    target_start = DateColumn(verbose_name="Target start")
    hiring_manager = tables.Column(
        accessor="hiring_manager__name",
        verbose_name="Hiring manager",
        order_by=("hiring_manager__name",),
    )
    budgeted_cost = MoneyColumn(verbose_name="Budgeted cost", currency="currency")
    quarter = tables.Column(verbose_name="Quarter", visible=False)

    class Meta(StewardTable.Meta):
        empty_text = "No requisitions. Add openings from the headcount plan or create one."

    def __init__(
        self, data: Any, *, behind: frozenset[str] | set[str] = frozenset(), **kwargs: Any
    ):
        super().__init__(data, **kwargs)
        self.behind = behind

    @classmethod
    def hidden_for(cls, actor: Any) -> set[str]:
        return set() if rules.may_see_money(actor) else {"budgeted_cost"}

    def render_title(self, value: str, record: Any) -> str:
        url = reverse("talent:requisition_detail", args=[record.key])
        link = format_html('<a href="{}">{} {}</a>', url, record.key, value)
        if record.key in self.behind:
            return format_html('{} <span class="badge text-bg-warning">behind plan</span>', link)
        return link

    def value_title(self, value: str, record: Any) -> str:
        return f"{record.key} {value}"


class CandidateTable(StewardTable):
    """Candidates: name, applications and how long their data is kept (or when it was erased);
    the CSV adds the candidate's id. Candidate data: every row written to a CSV is audited as
    an access to that candidate (`services.candidates_exported`)."""

    noun = ("candidate", "candidates")

    name = tables.Column(verbose_name="Candidate")
    application_count = NumberColumn(verbose_name="Applications")
    retain_until = DateColumn(verbose_name="Keep data until")
    erased_on = DateColumn(verbose_name="Erased")
    id = tables.Column(verbose_name="Candidate ID", visible=False)

    class Meta(StewardTable.Meta):
        empty_text = (
            "No candidates you may see match. Import them with steward import applications FILE."
        )

    def render_name(self, value: str, record: Any) -> str:
        url = reverse("talent:candidate_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value: str) -> str:
        return value

    def csv_rows(self) -> Iterable[list[Any]]:
        rows = list(super().csv_rows())
        services.candidates_exported(actor=self.actor, candidates=[r.record for r in self.rows])
        return rows
