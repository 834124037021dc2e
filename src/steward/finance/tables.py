"""Tables of the finance list pages (core.tables)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables

from steward.core.tables import DateColumn, MoneyColumn, StewardTable


class ContractTable(StewardTable):
    """Every contract: title, vendor, dates, category, data processed, last security review;
    the CSV adds the contract's key and annual value."""

    noun = ("contract", "contracts")

    title = tables.Column(verbose_name="Contract", order_by=("title", "key"))
    vendor = tables.Column(
        accessor="vendor__name", verbose_name="Vendor", order_by=("vendor__name",)
    )
    start = DateColumn(verbose_name="Start")
    end = DateColumn(verbose_name="End")
    category = tables.Column(verbose_name="Category")
    data_processed = tables.Column(verbose_name="Data processed")
    last_security_review = DateColumn(verbose_name="Last security review")
    key = tables.Column(verbose_name="Key", visible=False)
    annual_value = MoneyColumn(verbose_name="Annual value", visible=False)
    currency = tables.Column(verbose_name="Currency", visible=False)

    class Meta(StewardTable.Meta):
        empty_text = "No contracts match. Import them with steward import contracts FILE."

    def render_title(self, value: str, record: Any) -> str:
        return value or record.key

    def value_title(self, value: str, record: Any) -> str:
        return value or record.key
