"""What the organization app plugs into core: policy rules, navigation links, import kinds."""

from __future__ import annotations

from steward.core import navigation, policy
from steward.core.importing import register_importer
from steward.core.policy import FieldClass
from steward.core.registry import register_search_provider
from steward.org import search

# The serialized fields of a person and their class (fields not named here are private).
PERSON_FIELDS: dict[str, FieldClass] = {
    "employee_id": FieldClass.PUBLIC,
    "name": FieldClass.PUBLIC,
    "emails": FieldClass.PUBLIC,
    "title": FieldClass.PUBLIC,
    "level": FieldClass.PUBLIC,
    "track": FieldClass.PUBLIC,
    "team": FieldClass.PUBLIC,
    "manager_employee_id": FieldClass.PUBLIC,
    "location": FieldClass.PUBLIC,
    "timezone": FieldClass.PUBLIC,
    "start_date": FieldClass.PUBLIC,
    "end_date": FieldClass.PUBLIC,
    "department": FieldClass.PRIVATE,
    "employment_type": FieldClass.PRIVATE,
    "fte": FieldClass.PRIVATE,
    "termination_type": FieldClass.PRIVATE,
    "regretted": FieldClass.PRIVATE,
    "attributes": FieldClass.PRIVATE,
    "salary": FieldClass.COMPENSATION,
    "currency": FieldClass.COMPENSATION,
}


def register() -> None:
    """Called once from `OrgConfig.ready()`."""
    policy.register_person_model("org.Person")
    policy.register_row_scope("org.person", policy.person_rows)
    policy.register_sensitive_fields("org.person", PERSON_FIELDS)
    # Organization structure is not sensitive.
    policy.register_open_models("org.team", "org.department", "org.roledescription")
    policy.register_editors("org", policy.may_change_org)

    area = "People & team"
    navigation.register_link(area, "Org chart", "org:chart")
    navigation.register_link(area, "Teams", "org:team_list")
    navigation.register_link(area, "People", "org:person_list")
    navigation.register_link(area, "Role descriptions", "org:role_list")
    navigation.register_link(area, "Departments", "org:department_list")

    register_importer("people", "steward.org.importers.PeopleImporter")
    register_importer("teams", "steward.org.importers.TeamsImporter")
    register_importer("roles", "steward.org.importers.RolesImporter")
    # The YAML kinds of org as code (`steward import-all DIR`: departments, teams, people,
    # roles) register in the same registry when their module is imported.
    import steward.org.orgcode  # noqa: F401

    register_search_provider("people", search.people)
    register_search_provider("teams", search.teams)
