"""The repo's ruff configuration, read statically and resolved as ruff resolves it, for the few
settings the suite must agree with: whether a rule (TID252, ANN20x) is on for a file, and
TID252's `ban-relative-imports`.

Read: the config ruff finds at the build root (`.ruff.toml`, else `ruff.toml`, else a
`pyproject.toml` with a `[tool.ruff]` table: ruff's order in one directory), and the chain of
files it `extend`s (paths relative to the extending file). Per field, `lint.<option>` wins over
the deprecated top-level `<option>`; a derived file wins over the file it extends. Rules are
selected as ruff selects them: the files from base to derived, each applying its `select`
(which starts the set afresh) or `extend-select`, then its `ignore`/`extend-ignore`, a more
specific selector beating a less specific one (`select = ["TID252"], ignore = ["TID"]` keeps
TID252), then `per-file-ignores` (the last file that sets it) and every file's
`extend-per-file-ignores`, whose globs are relative to the file that declares them.

Not read: configs in subdirectories (ruff's hierarchical configs), the user-level config and
ruff's command-line flags. No rule the suite asks about is in ruff's default selection.
TOML is read as TOML 1.0 (`toml_file`: tomllib, or tomli below CPython 3.11), as ruff reads it.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .errors import FileError
from .toml_file import TomlError, load_toml

# ruff's order when one directory holds several.
CONFIG_FILE_NAMES = (".ruff.toml", "ruff.toml", "pyproject.toml")
# What `ban-relative-imports` is when no file sets it.
DEFAULT_BAN_RELATIVE_IMPORTS = "parents"


class RuffConfigError(FileError):
    """A ruff configuration file the suite can't read: bad TOML, a bad value, a missing or
    circular `extend`."""


class NeedFile(Exception):
    """Resolving needs a file not handed in yet (an `extend`ed one): read it, then retry."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


@dataclass(frozen=True)
class Setting:
    """A value of the configuration, with where it is written (`file:line`, the key)."""

    value: Any
    file: str
    line: int
    key: str

    def describe(self) -> str:
        if not self.line:
            return f"`{self.key}` unset: ruff's default"
        return f"`{self.key}` ({self.file}:{self.line})"


@dataclass(frozen=True)
class _Layer:
    """One file of the `extend` chain: the options it sets itself."""

    path: str
    select: Optional[Setting]
    extend_select: Optional[Setting]
    # `ignore` and `extend-ignore` alike.
    ignore: Tuple[Setting, ...]
    per_file_ignores: Optional[Setting]
    extend_per_file_ignores: Optional[Setting]
    ban_relative_imports: Optional[Setting]


@dataclass(frozen=True)
class RuleState:
    """Whether a rule is on for a file, and the setting that decided it (None: ruff's default,
    which selects none of the rules the suite asks about)."""

    enabled: bool
    decided_by: Optional[Setting]


@dataclass(frozen=True)
class RuffConfig:
    # Base first, the file ruff found at the build root last; empty when there is none.
    layers: Tuple[_Layer, ...]

    @property
    def path(self) -> Optional[str]:
        """The config file ruff finds at the build root, if any."""
        return self.layers[-1].path if self.layers else None

    @property
    def ban_relative_imports(self) -> Setting:
        """`flake8-tidy-imports.ban-relative-imports` (`parents` or `all`) and where it's set."""
        for layer in reversed(self.layers):
            if layer.ban_relative_imports is not None:
                return layer.ban_relative_imports
        # Line 0: written nowhere.
        key = "lint.flake8-tidy-imports.ban-relative-imports"
        return Setting(DEFAULT_BAN_RELATIVE_IMPORTS, self.path or "", 0, key)

    def rule(self, code: str, path: str) -> RuleState:
        """Whether rule `code` (e.g. `TID252`) is on for the file `path` (relative to the build
        root), as `ruff check` at the build root decides it."""
        state = self._selected(code)
        if not state.enabled:
            return state
        for ignore in self._per_file_ignores():
            pattern_root = posixpath.dirname(ignore.file)
            for pattern, selectors in ignore.value.items():
                if _covers_any(selectors, code) and _path_matches(pattern, pattern_root, path):
                    return RuleState(False, ignore)
        return state

    def _selected(self, code: str) -> RuleState:
        enabled, decided_by = False, None
        carried_ignores: Tuple[Setting, ...] = ()
        for layer in self.layers:
            selects = [s for s in (layer.select, layer.extend_select) if s is not None]
            ignores = (*layer.ignore, *carried_ignores)
            carried_ignores = ()
            # Within one file, the most specific selector decides; at equal specificity an
            # ignore beats a select (ruff applies them in that order, least specific first).
            update: Optional[Tuple[int, bool, Setting]] = None
            for setting, on in [*((s, True) for s in selects), *((s, False) for s in ignores)]:
                for selector in setting.value:
                    specificity = _specificity(selector, code)
                    if specificity is not None and (
                        update is None
                        or specificity > update[0]
                        or (specificity == update[0] and not on)
                    ):
                        update = (specificity, on, setting)
            if layer.select is not None:
                # `select` starts the set afresh: only what this file selects is on.
                enabled = update is not None and update[1]
                decided_by = update[2] if update is not None else layer.select
                if not layer.select.value and layer.extend_select is None and layer.ignore:
                    # ruff carries an empty `select`'s ignores over to the next file.
                    carried_ignores = layer.ignore
            elif update is not None:
                enabled, decided_by = update[1], update[2]
        return RuleState(enabled, decided_by)

    def _per_file_ignores(self) -> List[Setting]:
        replaced = next(
            (layer.per_file_ignores for layer in reversed(self.layers) if layer.per_file_ignores),
            None,
        )
        extended = [
            layer.extend_per_file_ignores
            for layer in self.layers
            if layer.extend_per_file_ignores is not None
        ]
        return [*([replaced] if replaced is not None else []), *extended]


def read_ruff_config(files: Mapping[str, Optional[bytes]]) -> RuffConfig:
    """The configuration ruff uses at the build root, from `files` (build-root-relative paths
    to their bytes, None for a file that doesn't exist). Hand in the three `CONFIG_FILE_NAMES`
    first; raises `NeedFile` for an `extend`ed file not handed in yet, `RuffConfigError` for a
    file that can't be used."""
    found = None
    for name in CONFIG_FILE_NAMES:
        if name not in files:
            raise NeedFile(name)
        content = files[name]
        if content is None:
            continue
        document = _load(name, content)
        if name != "pyproject.toml" or _ruff_table(name, document) is not None:
            found = name
            break
    if found is None:
        return RuffConfig(())
    layers: List[_Layer] = []
    path: Optional[str] = found
    while path is not None:
        if any(layer.path == path for layer in layers):
            raise RuffConfigError(path, None, "`extend` makes a circle: ruff refuses it")
        if path not in files:
            raise NeedFile(path)
        content = files[path]
        if content is None:
            extending = layers[-1].path
            raise RuffConfigError(extending, None, f"`extend` names `{path}`, which is missing")
        layer, path = _layer(path, content)
        layers.append(layer)
    return RuffConfig(tuple(reversed(layers)))


def _load(path: str, content: bytes) -> Dict[str, Any]:
    try:
        return load_toml(path, content.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise RuffConfigError(path, None, f"not UTF-8 ({e})") from None
    except TomlError as e:
        raise RuffConfigError(path, e.line, e.reason) from None


def _ruff_table(path: str, document: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    if posixpath.basename(path) != "pyproject.toml":
        return document
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        # ruff reads `tool` as a table of tools' tables and fails on anything else.
        raise RuffConfigError(path, None, "`tool` must be a table: ruff can't read the file")
    table = tool.get("ruff")
    return table if isinstance(table, dict) else None


def _layer(path: str, content: bytes) -> Tuple[_Layer, Optional[str]]:
    """One file's own options, and the file it extends (build-root-relative), if any."""
    document = _load(path, content)
    table = _ruff_table(path, document)
    if table is None:
        raise RuffConfigError(path, None, "`extend` names a pyproject.toml without [tool.ruff]")
    prefix = ("tool", "ruff") if posixpath.basename(path) == "pyproject.toml" else ()
    lines = content.decode("utf-8").splitlines()
    lint = table.get("lint", {})

    def setting(*keys: str, kind: type = list) -> Optional[Setting]:
        """`lint.<keys>`, else the deprecated top-level `<keys>`."""
        for scope, holder in (("lint", lint), ("", table)):
            value: Any = holder
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            if value is None:
                continue
            dotted = ".".join(k for k in (scope, *keys) if k)
            line = _line_of(lines, (*prefix, *dotted.split(".")))
            if not isinstance(value, kind) or (
                kind is list and not all(isinstance(item, str) for item in value)
            ):
                raise RuffConfigError(path, line, f"`{dotted}` must be a {kind.__name__}")
            return Setting(value, path, line, dotted)
        return None

    ban = setting("flake8-tidy-imports", "ban-relative-imports", kind=str)
    if ban is not None and ban.value not in ("parents", "all"):
        raise RuffConfigError(
            path, ban.line, f'`{ban.key}` must be "parents" or "all", not "{ban.value}"'
        )
    for key in ("per-file-ignores", "extend-per-file-ignores"):
        found = setting(key, kind=dict)
        if found is not None and not all(
            isinstance(codes, list) and all(isinstance(c, str) for c in codes)
            for codes in found.value.values()
        ):
            raise RuffConfigError(path, found.line, f"`{found.key}` must map globs to code lists")
    layer = _Layer(
        path=path,
        select=setting("select"),
        extend_select=setting("extend-select"),
        ignore=tuple(s for s in (setting("ignore"), setting("extend-ignore")) if s is not None),
        per_file_ignores=setting("per-file-ignores", kind=dict),
        extend_per_file_ignores=setting("extend-per-file-ignores", kind=dict),
        ban_relative_imports=ban,
    )
    extend = table.get("extend")
    if extend is None:
        return layer, None
    if not isinstance(extend, str):
        raise RuffConfigError(path, _line_of(lines, (*prefix, "extend")), "`extend` must be a path")
    extended = os.path.expandvars(os.path.expanduser(extend))
    if os.path.isabs(extended):
        raise RuffConfigError(
            path,
            _line_of(lines, (*prefix, "extend")),
            f"`extend` names `{extend}`, outside the repo: the suite reads only the repo's files",
        )
    return layer, posixpath.normpath(posixpath.join(posixpath.dirname(path), extended))


_HEADER_RE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
# A TOML key: bare, "quoted" or 'literal' parts joined by dots.
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY_RE = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")


def _dotted(text: str) -> Tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def _line_of(lines: List[str], keys: Tuple[str, ...]) -> int:
    """The line (from 1) where a key is set, as `[a.b]` + `c = ...` or `a.b.c = ...`, or where
    its table starts (`[a.b.c]`); 1 if it can't be told (an inline table, say)."""
    table: Tuple[str, ...] = ()
    for number, line in enumerate(lines, 1):
        header = _HEADER_RE.match(line)
        if header:
            table = _dotted(header.group(1))
            if table == keys:
                return number
            continue
        key = _KEY_RE.match(line)
        if key and (*table, *_dotted(key.group(1))) == keys:
            return number
    return 1


def _specificity(selector: str, code: str) -> Optional[int]:
    """How specifically `selector` names rule `code` (higher: more), None if it doesn't: `ALL`,
    then the linter (`TID`), then each further character of the code (`TID2`, ..., `TID252`).
    A code is its linter's letters then digits, so `A` (flake8-builtins) never names `ANN201`."""
    if selector == "ALL":
        return 0
    linter = code.rstrip("0123456789")
    if not selector.startswith(linter) or not code.startswith(selector):
        return None
    return 1 + len(selector) - len(linter)


def _covers_any(selectors: List[str], code: str) -> bool:
    return any(_specificity(selector, code) is not None for selector in selectors)


def _path_matches(pattern: str, pattern_root: str, path: str) -> bool:
    """Whether a `per-file-ignores` glob matches a file, as ruff matches it: the glob made
    absolute from its config file's directory against the file's path, or the glob as written
    against the file's name; `*` crosses `/`; a leading `!` negates."""
    negated = pattern.startswith("!")
    if negated:
        pattern = pattern[1:]
    absolute = posixpath.normpath(posixpath.join(pattern_root, pattern))
    matched = bool(
        _glob_regex(absolute).fullmatch(path)
        or _glob_regex(pattern).fullmatch(posixpath.basename(path))
    )
    return matched != negated


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """globset's syntax with its `literal_separator(false)`, which ruff uses: `*` and `?` cross
    `/`, `/**/` also matches `/`, `[...]`/`[!...]` classes, `{a,b}` alternatives."""
    out: List[str] = []
    i, depth = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("/**/", i):
            out.append("(?:/|/.*/)")
            i += 4
            continue
        if i == 0 and pattern.startswith("**/"):
            out.append("(?:|.*/)")
            i += 3
            continue
        if char == "*":
            out.append(".*")
            while i < len(pattern) and pattern[i] == "*":
                i += 1
            continue
        if char == "?":
            out.append(".")
        elif char == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        elif char == "{":
            out.append("(?:")
            depth += 1
        elif char == "}" and depth:
            out.append(")")
            depth -= 1
        elif char == "," and depth:
            out.append("|")
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out), re.DOTALL)
