"""Runs a newer Pants release's own code on the paths our adapters reach without the engine.

    python3.11 -m tests.pants_hygiene.compat.pants_exec lockfile <tag> <lockfile resource URL>
    python3.11 -m tests.pants_hygiene.compat.pants_exec options <tag>
    python3.11 -m tests.pants_hygiene.compat.pants_exec requests <tag>

prints, as JSON, what that release's `load_lockfile` (`pex_requirements.py`) makes of the
lockfile: the metadata it loaded and the files it read (the `.metadata` sidecar from 2.30), or
the exception it raised; what that release's `option_types.py` registers for each of our
subsystems' options (`collect_options_info`: names, defaults, types); or the union rules that
release's `lint.py`/`fix.py` register for each of our lint and fix requests (`rules()`).
Pants 2.18+ can't be installed here (its native engine is not on PyPI), so:

- the modules on the path are that release's source, unchanged (copied by tools/pants_api.py
  into `pants_sources/`): `pex_requirements.py`, both `lockfile_metadata.py`, `option_types.py`,
  `unions.py`, `meta.py`, `partitions.py`, `lint.py`, `fix.py`;
- the engine's intrinsics (`create_digest`, `get_digest_contents`, `Get(...)`, ...) are an
  in-memory stand-in with the engine's contract: a digest holds the files it was made of;
  `softwrap` and `bin_name`, which only shape error messages, are one-line stand-ins;
- `pants.version` says the release's version (our `util/compat.py` branches on it);
- every other `pants.*` name they import, and the third-party packages they import (`packaging`,
  ...), are permissive stand-ins (they accept any call and any attribute), so what the release
  does with our lockfile and options is decided by its own code. Our adapters' modules are
  imported for real on top of that; the option values a user would set are parsed in Rust from
  2.2x on and are not run here.

It runs on CPython 3.11+ (2.32's `pex_requirements.py` imports `tomllib` and uses `match`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import functools
import importlib
import importlib.abc
import importlib.machinery
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import textwrap
import traceback
import types
import typing
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from tools.pants_api import EXECUTED_MODULES, SOURCES_DIR, load_data


class _StandInMeta(type):
    """Any attribute of a stand-in class is another (memoized) stand-in class, so enum members
    (`GlobMatchErrorBehavior.error`) and generics (`FrozenDict[str, str]`) work."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return stand_in(f"{cls.__name__}.{name}")

    def __getitem__(cls, item: Any) -> Any:
        return cls

    def __or__(cls, other: Any) -> Any:
        return cls

    def __ror__(cls, other: Any) -> Any:
        return cls


class _StandIn(metaclass=_StandInMeta):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return stand_in(name)()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return stand_in("result")()

    def __iter__(self) -> Any:
        return iter(())


_STAND_INS: Dict[str, type] = {}


def stand_in(name: str) -> type:
    if name not in _STAND_INS:
        _STAND_INS[name] = _StandInMeta(name.rsplit(".", 1)[-1], (_StandIn,), {})
    return _STAND_INS[name]


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = stand_in(f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


# --- The engine, in memory --------------------------------------------------------------------


class IntrinsicError(Exception):
    """The engine's error for a failed intrinsic (a glob matching nothing, ...)."""


@dataclasses.dataclass(frozen=True)
class FileContent:
    path: str
    content: bytes
    is_executable: bool = False


@dataclasses.dataclass(frozen=True)
class FileEntry:
    path: str


@dataclasses.dataclass(frozen=True)
class Digest:
    files: Tuple[FileContent, ...]


class CreateDigest(tuple):  # type: ignore[type-arg]
    def __new__(cls, items: Iterable[FileContent] = ()) -> "CreateDigest":
        return super().__new__(cls, tuple(items))


class DigestContents(tuple):  # type: ignore[type-arg]
    pass


class DigestEntries(tuple):  # type: ignore[type-arg]
    pass


@dataclasses.dataclass(frozen=True)
class PathGlobs:
    globs: Sequence[str]
    glob_match_error_behavior: Any = None
    conjunction: Any = None
    description_of_origin: Optional[str] = None


# The paths of the files the release made digests of, in order: which files it read.
CREATED: List[str] = []


async def create_digest(request: CreateDigest, **_: Any) -> Digest:
    CREATED.extend(file.path for file in request)
    return Digest(tuple(request))


async def get_digest_contents(digest: Digest, **_: Any) -> DigestContents:
    return DigestContents(digest.files)


async def get_digest_entries(digest: Digest, **_: Any) -> DigestEntries:
    return DigestEntries(FileEntry(file.path) for file in digest.files)


async def path_globs_to_digest(globs: PathGlobs, **_: Any) -> Digest:
    # Only `resource://` lockfiles are loaded here; a file glob is the engine's to answer.
    raise IntrinsicError(f"no file in this runner matches {list(globs.globs)}")


class Get:
    """`Get(Output, Input, value)` / `Get(Output, value)`, dispatched to the stand-ins above."""

    def __init__(self, output: type, *args: Any) -> None:
        self.output = output
        self.value = args[-1]

    def __await__(self) -> Any:
        by_output = {
            Digest: path_globs_to_digest if isinstance(self.value, PathGlobs) else create_digest,
            DigestContents: get_digest_contents,
            DigestEntries: get_digest_entries,
        }
        return by_output[self.output](self.value).__await__()


def rule(*args: Any, **kwargs: Any) -> Any:
    """`@rule` and `@rule(...)`: the function itself, to be called directly."""
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda func: func


@functools.total_ordering
class Version:
    """`pants.version.Version` as our adapters use it: compared by release, a pre-release
    (`2.23.0a0`) before its final."""

    def __init__(self, text: str) -> None:
        release, pre = re.match(r"([0-9.]+)(.*)", text).groups()  # type: ignore[union-attr]
        self.key = (tuple(int(part) for part in release.strip(".").split(".")), pre == "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self.key == other.key

    def __lt__(self, other: "Version") -> bool:
        return self.key < other.key


@dataclasses.dataclass(frozen=True)
class UnionRule:
    """The native engine's `UnionRule` (2.3x): a member registered under a union base."""

    union_base: type
    union_member: type


def _engine_modules(tag: str) -> Dict[str, Dict[str, Any]]:
    engine = {
        "IntrinsicError": IntrinsicError,
        "FileContent": FileContent,
        "FileEntry": FileEntry,
        "Digest": Digest,
        "CreateDigest": CreateDigest,
        "DigestContents": DigestContents,
        "DigestEntries": DigestEntries,
        "PathGlobs": PathGlobs,
        "create_digest": create_digest,
        "get_digest_contents": get_digest_contents,
        "get_digest_entries": get_digest_entries,
        "path_globs_to_digest": path_globs_to_digest,
    }
    return {
        "pants.engine.fs": engine,
        "pants.engine.intrinsics": engine,
        "pants.engine.internals.selectors": {"Get": Get},
        "pants.engine.internals.native_engine": {**engine, "UnionRule": UnionRule},
        "pants.util.memo": {
            "memoized": functools.lru_cache(maxsize=None),
            "memoized_method": lambda method: method,
            "memoized_classmethod": classmethod,
            "memoized_property": property,
        },
        # Message helpers: their text is in errors only, the path doesn't depend on it.
        "pants.util.strutil": {"softwrap": lambda text: " ".join(textwrap.dedent(text).split())},
        "pants.util.docutil": {"bin_name": lambda: "pants"},
        # What Pants takes from it (`final`, `ParamSpec`, ...) CPython 3.11's `typing` has.
        "typing_extensions": dict(vars(typing)),
        "pants.version": {"PANTS_SEMVER": Version(tag[len("release_") :]), "Version": Version},
        "pants.engine.rules": {
            "Get": Get,
            "rule": rule,
            "_uncacheable_rule": rule,
            "collect_rules": lambda *args: [],
            "implicitly": lambda *args, **kwargs: {},
        },
    }


# Pants, and the third-party packages its modules and ours import (on other paths than these), which
# the interpreter running this may not have: served the same way on every machine.
SERVED_PACKAGES = {
    "pants",
    "packaging",
    "pkg_resources",
    "typing_extensions",
    "colors",
    # Our adapters read TOML at run time only, never at import.
    "toml",
    "tomli",
}


class _PantsFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves every `pants.*` module: the release's own source where this runner has it, the
    engine stand-ins above, and permissive stand-ins for the rest."""

    def __init__(self, tag: str, sources: Dict[str, str]) -> None:
        self.sources = sources
        self.engine = _engine_modules(tag)

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name.split(".")[0] not in SERVED_PACKAGES:
            return None
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec: Any) -> types.ModuleType:
        module = (
            types.ModuleType(spec.name)
            if spec.name in self.sources
            else _StandInModule(spec.name)
        )
        module.__path__ = []  # every `pants.*` module can have submodules
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__dict__.update(self.engine.get(module.__name__, {}))
        source = self.sources.get(module.__name__)
        if source is not None:
            code = compile(source, f"{module.__name__.replace('.', '/')}.py", "exec")
            exec(code, module.__dict__)


def release_sources(tag: str) -> Dict[str, str]:
    """The release's own source of EXECUTED_MODULES, as tools/pants_api.py extracted it."""
    executed = load_data()["executed"][tag]
    return {
        module: (SOURCES_DIR / f"{executed[module]}.txt").read_text()
        for module in EXECUTED_MODULES
    }


def load_lockfile(tag: str, url: str) -> Dict[str, Any]:
    """What the release's `load_lockfile` makes of the lockfile at `url`."""
    sys.meta_path.insert(0, _PantsFinder(tag, release_sources(tag)))
    import pants.backend.python.util_rules.pex_requirements as pex_requirements

    lockfile = pex_requirements.Lockfile(
        url=url, url_description_of_origin="the default lockfile", resolve_name="hygiene-tool"
    )
    python_setup = stand_in("PythonSetup")()
    request = pex_requirements.LoadedLockfileRequest(lockfile)
    try:
        loaded = asyncio.run(pex_requirements.load_lockfile(request, python_setup))
    except Exception as error:
        return {
            "error": f"{type(error).__name__}: {error}",
            "traceback": traceback.format_exc(),
        }
    # `InterpreterConstraints` and the requirement parsers are stand-ins here, so what is checked
    # is which metadata class the release chose for the JSON it read, and which files it read.
    metadata = type(loaded.metadata).__name__ if loaded.metadata is not None else None
    return {"metadata": metadata, "digests_made_of": CREATED}


def _plain(value: Any) -> Any:
    """An option's registration value as JSON: enums by value, types by name."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(type(value).__name__)


def register_options(tag: str) -> Dict[str, Any]:
    """What the release's `option_types` registers for our options (`options_of`)."""
    sys.meta_path.insert(0, _PantsFinder(tag, release_sources(tag)))
    from pants.option.option_types import collect_options_info

    return options_of(collect_options_info)


def options_of(collect_options_info: Any) -> Dict[str, Any]:
    """scope -> flag -> what `collect_options_info` registers for it (help text aside), for
    every subsystem and goal our adapters' modules define (all of them imported)."""
    import pants_hygiene

    registered: Dict[str, Any] = {}
    for found in pkgutil.walk_packages(pants_hygiene.__path__, "pants_hygiene."):
        module = importlib.import_module(found.name)
        for subsystem in vars(module).values():
            if not isinstance(subsystem, type) or subsystem.__module__ != found.name:
                continue
            # A goal's scope is its `name`.
            scope = vars(subsystem).get("options_scope") or vars(subsystem).get("name")
            if not isinstance(scope, str):
                continue
            # Only ours: a Pants base class's options (`PythonToolRequirementsBase.version`, ...)
            # are Pants' to register (here its bases are stand-ins that have none). The option
            # descriptors themselves (not through `__get__`) know their flags.
            ours = {
                descriptor._flag_names[-1]
                for cls in subsystem.__mro__
                if cls.__module__.startswith("pants_hygiene")
                for descriptor in vars(cls).values()
                if getattr(descriptor, "_flag_names", None)
            }
            registered[scope] = {
                _flag(info): {
                    key: _plain(value)
                    for key, value in sorted(
                        getattr(info, "flag_options", getattr(info, "kwargs", {})).items()
                    )
                    if key != "help"
                }
                for info in collect_options_info(subsystem)
                if _flag(info) in ours
            }
    return registered


def _flag(info: Any) -> str:
    # 2.17's `OptionsInfo(flag_names, flag_options)`, newer `OptionInfo(args, kwargs)`.
    flags: Tuple[str, ...] = getattr(info, "flag_names", getattr(info, "args", ()))
    return flags[-1]


def newest_cpython(oldest_minor: int = 11) -> Optional[str]:
    """The newest CPython 3.11+ on the machine (pyenv's or on PATH): 2.32 runs on 3.14, and its
    source of these modules needs 3.11 (`tomllib`, `match`)."""
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for minor in range(13, oldest_minor - 1, -1):
        for candidate in sorted(Path(pyenv_root, "versions").glob(f"3.{minor}.*/bin/python3")):
            return str(candidate)
        found = shutil.which(f"python3.{minor}")
        if found:
            return found
    return None


def run(*arguments: str, extra_path: Sequence[str] = ()) -> Any:
    """This module's command line, run in a process of its own on CPython 3.11+ (the stand-ins
    it installs must not meet the real Pants of the calling test process)."""
    python = newest_cpython()
    assert python is not None, "no CPython 3.11+ found (pyenv or PATH) to run newer Pants' code"
    result = subprocess.run(
        [python, "-m", __name__, *arguments],
        capture_output=True,
        text=True,
        env={
            "PYTHONPATH": os.pathsep.join([*extra_path, ".", "pants-plugins", "src"]),
            "PATH": os.environ.get("PATH", ""),
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def request_rules(tag: str) -> Dict[str, Any]:
    """What the release's own lint/fix request classes register for ours (`requests_of`)."""
    sys.meta_path.insert(0, _PantsFinder(tag, release_sources(tag)))
    from pants.core.goals.lint import AbstractLintRequest

    return requests_of(AbstractLintRequest)


def requests_of(abstract_lint_request: type) -> Dict[str, Any]:
    """For each of our lint and fix request classes (a fix request is a lint request too), the
    union rules its inherited `rules()` registers, as sorted (base, member) names: what makes
    `pants lint` and `pants fix` see it, partition it and run its batches."""
    import pants_hygiene

    registered: Dict[str, Any] = {}
    for found in pkgutil.walk_packages(pants_hygiene.__path__, "pants_hygiene."):
        module = importlib.import_module(found.name)
        for request in vars(module).values():
            if (
                isinstance(request, type)
                and request.__module__ == found.name
                and issubclass(request, abstract_lint_request)
            ):
                registered[f"{found.name}.{request.__name__}"] = sorted(
                    [_qualname(rule.union_base), _qualname(rule.union_member)]
                    for rule in request.rules()
                    if hasattr(rule, "union_member")
                )
    return registered


def _qualname(cls: type) -> str:
    return getattr(cls, "__qualname__", repr(cls))


COMMANDS = {"lockfile": load_lockfile, "options": register_options, "requests": request_rules}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:]), sort_keys=True))
