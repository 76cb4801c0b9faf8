"""The BUILD file writer, checked against a small stand-in for Pants (pants_stand_in.py)."""

from __future__ import annotations

from functools import partial

import random
from typing import Dict, Mapping, Sequence, Set

from hypothesis import given, settings

from monorepo_hygiene.build_files import (
    BuildFileEdit,
    BuildFileOptions,
    RepoFacts,
    check_build_file_subjects,
    check_build_files,
    plan_build_files,
    simulate_plan,
)
from tests.monorepo_hygiene.build_files.pants_stand_in import EMPTY, Repo, pants_facts, repos


def _files(*paths: str) -> Dict[str, str]:
    return {path: "x = 1\n" for path in paths}


def _apply(build_texts: Mapping[str, str], edits: Sequence[BuildFileEdit]) -> Dict[str, str]:
    for edit in edits:
        assert edit.created == (edit.path not in build_texts)
    return {**build_texts, **{edit.path: edit.content for edit in edits}}


def _plan(files: Mapping[str, str], build_texts: Mapping[str, str]) -> Dict[str, str]:
    edits = plan_build_files(pants_facts(files, build_texts))
    return {edit.path: edit.content for edit in edits}


# Exact BUILD files.


def test_subtree_package_gets_one_build_file_at_its_root() -> None:
    files = _files(
        "src/pkg/__init__.py",
        "src/pkg/a.py",
        "src/pkg/sub/b.py",
        "src/pkg/sub/test_b.py",
        "src/pkg/conftest.py",
    )
    assert _plan(files, {}) == {
        "src/pkg/BUILD": (
            'python_sources(sources=["**/*.py", "!**/test_*.py", "!**/*_test.py", '
            '"!**/conftest.py"])\n'
            "\n"
            'python_tests(name="tests", sources=["**/test_*.py"])\n'
            "\n"
            'python_test_utils(name="test_utils", sources=["**/conftest.py"])\n'
        )
    }


def test_namespace_layout_gets_build_files_at_each_package() -> None:
    files = _files("src/ns/pkg/__init__.py", "src/ns/pkg/deep/m.py", "src/ns/tool/cli.py")
    assert _plan(files, {}) == {
        "src/ns/pkg/BUILD": 'python_sources(sources=["**/*.py"])\n',
        "src/ns/tool/BUILD": 'python_sources(sources=["**/*.py"])\n',
    }


def test_per_directory_build_files_follow_what_each_directory_holds() -> None:
    files = _files(
        "tests/pkg/conftest.py",
        "tests/pkg/test_a.py",
        "tests/pkg/helpers.py",
        "tests/pkg/sub/test_b.py",
    )
    assert _plan(files, {}) == {
        "tests/pkg/BUILD": (
            'python_sources()\n\npython_tests(name="tests")\n\npython_test_utils(name="test_utils")\n'
        ),
        "tests/pkg/sub/BUILD": "python_tests()\n",
    }


def test_explicit_sources_when_the_pants_defaults_would_take_the_wrong_files() -> None:
    # Pants' `python_tests` default takes `tests.py`, a plain module under `test_file_globs`.
    files = _files("tests/pkg/test_a.py", "tests/pkg/tests.py")
    assert _plan(files, {}) == {
        "tests/pkg/BUILD": (
            'python_sources(sources=["*.py", "!test_*.py", "!*_test.py"])\n'
            "\n"
            'python_tests(name="tests", sources=["test_*.py"])\n'
        )
    }


def test_appends_missing_kinds_and_keeps_the_existing_text() -> None:
    existing = "# Owned by the data team.\npython_tests(\n    name='tests',\n)\n\n\n"
    files = _files("tests/pkg/test_a.py", "tests/pkg/conftest.py")
    assert _plan(files, {"tests/pkg/BUILD": existing}) == {
        "tests/pkg/BUILD": existing.rstrip("\n")
        + "\n\npython_test_utils(\n    name='test_utils',\n)\n"
    }


def test_never_takes_files_other_targets_own() -> None:
    # `sub/` belongs to a nested BUILD file (an HB105 finding the fix leaves to a human) and
    # `gen.py` to a `python_source` target; the new root target steers clear of both.
    files = _files(
        "src/pkg/__init__.py", "src/pkg/gen.py", "src/pkg/sub/x.py", "src/pkg/sub/y/z.py"
    )
    build_texts = {
        "src/pkg/sub/BUILD": 'python_sources(sources=["**/*.py"])\n',
        "src/pkg/BUILD": 'python_source(name="gen", source="gen.py")\n',
    }
    assert _plan(files, build_texts) == {
        "src/pkg/BUILD": (
            'python_source(name="gen", source="gen.py")\n'
            "\n"
            'python_sources(sources=["**/*.py", "!gen.py", "!sub/**"])\n'
        )
    }


def test_leaves_files_for_an_existing_target_of_the_same_kind() -> None:
    files = _files("src/pkg/__init__.py", "src/pkg/new/a.py")
    build_texts = {"src/pkg/BUILD": 'python_sources(sources=["*.py"])\n'}
    facts = pants_facts(files, build_texts)
    assert plan_build_files(facts) == ()
    [finding] = check_build_files(facts)
    assert (finding.code, finding.fixable) == ("HB101", False)


def test_build_file_name_option() -> None:
    edits = plan_build_files(
        pants_facts(_files("tools/run.py"), {}), BuildFileOptions(build_file_name="BUILD.pants")
    )
    assert [(e.path, e.content, e.created) for e in edits] == [
        ("tools/BUILD.pants", "python_sources()\n", True)
    ]


# The repo's style.


def test_mimics_quotes_indent_and_conventional_names() -> None:
    build_texts = {
        "src/a/BUILD": "python_sources(\n  name='lib',\n  sources=['**/*.py'],\n)\n",
        "src/b/BUILD": "python_sources(\n  name='lib',\n)\n",
    }
    files = _files(
        "src/a/__init__.py",
        "src/b/__init__.py",
        "src/c/__init__.py",
        *(f"src/c/test_module_with_a_long_name_{i}.py" for i in range(3)),
    )
    assert _plan(files, build_texts)["src/c/BUILD"] == (
        "python_sources(\n"
        "  name='lib',\n"
        "  sources=['**/*.py', '!**/test_*.py', '!**/*_test.py'],\n"
        ")\n"
        "\n"
        "python_tests(\n"
        "  name='tests',\n"
        "  sources=['**/test_*.py'],\n"
        ")\n"
    )


def test_spells_out_default_names_when_the_repo_does() -> None:
    build_texts = {
        "tests/a/BUILD": 'python_tests(name="a")\n',
        "tests/b/BUILD": 'python_tests(name="b")\n',
    }
    files = _files("tests/a/test_x.py", "tests/b/test_x.py", "tests/c/test_x.py")
    assert _plan(files, build_texts) == {"tests/c/BUILD": 'python_tests(name="tests")\n'}


def test_avoids_names_already_taken() -> None:
    build_texts = {"tests/pkg/BUILD": "python_tests()\nfiles(name='lib', sources=['*.json'])\n"}
    files = _files("tests/pkg/test_a.py", "tests/pkg/helpers.py")
    assert _plan(files, build_texts)["tests/pkg/BUILD"].endswith(
        "\n\npython_sources(name='lib2')\n"
    )


# Plan, apply, check again.


def test_fixed_repo_plans_nothing_and_checks_clean() -> None:
    files = {
        **_files("src/pkg/a.py", "src/pkg/sub/test_b.py", "tests/pkg/test_a.py", "src/top.py"),
        "src/pkg/__init__.py": EMPTY,
        "tests/pkg/__init__.py": EMPTY,
    }
    edits = plan_build_files(pants_facts(files, {}))
    fixed = pants_facts(files, _apply({}, edits))
    assert plan_build_files(fixed) == ()
    assert check_build_files(fixed) == ()


def test_plan_does_not_depend_on_input_order() -> None:
    files = _files(
        "src/ns/pkg/__init__.py",
        "src/ns/pkg/x/test_m.py",
        "tests/a/conftest.py",
        "tests/a/b/test_c.py",
    )
    facts = pants_facts(files, {})
    shuffled = list(facts.python_files)
    random.Random(0).shuffle(shuffled)
    reordered = RepoFacts(
        python_files=tuple(shuffled),
        build_files=facts.build_files,
        targets=tuple(reversed(facts.targets)),
        source_roots=tuple(reversed(facts.source_roots)),
    )
    assert plan_build_files(reordered) == plan_build_files(facts)


_DIRECTORIES = (
    "src",
    "src/pkg",
    "src/pkg/sub",
    "src/pkg/sub/deep",
    "src/ns/lib",
    "src/ns/lib/inner",
    "tests",
    "tests/pkg",
    "tests/pkg/sub",
    "tools",
)
_FILE_NAMES = (
    "__init__.py",
    "mod.py",
    "test_mod.py",
    "mod_test.py",
    "conftest.py",
    "tests.py",
    "stub.pyi",
    "test_stub.pyi",
)
_STANZAS = (
    "python_sources()",
    "python_sources(name='deep', sources=['**/*.py'])",
    "python_sources(name='narrow', sources=['mod.py'])",
    "python_tests(name='tests')",
    "python_tests(name='all_tests', sources=['**/test_*.py'])",
    "python_test_utils(name='test_utils')",
    "files(name='raw', sources=['**/*.py'])",
    "resources(name='stubs', sources=['*.pyi'])",
)


_repos = partial(repos, _DIRECTORIES, _FILE_NAMES, _STANZAS, 14, 4)


def _python_owners(facts: RepoFacts, python_aliases: Sequence[str]) -> Dict[str, Set[str]]:
    owners: Dict[str, Set[str]] = {path: set() for path in facts.python_files}
    for target in facts.targets:
        if target.alias in python_aliases:
            for path in target.owned_files:
                if path in owners:
                    owners[path].add(target.address)
    return owners


@settings(max_examples=80, deadline=None)
@given(repo=_repos())
def test_applying_the_plan_fixes_exactly_the_fixable_findings(
    repo: Repo,
) -> None:
    files, build_texts = repo
    options = BuildFileOptions()
    before = pants_facts(files, build_texts)
    findings_before = check_build_file_subjects(before)
    edits = plan_build_files(before)
    after = pants_facts(files, _apply(build_texts, edits))
    findings_after = check_build_file_subjects(after)

    # The core's own simulation agrees with the stand-in for Pants on who owns what.
    simulated = simulate_plan(before)
    assert _python_owners(simulated, options.python_target_aliases) == _python_owners(
        after, options.python_target_aliases
    )
    # Fixable HB101 findings go away, the others stay, and no new finding appears (except that a
    # stale BUILD file given a target reports its unmatched globs instead, HB107 for HB106).
    # A directory's findings share its BUILD file's path: tell them apart by what they're about.
    still_there = {(f.finding.code, f.subject) for f in findings_after}
    for found in findings_before:
        if found.finding.code == "HB101":
            assert ((found.finding.code, found.subject) in still_there) != found.finding.fixable
    allowed = {(f.finding.code, f.subject) for f in findings_before}
    allowed |= {("HB107", path) for code, path in allowed if code == "HB106"}
    assert still_there <= allowed
    # Files that had owners keep exactly those; newly owned files get one Python owner each.
    owners_before = _python_owners(before, options.python_target_aliases)
    for path, owners in _python_owners(after, options.python_target_aliases).items():
        assert owners == owners_before[path] or (not owners_before[path] and len(owners) == 1)
    # Idempotence.
    assert plan_build_files(after) == ()


def test_empty_init_files_may_be_owned_but_are_not_needed() -> None:
    files = {"tests/pkg/__init__.py": EMPTY, "tests/pkg/test_a.py": "x = 1\n"}
    assert _plan(files, {}) == {"tests/pkg/BUILD": "python_tests()\n"}
