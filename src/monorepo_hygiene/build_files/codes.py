"""Documentation of the BUILD file rules, in ruff's shape."""

from __future__ import annotations

from typing import Tuple

from ..rule_docs import RuleDoc

PYTHON_FILE_WITHOUT_OWNER = "HB101"
TEST_MODULE_IN_PYTHON_SOURCES = "HB102"
CONFTEST_NOT_IN_TEST_UTILS = "HB103"
MISSING_DIRECTORY_BUILD_FILE = "HB104"
NESTED_BUILD_FILE_IN_PACKAGE = "HB105"
STALE_BUILD_FILE = "HB106"
UNMATCHED_SOURCES_GLOB = "HB107"

_POLICY_OPTIONS = (
    "`policies`: `subtree` or `per-directory` (or `ignore`) per path prefix; the longest "
    "prefix wins (default: `subtree` under `src/`, `per-directory` under `tests/`)",
    "`default_policy`: for paths matching no prefix (default `per-directory`)",
)

RULE_DOCS: Tuple[RuleDoc, ...] = (
    RuleDoc(
        code=PYTHON_FILE_WITHOUT_OWNER,
        name="python-file-without-owner",
        what_it_does="""
            Reports, once per directory, Python files (`.py`, `.pyi`) that no Python target
            owns. Files owned only by `files` or `resources` targets count as unowned.
            """,
        why_is_this_bad="""
            Pants only builds, tests and lints files that a target owns. A new module or package
            without a BUILD file silently drops out of CI. `pants tailor --check` misses files that
            a broad `files()` glob owns.
            """,
        example="""
            src/pkg/BUILD:     python_sources(sources=["*.py"])
            src/pkg/new/a.py   # owned by nothing
            """,
        use_instead="""
            src/pkg/BUILD:     python_sources(sources=["**/*.py"])
            """,
        fix_safety="""
            Safe. The fix creates the missing BUILD file (one at the package root under the
            `subtree` policy, one per directory under `per-directory`) or appends a target of a
            kind an existing BUILD file lacks. It never edits existing targets, so files that
            belong in an existing target's `sources` are left for you and the finding is not
            marked fixable.
            """,
        options=(
            *_POLICY_OPTIONS,
            "`extra_python_target_aliases`: more target types whose ownership counts (your macros)",
            "`ignore_empty_init`: don't report empty `__init__.py` files (default true)",
        ),
    ),
    RuleDoc(
        code=TEST_MODULE_IN_PYTHON_SOURCES,
        name="test-module-in-python-sources",
        what_it_does="""
            Reports test modules (`test_*.py`, `*_test.py`) owned by `python_sources` or
            `python_source`.
            """,
        why_is_this_bad="""
            `pants test` only runs files owned by `python_tests`; a test module in
            `python_sources` is never run.
            """,
        example="""
            python_sources(sources=["**/*.py"])
            """,
        use_instead="""
            python_sources(sources=["**/*.py", "!**/test_*.py", "!**/*_test.py"])

            python_tests(name="tests", sources=["**/test_*.py", "**/*_test.py"])
            """,
        fix_safety="Not fixable: the fix would have to edit the existing target's `sources`.",
        options=(
            "`test_file_globs`: basename patterns of test modules",
            "Suppress with `# noqa: HB102` on the owning target's line in its BUILD file.",
        ),
    ),
    RuleDoc(
        code=CONFTEST_NOT_IN_TEST_UTILS,
        name="conftest-not-in-test-utils",
        what_it_does="""
            Reports a `conftest.py` owned by `python_sources` or `python_tests` targets rather
            than by a `python_test_utils` target.
            """,
        why_is_this_bad="""
            `python_tests` runs every file it owns as a test, so a `conftest.py` there becomes a
            test run of its own that collects nothing; in `python_sources` test fixtures become
            part of the library that distributions depend on. `python_test_utils` is the target
            type Pants intends for it.
            """,
        example="""
            python_tests(sources=["*.py"])
            """,
        use_instead="""
            python_tests()

            python_test_utils(name="test_utils")
            """,
        fix_safety="Not fixable: the fix would have to edit the existing target's `sources`.",
        options=("Suppress with `# noqa: HB103` on the owning target's line in its BUILD file.",),
    ),
    RuleDoc(
        code=MISSING_DIRECTORY_BUILD_FILE,
        name="missing-directory-build-file",
        what_it_does="""
            Under the `per-directory` policy, reports a directory with Python files and no BUILD
            file of its own, whose files a BUILD file elsewhere owns (otherwise HB101 reports it).
            """,
        why_is_this_bad="""
            The repo's convention puts each test directory's targets next to its files; a glob
            reaching into a subdirectory hides where its targets live.
            """,
        example="""
            tests/pkg/BUILD:   python_tests(sources=["**/test_*.py"])
            tests/pkg/sub/test_a.py
            """,
        use_instead="""
            tests/pkg/BUILD:      python_tests()
            tests/pkg/sub/BUILD:  python_tests()
            """,
        fix_safety="Not fixable: moving ownership means editing the existing target's `sources`.",
        options=_POLICY_OPTIONS,
    ),
    RuleDoc(
        code=NESTED_BUILD_FILE_IN_PACKAGE,
        name="nested-build-file-in-package",
        what_it_does="""
            Under the `subtree` policy, reports a BUILD file with Python targets below a package
            root, i.e. inside a package that one BUILD file at its root should own. The package
            root is the topmost directory below the source root (or policy prefix) that holds
            Python files of its own or a BUILD file owning some; namespace directories (`src/ns/`
            in `src/ns/pkg/`) are skipped.
            """,
        why_is_this_bad="""
            The repo's convention is one BUILD file per package under `src/`; nested ones split
            the package's ownership and its relative-import boundary.
            """,
        example="""
            src/pkg/BUILD:      python_sources()
            src/pkg/sub/BUILD:  python_sources()
            """,
        use_instead="""
            src/pkg/BUILD:      python_sources(sources=["**/*.py"])
            """,
        fix_safety="Not fixable: merging BUILD files needs a human to merge their targets.",
        options=(
            *_POLICY_OPTIONS,
            "Suppress with `# noqa: HB105` on the first Python target's line.",
        ),
    ),
    RuleDoc(
        code=STALE_BUILD_FILE,
        name="stale-build-file",
        what_it_does="""
            Reports a BUILD file with targets that should own files (Python targets, or targets
            with `sources` globs) when none of its targets owns any file.
            """,
        why_is_this_bad="""
            A stale BUILD file suggests code that is no longer there and keeps dead targets in
            the build graph.
            """,
        example="""
            src/old/BUILD:  python_sources()   # src/old/ holds no Python file any more
            """,
        use_instead="Delete `src/old/BUILD`.",
        fix_safety="Not fixable.",
        options=("Suppress with `# noqa: HB106` on the BUILD file's first target line.",),
    ),
    RuleDoc(
        code=UNMATCHED_SOURCES_GLOB,
        name="unmatched-sources-glob",
        what_it_does="""
            Reports each glob written in a target's `sources` that matches no file (excludes,
            `!...`, are not checked). Default `sources` are not checked either.
            """,
        why_is_this_bad="""
            A glob that matches nothing is usually a typo or a leftover after a move, and the
            files it was meant for are owned by nothing.
            """,
        example="""
            python_sources(sources=["*.py", "utils/*.py"])   # utils/ was renamed
            """,
        use_instead="""
            python_sources(sources=["*.py", "helpers/*.py"])
            """,
        fix_safety="Not fixable.",
        options=("Suppress with `# noqa: HB107` on the target's line.",),
    ),
)
