"""A small stand-in for Pants, playing the BUILD file lint's adapter in the core's tests.

`pants_facts` writes the files to a temporary tree, reads each BUILD file with `ast`, and expands
`sources` globs with the stdlib's recursive `glob`, independently of the core's own glob matcher.
"""

from __future__ import annotations

import ast
import glob
import os
import posixpath
import tempfile
from typing import Dict, List, Mapping, Sequence, Set, Tuple

from hypothesis import strategies as st

from monorepo_hygiene.build_files import GlobFacts, RepoFacts, TargetFacts

# Pants 2.17's default `sources` (pants/backend/python/target_types.py).
_TESTS_DEFAULT = ("test_*.py", "*_test.py", "tests.py")
_TEST_UTILS_DEFAULT = ("conftest.py", "test_*.pyi", "*_test.pyi", "tests.pyi")
_PANTS_DEFAULTS: Dict[str, Tuple[str, ...]] = {
    "python_sources": (
        "*.py",
        "*.pyi",
        *(f"!{p}" for p in _TESTS_DEFAULT + _TEST_UTILS_DEFAULT),
    ),
    "python_tests": _TESTS_DEFAULT,
    "python_test_utils": _TEST_UTILS_DEFAULT,
}
EMPTY = "# marks a package\n"


def _expand(root: str, directory: str, patterns: Sequence[str]) -> Set[str]:
    def files(pattern: str) -> Set[str]:
        found = glob.glob(os.path.join(root, directory, pattern), recursive=True)
        return {os.path.relpath(f, root).replace(os.sep, "/") for f in found if os.path.isfile(f)}

    included = set().union(*(files(p) for p in patterns if not p.startswith("!")))
    excluded = set().union(*(files(p[1:]) for p in patterns if p.startswith("!")))
    return {f for f in included - excluded if posixpath.basename(f) != "BUILD"}


def pants_facts(files: Mapping[str, str], build_texts: Mapping[str, str]) -> RepoFacts:
    """What the adapter would gather for this tree: `files` maps Python paths to contents."""
    targets: List[TargetFacts] = []
    with tempfile.TemporaryDirectory() as root:
        for path, text in {**files, **build_texts}.items():
            os.makedirs(os.path.join(root, posixpath.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), "w") as f:
                f.write(text)
        for build_file, text in sorted(build_texts.items()):
            directory = posixpath.dirname(build_file)
            for statement in ast.parse(text).body:
                assert isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
                call = statement.value
                assert isinstance(call.func, ast.Name)
                kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
                written = (kwargs["source"],) if "source" in kwargs else kwargs.get("sources", ())
                owned = _expand(root, directory, written or _PANTS_DEFAULTS.get(call.func.id, ()))
                name = kwargs.get("name", posixpath.basename(directory))
                targets.append(
                    TargetFacts(
                        address=f"{directory}:{name}" if directory else f"//:{name}",
                        alias=call.func.id,
                        build_file=build_file,
                        owned_files=tuple(sorted(owned)),
                        globs=tuple(
                            GlobFacts(p, bool(_expand(root, directory, [p])))
                            for p in written
                            if not p.startswith("!")
                        ),
                        line=statement.lineno,
                    )
                )
    return RepoFacts(
        python_files=tuple(sorted(files)),
        build_files=tuple(sorted(build_texts)),
        targets=tuple(targets),
        source_roots=("src", "tests"),
        build_file_contents=dict(build_texts),
        empty_files=tuple(sorted(p for p, text in files.items() if text == EMPTY)),
    )


# Python files by path, and BUILD files' texts by path: a repo for `pants_facts` to read.
Repo = Tuple[Dict[str, str], Dict[str, str]]


@st.composite
def repos(
    draw: st.DrawFn,
    directories: Sequence[str],
    file_names: Sequence[str],
    stanzas: Sequence[str],
    max_files: int,
    max_build_files: int,
) -> Repo:
    """Up to `max_files` Python files among `directories` (an `__init__.py` empty or not), and
    BUILD files in up to `max_build_files` of them, each 1 to 3 of `stanzas`."""
    paths = draw(
        st.lists(
            st.tuples(st.sampled_from(directories), st.sampled_from(file_names)).map(
                lambda parts: posixpath.join(*parts)
            ),
            min_size=1,
            max_size=max_files,
            unique=True,
        )
    )
    files = {
        path: EMPTY if path.endswith("__init__.py") and draw(st.booleans()) else "x = 1\n"
        for path in paths
    }
    build_dirs = draw(st.lists(st.sampled_from(directories), max_size=max_build_files, unique=True))
    build_texts = {
        posixpath.join(directory, "BUILD"): "\n".join(
            draw(st.lists(st.sampled_from(stanzas), min_size=1, max_size=3, unique=True))
        )
        + "\n"
        for directory in build_dirs
    }
    return files, build_texts
