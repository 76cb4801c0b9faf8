"""Finds the Alembic histories that may hold given files, with or without a config.

Three ways, each history kept once: every `*.ini` with an `[alembic]` section (and every file
named in `[check-alembic].config_files`), every `pyproject.toml` with a `[tool.alembic]` table
(alembic >= 1.16), and every directory shaped like a script directory (`env.py` next to
`versions/` or `script.py.mako`). Shared by `check-alembic`, `rebase-alembic` and the imports
check. Nothing here imports or runs a migration: configs are parsed as text and migration files
are only listed.

Only the given files' directories and the directories above them are looked at, never the whole
repository (`**`): a file no lint or check asked about must not cost every run a walk of the
repo, and Pants 2.17's glob expansion dies (SIGSEGV, no message) on a symlink that resolves to
itself anywhere a wildcard reaches. Before a history's migrations are listed, its directories
are searched for such links with the OS; one is an error of that history alone.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import posixpath
from dataclasses import dataclass
from pathlib import PurePath
from typing import Dict, Iterable, List, Sequence, Tuple

from pants.base.build_root import BuildRoot
from pants.engine.collection import Collection
from pants.engine.fs import PathGlobs, SpecsPaths
from pants.engine.rules import collect_rules, rule
from pants.util.logging import LogLevel
from pants.source.source_root import AllSourceRoots

from monorepo_hygiene.alembic.config import (
    DEFAULT_FILE_TEMPLATE,
    AlembicConfig,
    has_alembic_section,
    parse_alembic_ini,
    parse_pyproject_alembic,
    pyproject_alembic_table,
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
    # What lists its migrations.
    migration_globs: Tuple[str, ...] = ()

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
class AlembicSetupsRequest:
    """The Alembic setups that may hold `paths` (repo-relative files)."""

    paths: Tuple[str, ...]


@dataclass(frozen=True)
class AlembicSetups:
    """The Alembic histories found from some files' directories and those above them, however
    they were found, each once, their migrations not listed (`migration_paths` is empty); and
    the config files there that don't lead to one. Other capabilities use it to know which files
    Alembic loads by path (`script_dir`, `versions_dirs`)."""

    histories: AllAlembicHistories
    config_errors: Tuple[AlembicConfigError, ...]


# What discovery looks at in each directory it looks in.
_DISCOVERY_NAMES = ("*.ini", "pyproject.toml", "env.py", "script.py.mako", "versions")


def _directories_above(paths: Iterable[str]) -> Tuple[str, ...]:
    """Each file's directory and every directory above it, the repo root (`""`) included."""
    directories = set()
    for path in paths:
        directory = posixpath.dirname(path)
        while directory not in directories:
            directories.add(directory)
            if not directory:
                break
            directory = posixpath.dirname(directory)
    return tuple(sorted(directories))


@dataclass(frozen=True)
class _SourceRootsRequest:
    pass


@dataclass(frozen=True)
class _SourceRootPaths:
    paths: Tuple[str, ...]


@rule(desc="List the source roots", level=LogLevel.DEBUG)
async def source_root_paths(
    request: _SourceRootsRequest, all_source_roots: AllSourceRoots
) -> _SourceRootPaths:
    return _SourceRootPaths(tuple(root.path for root in all_source_roots))


_source_root_paths = call_rule(source_root_paths)


@rule(desc="Find Alembic configurations")
async def find_alembic_setups(
    request: AlembicSetupsRequest, subsystem: CheckAlembicSubsystem
) -> AlembicSetups:
    configured_names = set(subsystem.config_files)
    listing = await path_globs_to_paths(
        PathGlobs(
            posixpath.join(directory, name)
            for directory in _directories_above(request.paths)
            for name in (*_DISCOVERY_NAMES, *sorted(configured_names))
        )
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
    configs: List[AlembicConfig] = []
    config_errors: List[AlembicConfigError] = []
    for config_file in config_contents:
        text = config_file.content.decode("utf-8", errors="replace")
        named = PurePath(config_file.path).name in configured_names
        try:
            if PurePath(config_file.path).name == "pyproject.toml" and not named:
                table = pyproject_alembic_table(config_file.path, text)
                if table is not None:
                    configs.append(parse_pyproject_alembic(config_file.path, table))
            elif named or has_alembic_section(text, subsystem.config_section):
                configs.append(
                    parse_alembic_ini(config_file.path, text, section=subsystem.config_section)
                )
        except AlembicConfigError as e:
            config_errors.append(e)

    # Listing every source root globs the whole repo: only a location in the package form
    # needs them.
    source_roots: Tuple[str, ...] = ()
    if any(config.names_package_resources for config in configs):
        source_roots = (await _source_root_paths(_SourceRootsRequest())).paths
    # A script location in the package form has one candidate directory per source root; the
    # one that holds anything is the real one.
    candidate_listings = await concurrently(
        path_globs_to_paths(PathGlobs([f"{candidate}/*"]))
        for config in configs
        for candidate in config.script_dir_candidates(source_roots)
    )
    listings = iter(candidate_listings)
    located: List[_Located] = []
    for config in configs:
        candidates = config.script_dir_candidates(source_roots)
        script_dirs = [
            candidate
            for candidate, listing in zip(candidates, listings)
            if listing.files or listing.dirs
        ]
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

    histories = tuple(
        AlembicHistory(
            script_dir=setup.script_dir,
            versions_dirs=setup.versions_dirs,
            migration_paths=(),
            config_paths=setup.config_paths,
            found_by=setup.found_by,
            recursive=setup.recursive,
            file_template=setup.file_template,
            migration_globs=setup.migration_globs,
        )
        for setup in _merge_duplicates(located)
    )
    return AlembicSetups(AllAlembicHistories(histories), tuple(config_errors))


find_setups = call_rule(find_alembic_setups)


def symlink_loops(root: str, directory: str, recursive: bool) -> Tuple[str, ...]:
    """The symlinks in `directory` (and below it, if `recursive`) of the repo at `root` that
    never resolve (ELOOP), found with the OS: Pants 2.17's glob expansion recurses on one until
    the process dies."""
    loops = []
    for current, subdirectories, files in os.walk(os.path.join(root, directory)):
        for name in (*subdirectories, *files):
            link = os.path.join(current, name)
            if not os.path.islink(link):
                continue
            try:
                os.stat(link)
            except OSError as e:
                if e.errno == errno.ELOOP:
                    loops.append(os.path.relpath(link, root).replace(os.sep, "/"))
        if not recursive:
            break
    return tuple(sorted(loops))


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


@rule(desc="Find the Alembic histories in the specs")
async def find_alembic_histories(
    specs_paths: SpecsPaths, build_root: BuildRoot
) -> AlembicHistories:
    setups = await find_setups(AlembicSetupsRequest(tuple(specs_paths.files)))
    in_specs = [
        history
        for history in setups.histories
        if any(history.contains(path) for path in specs_paths.files)
    ]
    listable: List[AlembicHistory] = []
    loop_errors: List[AlembicConfigError] = []
    for history in in_specs:
        loops = [
            link
            for directory in (history.script_dir, *history.versions_dirs)
            for link in symlink_loops(build_root.path, directory, history.recursive)
        ]
        if loops:
            loop_errors.extend(
                AlembicConfigError(
                    link,
                    None,
                    f"symlink loop: `{link}` resolves to itself, so the history "
                    f"`{history.name}` can't be listed; remove or fix the link",
                )
                for link in dict.fromkeys(loops)
            )
        else:
            listable.append(history)
    # A listing of each looping directory that matches no file: whichever way it changes (the
    # link removed, say), this rule runs again.
    listings = await concurrently(
        path_globs_to_paths(
            PathGlobs(
                history.migration_globs
                if history in listable
                else [f"{directory}/*.hygiene-never-matches" for directory in history.versions_dirs]
            )
        )
        for history in in_specs
    )
    return AlembicHistories(
        histories=tuple(
            dataclasses.replace(history, migration_paths=tuple(sorted(listing.files)))
            for history, listing in zip(in_specs, listings)
            if history in listable
        ),
        config_errors=(
            *(error for error in setups.config_errors if error.path in specs_paths.files),
            *loop_errors,
        ),
    )


# What the goals await; on Pants 2.17 a `Get(AlembicHistories, SpecsPaths, ...)`.
find_histories_in_specs = call_rule(find_alembic_histories)


def rules() -> Iterable:
    return collect_rules()
