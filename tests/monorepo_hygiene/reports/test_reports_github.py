"""GitHub Actions annotations, read back the way the Actions runner parses workflow commands."""

from __future__ import annotations

import re
from typing import Dict, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monorepo_hygiene.findings import Finding, Severity
from monorepo_hygiene.reports.github import github_annotation, render_github_annotations

_COMMAND = re.compile(r"^::(?P<command>[a-z]+) (?P<properties>[^:]*)::(?P<data>.*)$")


def _unescape(value: str) -> str:
    # The runner's order (ActionCommand.UnescapeValue): the `%25` escape last.
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(escaped, char)
    return value


def _parse(line: str) -> Tuple[str, Dict[str, str], str]:
    match = _COMMAND.match(line)
    assert match, line
    properties = dict(pair.split("=", 1) for pair in match.group("properties").split(",") if pair)
    return (
        match.group("command"),
        {key: _unescape(value) for key, value in properties.items()},
        _unescape(match.group("data")),
    )


def test_an_error_names_file_line_col_and_code() -> None:
    finding = Finding("src/app/jobs.py", 5, 1, "HA101", "Missing return annotation for `main`")
    assert github_annotation(finding) == (
        "::error file=src/app/jobs.py,line=5,col=1,title=HA101::"
        "Missing return annotation for `main`"
    )


def test_warnings_and_fixable_findings() -> None:
    warning = Finding("a.py", 1, 1, "HM108", "50% off", Severity.WARNING, fixable=True)
    assert github_annotation(warning) == (
        "::warning file=a.py,line=1,col=1,title=HM108::50%25 off [*] (fixable with `pants fix`)"
    )


# The machines that run these tests are shared and slow: no wall-clock health checks.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.text(st.characters(blacklist_categories=["Cs"]), min_size=1),
    message=st.text(st.characters(blacklist_categories=["Cs"]), min_size=1),
    line=st.integers(min_value=1),
)
def test_every_annotation_is_one_line_that_reads_back_as_written(
    path: str, message: str, line: int
) -> None:
    annotation = github_annotation(Finding(path, line, 3, "HI101", message))
    assert "\n" not in annotation and "\r" not in annotation
    command, properties, data = _parse(annotation)
    assert command == "error"
    assert properties == {"file": path, "line": str(line), "col": "3", "title": "HI101"}
    assert data == message


def test_annotations_are_sorted_like_the_text_output() -> None:
    later = Finding("b.py", 1, 1, "HA101", "x")
    earlier = Finding("a.py", 9, 1, "HA101", "y")
    assert render_github_annotations([later, earlier]) == [
        github_annotation(earlier),
        github_annotation(later),
    ]
