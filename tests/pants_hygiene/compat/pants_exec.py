"""Runs a newer Pants release's own code on the paths our adapters reach without the engine.

    python3.11 -m tests.pants_hygiene.compat.pants_exec <tag> <lockfile resource URL>

prints, as JSON, what that release's `load_lockfile` (`pex_requirements.py`) makes of the
lockfile: the metadata it loaded and the files it read (the `.metadata` sidecar from 2.30), or
the exception it raised. Pants 2.18+ can't be installed here (its native engine is not on PyPI), so:

- the modules on the path are that release's source, unchanged (copied by tools/pants_api.py
  into `pants_sources/`): `pex_requirements.py` and both `lockfile_metadata.py`;
- the engine's intrinsics (`create_digest`, `get_digest_contents`, `Get(...)`, ...) are an
  in-memory stand-in with the engine's contract: a digest holds the files it was made of;
  `softwrap` and `bin_name`, which only shape error messages, are one-line stand-ins;
- every other `pants.*` name they import, and the third-party packages they import (`packaging`,
  ...), are permissive stand-ins (they accept any call and any attribute), so what the release
  does with our lockfile is decided by its own code.

It runs on CPython 3.11+ (2.32's `pex_requirements.py` imports `tomllib` and uses `match`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.abc
import importlib.machinery
import json
import sys
import textwrap
import traceback
import types
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


def _engine_modules() -> Dict[str, Dict[str, Any]]:
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
        "pants.engine.internals.native_engine": engine,
        "pants.engine.intrinsics": engine,
        "pants.engine.internals.selectors": {"Get": Get},
        # Message helpers: their text is in errors only, the path doesn't depend on it.
        "pants.util.strutil": {"softwrap": lambda text: " ".join(textwrap.dedent(text).split())},
        "pants.util.docutil": {"bin_name": lambda: "pants"},
        "pants.engine.rules": {
            "Get": Get,
            "rule": rule,
            "_uncacheable_rule": rule,
            "collect_rules": lambda *args: [],
            "implicitly": lambda *args, **kwargs: {},
        },
    }


# Pants, and the third-party packages Pants' modules import (on other paths than ours), which
# the interpreter running this may not have: served the same way on every machine.
SERVED_PACKAGES = {"pants", "packaging", "pkg_resources", "typing_extensions", "colors"}


class _PantsFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves every `pants.*` module: the release's own source where this runner has it, the
    engine stand-ins above, and permissive stand-ins for the rest."""

    def __init__(self, sources: Dict[str, str]) -> None:
        self.sources = sources
        self.engine = _engine_modules()

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
    sys.meta_path.insert(0, _PantsFinder(release_sources(tag)))
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


if __name__ == "__main__":
    print(json.dumps(load_lockfile(*sys.argv[1:]), sort_keys=True))
