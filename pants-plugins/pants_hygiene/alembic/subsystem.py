"""Options of the Alembic goals: `[check-alembic]` (which also says where histories are) and
`[rebase-alembic]`."""

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
    help = (
        softwrap(
            """
        Check Alembic migration histories statically: one head, one base, no cycles, no missing
        or duplicate revisions.

        Histories are discovered from Alembic config files (`[check-alembic].config_files`) and
        read without importing or executing any migration, and without a database. Only the
        histories that contain a file matched by the specs are checked, so
        `pants --changed-since=origin/main check-alembic` checks just the histories a change
        touches.
        """
        )
        + "\n\nCodes:\n\n"
        + render_rule_docs(RULE_DOCS)
    )

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
    check_syntax = BoolOption(
        default=True,
        help=softwrap(
            """
            Parse every migration whole, so a syntax error anywhere in it is reported (HM110), as
            `alembic upgrade` would fail on it. Off, only the metadata block before the first
            `def` is read: about 1.6x faster on large histories, and bodies are left to linters.
            """
        ),
    )
    warnings_as_errors = BoolOption(
        default=False,
        help=softwrap(
            """
            Fail (exit 1) on warnings too, e.g. a `Revises:` docstring that disagrees with
            `down_revision`.
            """
        ),
    )


class RebaseStrategy(Enum):
    rebase = "rebase"
    merge = "merge"


class RebaseAlembicSubsystem(GoalSubsystem):
    name = "rebase-alembic"
    help = softwrap(
        """
        Make a branched Alembic history linear again: move the revisions your branch added on
        top of the base branch's head, rewriting only their `down_revision` and `Revises:` lines.

        Without `--onto`/`--revisions`, git decides: revisions added since the merge-base with
        `--base-ref` are yours, everything on the base branch is theirs and is never rewritten.
        All files are rewritten or none, the result is re-read and must have a single head, and
        overlapping schema changes on both sides (same table created, same column altered, ...)
        are refused unless `--force`. Histories are discovered as by `check-alembic`.
        """
    )

    base_ref = StrOption(
        default=None,
        help="The base branch; default: the first of `origin/main`, `main` that exists.",
    )
    onto = StrOption(
        default=None,
        help=softwrap(
            """
            Explicit mode: the revision to move the chains onto (the base head). Use with
            `--revisions` when git can't tell which revisions are yours.
            """
        ),
    )
    revisions = StrListOption(
        help="Explicit mode: the top revision(s) of the chain(s) to move onto `--onto`.",
    )
    check = BoolOption(
        default=False,
        help=softwrap(
            """
            Write nothing: print the unified diff that would be applied and exit 1 if the history
            needs a rebase, 0 if it is already linear (for CI).
            """
        ),
    )
    force = BoolOption(
        default=False,
        help="Rebase even when both sides touch the same table, column or index.",
    )
    allow_dirty = BoolOption(
        default=False,
        help="Rewrite even when the migration directories have uncommitted changes.",
    )
    strategy = EnumOption(
        default=RebaseStrategy.rebase,
        help=softwrap(
            """
            `rebase` rewrites your chain's bottom `down_revision`; `merge` instead writes a new
            empty merge migration (`down_revision = (head1, head2)`) from the history's
            `script.py.mako`, for teams that never rewrite migrations.
            """
        ),
    )
