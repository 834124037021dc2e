"""Writes that belong to the instance itself: role groups and admin users."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from steward.core import policy


def roles_ensure() -> None:
    """One Django group per Steward role."""
    for role in policy.ALL_ROLES:
        Group.objects.get_or_create(name=str(role))


@transaction.atomic
def admin_ensure(*, username: str, password: str) -> User:
    """Create the admin user, or reset its password; it holds the `admin` role."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.set_password(password)
    user.save()
    roles_ensure()
    user.groups.add(Group.objects.get(name=str(policy.Role.ADMIN)))
    return user
