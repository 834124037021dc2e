"""What the finance app plugs into core: policy rules, navigation links, import kinds,
labels and cockpit findings."""

from __future__ import annotations

from steward.core import labels, navigation, policy
from steward.core.importing import register_importer
from steward.core.registry import register_finding_rule, register_report_section
from steward.finance import findings, reports, rules
from steward.finance.models import CapitalizationMethod, Category

MODELS = (
    "finance.fiscalyear",
    "finance.costcenter",
    "finance.budgetversion",
    "finance.budgetline",
    "finance.monthlyrate",
    "finance.mappingrule",
    "finance.ledgerentry",
    "finance.billingperiod",
    "finance.cloudcost",
    "finance.vendor",
    "finance.contract",
    "finance.capitalization",
    "finance.vendorevaluation",
    "finance.serviceusage",
    "finance.commitmentcost",
    "finance.variancethreshold",
)


def register() -> None:
    """Called once from `FinanceConfig.ready()`."""
    # Money is for finance, the CTO, admins and executives; individual pay stays with the
    # compensation roles (core.policy), and executives see people cost only over groups.
    for label in MODELS:
        policy.register_row_scope(label, rules.money_rows)
    policy.register_editors("finance", rules.may_change_money)

    money = frozenset(rules.MONEY_ROLES)
    area = "Budget & vendors"
    navigation.register_link(area, "Budget", "finance:budget", roles=money)
    navigation.register_link(area, "Plan vs actual", "finance:plan_vs_actual", roles=money)
    navigation.register_link(area, "Variance drivers", "finance:variance", roles=money)
    navigation.register_link(area, "Cost allocation", "finance:allocation", roles=money)
    navigation.register_link(area, "Unit cost per service", "finance:services", roles=money)
    navigation.register_link(area, "Cloud bills", "finance:cloud", roles=money)
    navigation.register_link(area, "Vendors & contracts", "finance:contracts", roles=money)

    register_importer("budget", "steward.finance.importers.BudgetImporter")
    register_importer("exchange-rates", "steward.finance.importers.RatesImporter")
    register_importer("ledger", "steward.finance.importers.LedgerImporter")
    register_importer("focus", "steward.finance.importers.FocusImporter")
    register_importer("contracts", "steward.finance.importers.ContractsImporter")
    register_importer("capitalization", "steward.finance.importers.CapitalizationImporter")
    register_importer("service-usage", "steward.finance.importers.UsageImporter")
    register_importer("vendor-evaluations", "steward.finance.importers.EvaluationsImporter")

    labels.register_choices(Category, "category")
    labels.register_choices(CapitalizationMethod, "capitalization")

    register_finding_rule("budget line forecast to overrun", findings.overrun_findings)
    register_finding_rule("contract inside its notice period", findings.notice_findings)

    # The money section of the board report and the executive brief (issue 15).
    register_report_section("money", reports.money_section)
