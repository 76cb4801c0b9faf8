"""Options of the Alembic goals: `[check-alembic]` (which also says where histories are) and
`[rebase-alembic]`."""

from __future__ import annotations

from enum import Enum
from typing import Optional

from pants.engine.goal import GoalSubsystem
from pants.option.option_types import BoolOption, EnumOption, StrListOption, StrOption
from pants.util.strutil import softwrap

from monorepo_hygiene.alembic.codes import RULE_DOCS
from monorepo_hygiene.alembic.config import DEFAULT_SECTION
from monorepo_hygiene.alembic.discovery import DEFAULT_CONFIG_FILES
from monorepo_hygiene.alembic.release import ReleaseMarker
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

        Every history of the repository is found with no configuration: each `*.ini` with an
        `[alembic]` section, each `pyproject.toml` with a `[tool.alembic]` table (alembic >=
        1.16), and each directory shaped like a script directory (`env.py` next to `versions/`
        or `script.py.mako`) even when its config lives outside the repository; a history found
        twice is checked once, and its summary line says how it was found. Migrations are read
        without importing or executing any of them, and without a database. Only the histories
        that contain a file matched by the specs are checked, so
        `pants --changed-since=origin/main check-alembic` checks just the histories a change
        touches.
        """
        )
        + "\n\nCodes:\n\n"
        + render_rule_docs(RULE_DOCS)
    )

    config_files = StrListOption(
        default=list(DEFAULT_CONFIG_FILES),
        help=softwrap(
            """
            File names that are always Alembic config files, whatever their extension; a file
            with one of these names and no `[check-alembic].config_section` is an error (HM100).
            Any other `*.ini` counts when it has that section. A config's `script_location` (a
            path, or the `package:directory` form resolved through Pants' source roots) and
            `version_locations` say where the migrations live.
            """
        ),
        advanced=True,
    )
    config_section = StrOption(
        default=DEFAULT_SECTION,
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
        default=False,
        help=softwrap(
            """
            Also compile every migration whole, so a syntax error anywhere in it is reported
            (HM110), as `alembic upgrade` would fail on it. Off, only each migration's metadata
            block (docstring and assignments before the first `def`), which is all the graph
            needs, is read: about 4x faster on large histories. Bodies are a linter's job:
            `pants lint` reports a file CPython can't compile as HA100/HI100, cached per batch.
            """
        ),
    )
    draw_graph = BoolOption(
        default=True,
        help=softwrap(
            """
            With several heads (HM101), draw the part of the history that matters (the fork
            points up to each head, with file names) as `git log --graph` does, in the text
            output. Long straight runs are cut to their ends, so a large history draws small.
            """
        ),
    )
    mermaid_file = StrOption(
        default=None,
        help=softwrap(
            """
            Also write the same drawing as Mermaid `flowchart`s, in Markdown, to this file
            (relative to the build root), e.g. to append to `$GITHUB_STEP_SUMMARY` or post as a
            PR comment: GitHub renders it. Written on every run; it says so when no history has
            several heads.
            """
        ),
    )
    head_marker = BoolOption(
        default=False,
        help=softwrap(
            """
            Keep a head marker per history: `alembic_head.txt` beside its versions directory,
            holding the head revision id. Two branches that each add a migration then both
            rewrite that one line, and git reports the conflict at merge or rebase time, before
            a second head reaches main. A marker that is missing (HM113), stale (HM114) or in
            conflict (HM115) is reported; `--fix` writes it, `pants rebase-alembic` keeps it
            true and resolves its conflict, and alembic's `post_write_hooks` keep it true on
            `alembic revision` (`type = module`, `module =
            monorepo_hygiene.alembic.head_marker`; see the README).
            """
        ),
    )
    release_marker = StrOption(
        default=None,
        help=softwrap(
            """
            A regular expression (multi-line: `^` matches at each line) with a named group
            `release`, matching the comment that says which release a migration is part of,
            e.g. `^# Part of: (?P<release>\\S+)`. A migration whose marker names a release
            (anything but `release_marker_placeholder`) is never rewritten by
            `pants rebase-alembic`; `release_marker_required_after` requires the marker.
            """
        ),
        advanced=True,
    )
    release_marker_placeholder = StrOption(
        default=None,
        help=softwrap(
            """
            The `release` value that means "not released yet", e.g. `NEXT_RELEASE_VERSION`.
            """
        ),
        advanced=True,
    )
    release_marker_required_after = StrOption(
        default=None,
        help=softwrap(
            """
            A revision id: every migration after it (its descendants) must carry the
            `release_marker` (HM117).
            """
        ),
        advanced=True,
    )
    release_marker_allow_placeholder = BoolOption(
        default=False,
        help=softwrap(
            """
            Accept the `release_marker_placeholder` as the marker (HM117), e.g. on main, where
            new migrations are not released yet; leave it off on release branches.
            """
        ),
        advanced=True,
    )
    check_offline_reads = BoolOption(
        default=False,
        help=softwrap(
            """
            Report database reads in `upgrade()`/`downgrade()` (`execute`/`scalar` on
            `op.get_bind()`, `sa.inspect(bind)`, `Session(bind=...)`) in a function that never
            checks `context.is_offline_mode()`: `alembic upgrade --sql` fails on them (HM118).
            """
        ),
    )
    fix = BoolOption(
        default=False,
        help=softwrap(
            """
            Write the fixes of the findings marked `[*]` (the head marker, when the history has
            one head; redundant merge parents, HM116), then report what is left.
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

    def parsed_release_marker(self) -> Optional[ReleaseMarker]:
        """`release_marker` compiled, or None if unset; raises ReleaseMarkerError naming the
        option when it can't be used."""
        if not self.release_marker:
            return None
        return ReleaseMarker.parse(
            self.release_marker,
            self.release_marker_placeholder,
            option=f"[{self.name}].release_marker",
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

        Without `--onto`/`--revisions`, git decides. A revision that any base candidate has (the
        `--base-ref`; by default every one of `origin/HEAD`'s target, `origin/main`,
        `origin/master`, `main`, `master` that exists) is theirs and never rewritten; so is one
        that a merge commit of your branch brought in (its first-parent line is yours). When
        every head's chain is new to all of them, nothing is guessed: it refuses and names the
        chains.
        All files are rewritten or none, the result is re-read and must have a single head, and
        overlapping schema changes on both sides (same table created, same column altered, ...)
        are refused unless `--force`. Histories are discovered as by `check-alembic` (the same
        rule, so both goals always see the same histories and files).
        """
    )

    base_ref = StrOption(
        default=None,
        help=softwrap(
            """
            The base branch, instead of the default candidates (every one of `origin/HEAD`'s
            target, `origin/main`, `origin/master`, `main`, `master` that exists).
            """
        ),
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
    release_refs = StrListOption(
        help=softwrap(
            """
            Glob patterns over branch, remote branch and tag names (`*` also matches `/`), e.g.
            `origin/release/*`, `v*`: every revision a matching ref holds is released and never
            rewritten (nor is one whose `[check-alembic].release_marker` names a release); the
            refusal names the ref, and `--strategy=merge` joins the heads instead.
            """
        ),
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
