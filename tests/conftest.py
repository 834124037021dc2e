"""Shared fixtures: the demo company (built once per run, see demo_template.py), clients per role.

docs/testing.md describes the fixtures, the factories (tests/factories.py) and the markers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.test import Client
from django.test.client import ClientHandler

from tests.wipe import delete_all

DEMO_ROLES = ["admin", "cto", "executive", "finance", "people", "architect", "manager", "engineer"]


_TEST_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `engine_free` the tests whose result cannot depend on the database engine: they do
    not open the test database, or their subject is a SQLite home built by the CLI (`demo_home`).
    CI's PostgreSQL pass leaves them out (they ran in the SQLite pass)."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        uses_db = bool(names & _TEST_DATABASE_FIXTURES) or item.get_closest_marker("django_db")
        if not uses_db or "demo_home" in names:
            item.add_marker(pytest.mark.engine_free)


class _Schedule:
    """Under xdist: the CLI homes built while the database is.

    On a cold cache (`tests/demo_template.py`) the first worker to need the test database builds
    it while the others wait, then the first test using `demo_home` builds that while the others
    wait again. A worker other than gw0 builds the CLI homes in a thread from the start instead
    (the build is a subprocess, so it uses the core that would otherwise wait).
    """

    def __init__(self) -> None:
        self.prebuild: threading.Thread | None = None

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker is None:
            return
        if worker != "gw0":
            names = {name for item in items for name in getattr(item, "fixturenames", ())}
            kinds = [kind for kind in ("demo_home", "initialized_home") if kind in names]
            if kinds:
                self.prebuild = threading.Thread(target=_build_homes, args=(kinds,), daemon=True)
                self.prebuild.start()

    def pytest_sessionfinish(self) -> None:
        if self.prebuild is not None:
            self.prebuild.join()


def _build_homes(kinds: list[str]) -> None:
    from tests.demo_template import demo_home_template, home_template

    for kind in kinds:
        if kind == "demo_home":
            demo_home_template(_build_demo_home)
        else:
            home_template("init-home", _build_initialized_home)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # once per run, before the xdist workers start
        _compile_the_source()
    config.pluginmanager.register(_Schedule(), "steward-schedule")
    if os.environ.get("STEWARD_TEST_CPU"):
        from tests.cpu_report import CpuReport

        config.pluginmanager.register(CpuReport(os.environ["STEWARD_TEST_CPU"]), "steward-cpu")


def _compile_the_source() -> None:
    """Write the bytecode of Steward's modules next to them (`__pycache__`, ignored by git).

    The machines this runs on set `PYTHONDONTWRITEBYTECODE`, so every process compiled the
    package's source again: each xdist worker and each `steward` subprocess (the CLI tests, the
    servers of the browser tests, the demo builds), 0.15–0.3 s of CPU each. Compiling once
    here (only what changed since the last run) lets them load the bytecode; installed
    packages already have theirs. docs/testing.md, seventh round.
    """
    import compileall

    import steward

    compileall.compile_dir(Path(steward.__file__).resolve().parent, quiet=1)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):  # type: ignore[no-untyped-def]
    """The test database holds the demo company (seed 1); each test runs in a rollback.

    The demo company is built once per run (not per xdist worker) into a template that every
    worker copies; the template is kept between runs while the source is unchanged.
    """
    from tests.demo_template import setup_demo_database

    if not os.environ.get("STEWARD_TEST_FULL_FK_CHECK"):
        # The end-of-test foreign-key check on the tables the test wrote (tests/fk_check.py).
        from tests import fk_check

        fk_check.install()
    with django_db_blocker.unblock():
        teardown = setup_demo_database(os.environ.get("PYTEST_XDIST_WORKER", "main"))
    yield
    with django_db_blocker.unblock():
        teardown()


_handler: list[ClientHandler] = []


@receiver(setting_changed)
def _forget_handler(**_kwargs: object) -> None:
    _handler.clear()


def _shared_handler() -> ClientHandler:
    """One request handler for every `client_as` client, as a server has one per process.

    A new `Client` builds its own handler, which loads the middleware on its first request,
    and WhiteNoise's middleware lists every static file when it is made: a twentieth of a
    second per client, and the policy matrix alone makes 3,000 clients. The middleware keeps
    no state between requests; a changed setting (`override_settings`, pytest-django's
    `settings`) drops the handler, so the next client loads the middleware afresh.
    """
    if not _handler:
        _handler.append(ClientHandler(enforce_csrf_checks=False))
    return _handler[0]


@pytest.fixture
def client_as(db) -> Callable[[str | None], Client]:  # type: ignore[no-untyped-def]
    """A test client logged in as a demo login (None: anonymous)."""

    def make(username: str | None) -> Client:
        client = Client()
        client.handler = _shared_handler()
        if username is not None:
            client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture
def session_as(db) -> Callable[[str | None], Client]:  # type: ignore[no-untyped-def]
    """Like `client_as`, for tests of what a role is shown rather than of signing in: the
    session a sign-in writes (user id, backend, session hash) is written directly, without
    `user_logged_in`, a new session key or a new CSRF token (15 % of the policy matrix's
    CPU: docs/testing.md). `test_a_session_answers_as_a_sign_in` checks the pages are the
    same as for a client that signed in."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    def make(username: str | None) -> Client:
        client = Client()
        client.handler = _shared_handler()
        if username is not None:
            user = User.objects.get(username=username)
            session = import_module(settings.SESSION_ENGINE).SessionStore()
            session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            session[BACKEND_SESSION_KEY] = client._get_backend()
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            request = HttpRequest()
            request.session = session
            client._set_login_cookies(request)
        return client

    return make


def wipe_org() -> None:
    """Delete the whole organization (design records included) in the current transaction,
    with what protects or depends on it (`tests/wipe.py`: in SQL, not audited)."""
    delete_all(*org_models())


def org_models() -> tuple[type, ...]:
    """The models `wipe_org` empties (what depends on them goes with them)."""
    from steward.org.models import (
        Department,
        EmploymentSpell,
        Person,
        PersonEmail,
        ReportingLine,
        RoleDescription,
        Team,
        TeamMembership,
    )
    from steward.orgdesign.models import (
        HeadcountPlanEntry,
        Scenario,
        TeamAllocation,
        TeamInteraction,
    )

    return (
        HeadcountPlanEntry,
        Scenario,
        TeamAllocation,
        TeamInteraction,
        TeamMembership,
        ReportingLine,
        EmploymentSpell,
        PersonEmail,
        Person,
        Team,
        Department,
        RoleDescription,
    )


@pytest.fixture
def empty_org(db) -> None:  # type: ignore[no-untyped-def]
    """Remove the demo organization inside this test's transaction (rolled back afterwards)."""
    wipe_org()


def steward_cli(
    home: Path, *args: str, check: bool = True, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `steward ARGS` against STEWARD_HOME=home on SQLite, as a user would."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "steward", *args],
        env=env,
        check=check,
        input=stdin,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A STEWARD_HOME holding the demo company (seed 1), built by `steward demo --no-serve`.

    Built once per run (kept between runs while the source is unchanged) and copied for each
    worker, so a test may change its copy as before.
    """
    from tests.demo_template import copy_demo_home, demo_home_template

    template = demo_home_template(_build_demo_home)
    home = tmp_path_factory.mktemp("demo-home")
    copy_demo_home(template, home)
    return home


def _build_demo_home(home: Path) -> None:
    steward_cli(home, "demo", "--no-serve")


def _build_initialized_home(home: Path) -> None:
    steward_cli(home, "init")


@pytest.fixture(scope="session")
def _initialized_home_template() -> Path:
    from tests.demo_template import home_template

    return home_template("init-home", _build_initialized_home)


@pytest.fixture
def initialized_home(_initialized_home_template: Path, tmp_path: Path) -> Path:
    """A STEWARD_HOME on which `steward init` has run (a migrated database with no data but
    the role groups), private to this test.

    `steward init` on a fresh home takes about 1.5 s of CPU (7 to 15 s while it ran every
    migration, before core/fresh_schema.py); the home is initialized once per run (kept between
    runs while the source is unchanged) and copied here. Tests whose subject is `init` itself
    (tests/test_cli.py, tests/core/test_cli_startup.py) run it.
    """
    from tests.demo_template import copy_demo_home

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    copy_demo_home(_initialized_home_template, home)
    return home
