"""Finds every Alembic history of the repo, with or without a config in it.

Three ways, each history kept once: every `*.ini` with an `[alembic]` section (and every file
named in `[check-alembic].config_files`), every `pyproject.toml` with a `[tool.alembic]` table
(alembic >= 1.16), and every directory shaped like a script directory (`env.py` next to
`versions/` or `script.py.mako`). Shared by `check-alembic`, `rebase-alembic` and the imports
check. Nothing here imports or runs a migration: configs are parsed as text and migration files
are only listed.
"""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

# Pants itself depends on `toml` (it reads pants.toml with it), so no requirement of ours names it;
# CPython 3.9, which runs Pants, has no tomllib.
import toml  # pants: no-infer-dep
from pants.engine.collection import Collection
from pants.engine.fs import PathGlobs, SpecsPaths
from pants.engine.rules import collect_rules, rule
from pants.source.source_root import AllSourceRoots

from monorepo_hygiene.alembic.config import (
    DEFAULT_FILE_TEMPLATE,
    AlembicConfig,
    has_alembic_section,
    parse_alembic_ini,
    parse_pyproject_alembic,
    script_directories_by_structure,
)
from monorepo_hygiene.alembic.errors import AlembicConfigError

from ..util.compat import (
    call_rule,
    concurrently,
    path_globs_to_digest_contents,
    path_globs_to_paths,
)
from .subsystem import CheckAlembicSubsystem


@dataclass(frozen=True)
class AlembicHistory:
    """One Alembic setup: its script directory, migration files, and how it was found."""

    script_dir: str
    versions_dirs: Tuple[str, ...]
    migration_paths: Tuple[str, ...]
    # The config files naming it (ini or pyproject.toml); () when found by structure alone.
    config_paths: Tuple[str, ...] = ()
    # How it was found, each way once: `alembic.ini [alembic]`, `<dir>/env.py (no config)`, ...
    found_by: Tuple[str, ...] = ()
    # alembic's `recursive_version_locations`: migrations may sit in subdirectories.
    recursive: bool = False
    # alembic's `file_template`, for the files `rebase-alembic --strategy=merge` writes.
    file_template: str = DEFAULT_FILE_TEMPLATE

    @property
    def name(self) -> str:
        return ", ".join(self.versions_dirs)

    def contains(self, path: str) -> bool:
        return path in self.config_paths or any(
            PurePath(path).is_relative_to(directory)
            for directory in (self.script_dir, *self.versions_dirs)
        )


@dataclass(frozen=True)
class AlembicHistories:
    """The histories the specs touch, and the config files that don't lead to a history."""

    histories: Tuple[AlembicHistory, ...]
    config_errors: Tuple[AlembicConfigError, ...]


class AllAlembicHistories(Collection[AlembicHistory]):
    pass


@dataclass(frozen=True)
class AllAlembicSetups:
    """Every Alembic history of the repository, however it was found, each once; and the config
    files that don't lead to one. Other capabilities use it to know which files Alembic loads by
    path (`script_dir`, `versions_dirs`)."""

    histories: AllAlembicHistories
    config_errors: Tuple[AlembicConfigError, ...]


# Everything discovery looks at, listed in one pass over the repository.
_DISCOVERY_GLOBS = (
    "**/*.ini",
    "**/pyproject.toml",
    "**/env.py",
    "**/script.py.mako",
    "**/versions",
)


@rule(desc="Find Alembic configurations")
async def find_all_alembic_setups(
    subsystem: CheckAlembicSubsystem, all_source_roots: AllSourceRoots
) -> AllAlembicSetups:
    configured_names = set(subsystem.config_files)
    listing = await path_globs_to_paths(
        PathGlobs((*_DISCOVERY_GLOBS, *(f"**/{name}" for name in sorted(configured_names))))
    )
    config_contents = await path_globs_to_digest_contents(
        PathGlobs(
            path
            for path in listing.files
            if path.endswith(".ini")
            or PurePath(path).name == "pyproject.toml"
            or PurePath(path).name in configured_names
        ),
    )
    source_roots = tuple(root.path for root in all_source_roots)
    configs: List[AlembicConfig] = []
    config_errors: List[AlembicConfigError] = []
    for config_file in config_contents:
        text = config_file.content.decode("utf-8", errors="replace")
        named = PurePath(config_file.path).name in configured_names
        try:
            if PurePath(config_file.path).name == "pyproject.toml" and not named:
                table = _tool_alembic_table(config_file.path, text)
                if table is not None:
                    configs.append(parse_pyproject_alembic(config_file.path, table))
            elif named or has_alembic_section(text, subsystem.config_section):
                configs.append(
                    parse_alembic_ini(config_file.path, text, section=subsystem.config_section)
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
    located: List[_Located] = []
    for config in configs:
        candidates = config.script_dir_candidates(source_roots)
        script_dirs = [candidate for candidate in candidates if next(listings).files]
        if script_dirs:
            located.append(
                _Located(
                    script_dirs[0],
                    config.versions_dirs(script_dirs[0], source_roots),
                    config.migration_globs(script_dirs[0], source_roots),
                    (config.ini_path,),
                    (config.found_by,),
                    config.recursive_version_locations,
                    config.file_template,
                )
            )
        else:
            config_errors.append(
                AlembicConfigError(
                    config.ini_path,
                    config.script_location_line,
                    f"`script_location` names no directory (looked in {', '.join(candidates)})",
                )
            )
    # Users keep configs outside the repository, templated or per environment; the script
    # directory itself is always here and is found by its shape.
    configured_script_dirs = {setup.script_dir for setup in located}
    configured_versions_dirs = {d for setup in located for d in setup.versions_dirs}
    for script_dir in script_directories_by_structure(listing.files, listing.dirs):
        versions_dir = posixpath.normpath(posixpath.join(script_dir, "versions"))
        if (
            script_dir not in configured_script_dirs
            and versions_dir not in configured_versions_dirs
        ):
            located.append(
                _Located(
                    script_dir,
                    (versions_dir,),
                    (posixpath.join(versions_dir, "*.py"),),
                    (),
                    (f"{posixpath.normpath(posixpath.join(script_dir, 'env.py'))} (no config)",),
                )
            )

    merged = _merge_duplicates(located)
    migration_listings = await concurrently(
        path_globs_to_paths(PathGlobs(setup.migration_globs)) for setup in merged
    )
    histories = tuple(
        AlembicHistory(
            script_dir=setup.script_dir,
            versions_dirs=setup.versions_dirs,
            migration_paths=tuple(sorted(listing.files)),
            config_paths=setup.config_paths,
            found_by=setup.found_by,
            recursive=setup.recursive,
            file_template=setup.file_template,
        )
        for setup, listing in zip(merged, migration_listings)
    )
    return AllAlembicSetups(AllAlembicHistories(histories), tuple(config_errors))


@dataclass(frozen=True)
class _Located:
    script_dir: str
    versions_dirs: Tuple[str, ...]
    migration_globs: Tuple[str, ...]
    config_paths: Tuple[str, ...]
    found_by: Tuple[str, ...]
    recursive: bool = False
    file_template: str = DEFAULT_FILE_TEMPLATE


def _merge_duplicates(located: Sequence[_Located]) -> Tuple[_Located, ...]:
    """One setup per set of versions directories: a history found twice (`alembic.ini` and
    `pyproject.toml`, two ini sections, ...) is checked once; the first one found decides its
    options."""
    by_versions: Dict[Tuple[str, ...], _Located] = {}
    for setup in located:
        key = tuple(sorted(setup.versions_dirs))
        first = by_versions.get(key)
        by_versions[key] = (
            setup
            if first is None
            else dataclasses.replace(
                first,
                config_paths=tuple(dict.fromkeys((*first.config_paths, *setup.config_paths))),
                found_by=tuple(dict.fromkeys((*first.found_by, *setup.found_by))),
            )
        )
    return tuple(sorted(by_versions.values(), key=lambda setup: setup.versions_dirs))


def _tool_alembic_table(path: str, text: str) -> Optional[Mapping[str, Any]]:
    """The `[tool.alembic]` table of a pyproject.toml, None when it has none. A file that isn't
    valid TOML is only reported when it mentions `tool.alembic`: other tools own it otherwise."""
    try:
        document = toml.loads(text)
    except toml.TomlDecodeError as e:
        if "tool.alembic" not in text:
            return None
        raise AlembicConfigError(
            path, getattr(e, "lineno", None), f"not valid TOML: {e.msg}"
        ) from None
    table = document.get("tool", {}).get("alembic")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise AlembicConfigError(path, None, "`tool.alembic` must be a table")
    return table


@rule(desc="Find the Alembic histories in the specs")
async def find_alembic_histories(
    specs_paths: SpecsPaths, all_setups: AllAlembicSetups
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
