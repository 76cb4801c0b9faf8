from __future__ import annotations

import json

from monorepo_hygiene.alembic.check import check_history
from monorepo_hygiene.alembic.errors import AlembicConfigError
from monorepo_hygiene.alembic.report import HistoryReport, exit_code, render_json, render_text
from monorepo_hygiene.findings import Finding, Severity
from tests.monorepo_hygiene.alembic.alembic_fixtures import Rev, chain, history_files

SHOP = "examples/shop/migrations/versions"
BILLING = "services/billing/migrations/versions"


def _warning(path: str) -> Finding:
    return Finding(path, 4, 1, "HM108", "stale docstring", severity=Severity.WARNING)


def test_summary_line_one_head() -> None:
    report = HistoryReport(SHOP, (), 484, ("c5a9d2e1f0b3",), ("0a1b",))
    assert report.summary_line() == f"{SHOP}: 484 revisions, 1 head c5a9d2e1f0b3"


def test_summary_line_several_heads_and_counts() -> None:
    findings = (
        Finding(f"{SHOP}/a.py", 1, 1, "HM101", "heads"),
        _warning(f"{SHOP}/a.py"),
        _warning(f"{SHOP}/b.py"),
    )
    report = HistoryReport(SHOP, findings, 1, ("a1", "b2"))
    assert report.summary_line() == f"{SHOP}: 1 revision, 2 heads a1, b2; 1 error, 2 warnings"


def test_summary_line_empty_history() -> None:
    assert HistoryReport(SHOP, (), 0, ()).summary_line() == f"{SHOP}: 0 revisions, 0 heads"


def test_exit_code_and_failed() -> None:
    warned = HistoryReport(SHOP, (_warning(f"{SHOP}/a.py"),), 1, ("a1",))
    assert (warned.exit_code, warned.failed(), warned.failed(warnings_as_errors=True)) == (
        0,
        False,
        True,
    )
    clean = HistoryReport(SHOP, (), 1, ("a1",))
    assert (clean.exit_code, clean.failed(warnings_as_errors=True)) == (0, False)


def test_render_text_findings_then_summaries() -> None:
    shop = check_history(SHOP, history_files(chain("a1", "b1"), SHOP))
    billing = check_history(BILLING, history_files([Rev("a1"), Rev("b1", ("a1", "a0"))], BILLING))
    config_error = AlembicConfigError(
        "tools/alembic.ini", 2, "`[alembic]` has no `script_location`"
    )
    assert render_text([shop, billing], [config_error]) == "\n".join(
        [
            "tools/alembic.ini:2:1: HM100 `[alembic]` has no `script_location`",
            f"{BILLING}/b1_change_b1.py:16:1: HM104 `down_revision` names missing revision `a0`",
            f"{SHOP}: 2 revisions, 1 head b1",
            f"{BILLING}: 2 revisions, 1 head b1; 1 error",
        ]
    )


def test_render_text_nothing_found() -> None:
    assert render_text([]) == ""


def test_render_json_is_stable_and_complete() -> None:
    files = history_files([Rev("a1"), Rev("b1", ("a1", "a0"))], BILLING)
    found_by = ("services/billing/alembic.ini [alembic]",)
    report = check_history(BILLING, files, found_by=found_by)
    text = render_json([report], [AlembicConfigError("alembic.ini", None, "bad")])
    document = json.loads(text)
    assert document == {
        "exit_code": 1,
        "config_errors": [
            {
                "path": "alembic.ini",
                "line": 1,
                "col": 1,
                "code": "HM100",
                "message": "bad",
                "severity": "error",
                "fixable": False,
            }
        ],
        "histories": [
            {
                "name": BILLING,
                "revision_count": 2,
                "heads": ["b1"],
                "bases": ["a1"],
                "found_by": ["services/billing/alembic.ini [alembic]"],
                "exit_code": 1,
                "findings": [
                    {
                        "path": f"{BILLING}/b1_change_b1.py",
                        "line": 16,
                        "col": 1,
                        "code": "HM104",
                        "message": "`down_revision` names missing revision `a0`",
                        "severity": "error",
                        "fixable": False,
                    }
                ],
            }
        ],
    }
    # Stable: keys sorted, two-space indents, and the same text whichever order the files
    # were read in.
    assert text == json.dumps(document, indent=2, sort_keys=True)
    report_read_backwards = check_history(BILLING, dict(reversed(files.items())), found_by=found_by)
    assert render_json([report_read_backwards]) == render_json([report])
    assert [Finding.from_json(f) for f in document["histories"][0]["findings"]] == list(
        report.findings
    )


def test_render_json_clean() -> None:
    report = check_history(SHOP, history_files(chain("a1"), SHOP))
    assert json.loads(render_json([report]))["exit_code"] == 0


def test_render_json_exit_code_follows_warnings_as_errors() -> None:
    # Only a warning (HM108): the goal exits 1 with `warnings_as_errors`, and so must the JSON.
    files = history_files(chain("a1", "b1"), SHOP)
    path = f"{SHOP}/b1_change_b1.py"
    files[path] = files[path].replace(b"Revises: a1", b"Revises: a0")
    report = check_history(SHOP, files)
    assert [f.code for f in report.findings] == ["HM108"]
    lenient = json.loads(render_json([report]))
    strict = json.loads(render_json([report], warnings_as_errors=True))
    assert (lenient["exit_code"], lenient["histories"][0]["exit_code"]) == (0, 0)
    assert (strict["exit_code"], strict["histories"][0]["exit_code"]) == (1, 1)
    assert exit_code([report], warnings_as_errors=True) == strict["exit_code"]


def test_summary_line_says_how_the_history_was_found() -> None:
    report = check_history(
        SHOP, history_files(chain("a1"), SHOP), found_by=("a.ini [alembic]", "b/env.py (no config)")
    )
    assert report.summary_line() == (
        f"{SHOP}: 1 revision, 1 head a1 (found by a.ini [alembic], b/env.py (no config))"
    )
