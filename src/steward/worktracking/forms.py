"""Work-tracking forms: the investment rules; every write goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms

from steward.core.forms import ServiceForm
from steward.worktracking import services
from steward.worktracking.models import InvestmentRule, RuleField


class InvestmentRuleForm(ServiceForm):
    """A new investment rule, or a change to one (its place in the order included)."""

    field = forms.ChoiceField(
        label="When the work item's",
        choices=RuleField.choices,
        help_text="labels: any one of the item's labels; repository: also commits and reviews "
        "in that repository that name no work item",
    )
    value = forms.CharField(
        label="is",
        max_length=300,
        help_text="compared without regard to case, e.g. Bug, ktlo, PAY, payments-api",
    )
    category = forms.CharField(
        label="it belongs to the category",
        max_length=100,
        help_text="e.g. Keeping the lights on, New capability, Platform",
    )
    ktlo = forms.BooleanField(
        label="This category is keeping the lights on (maintenance, bugs, support)",
        required=False,
        help_text="applies to every rule of the category",
    )
    position = forms.IntegerField(
        label="Place in the order",
        min_value=1,
        required=False,
        help_text="the first rule that matches decides; empty keeps the place (new: last)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule: InvestmentRule | None = self.instance
        if rule is not None and not self.is_bound:
            self.initial.update(
                field=rule.field,
                value=rule.value,
                category=rule.category,
                ktlo=rule.ktlo,
                position=rule.position,
            )

    def perform(self, data: dict[str, Any]) -> InvestmentRule:
        return services.investment_rule_save(
            actor=self.actor,
            category=data["category"],
            field=data["field"],
            value=data["value"],
            ktlo=bool(data.get("ktlo")),
            position=data.get("position"),
            rule=self.instance,
        )


class InvestmentRuleMoveForm(ServiceForm):
    """Move a rule to another place in the order."""

    position = forms.IntegerField(label="Move to place", min_value=1)

    def perform(self, data: dict[str, Any]) -> InvestmentRule:
        return services.investment_rule_move(
            actor=self.actor, rule=self.instance, position=data["position"]
        )
