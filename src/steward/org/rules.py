"""Rules a person or team must satisfy, shared by the importers, the forms and the API.

Each `*_problem` function returns `(message, hint)` when the value breaks the rule, else None;
the importers report it with file and line, the services raise it against the field.
"""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

Problem = tuple[str, str]

# Active ISO 4217 codes (plus a few recently withdrawn ones that old HRIS records still carry).
ISO_4217 = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD
    BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD
    EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD
    IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA
    MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP
    PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP
    SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST
    XAF XCD XCG XDR XOF XPF YER ZAR ZMW ZWG ZWL""".split()  # noqa: SIM905
)


@functools.cache
def timezones() -> frozenset[str]:
    """The IANA time zone names."""
    return frozenset(zoneinfo.available_timezones())


def timezone_problem(tz: str) -> Problem | None:
    """A time zone must be an IANA name."""
    if tz and tz not in timezones():
        return f"{tz!r} is not a time zone", "use an IANA name such as Europe/Berlin"
    return None


def currency_problem(code: str) -> Problem | None:
    """A currency must be an ISO 4217 code (any case)."""
    if code and code.upper() not in ISO_4217:
        return (
            f"{code!r} is not an ISO 4217 currency code",
            "use a three-letter code such as EUR, USD, GBP",
        )
    return None


def salary_currency_problem(salary: Any, currency: str) -> Problem | None:
    """A salary needs its currency."""
    if salary not in (None, "") and not currency:
        return "is empty but salary is given", "give the salary's ISO 4217 currency code, e.g. EUR"
    return None


def leaving_problem(column: str, value: Any, end_date: Any) -> Problem | None:
    """Termination type and regretted belong to an ended employment."""
    if value not in (None, "") and not end_date:
        return "is given but end_date is empty", f"give end_date, or leave {column} empty"
    return None


def slug_problem(slug: str) -> Problem | None:
    """A team or department slug: lower-case letters, digits and hyphens."""
    try:
        validate_slug(slug)
    except ValidationError:
        return (
            f"{slug!r} is not a slug",
            "use lower-case letters, digits and hyphens, e.g. payments-core",
        )
    return None


def text(problem: Problem) -> str:
    """A problem as one sentence for a form or API field error."""
    message, hint = problem
    return f"{message} ({hint})" if hint else message


def end_before_start_problem(start: Any, end: Any) -> Problem | None:
    """An employment ends on or after its start."""
    if start and end and end < start:
        return f"{end} is before start_date {start}", "end_date must be on or after start_date"
    return None


def unknown_team_problem(slug: str) -> Problem:
    """A person's team must exist."""
    return (
        f"unknown team {slug!r}",
        "import teams first (steward import teams FILE) or fix the slug",
    )


def unknown_manager_problem(employee_id: str) -> Problem:
    """A person's manager must be a person."""
    return f"unknown manager {employee_id!r}", f"add a row for {employee_id}, or fix the id"


def email_taken_problem(email: str, owner: str) -> Problem:
    """An e-mail address belongs to one person."""
    return f"email {email!r} already belongs to {owner}", f"remove it here, or from {owner} first"
