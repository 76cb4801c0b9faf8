"""What the Pants adapter tells the core about a repo, and the options that shape the lint.

Everything is repo-relative with `/` separators and no leading `./`; the repo root directory is
`""`. The adapter gathers these facts from Pants (targets as declared in BUILD files, i.e. target
generators rather than the per-file targets they generate) and never asks the core to read disk.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass, field
from typing import Mapping, Tuple

SUBTREE = "subtree"
PER_DIRECTORY = "per-directory"
# Paths under an `ignore` prefix are not checked at all (scripts, vendored code, ...).
IGNORE = "ignore"
POLICIES = (SUBTREE, PER_DIRECTORY, IGNORE)

DEFAULT_PYTHON_TARGET_ALIASES = (
    "python_sources",
    "python_tests",
    "python_test_utils",
    "python_source",
    "python_test",
)


@dataclass(frozen=True)
class GlobFacts:
    """One glob written in a target's `sources` field; `matched` says whether it matched a file.

    The adapter passes only the globs written in the BUILD file: default globs may legitimately
    match nothing (`python_tests()` in a directory without `tests.py`).
    """

    pattern: str
    matched: bool


@dataclass(frozen=True)
class TargetFacts:
    address: str
    alias: str
    build_file: str
    owned_files: Tuple[str, ...] = ()
    globs: Tuple[GlobFacts, ...] = ()
    # 1-based line of the target's call in its BUILD file, where suppression comments are read.
    line: int = 1

    @property
    def name(self) -> str:
        """The target's name: explicit after `:`, else the default, its directory's name."""
        spec = self.address.split("#", 1)[0]
        if ":" in spec:
            return spec.rsplit(":", 1)[1]
        return spec.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class RepoFacts:
    # Every `.py`/`.pyi` file in scope. Package roots and planned globs are exact when this holds
    # every Python file of the directories involved (all of the repo's is simplest).
    python_files: Tuple[str, ...]
    # The BUILD files in scope: HB105-HB107 are reported for these.
    build_files: Tuple[str, ...]
    # Every target that may own a file in scope, wherever its BUILD file is.
    targets: Tuple[TargetFacts, ...]
    # As Pants reports them; `.` means the repo root.
    source_roots: Tuple[str, ...] = ()
    # BUILD file path -> text: read for suppression comments, the repo's BUILD style, and appends.
    build_file_contents: Mapping[str, str] = field(default_factory=dict, hash=False)
    # The Python files for which `is_empty_python_source` holds.
    empty_files: Tuple[str, ...] = ()


def _validate_policy(policy: str, where: str) -> None:
    if policy not in POLICIES:
        raise ValueError(
            f"unknown BUILD file policy `{policy}` for {where}; "
            f"expected one of {', '.join(POLICIES)}"
        )


@dataclass(frozen=True)
class PolicyRule:
    """Where BUILD files live under `prefix`, a directory path (`src/` and `src` are the same)."""

    prefix: str
    policy: str

    def __post_init__(self) -> None:
        _validate_policy(self.policy, f"`{self.prefix}`")


@dataclass(frozen=True)
class BuildFileOptions:
    # The longest matching prefix wins; paths matching none get `default_policy`.
    policies: Tuple[PolicyRule, ...] = (
        PolicyRule("src/", SUBTREE),
        PolicyRule("tests/", PER_DIRECTORY),
    )
    default_policy: str = PER_DIRECTORY
    # The full list of aliases whose ownership counts (pass the defaults plus the user's own).
    python_target_aliases: Tuple[str, ...] = DEFAULT_PYTHON_TARGET_ALIASES
    # Basename patterns of test modules.
    test_file_globs: Tuple[str, ...] = ("test_*.py", "*_test.py")
    ignore_empty_init: bool = True
    build_file_name: str = "BUILD"

    def __post_init__(self) -> None:
        _validate_policy(self.default_policy, "paths matching no prefix")


DEFAULT_OPTIONS = BuildFileOptions()

_TRIVIA = frozenset(
    {
        tokenize.ENCODING,
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
)


def is_empty_python_source(content: bytes) -> bool:
    """Only whitespace, comments and at most a docstring: an `__init__.py` that marks a package."""
    try:
        tokens = [
            token
            for token in tokenize.tokenize(io.BytesIO(content).readline)
            if token.type not in _TRIVIA
        ]
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        return False
    return not tokens or (len(tokens) == 1 and tokens[0].type == tokenize.STRING)
