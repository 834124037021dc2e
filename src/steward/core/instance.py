"""Instance-wide settings stored in the database."""

from __future__ import annotations

from typing import Any

from steward.core.models import InstanceSetting

DEMO_KEY = "demo"


def setting_get(key: str, default: Any = None) -> Any:
    """The stored value of `key`, or `default`."""
    row = InstanceSetting.objects.filter(key=key).first()
    return row.value if row else default


def setting_set(key: str, value: Any) -> None:
    """Store `value` under `key`."""
    InstanceSetting.objects.update_or_create(key=key, defaults={"value": value})


def is_demo_database() -> bool:
    """True when this database was built by `steward demo`."""
    return bool(setting_get(DEMO_KEY, False))
