"""`[hygiene-reports]`'s options: SARIF files, GitHub annotations, a baseline."""

from __future__ import annotations

from pants.option.option_types import BoolOption, EnumOption, StrOption
from pants.option.subsystem import Subsystem
from pants.util.strutil import softwrap

from .lint import OutputStyle


class HygieneReportsSubsystem(Subsystem):
    options_scope = "hygiene-reports"
    help = "How the hygiene checks report: SARIF files, GitHub annotations, a baseline."

    sarif = BoolOption(
        default=False,
        help=softwrap(
            """
            Write a SARIF 2.1.0 report per check: `pants lint` writes
            `dist/lint/<tool>/<tool>.sarif` (a subdirectory per batch when a check runs in
            several), `pants check-alembic` writes `dist/check-alembic/check-alembic.sarif`.
            Upload them to a code-review tool, e.g. GitHub's `upload-sarif` action.
            Findings accepted by the baseline are included as suppressed results.
            """
        ),
    )
    output_style = EnumOption(
        default=OutputStyle.text,
        help=softwrap(
            """
            How `pants lint` prints findings: `text` (`path:line:col: CODE message`) or `github`
            (GitHub Actions workflow commands, `::error file=...,line=...,col=...,title=CODE::...`,
            which show each finding inline on the pull request's diff).
            """
        ),
    )
    baseline = StrOption(
        default="",
        help=softwrap(
            """
            A baseline file (path from the build root, e.g. `hygiene-baseline.json`, committed):
            the findings it lists are accepted and not reported by `pants lint`, so a rule can be
            turned on before every old finding is fixed. Entries are keyed by file, code and the
            normalised statement, not by line, so unrelated edits keep them valid. An entry that
            no longer matches a finding in a file `pants lint` checked fails the lint, so the
            baseline only shrinks. Write it with `pants hygiene-baseline ::`.
            """
        ),
    )
