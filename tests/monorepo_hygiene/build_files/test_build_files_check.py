"""The lint over facts as the Pants adapter passes them: ownership is given, not computed."""

from __future__ import annotations

from types import MappingProxyType
from typing import List, Mapping, Sequence, Tuple

from monorepo_hygiene.build_files import (
    RULE_DOCS,
    BuildFileOptions,
    GlobFacts,
    PolicyRule,
    RepoFacts,
    TargetFacts,
    check_build_files,
)
from monorepo_hygiene.findings import Finding, Severity, render_findings

_DEFAULTS = BuildFileOptions()


def _check(
    python_files: Sequence[str],
    targets: Sequence[TargetFacts] = (),
    contents: Mapping[str, str] = MappingProxyType({}),
    empty_files: Sequence[str] = (),
    options: BuildFileOptions = _DEFAULTS,
) -> List[str]:
    repo = RepoFacts(
        python_files=tuple(python_files),
        build_files=tuple(sorted({t.build_file for t in targets} | set(contents))),
        targets=tuple(targets),
        source_roots=("src", "tests"),
        build_file_contents=dict(contents),
        empty_files=tuple(empty_files),
    )
    return render_findings(check_build_files(repo, options))


def _codes(findings: Sequence[str]) -> List[Tuple[str, str]]:
    return [(line.split(":", 1)[0], line.split(" ")[1]) for line in findings]


# HB101


def test_hb101_aggregates_a_per_directory_directory() -> None:
    findings = _check(["tests/pkg/test_a.py", "tests/pkg/test_b.py", "tests/pkg/helpers.py"])
    assert findings == [
        "tests/pkg/BUILD:1:1: HB101 3 Python files in `tests/pkg/` (`helpers.py`, `test_a.py`, "
        "`test_b.py`) are owned by no Python target; create `tests/pkg/BUILD` [*]"
    ]


def test_hb101_under_subtree_points_at_the_package_root_build_file() -> None:
    owner = TargetFacts(
        "src/pkg:pkg",
        "python_sources",
        "src/pkg/BUILD",
        ("src/pkg/__init__.py",),
        (GlobFacts("*.py", True),),
    )
    findings = _check(
        ["src/pkg/__init__.py", "src/pkg/new/a.py", "src/pkg/new/b.py", "src/pkg/new/c.py"],
        [owner],
        {"src/pkg/BUILD": 'python_sources(sources=["*.py"])\n'},
    )
    # Not fixable: the files belong in the existing `python_sources`, which the fix won't edit.
    assert findings == [
        "src/pkg/BUILD:1:1: HB101 3 Python files in `src/pkg/new/` (`a.py`, `b.py`, `c.py`) are "
        "owned by no Python target; add them to the `sources` of a target in `src/pkg/BUILD`"
    ]


def test_hb101_counts_files_owned_only_by_files_targets_and_says_so() -> None:
    broad = TargetFacts(
        "tests:data", "files", "tests/BUILD", ("tests/pkg/test_a.py", "tests/pkg/test_b.py")
    )
    findings = _check(
        ["tests/pkg/test_a.py", "tests/pkg/test_b.py", "tests/pkg/test_c.py"],
        [broad],
        {"tests/BUILD": "files(name='data', sources=['**/*'])\n"},
    )
    assert findings == [
        "tests/pkg/BUILD:1:1: HB101 3 Python files in `tests/pkg/` (`test_a.py`, `test_b.py`, "
        "`test_c.py`) are owned by no Python target, 2 of them only by `files`; create "
        "`tests/pkg/BUILD` [*]"
    ]


def test_hb101_lists_at_most_three_names_and_uses_the_singular() -> None:
    many = _check([f"tools/m{i}.py" for i in range(5)])
    assert "(`m0.py`, `m1.py`, `m2.py` and 2 more) are owned" in many[0]
    one = _check(["tools/only.py"])
    assert one == [
        "tools/BUILD:1:1: HB101 1 Python file in `tools/` (`only.py`) is owned by no Python "
        "target; create `tools/BUILD` [*]"
    ]


def test_hb101_ignores_empty_init_files_unless_told_not_to() -> None:
    files = ["tests/pkg/__init__.py"]
    assert _check(files, empty_files=files) == []
    assert _codes(_check(files)) == [("tests/pkg/BUILD", "HB101")]
    strict = BuildFileOptions(ignore_empty_init=False)
    assert _codes(_check(files, empty_files=files, options=strict)) == [("tests/pkg/BUILD", "HB101")]


def test_hb101_counts_user_listed_aliases_as_python_owners() -> None:
    macro = TargetFacts("tools:lib", "my_python_library", "tools/BUILD", ("tools/a.py",))
    contents = {"tools/BUILD": "my_python_library(name='lib')\n"}
    assert _codes(_check(["tools/a.py"], [macro], contents)) == [("tools/BUILD", "HB101")]
    options = BuildFileOptions(
        python_target_aliases=(*BuildFileOptions().python_target_aliases, "my_python_library")
    )
    assert _check(["tools/a.py"], [macro], contents, options=options) == []


# HB102, HB103


def test_hb102_test_module_owned_by_python_sources() -> None:
    owner = TargetFacts(
        "src/pkg:pkg", "python_sources", "src/pkg/BUILD", ("src/pkg/a.py", "src/pkg/test_a.py")
    )
    findings = _check(["src/pkg/a.py", "src/pkg/test_a.py"], [owner])
    assert findings == [
        "src/pkg/test_a.py:1:1: HB102 test module owned by `python_sources` target `src/pkg:pkg`; "
        "own it with a `python_tests` target instead"
    ]


def test_hb102_not_for_python_tests_and_suppressed_by_noqa_on_the_target_line() -> None:
    tests = TargetFacts(
        "tests/pkg:tests", "python_tests", "tests/pkg/BUILD", ("tests/pkg/test_a.py",)
    )
    assert _check(["tests/pkg/test_a.py"], [tests]) == []
    owner = TargetFacts(
        "src/pkg:pkg", "python_sources", "src/pkg/BUILD", ("src/pkg/test_a.py",), line=2
    )
    contents = {
        "src/pkg/BUILD": "# Fixtures module named like a test.\npython_sources()  # noqa: HB102\n"
    }
    assert _check(["src/pkg/test_a.py"], [owner], contents) == []
    unrelated_noqa = {"src/pkg/BUILD": "# noqa: HB102\npython_sources()\n"}
    assert _codes(_check(["src/pkg/test_a.py"], [owner], unrelated_noqa)) == [
        ("src/pkg/test_a.py", "HB102")
    ]


def test_hb103_conftest_not_in_python_test_utils() -> None:
    tests = TargetFacts(
        "tests/pkg:tests",
        "python_tests",
        "tests/pkg/BUILD",
        ("tests/pkg/conftest.py", "tests/pkg/test_a.py"),
    )
    findings = _check(["tests/pkg/conftest.py", "tests/pkg/test_a.py"], [tests])
    assert findings == [
        "tests/pkg/conftest.py:1:1: HB103 `conftest.py` owned by `python_tests` target "
        "`tests/pkg:tests` rather than by a `python_test_utils` target"
    ]


def test_hb103_not_when_test_utils_or_only_a_custom_alias_own_it() -> None:
    utils = TargetFacts(
        "tests/pkg:test_utils", "python_test_utils", "tests/pkg/BUILD", ("tests/pkg/conftest.py",)
    )
    assert _check(["tests/pkg/conftest.py"], [utils]) == []
    options = BuildFileOptions(python_target_aliases=("python_tests", "my_test_support"))
    custom = TargetFacts(
        "tests/pkg:support", "my_test_support", "tests/pkg/BUILD", ("tests/pkg/conftest.py",)
    )
    assert _check(["tests/pkg/conftest.py"], [custom], options=options) == []


# HB104


def test_hb104_per_directory_directory_owned_from_its_parent() -> None:
    parent = TargetFacts(
        "tests/pkg:tests", "python_tests", "tests/pkg/BUILD", ("tests/pkg/sub/test_b.py",)
    )
    findings = _check(["tests/pkg/sub/test_b.py"], [parent])
    assert findings == [
        "tests/pkg/sub/BUILD:1:1: HB104 `tests/pkg/sub/` has Python files but no BUILD file "
        "(policy `per-directory`); they are owned from `tests/pkg/BUILD`: move their targets "
        "into `tests/pkg/sub/BUILD`"
    ]


def test_hb104_not_under_subtree() -> None:
    root = TargetFacts(
        "src/pkg:pkg",
        "python_sources",
        "src/pkg/BUILD",
        ("src/pkg/__init__.py", "src/pkg/sub/b.py"),
    )
    assert _check(["src/pkg/__init__.py", "src/pkg/sub/b.py"], [root]) == []


# HB105


def _nested_package(nested_alias: str) -> Tuple[List[str], List[TargetFacts]]:
    files = ["src/pkg/__init__.py", "src/pkg/sub/b.py"]
    targets = [
        TargetFacts("src/pkg:pkg", "python_sources", "src/pkg/BUILD", ("src/pkg/__init__.py",)),
        TargetFacts(
            "src/pkg/sub:sub", nested_alias, "src/pkg/sub/BUILD", ("src/pkg/sub/b.py",), line=3
        ),
    ]
    return files, targets


def test_hb105_nested_build_file_inside_a_package() -> None:
    files, targets = _nested_package("python_sources")
    assert _check(files, targets) == [
        "src/pkg/sub/BUILD:3:1: HB105 nested BUILD file inside the package rooted at `src/pkg/`; "
        "move its Python targets into `src/pkg/BUILD`"
    ]
    noqa = {"src/pkg/sub/BUILD": "\n\npython_sources()  # noqa: HB105\n"}
    assert _check(files, targets, noqa) == []


def test_hb105_not_for_data_only_build_files_nor_sibling_packages() -> None:
    files, targets = _nested_package("resources")
    assert _codes(_check(files, targets)) == [("src/pkg/BUILD", "HB101")]
    siblings = [
        TargetFacts("src/ns/a:a", "python_sources", "src/ns/a/BUILD", ("src/ns/a/__init__.py",)),
        TargetFacts("src/ns/b:b", "python_sources", "src/ns/b/BUILD", ("src/ns/b/__init__.py",)),
    ]
    assert _check(["src/ns/a/__init__.py", "src/ns/b/__init__.py"], siblings) == []


# HB106, HB107


def test_hb106_stale_build_file_reported_once() -> None:
    stale = TargetFacts(
        "src/old:old", "python_sources", "src/old/BUILD", (), (GlobFacts("*.py", False),), line=1
    )
    findings = check_build_files(
        RepoFacts(python_files=(), build_files=("src/old/BUILD",), targets=(stale,))
    )
    assert findings == (
        Finding(
            "src/old/BUILD",
            1,
            1,
            "HB106",
            "stale BUILD file: none of its targets (`src/old:old`) owns a file",
            Severity.WARNING,
        ),
    )


def test_hb106_not_for_build_files_of_targets_without_sources() -> None:
    binary = TargetFacts("src/app:bin", "pex_binary", "src/app/BUILD")
    assert _check([], [binary]) == []


def test_hb107_unmatched_written_glob() -> None:
    target = TargetFacts(
        "src/pkg:pkg",
        "python_sources",
        "src/pkg/BUILD",
        ("src/pkg/__init__.py",),
        (GlobFacts("*.py", True), GlobFacts("utils/*.py", False), GlobFacts("!x.py", False)),
        line=4,
    )
    assert _check(["src/pkg/__init__.py"], [target]) == [
        "src/pkg/BUILD:4:1: HB107 `sources` glob `utils/*.py` of `src/pkg:pkg` matches no file"
    ]
    noqa = {"src/pkg/BUILD": "\n\n\npython_sources(  # noqa: HB107\n"}
    assert _check(["src/pkg/__init__.py"], [target], noqa) == []


# Policies.


def test_ignore_policy_silences_a_prefix() -> None:
    options = BuildFileOptions(policies=(PolicyRule("scripts/", "ignore"),))
    assert _check(["scripts/run.py"], options=options) == []
    assert _codes(_check(["scripts/run.py"])) == [("scripts/BUILD", "HB101")]


def test_subtree_configured_for_another_prefix() -> None:
    options = BuildFileOptions(policies=(PolicyRule("libs", "subtree"),))
    findings = _check(["libs/core/__init__.py", "libs/core/a/b.py"], options=options)
    assert findings == [
        "libs/core/BUILD:1:1: HB101 1 Python file in `libs/core/` (`__init__.py`) is owned by "
        "no Python target; create `libs/core/BUILD` [*]",
        "libs/core/BUILD:1:1: HB101 1 Python file in `libs/core/a/` (`b.py`) is owned by no "
        "Python target; create `libs/core/BUILD` [*]",
    ]


def test_every_code_is_documented() -> None:
    assert [doc.code for doc in RULE_DOCS] == [f"HB10{i}" for i in range(1, 8)]
    assert all("What it does:" in doc.render() for doc in RULE_DOCS)
