"""Options of the Alembic goals: `[check-alembic]` (also used to discover histories) and `[rebase-alembic]`."""

from __future__ import annotations

from enum import Enum

from pants.engine.goal import GoalSubsystem
from pants.option.option_types import BoolOption, EnumOption, StrListOption, StrOption
from pants.util.strutil import softwrap

from monorepo_hygiene.alembic.check import RULE_DOCS
from monorepo_hygiene.rule_docs import render_rule_docs


class OutputFormat(Enum):
    text = "text"
    json = "json"


class CheckAlembicSubsystem(GoalSubsystem):
    name = "check-alembic"
    help = softwrap(
        """
        Check Alembic migration histories statically: one head, one base, no cycles, no missing
        or duplicate revisions.

        Histories are discovered from Alembic config files (`[check-alembic].config_files`) and
        read without importing or executing any migration, and without a database. Only the
        histories that contain a file matched by the specs are checked, so
        `pants --changed-since=origin/main check-alembic` checks just the histories a change
        touches.
        """
    ) + "\n\nCodes:\n\n" + render_rule_docs(RULE_DOCS)

    config_files = StrListOption(
        default=["alembic.ini"],
        help=softwrap(
            """
            File names of Alembic config files. Every file with one of these names under the
            build root is read statically; its `script_location` (a path, or the
            `package:directory` form resolved through Pants' source roots) and
            `version_locations` say where the migrations live.
            """
        ),
        advanced=True,
    )
    config_section = StrOption(
        default="alembic",
        help="The section of the config files that holds `script_location` (alembic's `--name`).",
        advanced=True,
    )
    output_format = EnumOption(
        default=OutputFormat.text,
        help=softwrap(
            """
            `text` prints one line per finding and a summary line per history; `json` prints one
            JSON document with every history's findings, heads and revision count, for CI.
            """
        ),
    )
    allow_labeled_branches = BoolOption(
        default=False,
        help=softwrap(
            """
            Accept several heads or bases when each one sits on its own `branch_labels` branch
            (Alembic's multiple-bases pattern, upgraded with `alembic upgrade heads`).
            """
        ),
    )
    warnings_as_errors = BoolOption(
        default=False,
        help="Fail (exit 1) on warnings too, e.g. a `Revises:` docstring that disagrees with `down_revision`.",
    )
