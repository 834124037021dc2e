"""The demo company's organization: a deterministic ~150-person software company.

Everything derives from `random.Random(seed)`; the same seed gives the same company. The
reference date is fixed (not today) so that figures do not drift from one day to the next.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from steward.org.models import Department, Person, Team

# The demo's "today": the organization is described as of this date.
REFERENCE_DATE = date(2026, 11, 27)
EMAIL_DOMAIN = "northwind.example"

FIRST_NAMES = [
    "Ada",
    "Amara",
    "Anja",
    "Arjun",
    "Astrid",
    "Beatriz",
    "Bruno",
    "Chen",
    "Chiara",
    "Dalia",
    "Daniel",
    "Diego",
    "Elif",
    "Emeka",
    "Emma",
    "Farah",
    "Felix",
    "Fatima",
    "Gabriel",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jana",
    "Jonas",
    "Julia",
    "Kai",
    "Kenji",
    "Lars",
    "Leila",
    "Lena",
    "Liam",
    "Lucia",
    "Maya",
    "Mateo",
    "Mei",
    "Milan",
    "Nadia",
    "Nikhil",
    "Noah",
    "Olga",
    "Omar",
    "Paula",
    "Priya",
    "Rafael",
    "Ravi",
    "Rosa",
    "Sami",
    "Sara",
    "Sofia",
    "Stefan",
    "Tariq",
    "Tomás",
    "Uma",
    "Valentina",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
    "Björn",
    "Zoë",
]
LAST_NAMES = [
    "Abebe",
    "Almeida",
    "Andersen",
    "Bauer",
    "Becker",
    "Bianchi",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fernandes",
    "Fischer",
    "García",
    "Gupta",
    "Hansen",
    "Hoffmann",
    "Ibrahim",
    "Ivanova",
    "Jansen",
    "Kaur",
    "Kim",
    "Kowalski",
    "Lange",
    "Li",
    "López",
    "Martins",
    "Meyer",
    "Moreau",
    "Müller",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Pereira",
    "Popescu",
    "Rossi",
    "Sato",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Sousa",
    "Tanaka",
    "Vogel",
    "Wagner",
    "Wang",
    "Weber",
    "Yılmaz",
    "Zhang",
    "O'Brien",
    "Kovačević",
]

# (location, IANA time zone, currency, salary multiplier)
LOCATIONS = [
    ("Berlin", "Europe/Berlin", "EUR", 1.0),
    ("Lisbon", "Europe/Lisbon", "EUR", 0.75),
    ("Amsterdam", "Europe/Amsterdam", "EUR", 1.05),
    ("New York", "America/New_York", "USD", 1.6),
    ("Austin", "America/Chicago", "USD", 1.4),
    ("Bangalore", "Asia/Kolkata", "USD", 0.45),
]

IC_LEVELS = [
    # level, title, base salary in EUR at multiplier 1.0
    ("L1", "Software Engineer I", 55000),
    ("L2", "Software Engineer II", 68000),
    ("L3", "Senior Software Engineer", 85000),
    ("L4", "Staff Engineer", 105000),
    ("L5", "Principal Engineer", 125000),
]
IC_LEVEL_WEIGHTS = [2, 4, 5, 2, 0]

DEPARTMENTS = [
    ("engineering", "Engineering", None),
    ("product-engineering", "Product Engineering", "engineering"),
    ("platform-infrastructure", "Platform & Infrastructure", "engineering"),
    ("data-intelligence", "Data & Intelligence", "engineering"),
]

# slug, name, type, department, number of ICs, mission
TEAMS = [
    (
        "payments",
        "Payments",
        "stream-aligned",
        "product-engineering",
        8,
        "Take money reliably in every market we sell in.",
    ),
    (
        "checkout",
        "Checkout",
        "stream-aligned",
        "product-engineering",
        8,
        "A checkout that converts on every device.",
    ),
    (
        "catalog",
        "Catalog",
        "stream-aligned",
        "product-engineering",
        9,
        "Every product, priced and described correctly, everywhere.",
    ),
    (
        "search",
        "Search & Discovery",
        "stream-aligned",
        "product-engineering",
        8,
        "Customers find what they want in two queries or fewer.",
    ),
    (
        "mobile",
        "Mobile Apps",
        "stream-aligned",
        "product-engineering",
        10,
        "Native iOS and Android apps our customers rate 4.7 or above.",
    ),
    (
        "growth",
        "Growth",
        "stream-aligned",
        "product-engineering",
        7,
        "Run the experiments that grow activation and retention.",
    ),
    (
        "identity",
        "Identity & Accounts",
        "stream-aligned",
        "product-engineering",
        8,
        "Sign-up, sign-in and account security customers never think about.",
    ),
    (
        "platform-core",
        "Core Platform",
        "platform",
        "platform-infrastructure",
        11,
        "Compute, networking and data stores as a self-service product.",
    ),
    (
        "developer-experience",
        "Developer Experience",
        "platform",
        "platform-infrastructure",
        8,
        "From commit to production in under an hour, safely.",
    ),
    (
        "observability",
        "Observability",
        "platform",
        "platform-infrastructure",
        7,
        "Logs, metrics and traces every team can rely on during an incident.",
    ),
    (
        "sre-enablement",
        "SRE Enablement",
        "enabling",
        "platform-infrastructure",
        4,
        "Help stream-aligned teams own their reliability.",
    ),
    (
        "pricing-engine",
        "Pricing Engine",
        "complicated-subsystem",
        "data-intelligence",
        6,
        "The dynamic pricing models and their serving path.",
    ),
    (
        "ml-ranking",
        "ML Ranking",
        "complicated-subsystem",
        "data-intelligence",
        8,
        "Ranking and recommendation models behind search and feeds.",
    ),
    (
        "data-platform",
        "Data Platform",
        "platform",
        "data-intelligence",
        9,
        "Trustworthy data pipelines and the warehouse as a product.",
    ),
]


@dataclass
class DemoOrg:
    """What the organization step made, for later steps and for the printed logins."""

    people: dict[str, Person] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    cto: Person | None = None
    manager: Person | None = None
    engineer: Person | None = None
    architect: Person | None = None


class NameSource:
    """Unique, deterministic full names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def next(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used:
                self.used.add(name)
                return name


def email_for(name: str, used: set[str]) -> str:
    """firstname.lastname@domain, ASCII-folded, made unique with a number."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = ".".join(part.lower() for part in ascii_name.replace("'", "").split())
    candidate, n = local, 1
    while candidate in used:
        n += 1
        candidate = f"{local}{n}"
    used.add(candidate)
    return f"{candidate}@{EMAIL_DOMAIN}"


def salary_for(base: int, multiplier: float, rng: random.Random) -> Decimal:
    """A salary around base × multiplier, rounded to 500."""
    value = base * multiplier * rng.uniform(0.92, 1.1)
    return Decimal(round(value / 500.0) * 500)


def random_start(rng: random.Random, earliest: date, latest: date) -> date:
    """A start date between the two, on a Monday or the first of a month (as HR does)."""
    days = (latest - earliest).days
    day = earliest + timedelta(days=rng.randrange(max(days, 1)))
    if rng.random() < 0.5:
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())
