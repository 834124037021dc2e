"""Every API operation declares the schema of its answer (issue 8: an untyped API documents
nothing and cannot be checked). The operations below still answer an untyped object; the list
only shrinks: typing one means removing it here, and a new operation must be typed."""

from __future__ import annotations

from typing import Any

from steward.api import api

STILL_UNTYPED: set[str] = set()  # every operation is typed


def _answer_schema(operation: dict[str, Any]) -> Any:
    responses = operation.get("responses", {})
    if 204 in responses:
        return "no content"
    ok = next((responses[c] for c in (200, 201) if c in responses), None)
    if ok is None:
        return None
    return ok.get("content", {}).get("application/json", {}).get("schema")


def _is_typed(schema: Any) -> bool:
    if schema == "no content":
        return True
    if not isinstance(schema, dict) or not schema:
        return False
    # An object without properties is dict[str, Any].
    return not (
        schema.get("type") == "object" and not schema.get("properties") and "$ref" not in schema
    )


def untyped_operations() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if not _is_typed(_answer_schema(operation))
    }


def test_no_new_untyped_operation_and_the_list_only_shrinks() -> None:
    untyped = untyped_operations()
    assert untyped - STILL_UNTYPED == set(), "declare a response schema (see org/schemas.py)"
    assert STILL_UNTYPED - untyped == set(), "typed now: remove it from STILL_UNTYPED"


def test_the_check_tells_typed_from_untyped() -> None:
    assert not _is_typed(None)
    assert not _is_typed({"additionalProperties": True, "title": "Response", "type": "object"})
    assert _is_typed({"$ref": "#/components/schemas/PersonPage"})
    assert _is_typed({"type": "array", "items": {"$ref": "#/components/schemas/DepartmentOut"}})
    assert "GET /api/v1/engineering/dora" not in untyped_operations()
