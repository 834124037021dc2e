"""Tables of the organization's list pages (core.tables)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from steward.core.policy import FieldClass
from steward.core.tables import DateColumn, MoneyColumn, NumberColumn, StewardTable, restricted
from steward.core.templatetags.steward_format import date_, isodate


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

    _CSV_FIELDS = {
        "name": "name",
        "title": "title",
        "team": "team__name",
        "manager": "manager__name",
        "location": "location",
        "start_date": "start_date",
        "employee_id": "employee_id",
        "end_date": "end_date",
        "salary": "salary",
        "currency": "currency",
    }

    def csv_fields(self) -> tuple[str, ...]:
        """The fields of the columns shown to this user (salary only to those who see it)."""
        shown = {column.name for column in self.columns.iterall()}
        return tuple(field for name, field in self._CSV_FIELDS.items() if name in shown)

    def csv_values(self, record: Any) -> dict[str, Any]:
        """The CSV row as django-tables2's `as_values` gives it: empty for a missing or blank
        value, dates in ISO, the salary as stored."""
        values = {
            name: record[field]
            for name, field in self._CSV_FIELDS.items()
            if field in record and record[field] not in ("", None)
        }
        for name in ("start_date", "end_date"):
            if name in values:
                values[name] = isodate(values[name])
        return {name: values.get(name) for name in self._CSV_FIELDS}

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
