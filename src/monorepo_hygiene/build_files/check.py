"""The missing-BUILD-file lint: Python files Pants would not see, and BUILD files that mislead it.

Findings are marked fixable when `plan_build_files` makes them go away, which is how the lint
and the fix stay in agreement. Every finding points at a file an editor can open or create: a
directory's findings (HB101, HB104) at the BUILD file to edit or create, line 1.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, Iterator, List, Sequence, Set, Tuple

from ..findings import Finding, Severity
from .codes import (
    CONFTEST_NOT_IN_TEST_UTILS,
    MISSING_DIRECTORY_BUILD_FILE,
    NESTED_BUILD_FILE_IN_PACKAGE,
    PYTHON_FILE_WITHOUT_OWNER,
    STALE_BUILD_FILE,
    TEST_MODULE_IN_PYTHON_SOURCES,
    UNMATCHED_SOURCES_GLOB,
)
from .facts import RepoFacts, TargetFacts
from .options import DEFAULT_OPTIONS, PER_DIRECTORY, SUBTREE, BuildFileOptions
from .layout import ALIAS_KINDS, Kind, Layout, render_dir, subject_covers
from .fix import plan_targets
from .style import detect_build_style

_NAMES_SHOWN = 3


@dataclass(frozen=True, order=True)
class SubjectFinding:
    finding: Finding
    # What the finding is about, which decides the files whose lint reports it: a file, or a
    # directory in `render_dir`'s spelling (`src/billing/`, `./` for the root) for every file
    # under it.
    subject: str

    def is_reported_by(self, path: str) -> bool:
        """Whether linting `path` reports this finding: it points at `path` or is about it."""
        return path == self.finding.path or subject_covers(self.subject, path)


def check_build_files(
    repo: RepoFacts, options: BuildFileOptions = DEFAULT_OPTIONS
) -> Tuple[Finding, ...]:
    return tuple(found.finding for found in check_build_file_subjects(repo, options))


def check_build_file_subjects(
    repo: RepoFacts, options: BuildFileOptions = DEFAULT_OPTIONS
) -> Tuple[SubjectFinding, ...]:
    """The findings, sorted, each with what it is about."""
    layout = Layout(repo, options)
    planned = plan_targets(layout, detect_build_style(repo.build_file_contents))
    fixed = {path for target in planned for path in target.owned_files}
    return tuple(
        sorted(
            [
                *_unowned_files(layout, fixed),
                *(SubjectFinding(f, f.path) for f in _wrong_kind_owners(layout)),
                *_missing_build_files(layout),
                *(SubjectFinding(f, f.path) for f in _nested_build_files(layout)),
                *(SubjectFinding(f, f.path) for f in _stale_build_files(layout)),
            ]
        )
    )


def _unowned_files(layout: Layout, fixed: Set[str]) -> Iterator[SubjectFinding]:
    """HB101, one finding per directory."""
    by_dir: Dict[str, List[str]] = defaultdict(list)
    for path in layout.unowned_files():
        if path not in layout.ignored:
            by_dir[posixpath.dirname(path)].append(path)
    for directory in sorted(by_dir):
        paths = by_dir[directory]
        home = layout.home(directory)
        them = "it" if len(paths) == 1 else "them"
        if layout.build_files_in(home):
            advice = f"add {them} to the `sources` of a target in `{layout.build_file_for(home)}`"
        else:
            advice = f"create `{layout.build_file_for(home)}`"
        finding = Finding(
            layout.build_file_for(home),
            1,
            1,
            PYTHON_FILE_WITHOUT_OWNER,
            f"{_describe_unowned(layout, directory, paths)}; {advice}",
            fixable=all(path in fixed for path in paths),
        )
        yield SubjectFinding(finding, render_dir(directory))


def _describe_unowned(layout: Layout, directory: str, paths: Sequence[str]) -> str:
    names = ", ".join(f"`{posixpath.basename(path)}`" for path in paths[:_NAMES_SHOWN])
    if len(paths) > _NAMES_SHOWN:
        names += f" and {len(paths) - _NAMES_SHOWN} more"
    where = f"`{render_dir(directory)}`"
    if len(paths) == 1:
        text = f"1 Python file in {where} ({names}) is owned by no Python target"
    else:
        text = f"{len(paths)} Python files in {where} ({names}) are owned by no Python target"
    others = {path: [t.alias for t in layout.owners.get(path, [])] for path in paths}
    only_others = [path for path in paths if others[path]]
    if only_others:
        aliases = ", ".join(f"`{a}`" for a in sorted({a for p in only_others for a in others[p]}))
        count = "" if len(only_others) == len(paths) else f"{len(only_others)} of them "
        text += f", {count}only by {aliases}"
    return text


def _wrong_kind_owners(layout: Layout) -> Iterator[Finding]:
    """HB102 (test module in `python_sources`) and HB103 (`conftest.py` not in test utils)."""
    for path in layout.python_files:
        if not layout.is_checked(posixpath.dirname(path)):
            continue
        owner_kinds = [(t, ALIAS_KINDS.get(t.alias)) for t in layout.python_owners(path)]
        if layout.kind(path) == Kind.TESTS:
            code = TEST_MODULE_IN_PYTHON_SOURCES
            wrong = [t for t, kind in owner_kinds if kind == Kind.SOURCES]
            message = "test module owned by {}; own it with a `python_tests` target instead"
        elif posixpath.basename(path) == "conftest.py" and all(
            kind != Kind.TEST_UTILS for _, kind in owner_kinds
        ):
            code = CONFTEST_NOT_IN_TEST_UTILS
            wrong = [t for t, kind in owner_kinds if kind is not None]
            message = "`conftest.py` owned by {} rather than by a `python_test_utils` target"
        else:
            continue
        if wrong and not all(layout.is_noqa(code, target) for target in wrong):
            yield Finding(path, 1, 1, code, message.format(_describe_targets(wrong)))


def _missing_build_files(layout: Layout) -> Iterator[SubjectFinding]:
    """HB104: a per-directory directory whose Python files are all owned from elsewhere.

    A directory with unowned files gets HB101 instead, whose advice already covers the BUILD file.
    """
    by_dir: Dict[str, List[str]] = defaultdict(list)
    for path in layout.python_files:
        if path not in layout.ignored:
            by_dir[posixpath.dirname(path)].append(path)
    for directory in sorted(by_dir):
        if layout.policy(directory)[0] != PER_DIRECTORY or layout.build_files_in(directory):
            continue
        owners = [layout.python_owners(path) for path in by_dir[directory]]
        if not all(owners):
            continue
        owner_build_files = sorted({t.build_file for targets in owners for t in targets})
        build_file = layout.build_file_for(directory)
        finding = Finding(
            build_file,
            1,
            1,
            MISSING_DIRECTORY_BUILD_FILE,
            f"`{render_dir(directory)}` has Python files but no BUILD file (policy "
            f"`per-directory`); they are owned from {_join_backticked(owner_build_files)}: "
            f"move their targets into `{build_file}`",
        )
        yield SubjectFinding(finding, render_dir(directory))


def _nested_build_files(layout: Layout) -> Iterator[Finding]:
    """HB105: a BUILD file with Python targets inside a `subtree` package root."""
    for build_file in sorted(set(layout.repo.build_files)):
        directory = posixpath.dirname(build_file)
        if layout.policy(directory)[0] != SUBTREE:
            continue
        home = layout.home(directory)
        python_targets = [
            t
            for t in layout.targets_by_build_file.get(build_file, [])
            if t.alias in layout.python_aliases
        ]
        if (
            home == directory
            or not python_targets
            or layout.is_noqa(NESTED_BUILD_FILE_IN_PACKAGE, python_targets[0])
        ):
            continue
        yield Finding(
            build_file,
            python_targets[0].line,
            1,
            NESTED_BUILD_FILE_IN_PACKAGE,
            f"nested BUILD file inside the package rooted at `{render_dir(home)}`; "
            f"move its Python targets into `{layout.build_file_for(home)}`",
        )


def _stale_build_files(layout: Layout) -> Iterator[Finding]:
    """HB106 (no target owns a file) or else HB107 (a written glob matches nothing)."""
    for build_file in sorted(set(layout.repo.build_files)):
        if not layout.is_checked(posixpath.dirname(build_file)):
            continue
        targets = layout.targets_by_build_file.get(build_file, [])
        expects_files = any(t.alias in layout.python_aliases or t.globs for t in targets)
        if expects_files and not any(t.owned_files for t in targets):
            if not layout.is_noqa(STALE_BUILD_FILE, targets[0]):
                addresses = _join_backticked([t.address for t in targets])
                yield Finding(
                    build_file,
                    targets[0].line,
                    1,
                    STALE_BUILD_FILE,
                    f"stale BUILD file: none of its targets ({addresses}) owns a file",
                    severity=Severity.WARNING,
                )
            continue
        for target in targets:
            for glob in target.globs:
                if glob.matched or glob.pattern.startswith("!"):
                    continue
                if not layout.is_noqa(UNMATCHED_SOURCES_GLOB, target):
                    yield Finding(
                        build_file,
                        target.line,
                        1,
                        UNMATCHED_SOURCES_GLOB,
                        f"`sources` glob `{glob.pattern}` of `{target.address}` matches no file",
                        severity=Severity.WARNING,
                    )


def _describe_targets(targets: Sequence[TargetFacts]) -> str:
    return " and ".join(f"`{t.alias}` target `{t.address}`" for t in targets)


def _join_backticked(items: Sequence[str]) -> str:
    return ", ".join(f"`{item}`" for item in items)
