"""The facts of a few directories give a few files' findings and edits exactly as the whole repo's.

The whole repo's facts come from the stand-in for Pants (pants_stand_in.py); `_restricted` keeps
what the adapter gathers for some directories: their Python files, BUILD files and the targets
declared there (with everything those own, wherever it is).
"""

from __future__ import annotations

from functools import partial

import posixpath
from dataclasses import replace
from typing import FrozenSet, Iterable, List, Sequence, Set, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st

from monorepo_hygiene.build_files import (
    IGNORE,
    PER_DIRECTORY,
    SUBTREE,
    BuildFileEdit,
    BuildFileOptions,
    PolicyRule,
    RepoFacts,
    SubjectFinding,
    check_build_file_subjects,
    plan_build_files,
)
from monorepo_hygiene.build_files.layout import is_within, render_dir, subject_covers
from monorepo_hygiene.build_files.scope import ancestor_directories, package_subtrees
from tests.monorepo_hygiene.build_files.pants_stand_in import Repo, pants_facts, repos

_DIRECTORIES = (
    "",
    "src",
    "src/pkg",
    "src/pkg/sub",
    "src/pkg/sub/deep",
    "src/pkg/gen",
    "src/ns/lib",
    "src/ns/lib/inner",
    "tests",
    "tests/pkg",
    "tests/pkg/sub",
    "tools",
    "tools/one",
)
_FILE_NAMES = ("__init__.py", "mod.py", "test_mod.py", "conftest.py", "stub.pyi")
_STANZAS = (
    "python_sources()",
    "python_sources(name='deep', sources=['**/*.py'])",
    "python_sources(name='narrow', sources=['mod.py'])",
    "python_sources(name='gone', sources=['missing.py'])",
    "python_tests(name='tests')",
    "python_tests(name='all_tests', sources=['**/test_*.py'])",
    "python_test_utils(name='test_utils')",
    "files(name='raw', sources=['**/*.py'])",
    "resources(name='stubs', sources=['*.pyi'])",
)
_PREFIXES = ("src/", "src/pkg/", "src/pkg/gen/", "src/ns/", "tests/", "tools/", "")
_POLICIES = (SUBTREE, PER_DIRECTORY, IGNORE)

_repos = partial(repos, _DIRECTORIES, _FILE_NAMES, _STANZAS, 16, 5)


_OPTIONS = st.builds(
    BuildFileOptions,
    policies=st.dictionaries(
        st.sampled_from([p for p in _PREFIXES if p]), st.sampled_from(_POLICIES), max_size=4
    ).map(lambda rules: tuple(PolicyRule(prefix, policy) for prefix, policy in rules.items())),
    default_policy=st.sampled_from(_POLICIES),
    ignore_empty_init=st.booleans(),
)


def _restricted(
    repo: RepoFacts, directories: Iterable[str], subtrees: Iterable[str], *, all_build_texts: bool
) -> RepoFacts:
    """The facts of `directories` and of every directory below `subtrees`; with
    `all_build_texts`, every BUILD file's text as well (the fix's style is the whole repo's)."""
    listed = frozenset(directories)
    roots = tuple(subtrees)

    def in_scope(path: str) -> bool:
        directory = posixpath.dirname(path)
        return directory in listed or any(is_within(directory, root) for root in roots)

    return replace(
        repo,
        python_files=tuple(p for p in repo.python_files if in_scope(p)),
        build_files=tuple(p for p in repo.build_files if in_scope(p)),
        targets=tuple(t for t in repo.targets if in_scope(t.build_file)),
        build_file_contents={
            path: text
            for path, text in repo.build_file_contents.items()
            if all_build_texts or in_scope(path)
        },
        empty_files=tuple(p for p in repo.empty_files if in_scope(p)),
    )


def _scoped_facts(
    repo: RepoFacts, options: BuildFileOptions, linted: Sequence[str], *, for_fix: bool
) -> RepoFacts:
    """The adapter's two steps: the ancestors' facts, then the package subtrees they ask for."""
    ancestors = ancestor_directories(linted)
    first = _restricted(repo, ancestors, (), all_build_texts=for_fix)
    subtrees = package_subtrees(first, options, linted, repo.python_files, for_fix=for_fix)
    return _restricted(repo, ancestors, subtrees, all_build_texts=for_fix)


def _reported(findings: Iterable[SubjectFinding], linted: Sequence[str]) -> List[SubjectFinding]:
    return [found for found in findings if any(found.is_reported_by(p) for p in linted)]


def _edits_covering(edits: Iterable[BuildFileEdit], linted: Sequence[str]) -> Set[BuildFileEdit]:
    """The edits `pants fix` of `linted` writes: those of the files' directories and ancestors."""
    return {
        edit
        for edit in edits
        if any(subject_covers(render_dir(posixpath.dirname(edit.path)), p) for p in linted)
    }


@st.composite
def _cases(draw: st.DrawFn) -> Tuple[Repo, BuildFileOptions, FrozenSet[str]]:
    files, build_texts = draw(_repos())
    linted = draw(st.lists(st.sampled_from(sorted({*files, *build_texts})), min_size=1, max_size=3))
    # A BUILD file alone is what `--changed-since` hands over after an edit of it.
    if build_texts and draw(st.booleans()):
        linted = [draw(st.sampled_from(sorted(build_texts)))]
    return (files, build_texts), draw(_OPTIONS), frozenset(linted)


@settings(max_examples=150, deadline=None)
@given(case=_cases())
def test_scoped_facts_give_the_linted_files_the_whole_repo_s_findings_and_edits(
    case: Tuple[Repo, BuildFileOptions, FrozenSet[str]],
) -> None:
    (files, build_texts), options, linted_set = case
    linted = sorted(linted_set)
    whole = pants_facts(files, build_texts)

    scoped = _scoped_facts(whole, options, linted, for_fix=False)
    assert _reported(check_build_file_subjects(scoped, options), linted) == _reported(
        check_build_file_subjects(whole, options), linted
    )

    scoped_for_fix = _scoped_facts(whole, options, linted, for_fix=True)
    assert _edits_covering(plan_build_files(scoped_for_fix, options), linted) == _edits_covering(
        plan_build_files(whole, options), linted
    )


def test_ancestor_directories_reach_the_repo_root() -> None:
    assert ancestor_directories(["src/pkg/sub/a.py", "BUILD", "tests/test_a.py"]) == (
        "",
        "src",
        "src/pkg",
        "src/pkg/sub",
        "tests",
    )


def test_a_package_root_s_fixable_flag_needs_its_whole_subtree() -> None:
    """`src/pkg/` is a package root; its new BUILD file would take `sub/b.py` too, but must
    leave out `other/`, which `other/BUILD` owns: without the subtree the plan differs."""
    files = {
        "src/pkg/__init__.py": "x = 1\n",
        "src/pkg/sub/b.py": "x = 1\n",
        "src/pkg/other/c.py": "x = 1\n",
    }
    build_texts = {"src/pkg/other/BUILD": "python_sources(sources=['**/*.py'])\n"}
    whole = pants_facts(files, build_texts)
    options = BuildFileOptions()
    linted = ["src/pkg/__init__.py"]
    ancestors = ancestor_directories(linted)

    first = _restricted(whole, ancestors, (), all_build_texts=True)
    for for_fix in (False, True):
        assert package_subtrees(
            first, options, linted, whole.python_files, for_fix=for_fix
        ) == ("src/pkg",)
    assert plan_build_files(first, options) != plan_build_files(whole, options)
    scoped = _scoped_facts(whole, options, linted, for_fix=True)
    assert plan_build_files(scoped, options) == plan_build_files(whole, options)


def test_a_package_its_root_owns_needs_only_the_ancestors() -> None:
    """Files of a nested package (another policy prefix) are no files of `src/pkg/`'s."""
    files = {
        "src/pkg/__init__.py": "x = 1\n",
        "src/pkg/sub/b.py": "x = 1\n",
        "src/pkg/plugins/one/c.py": "x = 1\n",
    }
    build_texts = {"src/pkg/BUILD": "python_sources(sources=['**/*.py', '!plugins/**'])\n"}
    whole = pants_facts(files, build_texts)
    options = BuildFileOptions(
        policies=(PolicyRule("src/", SUBTREE), PolicyRule("src/pkg/plugins/", SUBTREE))
    )
    linted = ["src/pkg/__init__.py"]
    first = _restricted(whole, ancestor_directories(linted), (), all_build_texts=True)
    for for_fix in (False, True):
        for paths in (linted, ["src/pkg/BUILD"]):
            assert package_subtrees(first, options, paths, whole.python_files, for_fix=for_fix) == ()
    # A file of the package no ancestor owns: its root's BUILD file (what the lint of that
    # reports, what the fix writes there) depends on the whole package.
    unowned = [*whole.python_files, "src/pkg/sub/new.py"]
    assert package_subtrees(first, options, linted, unowned, for_fix=False) == ()
    assert package_subtrees(first, options, linted, unowned, for_fix=True) == ("src/pkg",)
    assert package_subtrees(first, options, ["src/pkg/BUILD"], unowned, for_fix=False) == (
        "src/pkg",
    )


def test_a_file_owned_by_no_python_target_of_the_ancestors_needs_the_package() -> None:
    files = {"src/pkg/__init__.py": "x = 1\n", "src/pkg/sub/test_b.py": "x = 1\n"}
    build_texts = {
        "src/pkg/BUILD": "python_sources(sources=['*.py'])\nfiles(name='raw', sources=['**/*.py'])\n"
    }
    whole = pants_facts(files, build_texts)
    options = BuildFileOptions()
    linted = ["src/pkg/__init__.py"]
    first = _restricted(whole, ancestor_directories(linted), (), all_build_texts=True)
    assert package_subtrees(first, options, linted, whole.python_files, for_fix=True) == (
        "src/pkg",
    )
    scoped = _scoped_facts(whole, options, linted, for_fix=True)
    assert plan_build_files(scoped, options) == plan_build_files(whole, options) != ()
