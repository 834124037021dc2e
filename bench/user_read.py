"""The read every request makes of its caller: the ORM's query built and compiled per request
(the baseline, measured in the same run) against `core.compiled_query` (the SQL compiled once
per process), for the session's user (`policy.user_with_roles`) and an API token
(`auth.user_for_token`); and the bare query (the SQL run with no model built), the floor.

Runs in-process against the database in STEWARD_HOME (the demo: `steward demo --no-serve`).
Checks that both ways give the same user, fields and roles, then prints the median CPU
microseconds per read of `--rounds` rounds of `--reads` reads and the ratios.

    STEWARD_HOME=/path/to/demo python bench/user_read.py [--rounds 5] [--reads 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def _median_us(read: Callable[[], Any], rounds: int, reads: int) -> float:
    read()  # compile, warm caches
    times = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(reads):
            read()
        times.append((time.process_time() - started) / reads * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reads", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection, transaction

    from steward.core import policy
    from steward.core.auth import token_create, user_for_token
    from steward.core.models import ApiToken, token_digest

    def fields(user: User | None) -> tuple[Any, ...]:
        assert user is not None
        values = tuple(getattr(user, f.attname) for f in User._meta.concrete_fields)
        return (*values, policy.roles_of(user), policy.person_of(user))

    with transaction.atomic():  # the bench's token is rolled back
        cto = User.objects.get(username="cto")
        _token, raw = token_create(user=cto, name="bench")
        digest = token_digest(raw)
        users = policy.users_with_roles(User.objects.all())
        tokens = ApiToken.objects.select_related("user").annotate(**policy.role_flags("user"))

        def orm_user() -> User | None:
            return users.filter(pk=cto.pk).first()

        def orm_token() -> User | None:
            token = tokens.filter(digest=digest, revoked_at__isnull=True).first()
            assert token is not None
            policy.take_role_flags(token, token.user)
            return token.user

        assert fields(orm_user()) == fields(policy.user_with_roles(cto.pk))
        assert fields(orm_token()) == fields(user_for_token(raw))
        sql, params = users.filter(pk=cto.pk).order_by("pk")[:1].query.sql_with_params()

        def bare() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        rows = [
            ("the session's user", orm_user, lambda: policy.user_with_roles(cto.pk)),
            ("an API token's user", orm_token, lambda: user_for_token(raw)),
        ]
        print(f"CPU µs per read, median of {args.rounds} rounds of {args.reads} reads")
        print(f"{'read':<22} {'ORM per request':>16} {'compiled once':>14} {'ratio':>6}")
        for name, before, after in rows:
            b = _median_us(before, args.rounds, args.reads)
            a = _median_us(after, args.rounds, args.reads)
            print(f"{name:<22} {b:>16.1f} {a:>14.1f} {a / b:>6.2f}")
        print(f"{'the SQL alone (floor)':<22} {_median_us(bare, args.rounds, args.reads):>16.1f}")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
