"""API schemas of code knowledge (served under /api/v1/engineering): truck factor, knowledge
map, hotspots, change coupling and team–code alignment (METRICS.md)."""

from __future__ import annotations

from datetime import date

from ninja import Schema

from steward.core.api_types import Number


class TruckFactorAuthor(Schema):
    """One author of the truck-factor set; `developer` and `name` are null for an author the
    caller may not see individually."""

    developer: str | None
    name: str | None
    files: int


class TruckFactorOut(Schema):
    """The truck factor of a repository (`repo`, `rev`, `paths` when filtered) or of a team
    (`team`, `repos`); the other keys are absent."""

    team: str | None = None
    repos: list[str] | None = None
    repo: str | None = None
    rev: str | None = None
    paths: list[str] | None = None
    truck_factor: int
    coverage: Number | None
    files_analyzed: int
    authors: list[TruckFactorAuthor]


class KnowledgeFolder(Schema):
    """One folder of the knowledge map."""

    folder: str
    files: int
    abandoned: int
    authors: int
    truck_factor: int


class KnowledgeAuthor(Schema):
    """One author of a file (null names for authors the caller may not see)."""

    developer: str | None
    name: str | None
    left: bool


class KnowledgeFile(Schema):
    """One file of the knowledge map."""

    path: str
    authors: list[KnowledgeAuthor]
    author_count: int
    main_developer: str | None
    ownership: Number | None
    fragmentation: Number | None
    revisions: int
    abandoned: bool


class KnowledgeMapOut(Schema):
    """The knowledge map of a repository (or a folder of it) on a day."""

    repo: str
    rev: str | None
    on: date
    folder: str
    folders: list[KnowledgeFolder]
    files: list[KnowledgeFile]
    abandoned: int


class HotspotFile(Schema):
    """One file by revisions in the window (and the window before), size and ownership."""

    path: str
    revisions: int
    previous_revisions: int
    size: int
    fragmentation: Number | None
    ownership: Number | None


class HotspotsOut(Schema):
    """The hotspots of a repository since a day."""

    repo: str
    since: date
    files: list[HotspotFile]


class CouplingPair(Schema):
    """Two files (or folders) changed together."""

    entity: str
    coupled: str
    degree: Number
    shared: int
    revisions_entity: int
    revisions_coupled: int


class CouplingOut(Schema):
    """Change coupling of a repository; `level` files or folders (`depth`)."""

    repo: str
    since: date
    level: str
    depth: int | None
    pairs: list[CouplingPair]


class CrossRepositoryPair(Schema):
    """Two repositories (or folders of two repositories) changed by the same logical changes."""

    repo: str
    folder: str | None
    coupled_repo: str
    coupled_folder: str | None
    degree: Number
    shared: int
    revisions_entity: int
    revisions_coupled: int
    examples: list[str]


class CrossRepositoryCouplingOut(Schema):
    """Change coupling across repositories; `by` how commits are grouped into logical changes
    (`work-item` or `author-day`), `level` repositories or folders (`depth`)."""

    since: date
    by: str
    level: str
    depth: int | None
    repositories: int
    changes: int
    pairs: list[CrossRepositoryPair]


class CrossRepositoryCommit(Schema):
    """One commit of a logical change (no author: the evidence is the code, not the person)."""

    day: date
    repo: str
    sha: str
    subject: str


class CrossRepositoryChange(Schema):
    """A logical change touching both sides of a pair: a work item's key, or a day."""

    change: str
    commits: list[CrossRepositoryCommit]


class CrossRepositoryChangesOut(Schema):
    """The logical changes behind one pair of the cross-repository coupling."""

    since: date
    by: str
    changes: list[CrossRepositoryChange]


class AlignmentRepository(Schema):
    """The share of a repository's commits by its owning team."""

    repo: str
    team: str | None
    team_name: str | None
    commits: int
    by_team: int
    share: Number | None


class AlignmentModule(Schema):
    """A module's (a catalog entity's paths in a repository, or the rest of the repository)
    non-merge commits in the window and the share made by its owner team."""

    repo: str
    module: str
    title: str
    team: str | None
    team_name: str | None
    commits: int
    by_team: int
    share: Number | None


class TeamAlignmentOut(Schema):
    """Team–code alignment since a day, per owned repository and per module."""

    since: date
    repositories: list[AlignmentRepository]
    modules: list[AlignmentModule] = []


class WhatIfPerson(Schema):
    """One of the people assumed to leave."""

    employee_id: str
    name: str


class WhatIfFile(Schema):
    """A file that would lose its last author."""

    repo: str
    path: str


class WhatIfEffect(Schema):
    """A repository's (`repo`) or a team's (`team`, `team_name`) code knowledge before and
    after the people leave; `files_authored` are the files they are authors of."""

    repo: str | None = None
    team: str | None = None
    team_name: str | None = None
    files_analyzed: int
    files_authored: int
    truck_factor_before: int
    truck_factor_after: int
    abandoned_before: int
    abandoned_after: int
    files_losing_last_author: list[WhatIfFile]


class WhatIfOut(Schema):
    """ "What if X leaves" on a day: per repository they authored in and per team owning one."""

    on: date
    people: list[WhatIfPerson]
    repositories: list[WhatIfEffect]
    teams: list[WhatIfEffect]
    problems: list[str]
