"""The YAML writer: `dump_yaml` writes records as stable, readable YAML (what a folder export
writes and its import reads back byte for byte), and `compact` drops a record's empty values."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import yaml

Record = dict[str, Any]


class _Dumper(yaml.SafeDumper):
    """Block style, no anchors, multi-line text as literal blocks, decimals in fixed format."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_decimal(dumper: yaml.SafeDumper, data: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(data, "f"))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Decimal, _represent_decimal)


def dump_yaml(data: Any, header: str = "") -> str:
    """`data` as stable, readable YAML (keys in the order given, unicode as is)."""
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )
    return (f"# {header}\n" if header else "") + text


def compact(record: Record, keep: Iterable[str] = ()) -> Record:
    """`record` without empty values (None, "", [], {}), except the keys in `keep`."""
    kept = set(keep)
    return {k: v for k, v in record.items() if k in kept or v not in (None, "", [], {})}
