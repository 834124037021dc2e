"""Tables of the organization's list pages (core.tables)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from steward.core.policy import FieldClass
from steward.core.tables import DateColumn, MoneyColumn, NumberColumn, StewardTable, restricted
from steward.core.templatetags.steward_format import date_


class PersonTable(StewardTable):
    """People: name, title, team, manager, location and start; the CSV adds the employee id,
    the leaving date and, for the roles that see every salary, salary and currency."""

    noun = ("person", "people")

    name = tables.Column(verbose_name="Name")
    title = tables.Column(verbose_name="Title")
    team = tables.Column(
        accessor="team__name", verbose_name="Team", order_by=("team__name",), linkify=False
    )
    manager = tables.Column(
        accessor="manager__name", verbose_name="Manager", order_by=("manager__name",)
    )
    location = tables.Column(verbose_name="Location")
    start_date = DateColumn(verbose_name="Started")
    employee_id = tables.Column(verbose_name="Employee ID", visible=False)
    end_date = DateColumn(verbose_name="Left", visible=False)
    salary = restricted(MoneyColumn(verbose_name="Salary", visible=False), FieldClass.COMPENSATION)
    currency = restricted(
        tables.Column(verbose_name="Currency", visible=False), FieldClass.COMPENSATION
    )

    class Meta(StewardTable.Meta):
        empty_text = "Nobody matches. Try part of a name, or include people who left."

    def render_name(self, value: str, record: Any) -> str:
        link = format_html(
            '<a href="{}">{}</a>', reverse("org:person_detail", args=[record.employee_id]), value
        )
        if record.end_date:
            return format_html(
                '{} <span class="badge left">left {}</span>', link, date_(record.end_date)
            )
        return link

    def value_name(self, value: str) -> str:
        return value

    def render_team(self, value: str, record: Any) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("org:team_detail", args=[record.team.slug]), value
        )

    def value_team(self, value: str) -> str:
        return value


class TeamTable(StewardTable):
    """Teams: name, type, department, lead and active size."""

    noun = ("team", "teams")

    name = tables.Column(verbose_name="Team")
    type = tables.Column(verbose_name="Type")
    department = tables.Column(
        accessor="department__name", verbose_name="Department", order_by=("department__name",)
    )
    lead = tables.Column(accessor="lead__name", verbose_name="Lead", order_by=("lead__name",))
    size = NumberColumn(verbose_name="Size")

    class Meta(StewardTable.Meta):
        empty_text = "No teams. Import them with steward import teams FILE."

    def render_name(self, value: str, record: Any) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("org:team_detail", args=[record.slug]), value
        )

    def value_name(self, value: str) -> str:
        return value

    def render_lead(self, value: str, record: Any) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("org:person_detail", args=[record.lead.employee_id]),
            value,
        )
