"""Logins lock per (user name, address), honour only configured proxies, and do not race."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(username: str, password: str, address: str, **headers: str) -> bool:
    """A login through the form, as a browser at `address` would; True when signed in."""
    client = Client(REMOTE_ADDR=address, **headers)
    client.post(LOGIN, {"username": username, "password": password})
    return "_auth_user_id" in client.session


def test_a_locked_pair_does_not_lock_another_user_from_the_same_address() -> None:
    for _ in range(5):
        assert not _login("cto", "wrong", "10.0.0.1")
    assert not _login("cto", "demo", "10.0.0.1")  # locked: even the right password
    assert _login("executive", "demo", "10.0.0.1")  # another user, same address
    assert _login("cto", "demo", "10.0.0.2")  # the same user elsewhere


def test_twenty_failures_from_one_address_over_many_users_lock_nobody_else() -> None:
    users = ["cto", "finance", "people", "architect"]
    for user in users:
        for _ in range(5):
            assert not _login(user, "wrong", "10.0.0.9")
    assert _login("executive", "demo", "10.0.0.9")
    assert _login("manager", "demo", "10.0.0.9")


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted() -> None:
    for n in range(5):
        assert not _login("cto", "wrong", "192.0.2.10", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    # Not a trusted proxy: the header is the attacker's, the address is what counts.
    assert not _login("cto", "demo", "192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.99")
    with override_settings(STEWARD_TRUSTED_PROXIES=["192.0.2.0/24"]):
        # Behind a trusted proxy each client is its own address.
        for _ in range(5):
            assert not _login("finance", "wrong", "192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert not _login("finance", "demo", "192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert _login("finance", "demo", "192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.8")
        # A forged left-most entry does not help: the right-most untrusted hop counts.
        forged = "203.0.113.50, 203.0.113.7"
        assert not _login("finance", "demo", "192.0.2.11", HTTP_X_FORWARDED_FOR=forged)


RACE = """
import os, sys, threading, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
django.setup()
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory

User.objects.create_user("victim", password="the right passphrase 42")
checked = []
original = User.check_password
def counting(self, raw):
    checked.append(raw)
    return original(self, raw)
User.check_password = counting
barrier = threading.Barrier(20)
def attempt(n):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.9.9.9")
    barrier.wait()
    try:
        authenticate(request, username="victim", password=f"wrong {n}")
    finally:
        connection.close()
threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
for t in threads: t.start()
for t in threads: t.join()
print(len(checked))
"""


def test_parallel_wrong_passwords_get_at_most_the_limit(initialized_home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(initialized_home)
    result = subprocess.run(
        [sys.executable, "-c", RACE], env=env, check=True, capture_output=True, text=True
    )
    assert int(result.stdout.strip().splitlines()[-1]) == 5


GOOD = """
import os, threading, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
django.setup()
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory

User.objects.create_user("shared", password="the right passphrase 42")
ok = []
barrier = threading.Barrier(12)
def attempt():
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.9.9.9")
    barrier.wait()
    try:
        ok.append(authenticate(request, username="shared", password="the right passphrase 42"))
    finally:
        connection.close()
threads = [threading.Thread(target=attempt) for _ in range(12)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(1 for u in ok if u is not None))
"""


def test_parallel_right_passwords_behind_one_address_all_get_in(initialized_home: Path) -> None:
    """Attempts in progress wait for each other instead of counting as failures."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["STEWARD_HOME"] = str(initialized_home)
    result = subprocess.run(
        [sys.executable, "-c", GOOD], env=env, check=True, capture_output=True, text=True
    )
    assert int(result.stdout.strip().splitlines()[-1]) == 12
