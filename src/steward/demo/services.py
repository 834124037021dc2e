"""Rebuild the demo company, refusing to touch a database that holds real data."""

from __future__ import annotations

import time

from django.contrib.auth.models import User
from django.core.management import call_command

from steward.core.cli_support import migrate
from steward.core.dbstats import refresh_statistics
from steward.core.errors import BadInput
from steward.core.instance import is_demo_database
from steward.demo.builder import DemoContext, demo_build
from steward.org.models import Person


def demo_rebuild(*, seed: int) -> tuple[DemoContext, float]:
    """Migrate, wipe the previous demo (only a demo), build anew; returns context and seconds."""
    started = time.perf_counter()
    migrate()
    holds_data = Person.objects.exists() or User.objects.exists()
    if holds_data and not is_demo_database():
        raise BadInput(
            "STEWARD_HOME holds a database that is not the demo; refusing to overwrite it "
            "(set STEWARD_HOME to an empty folder, or unset DATABASE_URL, to run the demo)"
        )
    if holds_data:
        call_command("flush", interactive=False, verbosity=0)
    ctx = demo_build(seed=seed)
    refresh_statistics()  # PostgreSQL: plans for the loaded tables, not empty ones
    return ctx, time.perf_counter() - started
