from __future__ import annotations

import glob
import os
import tempfile
from typing import Sequence, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monorepo_hygiene.build_files import (
    BuildFileOptions,
    BuildStyle,
    PolicyRule,
    RepoFacts,
    TargetFacts,
    detect_build_style,
)
from monorepo_hygiene.build_files.globs import escape_glob, glob_matches, sources_match
from monorepo_hygiene.build_files.layout import Kind, Layout
from monorepo_hygiene.build_files.style import render_target
from monorepo_hygiene.source import is_empty_python_source

_DEFAULTS = BuildFileOptions()


def _layout(
    python_files: Sequence[str],
    targets: Sequence[TargetFacts] = (),
    source_roots: Tuple[str, ...] = ("src", "tests"),
    options: BuildFileOptions = _DEFAULTS,
) -> Layout:
    repo = RepoFacts(
        python_files=tuple(python_files),
        build_files=tuple(sorted({t.build_file for t in targets})),
        targets=tuple(targets),
        source_roots=source_roots,
    )
    return Layout(repo, options)


# Package roots under the `subtree` policy.


def test_package_root_is_the_package_below_the_source_root() -> None:
    layout = _layout(["src/pkg/__init__.py", "src/pkg/a/b/c.py"])
    assert layout.home("src/pkg/a/b") == "src/pkg"
    assert layout.home("src/pkg") == "src/pkg"
    assert layout.is_package_root("src/pkg")


def test_namespace_directory_is_skipped() -> None:
    layout = _layout(["src/ns/pkg/__init__.py", "src/ns/pkg/sub/m.py", "src/ns/other/x.py"])
    assert layout.home("src/ns/pkg/sub") == "src/ns/pkg"
    assert layout.home("src/ns/other") == "src/ns/other"


def test_package_without_init_is_a_root_when_it_holds_modules() -> None:
    layout = _layout(["src/pkg/mod.py", "src/pkg/sub/x.py"])
    assert layout.home("src/pkg/sub") == "src/pkg"


def test_build_file_owning_files_makes_a_namespace_directory_the_root() -> None:
    owner = TargetFacts("src/ns:ns", "python_sources", "src/ns/BUILD", ("src/ns/pkg/sub/m.py",))
    layout = _layout(["src/ns/pkg/sub/m.py", "src/ns/pkg/__init__.py"], [owner])
    assert layout.home("src/ns/pkg/sub") == "src/ns"


def test_build_file_owning_nothing_python_does_not_make_a_root() -> None:
    readme = TargetFacts("src/ns:docs", "files", "src/ns/BUILD", ("src/ns/README.md",))
    layout = _layout(["src/ns/pkg/__init__.py"], [readme])
    assert layout.home("src/ns/pkg") == "src/ns/pkg"


def test_top_level_module_is_its_own_home_and_not_a_package_root() -> None:
    layout = _layout(["src/setup_hook.py"])
    assert layout.home("src") == "src"
    assert not layout.is_package_root("src")


def test_source_root_deeper_than_the_prefix_is_the_base() -> None:
    layout = _layout(
        ["src/python/pkg/__init__.py", "src/python/pkg/a/b.py"], source_roots=("src/python",)
    )
    assert layout.home("src/python/pkg/a") == "src/python/pkg"


def test_per_directory_home_is_the_directory_itself() -> None:
    layout = _layout(["tests/pkg/test_a.py", "tests/pkg/sub/test_b.py"])
    assert layout.home("tests/pkg/sub") == "tests/pkg/sub"
    assert not layout.is_package_root("tests/pkg")


# Policies.


def test_longest_prefix_wins_and_unmatched_paths_get_the_default() -> None:
    options = BuildFileOptions(
        policies=(PolicyRule("src/", "subtree"), PolicyRule("src/legacy/", "per-directory")),
        default_policy="ignore",
    )
    layout = _layout([], options=options)
    assert layout.policy("src/pkg/a") == ("subtree", "src")
    assert layout.policy("src/legacy/x") == ("per-directory", "src/legacy")
    assert layout.policy("srcx/a") == ("ignore", "")
    assert not layout.is_checked("tools")


def test_unknown_policy_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown BUILD file policy `tree`"):
        PolicyRule("src/", "tree")
    with pytest.raises(ValueError, match="paths matching no prefix"):
        BuildFileOptions(default_policy="flat")


# File kinds.


@pytest.mark.parametrize(
    "path, kind",
    [
        ("t/test_a.py", Kind.TESTS),
        ("t/a_test.py", Kind.TESTS),
        ("t/conftest.py", Kind.TEST_UTILS),
        ("t/test_a.pyi", Kind.TEST_UTILS),
        ("t/tests.py", Kind.SOURCES),
        ("t/a.pyi", Kind.SOURCES),
        ("t/__init__.py", Kind.SOURCES),
    ],
)
def test_file_kinds(path: str, kind: Kind) -> None:
    assert _layout([]).kind(path) == kind


def test_test_file_globs_are_configurable() -> None:
    layout = _layout([], options=BuildFileOptions(test_file_globs=("check_*.py",)))
    assert layout.kind("t/check_a.py") == Kind.TESTS
    assert layout.kind("t/test_a.py") == Kind.SOURCES


@pytest.mark.parametrize(
    "content, empty",
    [
        (b"", True),
        (b"\n\n# comment\n", True),
        (b'"""Package docstring."""\n', True),
        (b"# -*- coding: latin-1 -*-\n'''doc'''\n", True),
        (b"from .a import b\n", False),
        (b'"""doc"""\n__all__ = []\n', False),
        (b"def f(:\n", False),
    ],
)
def test_is_empty_python_source(content: bytes, empty: bool) -> None:
    assert is_empty_python_source(content) is empty


# Globs, against what Pants 2.17's FilespecMatcher returns for the same patterns.


@pytest.mark.parametrize(
    "pattern, matches",
    [
        ("*.py", ["a.py", ".hidden.py"]),
        ("**/*.py", ["a.py", ".hidden.py", "sub/b.py", "sub/deep/c.py"]),
        ("sub/**", ["sub/b.py", "sub/deep/c.py"]),
        ("**/sub/*.py", ["sub/b.py"]),
        ("sub/*", ["sub/b.py"]),
        ("**/c.py", ["sub/deep/c.py"]),
        ("s?b/*.py", ["sub/b.py"]),
        ("sub", []),
    ],
)
def test_glob_matches_like_pants(pattern: str, matches: Sequence[str]) -> None:
    paths = ["a.py", ".hidden.py", "sub/b.py", "sub/deep/c.py"]
    assert [p for p in paths if glob_matches(pattern, p)] == matches


def test_sources_excludes_win() -> None:
    patterns = ["**/*.py", "!**/test_*.py", "!sub/**"]
    assert sources_match(patterns, "a.py")
    assert not sources_match(patterns, "test_a.py")
    assert not sources_match(patterns, "sub/b.py")
    assert not sources_match(["!a.py"], "b.py")


def test_escape_glob_matches_only_the_literal_name() -> None:
    assert glob_matches(escape_glob("[a]*.py"), "[a]*.py")
    assert not glob_matches(escape_glob("[a]*.py"), "a_b.py")


_SEGMENT = st.sampled_from(["a", "b", "test_a", "sub"])
_PATHS = st.lists(
    st.lists(_SEGMENT, min_size=0, max_size=3).map(lambda dirs: "/".join([*dirs, "m.py"])),
    min_size=1,
    max_size=8,
    unique=True,
)
_PATTERN = st.lists(
    st.sampled_from(["*", "**", "a", "sub", "test_*", "*.py", "m.py", "s*"]), min_size=1, max_size=4
).map("/".join)


@settings(max_examples=60, deadline=None)
@given(paths=_PATHS, pattern=_PATTERN)
def test_glob_matches_agrees_with_stdlib_recursive_glob(paths: Sequence[str], pattern: str) -> None:
    with tempfile.TemporaryDirectory() as root:
        for path in paths:
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            open(os.path.join(root, path), "w").close()
        expected = {
            os.path.relpath(found, root)
            for found in glob.glob(os.path.join(root, pattern), recursive=True)
            if os.path.isfile(found)
        }
    assert {p for p in paths if glob_matches(pattern, p)} == expected


# BUILD style.


def test_detects_quotes_indent_and_names() -> None:
    style = detect_build_style(
        {
            "a/BUILD": "python_sources(\n  name='lib',\n  sources=['*.py'],\n)\n",
            "b/BUILD": "python_sources(name='lib')\npython_tests(name='tests')\n",
            "c/BUILD": "python_tests()\n",
        }
    )
    assert style == BuildStyle(
        quote="'", indent="  ", explicit_names=True, conventional_names=(("python_sources", "lib"),)
    )


def test_style_defaults_without_build_files() -> None:
    assert detect_build_style({}) == BuildStyle()
    assert detect_build_style({"BUILD": "python_sources(\n"}).explicit_names is False


def test_render_target_one_line_when_it_fits() -> None:
    rendered = render_target(
        BuildStyle(), "python_tests", (("name", "tests"), ("sources", ("a.py",)))
    )
    assert rendered == 'python_tests(name="tests", sources=["a.py"])\n'
    assert render_target(BuildStyle(), "python_sources", ()) == "python_sources()\n"


def test_render_target_explodes_long_calls_in_the_repo_style() -> None:
    style = BuildStyle(quote="'", indent="\t")
    sources = tuple(f"module_number_{i}.py" for i in range(6))
    assert render_target(style, "python_sources", (("name", "lib"), ("sources", sources))) == (
        "python_sources(\n"
        "\tname='lib',\n"
        "\tsources=[\n" + "".join(f"\t\t'module_number_{i}.py',\n" for i in range(6)) + "\t],\n"
        ")\n"
    )
