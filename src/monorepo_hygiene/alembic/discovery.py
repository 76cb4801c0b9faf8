"""Finds the Alembic histories that may hold given files, from plain listings and file texts.

Three ways, each history kept once: every `*.ini` with an `[alembic]` section (and every file
whose name is configured as an Alembic config), every `pyproject.toml` with a `[tool.alembic]`
table (alembic >= 1.16), and every directory shaped like a script directory (`env.py` next to
`versions/` or `script.py.mako`). Nothing here imports or runs a migration: configs are parsed as
text and migration files are only listed.

Only the given files' directories and the directories above them are looked at, never the whole
repository: the adapter lists what `discovery_globs` names, hands in the configs' texts and which
script-location candidates hold anything, and gets the histories back. Listing the migrations is
left to the caller, after `symlink_loops` said the directories can be listed.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import posixpath
from dataclasses import dataclass
from pathlib import PurePath
from typing import (
    AbstractSet,
    Collection,
    Dict,
    Iterable,
    List,
    Mapping,
    Sequence,
    Tuple,
)

from .config import (
    DEFAULT_FILE_TEMPLATE,
    DEFAULT_SECTION,
    AlembicConfig,
    has_alembic_section,
    parse_alembic_ini,
    parse_pyproject_alembic,
    pyproject_alembic_table,
    script_directories_by_structure,
)
from .errors import AlembicConfigError
from .reader import is_migration_file

# The names that are always Alembic configs, whatever their extension.
DEFAULT_CONFIG_FILES = ("alembic.ini",)

# What discovery looks at in each directory it looks in.
_DISCOVERY_NAMES = ("*.ini", "pyproject.toml", "env.py", "script.py.mako", "versions")


@dataclass(frozen=True)
class DiscoveryOptions:
    """Which files are Alembic configs: `config_files` always, any other `*.ini` when it has the
    `config_section`."""

    config_files: Tuple[str, ...] = DEFAULT_CONFIG_FILES
    config_section: str = DEFAULT_SECTION


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

    def loads_by_path(self, path: str) -> bool:
        """Whether Alembic runs the file by its path, with no parent package: the script
        directory's `env.py` (`ScriptDirectory.run_env`) and the migrations of its version
        locations (`Script._list_py_dir`: a location's own files, or all below it with
        `recursive_version_locations`). Any other module of the script directory (a `shared/`
        package the migrations import) is imported as a module like any other."""
        file = PurePath(path)
        if file == PurePath(self.script_dir, "env.py"):
            return True
        return is_migration_file(path) and any(
            file.parent == PurePath(directory)
            or (self.recursive and file.is_relative_to(directory))
            for directory in self.versions_dirs
        )


def directories_above(paths: Iterable[str]) -> Tuple[str, ...]:
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


def discovery_globs(paths: Iterable[str], options: DiscoveryOptions) -> Tuple[str, ...]:
    """What to list to find the histories that may hold `paths`: the discovery names (and the
    configured config names) in each of their directories and those above them."""
    return tuple(
        posixpath.join(directory, name)
        for directory in directories_above(paths)
        for name in (*_DISCOVERY_NAMES, *sorted(set(options.config_files)))
    )


def is_config_candidate(path: str, options: DiscoveryOptions) -> bool:
    """Whether a listed file's text must be read to know if it is an Alembic config."""
    name = PurePath(path).name
    return path.endswith(".ini") or name == "pyproject.toml" or name in options.config_files


def read_configs(
    texts: Mapping[str, str], options: DiscoveryOptions
) -> Tuple[Tuple[AlembicConfig, ...], Tuple[AlembicConfigError, ...]]:
    """The Alembic configs among the candidate files (path -> text), in the order given, and the
    errors of those that are configs but can't be read."""
    configs: List[AlembicConfig] = []
    errors: List[AlembicConfigError] = []
    for path, text in texts.items():
        named = PurePath(path).name in options.config_files
        try:
            if PurePath(path).name == "pyproject.toml" and not named:
                table = pyproject_alembic_table(path, text)
                if table is not None:
                    configs.append(parse_pyproject_alembic(path, table))
            elif named or has_alembic_section(text, options.config_section):
                configs.append(parse_alembic_ini(path, text, section=options.config_section))
        except AlembicConfigError as e:
            errors.append(e)
    return tuple(configs), tuple(errors)


def needs_source_roots(configs: Iterable[AlembicConfig]) -> bool:
    """Whether any config names its script location in the package form: only then are the
    source roots needed (listing them all globs the whole repo)."""
    return any(config.names_package_resources for config in configs)


def script_dir_candidates(
    configs: Iterable[AlembicConfig], source_roots: Sequence[str]
) -> Tuple[str, ...]:
    """Every directory a config's script location may be, each config's in order: a location in
    the package form has one per source root, and the one that holds anything is the real one."""
    return tuple(
        dict.fromkeys(
            candidate
            for config in configs
            for candidate in config.script_dir_candidates(source_roots)
        )
    )


def locate_histories(
    configs: Sequence[AlembicConfig],
    source_roots: Sequence[str],
    nonempty_candidates: AbstractSet[str],
    listed_files: Collection[str],
    listed_dirs: Collection[str],
) -> Tuple[Tuple[AlembicHistory, ...], Tuple[AlembicConfigError, ...]]:
    """The histories the configs name and those found by their shape alone, each once, their
    migrations not listed (`migration_paths` is empty); and the configs whose script location
    names no directory.

    `nonempty_candidates` are the `script_dir_candidates` that hold anything; `listed_files` and
    `listed_dirs` what `discovery_globs` matched.
    """
    located: List[_Located] = []
    errors: List[AlembicConfigError] = []
    for config in configs:
        candidates = config.script_dir_candidates(source_roots)
        script_dirs = [candidate for candidate in candidates if candidate in nonempty_candidates]
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
            errors.append(
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
    for script_dir in script_directories_by_structure(listed_files, listed_dirs):
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
    return histories, tuple(errors)


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

