"""Finds the Alembic histories of the repo: config files -> script directory -> migration files.

Shared by `check-alembic` and `rebase-alembic`. Nothing here imports or runs a migration: config
files are parsed as INI text and migration files are only listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Iterable, Tuple

from pants.engine.collection import Collection
from pants.engine.fs import PathGlobs, SpecsPaths
from pants.engine.rules import collect_rules, rule
from pants.source.source_root import AllSourceRoots

from monorepo_hygiene.alembic.config import parse_alembic_ini
from monorepo_hygiene.alembic.errors import AlembicConfigError
from monorepo_hygiene.alembic.merge_migration import DEFAULT_FILE_TEMPLATE

from ..util.compat import (
    call_rule,
    concurrently,
    path_globs_to_digest_contents,
    path_globs_to_paths,
)
from .subsystem import CheckAlembicSubsystem


@dataclass(frozen=True)
class AlembicHistory:
    """One Alembic setup: its config file, script directory and migration files."""

    config_path: str
    script_dir: str
    versions_dirs: Tuple[str, ...]
    migration_paths: Tuple[str, ...]
    # alembic's `recursive_version_locations`: migrations may sit in subdirectories.
    recursive: bool = False
    # alembic's `file_template`, for the files `rebase-alembic --strategy=merge` writes.
    file_template: str = DEFAULT_FILE_TEMPLATE

    @property
    def name(self) -> str:
        return ", ".join(self.versions_dirs)

    def contains(self, path: str) -> bool:
        return path == self.config_path or any(
            PurePath(path).is_relative_to(directory)
            for directory in (self.script_dir, *self.versions_dirs)
        )


@dataclass(frozen=True)
class AlembicHistories:
    """The histories the specs touch, and the config files that don't lead to a history."""

    histories: Tuple[AlembicHistory, ...]
    config_errors: Tuple[AlembicConfigError, ...]


class _AllAlembicHistories(Collection[AlembicHistory]):
    pass


@dataclass(frozen=True)
class _AllAlembicSetups:
    histories: _AllAlembicHistories
    config_errors: Tuple[AlembicConfigError, ...]


@rule(desc="Find Alembic configurations")
async def find_all_alembic_setups(
    subsystem: CheckAlembicSubsystem, all_source_roots: AllSourceRoots
) -> _AllAlembicSetups:
    config_contents = await path_globs_to_digest_contents(
        PathGlobs(f"**/{name}" for name in subsystem.config_files)
    )
    source_roots = tuple(root.path for root in all_source_roots)
    configs = []
    config_errors = []
    for config_file in config_contents:
        try:
            configs.append(
                parse_alembic_ini(
                    config_file.path,
                    config_file.content.decode("utf-8", errors="replace"),
                    section=subsystem.config_section,
                )
            )
        except AlembicConfigError as e:
            config_errors.append(e)

    # A script location in the package form has one candidate directory per source root; the
    # one that holds an `env.py` (or, failing that, any file) is the real one.
    candidate_listings = await concurrently(
        path_globs_to_paths(PathGlobs([f"{candidate}/*", f"{candidate}/**/*.py"]))
        for config in configs
        for candidate in config.script_dir_candidates(source_roots)
    )
    listings = iter(candidate_listings)
    located = []
    for config in configs:
        candidates = config.script_dir_candidates(source_roots)
        script_dirs = [candidate for candidate in candidates if next(listings).files]
        if script_dirs:
            located.append((config, script_dirs[0]))
        else:
            config_errors.append(
                AlembicConfigError(
                    config.ini_path,
                    config.script_location_line,
                    f"`script_location` names no directory (looked in {', '.join(candidates)})",
                )
            )

    migration_listings = await concurrently(
        path_globs_to_paths(PathGlobs(config.migration_globs(script_dir, source_roots)))
        for config, script_dir in located
    )
    histories = tuple(
        AlembicHistory(
            config_path=config.ini_path,
            script_dir=script_dir,
            versions_dirs=config.versions_dirs(script_dir, source_roots),
            recursive=config.recursive_version_locations,
            file_template=config.file_template,
            migration_paths=tuple(sorted(listing.files)),
        )
        for (config, script_dir), listing in zip(located, migration_listings)
    )
    return _AllAlembicSetups(_AllAlembicHistories(histories), tuple(config_errors))


@rule(desc="Find the Alembic histories in the specs")
async def find_alembic_histories(
    specs_paths: SpecsPaths, all_setups: _AllAlembicSetups
) -> AlembicHistories:
    return AlembicHistories(
        histories=tuple(
            history
            for history in all_setups.histories
            if any(history.contains(path) for path in specs_paths.files)
        ),
        config_errors=tuple(
            error for error in all_setups.config_errors if error.path in specs_paths.files
        ),
    )


# What the goals await; on Pants 2.17 a `Get(AlembicHistories, SpecsPaths, ...)`.
find_histories_in_specs = call_rule(find_alembic_histories)


def rules() -> Iterable:
    return collect_rules()
