from __future__ import annotations

from monorepo_hygiene.build_files.style import target_line

BUILD = 'python_sources()\n\npython_tests(\n    name="tests",\n)\nresources(name="data", sources=["*.json"])\n'


def test_named_targets_are_found_by_name() -> None:
    assert target_line(BUILD, "python_tests", "tests") == 3
    assert target_line(BUILD, "resources", "data") == 6


def test_the_default_target_is_the_call_without_a_name() -> None:
    assert target_line(BUILD, "python_sources", "app") == 1


def test_unknown_targets_and_unparsable_files_point_at_the_first_line() -> None:
    assert target_line(BUILD, "files", "other") == 1
    assert target_line("python_sources(\n", "python_sources", "app") == 1
