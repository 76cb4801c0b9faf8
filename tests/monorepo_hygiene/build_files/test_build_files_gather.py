"""`repo_facts`: the facts the BUILD-file rule reads, from what Pants lists."""

from __future__ import annotations

from monorepo_hygiene.build_files import GlobFacts, TargetFacts
from monorepo_hygiene.build_files.gather import WrittenTarget, repo_facts

BUILD_TEXTS = {
    "src/app/BUILD.pants": "python_sources()\n",
    "src/app/BUILD": 'python_sources()\n\npython_tests(\n    name="tests",\n)\n',
}


def _target(directory: str, alias: str, name: str, globs: tuple = ()) -> WrittenTarget:
    return WrittenTarget(
        directory=directory,
        address=f"{directory}:{name}",
        alias=alias,
        name=name,
        owned_files=(f"{directory}/a.py",),
        globs=globs,
    )


def test_targets_point_at_their_directorys_first_build_file_and_their_call() -> None:
    tests_globs = (GlobFacts("test_*.py", matched=False),)
    facts = repo_facts(
        python_files=("src/app/a.py", "src/app/__init__.py"),
        build_file_texts=BUILD_TEXTS,
        targets=[
            _target("src/app", "python_sources", "app"),
            _target("src/app", "python_tests", "tests", tests_globs),
            # Synthesized by Pants: no BUILD file in its directory, so nothing to point at.
            _target("src/gen", "python_sources", "gen"),
        ],
        source_roots=["src"],
        init_files={},
        style_build_file_texts={},
    )
    assert facts.build_files == ("src/app/BUILD", "src/app/BUILD.pants")
    assert facts.targets == (
        TargetFacts("src/app:app", "python_sources", "src/app/BUILD", ("src/app/a.py",), (), 1),
        TargetFacts(
            "src/app:tests", "python_tests", "src/app/BUILD", ("src/app/a.py",), tests_globs, 3
        ),
    )
    assert facts.source_roots == ("src",)
    assert dict(facts.build_file_contents) == BUILD_TEXTS


def test_empty_init_files_are_those_with_at_most_a_docstring() -> None:
    facts = repo_facts(
        python_files=(),
        build_file_texts={},
        targets=[],
        source_roots=[],
        init_files={
            "a/__init__.py": b"",
            "b/__init__.py": b'"""Docs."""\n# a comment\n',
            "c/__init__.py": b"from .x import y\n",
        },
        style_build_file_texts={},
    )
    assert facts.empty_files == ("a/__init__.py", "b/__init__.py")


def test_build_files_read_for_the_style_alone_are_not_in_the_facts_directories() -> None:
    other = {"lib/BUILD": "python_sources(name='lib')\n"}
    facts = repo_facts(
        python_files=("src/app/a.py",),
        build_file_texts=BUILD_TEXTS,
        targets=[_target("src/app", "python_sources", "app")],
        source_roots=["src"],
        init_files={},
        style_build_file_texts={**other, **BUILD_TEXTS},
    )
    assert facts.build_files == ("src/app/BUILD", "src/app/BUILD.pants")
    assert dict(facts.build_file_contents) == {**other, **BUILD_TEXTS}
