"""Errors raised by the organization services."""

from steward.core.errors import InvalidFields


class OrgError(InvalidFields):
    """An organization change that cannot be made as asked (`fields` names the fields at fault)."""
