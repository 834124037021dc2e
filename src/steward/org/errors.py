"""Errors raised by the organization services."""

from steward.core.errors import BadInput


class OrgError(BadInput):
    """An organization change that cannot be made as asked."""
