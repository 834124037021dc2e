"""A fresh database gets today's schema in one step instead of replaying every migration.

Replaying the roughly 100 migrations of Steward and the libraries it uses costs 6 to 8 s of CPU
on an empty database, nearly all of it in Django re-rendering its model state after each
operation; creating every table straight from the models, as Django's own `migrate
--run-syncdb` does for apps without migrations, takes a fraction of a second. The migrations
are then recorded as applied, so the next upgrade migrates this database like any other.

This is only done when it gives what the migrations would give:

- the database holds no table at all (anything else goes through `migrate`);
- every operation of every migration on disk changes the schema only, or belongs to a data
  migration listed in `EMPTY_DATA_MIGRATIONS` (reviewed: it reads and rewrites existing rows,
  so on an empty database it does nothing). A data migration that is not listed (a new one of
  Steward's, or of a library after an upgrade) sends every fresh database down the slow path
  until someone reviews it.

`tests/core/test_fresh_schema.py` builds a database both ways, on SQLite and on PostgreSQL, and
compares tables, columns, indexes, constraints, the migrations recorded and the rows that
`post_migrate` writes (content types and permissions).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.special import (
    RunPython,
    RunSQL,
    SeparateDatabaseAndState,
)
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

# Data migrations that do nothing on an empty database (each reads rows that a fresh database
# does not have yet), by (app label, migration name).
EMPTY_DATA_MIGRATIONS = frozenset(
    {
        # Scrubs password hashes out of existing audit-log entries.
        ("core", "0002_scrub_password_hashes_from_audit_log"),
        # Fill per-repository, per-deployment and per-author-day figures from existing commits.
        ("engineering", "0003_repository_and_author_summaries"),
        ("engineering", "0006_deployment_shipped_times"),
        ("engineering", "0007_author_days"),
        ("engineering", "0008_author_day_keys"),
        # Moves existing content types of the design models from `org` to `orgdesign`.
        ("orgdesign", "0001_initial"),
        # Django: names of existing content types; permissions of existing proxy models.
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0011_update_proxy_permissions"),
        # django-axes: removes duplicate access attempts before a unique constraint.
        ("axes", "0007_alter_accessattempt_unique_together"),
        # django-tasks-db: rewrite the status and result fields of existing task results.
        ("django_tasks_database", "0008_separate_results_field"),
        ("django_tasks_database", "0011_rename_complete_status"),
        ("django_tasks_database", "0013_separate_exception_fields"),
        ("django_tasks_database", "0016_remove_dbtaskresult_django_task_new_ordering_idx_and_more"),
        ("django_tasks_database", "0018_rename_succeeded_status"),
    }
)


def _writes_data(operations: Iterable[Operation]) -> bool:
    for operation in operations:
        if isinstance(operation, RunPython | RunSQL):
            return True
        if isinstance(operation, SeparateDatabaseAndState) and _writes_data(
            operation.database_operations
        ):
            return True
    return False


def unreviewed_data_migrations(loader: MigrationLoader) -> list[tuple[str, str]]:
    """Migrations on disk that run code or SQL of their own and are not known to do nothing on
    an empty database."""
    return sorted(
        key
        for key, migration in loader.disk_migrations.items()
        if key not in EMPTY_DATA_MIGRATIONS and _writes_data(migration.operations)
    )


def _models_to_create(loader: MigrationLoader, alias: str) -> list[type[Model]]:
    """The models as the migrations leave them (the project state at the end of the graph,
    rendered once), which `migrate` would create on this database. Not today's model classes:
    where the two differ (Django gives the many-to-many tables of its `auth` app a 64-bit id
    in migrations, a 32-bit one from the models), an existing database has what the
    migrations made. Many-to-many tables come with their model."""
    state_apps = loader.project_state().apps
    return [
        model
        for model in state_apps.get_models()
        if model._meta.can_migrate(alias) and router.allow_migrate_model(alias, model)
    ]


def _applied_names(loader: MigrationLoader) -> list[tuple[str, str]]:
    """What `migrate` records after applying every migration of the graph: a squashed
    migration is recorded with each migration it replaces."""
    names = set(loader.graph.nodes)
    for key in loader.graph.nodes:
        names.update(loader.graph.nodes[key].replaces or ())
    return sorted(names)


def create_if_empty(alias: str = DEFAULT_DB_ALIAS, verbosity: int = 0) -> bool:
    """Give an empty database today's schema directly; returns False (and does nothing) when
    the database holds a table or a migration on disk might write data on an empty one."""
    connection = connections[alias]
    if connection.introspection.table_names():
        return False
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    if unreviewed_data_migrations(loader):
        return False
    recorder = MigrationRecorder(connection)
    # The schema editor works in one transaction (SQLite and PostgreSQL both roll DDL back):
    # afterwards all of it is there, or nothing.
    with connection.schema_editor() as editor:
        for model in _models_to_create(loader, alias):
            editor.create_model(model)
        editor.create_model(recorder.Migration)
        recorder.migration_qs.bulk_create(
            recorder.Migration(app=app, name=name) for app, name in _applied_names(loader)
        )
        # Content types, permissions and whatever else apps create after a migration.
        emit_post_migrate_signal(verbosity, False, alias, apps=apps, plan=[])
    return True
