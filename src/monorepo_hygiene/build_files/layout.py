"""The repo as the BUILD file rules see it: policies, package roots, file kinds and ownership.

Package roots (the `subtree` policy). A file's *base* is the deepest of its policy prefix and the
source root that holds it. A file directly in its base is a top-level module: its directory is
its own home and gets a plain BUILD file. Otherwise its package root is the topmost directory
strictly below the base, on the way down to the file, that either
- holds Python files of its own (`__init__.py` or any module), or
- has a BUILD file whose Python targets own files.
Directories holding neither are namespace directories (`src/<ns>/` in `src/<ns>/<pkg>/`), and
the search goes one level deeper. So `src/pkg/a/b/c.py` has root `src/pkg/` when `src/pkg/`
holds `__init__.py`, and `src/ns/pkg/c.py` has root `src/ns/pkg/` when `src/ns/` holds no
Python file and no BUILD file owning one. To make a namespace directory the root anyway, give it
a BUILD file owning the subtree.
"""

from __future__ import annotations

import bisect
import enum
import posixpath
from collections import defaultdict
from fnmatch import fnmatchcase
from typing import Dict, FrozenSet, List, Sequence, Set, Tuple

from ..noqa import is_suppressed
from .facts import RepoFacts, TargetFacts
from .options import IGNORE, SUBTREE, BuildFileOptions


class Kind(enum.Enum):
    """What a Python file is to Pants, and so which target generator should own it."""

    SOURCES = "python_sources"
    TESTS = "python_tests"
    TEST_UTILS = "python_test_utils"

    @property
    def generator_alias(self) -> str:
        return self.value


# The built-in aliases whose kind is known; user-added aliases count as owners of unknown kind.
ALIAS_KINDS: Dict[str, Kind] = {
    "python_sources": Kind.SOURCES,
    "python_source": Kind.SOURCES,
    "python_tests": Kind.TESTS,
    "python_test": Kind.TESTS,
    "python_test_utils": Kind.TEST_UTILS,
}

# Pants 2.17's default `sources` of the target generators (pants/backend/python/target_types.py).
_PANTS_TESTS_DEFAULT = ("test_*.py", "*_test.py", "tests.py")
_PANTS_TEST_UTILS_DEFAULT = ("conftest.py", "test_*.pyi", "*_test.pyi", "tests.pyi")
PANTS_DEFAULT_SOURCES: Dict[Kind, Tuple[str, ...]] = {
    Kind.SOURCES: (
        "*.py",
        "*.pyi",
        *(f"!{p}" for p in _PANTS_TESTS_DEFAULT),
        *(f"!{p}" for p in _PANTS_TEST_UTILS_DEFAULT),
    ),
    Kind.TESTS: _PANTS_TESTS_DEFAULT,
    Kind.TEST_UTILS: _PANTS_TEST_UTILS_DEFAULT,
}

_INIT_FILES = ("__init__.py", "__init__.pyi")
_CONFTEST_FILES = ("conftest.py", "conftest.pyi")


def normalize_dir(path: str) -> str:
    """`src/`, `./src` and `src` name the same directory; `""`, `.` and `/` the repo root."""
    stripped = path.strip("/")
    if stripped.startswith("./"):
        stripped = stripped[2:]
    return "" if stripped == "." else stripped


def is_within(path: str, directory: str) -> bool:
    return directory == "" or path == directory or path.startswith(directory + "/")


def render_dir(directory: str) -> str:
    return f"{directory}/" if directory else "./"


def subject_covers(subject: str, path: str) -> bool:
    """Whether a finding about `subject` is about `path`: the file itself, or for a directory
    (`render_dir`'s spelling, `./` for the repo root) any file under it."""
    if subject == render_dir(""):
        return True
    if subject.endswith("/"):
        return path.startswith(subject)
    return path == subject


class Layout:
    """Indexes over one RepoFacts, built once per check or plan."""

    def __init__(self, repo: RepoFacts, options: BuildFileOptions) -> None:
        self.repo = repo
        self.options = options
        self.python_aliases: FrozenSet[str] = frozenset(options.python_target_aliases)
        # Longest prefix first, so the first match wins.
        self._policies: List[Tuple[str, str]] = sorted(
            ((normalize_dir(rule.prefix), rule.policy) for rule in options.policies),
            key=lambda rule: (-len(rule[0]), rule[0]),
        )
        self._source_roots = tuple(normalize_dir(root) for root in repo.source_roots)
        self.test_stub_globs = tuple(f"{g}i" for g in options.test_file_globs if g.endswith(".py"))

        self.owners: Dict[str, List[TargetFacts]] = defaultdict(list)
        self.targets_by_build_file: Dict[str, List[TargetFacts]] = defaultdict(list)
        build_files_by_dir: Dict[str, Set[str]] = defaultdict(set)
        for build_file in repo.build_files:
            build_files_by_dir[posixpath.dirname(build_file)].add(build_file)
        self._owning_build_dirs: Set[str] = set()
        for target in sorted(repo.targets, key=lambda t: (t.build_file, t.line, t.address)):
            self.targets_by_build_file[target.build_file].append(target)
            build_files_by_dir[posixpath.dirname(target.build_file)].add(target.build_file)
            for path in target.owned_files:
                self.owners[path].append(target)
            if target.alias in self.python_aliases and target.owned_files:
                self._owning_build_dirs.add(posixpath.dirname(target.build_file))
        self._build_files_by_dir = {d: sorted(files) for d, files in build_files_by_dir.items()}

        self.python_files = tuple(sorted(set(repo.python_files)))
        self._python_dirs = {posixpath.dirname(path) for path in self.python_files}
        empty = set(repo.empty_files)
        self.ignored: FrozenSet[str] = frozenset(
            path
            for path in self.python_files
            if options.ignore_empty_init and path in empty and _basename(path) in _INIT_FILES
        )

    # Policies and homes.

    def policy(self, directory: str) -> Tuple[str, str]:
        """The policy governing `directory` and the prefix it came from."""
        for prefix, policy in self._policies:
            if is_within(directory, prefix):
                return policy, prefix
        return self.options.default_policy, ""

    def is_checked(self, directory: str) -> bool:
        return self.policy(directory)[0] != IGNORE

    def home(self, directory: str) -> str:
        """The directory whose BUILD file should own `directory`'s Python files."""
        policy, prefix = self.policy(directory)
        if policy != SUBTREE:
            return directory
        base = self._base(directory, prefix)
        if directory == base:
            return directory
        current = base
        for part in directory[len(base) :].strip("/").split("/"):
            current = posixpath.join(current, part)
            if current in self._python_dirs or current in self._owning_build_dirs:
                return current
        return directory

    def is_package_root(self, home: str) -> bool:
        """Whether `home`'s BUILD file owns a whole package subtree rather than one directory."""
        policy, prefix = self.policy(home)
        return policy == SUBTREE and home != self._base(home, prefix)

    def base(self, directory: str) -> str:
        """The deepest of `directory`'s policy prefix and the source root holding it."""
        return self._base(directory, self.policy(directory)[1])

    def _base(self, directory: str, prefix: str) -> str:
        return max(
            [prefix, *(root for root in self._source_roots if is_within(directory, root))],
            key=len,
        )

    # BUILD files.

    def build_files_in(self, directory: str) -> List[str]:
        return self._build_files_by_dir.get(directory, [])

    def build_file_for(self, directory: str) -> str:
        """The BUILD file of `directory`: an existing one, else the one to create."""
        existing = self.build_files_in(directory)
        if existing:
            return existing[0]
        return posixpath.join(directory, self.options.build_file_name)

    def targets_in(self, directory: str) -> List[TargetFacts]:
        return [
            target
            for build_file in self.build_files_in(directory)
            for target in self.targets_by_build_file.get(build_file, [])
        ]

    def is_noqa(self, code: str, target: TargetFacts) -> bool:
        lines = self.repo.build_file_contents.get(target.build_file, "").splitlines()
        return 0 < target.line <= len(lines) and is_suppressed(code, [lines[target.line - 1]])

    # Files.

    def kind(self, path: str) -> Kind:
        name = _basename(path)
        if name in _CONFTEST_FILES:
            return Kind.TEST_UTILS
        if any(fnmatchcase(name, g) for g in self.options.test_file_globs):
            return Kind.TESTS if name.endswith(".py") else Kind.TEST_UTILS
        # Pants' `python_tests` can't own stubs, so test stubs go with the test utilities.
        if any(fnmatchcase(name, g) for g in self.test_stub_globs):
            return Kind.TEST_UTILS
        return Kind.SOURCES

    def files_below(self, directory: str) -> Sequence[str]:
        """The Python files in `directory` and its subdirectories."""
        if not directory:
            return self.python_files
        # Sorted paths sharing the prefix `directory/` are contiguous; `0` sorts right after `/`.
        start = bisect.bisect_left(self.python_files, f"{directory}/")
        end = bisect.bisect_left(self.python_files, f"{directory}0", lo=start)
        return self.python_files[start:end]

    def python_owners(self, path: str) -> List[TargetFacts]:
        return [t for t in self.owners.get(path, []) if t.alias in self.python_aliases]

    def unowned_files(self) -> List[str]:
        """Checked Python files owned by no Python target, ignored ones included."""
        return [
            path
            for path in self.python_files
            if self.is_checked(posixpath.dirname(path)) and not self.python_owners(path)
        ]


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]
