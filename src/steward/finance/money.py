"""Conversion into the reporting currency at the rate of the month. Plain Python, no Django.

A rate is units of the reporting currency for one unit of a currency. The rate of a month is
the one stored for that month, else the latest earlier month's, else the standing rate
(orgdesign's exchange-rate table); without any, the amount cannot be converted.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# ISO 4217 active codes most bills and ledgers use; others are refused with the list.
KNOWN_CURRENCIES = frozenset(
    [
        "AED",
        "ARS",
        "AUD",
        "BGN",
        "BRL",
        "CAD",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CZK",
        "DKK",
        "EGP",
        "EUR",
        "GBP",
        "HKD",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "ISK",
        "JPY",
        "KRW",
        "MXN",
        "MYR",
        "NGN",
        "NOK",
        "NZD",
        "PEN",
        "PHP",
        "PKR",
        "PLN",
        "RON",
        "SAR",
        "SEK",
        "SGD",
        "THB",
        "TRY",
        "TWD",
        "UAH",
        "USD",
        "VND",
        "ZAR",
    ]
)


def cents(amount: Decimal) -> Decimal:
    """`amount` rounded half up to cents."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Rates:
    """Monthly rates into `reporting` plus standing rates for months without one."""

    reporting: str
    monthly: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)
    standing: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        reporting: str,
        rows: Iterable[tuple[date, str, Decimal]],
        standing: Mapping[str, Decimal] | None = None,
    ) -> Rates:
        """From (month, currency, rate) rows."""
        monthly: dict[str, list[tuple[date, Decimal]]] = {}
        for month, currency, rate in rows:
            monthly.setdefault(currency, []).append((month, rate))
        for values in monthly.values():
            values.sort()
        return cls(reporting, monthly, dict(standing or {}))

    def rate(self, currency: str, month: date) -> Decimal | None:
        """The rate of `currency` in `month` (1 for the reporting currency), None without one."""
        if currency == self.reporting:
            return Decimal(1)
        values = self.monthly.get(currency)
        if values:
            index = bisect.bisect_right(values, (month, Decimal("Infinity"))) - 1
            if index >= 0:
                return values[index][1]
        return self.standing.get(currency)

    def convert(self, amount: Decimal, currency: str, month: date) -> Decimal | None:
        """`amount` in the reporting currency (to the cent), None without a rate."""
        rate = self.rate(currency, month)
        return None if rate is None else cents(amount * rate)
