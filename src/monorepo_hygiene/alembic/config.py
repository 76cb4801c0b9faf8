"""Where an Alembic config says its migrations live, read without running alembic.

A config is an ini file's `[alembic]` section or (alembic >= 1.16) a `pyproject.toml`'s
`[tool.alembic]` table; a script directory with no config in the repository is recognised by its
structure (`script_directories_by_structure`).

Paths come back repo-relative. `%(here)s` is the ini's directory, and relative paths are taken
relative to it too: alembic itself resolves them against the working directory, which is the
ini's directory when alembic is run the usual way (`cd service && alembic upgrade head`).
Absolute paths can't name anything in the repository, so they are reported.
"""

from __future__ import annotations

import configparser
import os
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Callable, FrozenSet, Iterable, Mapping, Optional, Sequence, Tuple

from ..toml_file import TomlError, load_toml
from .errors import AlembicConfigError

DEFAULT_SECTION = "alembic"
# alembic.script.base._default_file_template: how a new migration's file is named.
DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"

# The repository as if mounted at an absolute path, so `%(here)s` interpolates to an absolute
# path as in alembic and `%(here)s/..` escapes can be told from paths inside the repository.
_REPO_ROOT = "/__repository_root__"

# alembic.config.Config._get_file_separator_char (alembic 1.16).
_SEPARATORS = {"space": " ", "newline": "\n", "os": os.pathsep, ":": ":", ";": ";"}
# alembic's legacy splitting of `version_locations` when no separator option is set.
_LEGACY_SPLIT_RE = re.compile(r", *|(?: +)")
_SECTION_RE = re.compile(r"^\s*\[(?P<name>[^\]]+)\]")
_OPTION_RE = re.compile(r"^(?P<name>[^\s=:][^=:]*?)\s*[=:]")


@dataclass(frozen=True)
class AlembicConfig:
    ini_path: str
    section: str
    # A repo-relative path, or a `package.module:dir` resource as written.
    script_location: str
    script_location_line: Optional[int]
    # Each entry like `script_location`, split on the configured separator; () when unset.
    version_locations: Tuple[str, ...] = ()
    version_locations_line: Optional[int] = None
    recursive_version_locations: bool = False
    # How `alembic revision` (and `rebase-alembic --strategy=merge`) names new migration files.
    file_template: str = DEFAULT_FILE_TEMPLATE

    @property
    def found_by(self) -> str:
        """How the history was found, for the summary line."""
        if posixpath.basename(self.ini_path) == "pyproject.toml":
            return f"{self.ini_path} [tool.alembic]"
        return f"{self.ini_path} [{self.section}]"

    @property
    def names_package_resources(self) -> bool:
        """Whether a location is in the `package.module:dir` form, found through source roots."""
        return any(map(_is_resource, (self.script_location, *self.version_locations)))

    def script_dir_candidates(self, source_roots: Sequence[str]) -> Tuple[str, ...]:
        """Repo-relative directories `script_location` may mean; the caller keeps the one that
        exists. A path gives one; `pkg.sub:dir` gives `<root>/pkg/sub/dir` per source root."""
        return _location_candidates(self.script_location, source_roots)

    def versions_dirs(self, script_dir: str, source_roots: Sequence[str] = ()) -> Tuple[str, ...]:
        """Directories holding the migration files: `<script_dir>/versions`, or the
        `version_locations` (package-resource entries give one candidate per source root)."""
        if not self.version_locations:
            return (posixpath.normpath(posixpath.join(script_dir, "versions")),)
        return tuple(
            candidate
            for location in self.version_locations
            for candidate in _location_candidates(location, source_roots)
        )

    def migration_globs(self, script_dir: str, source_roots: Sequence[str] = ()) -> Tuple[str, ...]:
        """Globs matching the migration files (and others, which the checks skip); subdirectories
        only with `recursive_version_locations = true`, as in alembic."""
        pattern = "**/*.py" if self.recursive_version_locations else "*.py"
        return tuple(
            posixpath.join(directory, pattern)
            for directory in self.versions_dirs(script_dir, source_roots)
        )


def _is_resource(location: str) -> bool:
    # alembic.util.pyfiles.coerce_resource_to_filename's test for `package.module:dir`.
    return not posixpath.isabs(location) and ":" in location


def _location_candidates(location: str, source_roots: Sequence[str]) -> Tuple[str, ...]:
    if not _is_resource(location):
        return (location,)
    package, *subdirs = location.split(":")
    candidates = (
        posixpath.normpath(posixpath.join(root, *package.split("."), *subdirs))
        for root in source_roots
    )
    return tuple(dict.fromkeys(candidates))


def parse_alembic_ini(ini_path: str, text: str, section: str = DEFAULT_SECTION) -> AlembicConfig:
    """Read `script_location`, `version_locations` and friends from an ini's `[section]`.

    `ini_path` is repo-relative. Raises AlembicConfigError naming the file (and line when
    there is one) when the ini is malformed, lacks the section or `script_location`, or names
    an unknown path separator.
    """
    here = posixpath.normpath(posixpath.join(_REPO_ROOT, posixpath.dirname(ini_path)))
    parser = configparser.ConfigParser(defaults={"here": here})
    try:
        parser.read_string(text, source=ini_path)
    except configparser.Error as e:
        raise AlembicConfigError(ini_path, _error_line(e), _first_line(e)) from None
    if not parser.has_section(section):
        raise AlembicConfigError(ini_path, None, f"no `[{section}]` section")

    def option(name: str) -> Optional[str]:
        try:
            return parser.get(section, name, fallback=None)
        except configparser.InterpolationError as e:
            raise AlembicConfigError(
                ini_path, _option_line(text, section, name), _first_line(e)
            ) from None

    script_location = option("script_location")
    if not script_location:
        raise AlembicConfigError(
            ini_path, _section_line(text, section), f"`[{section}]` has no `script_location`"
        )
    script_location_line = _option_line(text, section, "script_location")
    version_locations = option("version_locations")
    version_locations_line = _option_line(text, section, "version_locations")
    return AlembicConfig(
        ini_path=ini_path,
        section=section,
        script_location=_resolved(ini_path, script_location_line, here, script_location),
        script_location_line=script_location_line,
        version_locations=tuple(
            _resolved(ini_path, version_locations_line, here, location)
            for location in _split_locations(ini_path, text, section, version_locations, option)
        )
        if version_locations
        else (),
        version_locations_line=version_locations_line,
        recursive_version_locations=option("recursive_version_locations") == "true",
        file_template=option("file_template") or DEFAULT_FILE_TEMPLATE,
    )


def has_alembic_section(text: str, section: str = DEFAULT_SECTION) -> bool:
    """Whether an ini file's text has a `[section]` header: the test for "is an Alembic config"
    applied to every `*.ini` of the repository, before parsing it."""
    return any(
        header is not None and header.group("name") == section
        for header in map(_SECTION_RE.match, text.splitlines())
    )


def pyproject_alembic_table(path: str, text: str) -> Optional[Mapping[str, Any]]:
    """The `[tool.alembic]` table of a pyproject.toml, None when it has none. A file that isn't
    valid TOML is only reported when it mentions `tool.alembic`: other tools own it otherwise."""
    try:
        document = load_toml(path, text)
    except TomlError as e:
        if "tool.alembic" not in text:
            return None
        raise AlembicConfigError(path, e.line, e.reason) from None
    tool = document.get("tool")
    # `tool = 0`: no `[tool.alembic]` table (and a file for its other owners to complain about).
    table = tool.get("alembic") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise AlembicConfigError(path, None, "`tool.alembic` must be a table")
    return table


def parse_pyproject_alembic(path: str, table: Mapping[str, Any]) -> AlembicConfig:
    """Read a `pyproject.toml`'s parsed `[tool.alembic]` table as alembic 1.16's
    `Config.get_alembic_option` does: string values have `%(here)s` interpolated, and
    `version_locations` is a list of strings, not a separated string.

    `path` is repo-relative. Raises AlembicConfigError naming the file when a value has the wrong
    type or `script_location` is missing.
    """
    here = posixpath.normpath(posixpath.join(_REPO_ROOT, posixpath.dirname(path)))

    def string(name: str) -> Optional[str]:
        value = table.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise AlembicConfigError(path, None, f"`[tool.alembic].{name}` must be a string")
        return _interpolated(path, name, value, here)

    script_location = string("script_location")
    if not script_location:
        raise AlembicConfigError(path, None, "`[tool.alembic]` has no `script_location`")
    locations = table.get("version_locations")
    if locations is not None and not (
        isinstance(locations, list) and all(isinstance(entry, str) for entry in locations)
    ):
        raise AlembicConfigError(
            path, None, "`[tool.alembic].version_locations` must be a list of strings"
        )
    recursive = table.get("recursive_version_locations", False)
    if not isinstance(recursive, bool):
        # alembic's get_alembic_boolean_option: "boolean value expected for TOML parameter".
        raise AlembicConfigError(
            path, None, "`[tool.alembic].recursive_version_locations` must be true or false"
        )
    return AlembicConfig(
        ini_path=path,
        section="tool.alembic",
        script_location=_resolved(path, None, here, script_location),
        script_location_line=None,
        version_locations=tuple(
            _resolved(path, None, here, _interpolated(path, "version_locations", entry, here))
            for entry in locations or ()
            if entry
        ),
        recursive_version_locations=recursive,
        file_template=string("file_template") or DEFAULT_FILE_TEMPLATE,
    )


def _interpolated(path: str, name: str, value: str, here: str) -> str:
    try:
        return value % {"here": here}
    except (KeyError, ValueError, TypeError) as e:
        raise AlembicConfigError(
            path, None, f"`[tool.alembic].{name}`: bad `%` interpolation ({e})"
        ) from None


def script_directories_by_structure(
    files: Iterable[str], directories: Iterable[str]
) -> Tuple[str, ...]:
    """The directories that look like an Alembic script directory whatever the configs say: an
    `env.py` next to a `versions/` directory or a `script.py.mako` (what `alembic init` makes).

    `files` and `directories` are repo-relative paths; only `env.py`, `script.py.mako` and
    directories named `versions` among them matter.
    """

    def parents(paths: Iterable[str], name: str) -> FrozenSet[str]:
        return frozenset(
            posixpath.dirname(posixpath.normpath(path)) or "."
            for path in paths
            if posixpath.basename(path) == name
        )

    files = tuple(files)
    with_env = parents(files, "env.py")
    with_template = parents(files, "script.py.mako")
    with_versions = parents(directories, "versions")
    return tuple(sorted(with_env & (with_template | with_versions)))


def _split_locations(
    ini_path: str,
    text: str,
    section: str,
    value: str,
    option: Callable[[str], Optional[str]],
) -> Tuple[str, ...]:
    """alembic.config.Config.get_version_locations_list, minus its empty entries."""
    for name in ("path_separator", "version_path_separator"):
        separator_name = option(name)
        if separator_name is not None:
            break
    else:
        return tuple(entry for entry in _LEGACY_SPLIT_RE.split(value) if entry)
    if separator_name not in _SEPARATORS:
        raise AlembicConfigError(
            ini_path,
            _option_line(text, section, name),
            f"`{name}` is `{separator_name}`; expected one of "
            + ", ".join(f"`{s}`" for s in _SEPARATORS),
        )
    return tuple(
        entry.strip() for entry in value.split(_SEPARATORS[separator_name]) if entry.strip()
    )


def _resolved(ini_path: str, line: Optional[int], here: str, location: str) -> str:
    """A resource as is; a path made repo-relative ("." for the repository root)."""
    if _is_resource(location):
        return location
    path = posixpath.normpath(posixpath.join(here, location))
    if path == _REPO_ROOT:
        return "."
    if not path.startswith(_REPO_ROOT + "/"):
        raise AlembicConfigError(
            ini_path,
            line,
            f"`{location.replace(here, '%(here)s')}` is outside the repository; "
            "use a path relative to `%(here)s`",
        )
    return path[len(_REPO_ROOT) + 1 :]


def _section_line(text: str, section: str) -> Optional[int]:
    for number, line in enumerate(text.splitlines(), start=1):
        header = _SECTION_RE.match(line)
        if header is not None and header.group("name") == section:
            return number
    return None


def _option_line(text: str, section: str, option: str) -> Optional[int]:
    """The line defining `option` in `[section]` (configparser keeps no line numbers)."""
    current: Optional[str] = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _SECTION_RE.match(line)
        if header is not None:
            current = header.group("name")
            continue
        match = _OPTION_RE.match(line)
        if current == section and match is not None and match.group("name").lower() == option:
            return number
    return None


def _error_line(error: configparser.Error) -> Optional[int]:
    line: Optional[int] = getattr(error, "lineno", None)
    if line is None and isinstance(error, configparser.ParsingError) and error.errors:
        line = error.errors[0][0]
    return line


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0]
