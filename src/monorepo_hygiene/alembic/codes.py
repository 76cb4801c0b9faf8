"""Documentation of every `check-alembic` finding code, in ruff's shape."""

from __future__ import annotations

from typing import Tuple

from ..rule_docs import RuleDoc

INVALID_ALEMBIC_CONFIG = "HM100"
MULTIPLE_HEADS = "HM101"
MULTIPLE_BASES = "HM102"
REVISION_CYCLE = "HM103"
MISSING_DOWN_REVISION = "HM104"
MISSING_DEPENDENCY = "HM105"
DUPLICATE_REVISION = "HM106"
AMBIGUOUS_REVISION_PREFIX = "HM107"
DOCSTRING_REVISES_MISMATCH = "HM108"
DOCSTRING_REVISION_ID_MISMATCH = "HM109"
UNREADABLE_MIGRATION = "HM110"
BRANCH_LABEL_CLASH = "HM111"
ILLEGAL_REVISION_ID = "HM112"
# The head marker (`head_marker.py`).
HEAD_MARKER_MISSING = "HM113"
HEAD_MARKER_STALE = "HM114"
HEAD_MARKER_CONFLICT = "HM115"
# The migration conventions (`conventions.py`).
REDUNDANT_MERGE_PARENT = "HM116"
MISSING_RELEASE_MARKER = "HM117"
OFFLINE_UNSAFE_READ = "HM118"

_NO_FIX = "No automatic fix."

RULE_DOCS: Tuple[RuleDoc, ...] = (
    RuleDoc(
        code=INVALID_ALEMBIC_CONFIG,
        name="invalid-alembic-config",
        what_it_does="Checks that each `alembic.ini` names a `script_location` that exists.",
        why_is_this_bad=(
            "Without it alembic can't find the migrations, and neither can the other checks, "
            "so that history goes unchecked."
        ),
        example="[alembic]\nscript_location = %(here)s/migration",
        use_instead="[alembic]\nscript_location = %(here)s/migrations",
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=MULTIPLE_HEADS,
        name="multiple-heads",
        what_it_does=(
            "Checks that the history has a single head: one revision no `down_revision` names. "
            "Lists each head's own revisions back to the point where the branches forked."
        ),
        why_is_this_bad=(
            "Two branches each added migrations on top of the same revision. "
            "`alembic upgrade head` fails with `Multiple head revisions are present`, and the "
            "two sides were never applied together, so they may conflict."
        ),
        example=(
            '# b1_add_email.py\nrevision = "b1"\ndown_revision = "a0"\n'
            '# c1_add_phone.py\nrevision = "c1"\ndown_revision = "a0"'
        ),
        use_instead=(
            "# After checking both sides touch different tables and columns, rebase one side:\n"
            '# c1_add_phone.py\nrevision = "c1"\ndown_revision = "b1"\n'
            "# (`pants rebase-alembic <versions dir>` does this; `alembic merge heads` adds a "
            "merge migration instead.)"
        ),
        options=("[check-alembic].allow_labeled_branches",),
        fix_safety="Fixed by `pants rebase-alembic`, which first looks for conflicting changes.",
    ),
    RuleDoc(
        code=MULTIPLE_BASES,
        name="multiple-bases",
        what_it_does=(
            "Checks that the history has a single base: one revision whose `down_revision` is "
            "`None`. The base most revisions build on is taken as the real one."
        ),
        why_is_this_bad=(
            "An extra base is usually a migration written by hand with `down_revision = None`: "
            "it runs in no defined order relative to the rest and makes a second head."
        ),
        example='# b7_add_index.py\nrevision = "b7"\ndown_revision = None',
        use_instead='# b7_add_index.py\nrevision = "b7"\ndown_revision = "a6"',
        options=("[check-alembic].allow_labeled_branches",),
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=REVISION_CYCLE,
        name="revision-cycle",
        what_it_does=(
            "Checks that no revision is its own ancestor through `down_revision` and `depends_on`."
        ),
        why_is_this_bad=(
            "Alembic can't order a cycle: it raises `CycleDetected`, or, for a cycle between a "
            "base and a head, misses it and upgrades in an order that breaks later."
        ),
        example='# a1.py\nrevision = "a1"\ndown_revision = "b2"\n# b2.py\nrevision = "b2"\n'
        'down_revision = "a1"',
        use_instead='# a1.py\nrevision = "a1"\ndown_revision = None\n# b2.py\nrevision = "b2"\n'
        'down_revision = "a1"',
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=MISSING_DOWN_REVISION,
        name="missing-down-revision",
        what_it_does=(
            "Checks that every `down_revision` names a revision of the history. Hints when the "
            "value is a file name, a branch label or an abbreviated id."
        ),
        why_is_this_bad=(
            "Alembic fails to load the history (`Revision ... referenced from ... is not "
            "present`); usually a file was deleted or renamed, or its name was pasted instead of "
            "its id."
        ),
        example='# 1a2b_add_users.py has revision = "1a2b"\ndown_revision = "1a2b_add_users"',
        use_instead='down_revision = "1a2b"',
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=MISSING_DEPENDENCY,
        name="missing-dependency",
        what_it_does=(
            "Checks that every `depends_on` entry names a revision id or a branch label of the "
            "history."
        ),
        why_is_this_bad="Alembic fails to load the history with a `KeyError`.",
        example='depends_on = "networkng"',
        use_instead='depends_on = "networking"',
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=DUPLICATE_REVISION,
        name="duplicate-revision",
        what_it_does="Checks that no two migration files declare the same `revision`.",
        why_is_this_bad=(
            "Alembic keeps one of them (the last it loads) and drops the other with only a "
            "warning, "
            "usually after a file was copied to start a new migration."
        ),
        example='# a1_add_users.py\nrevision = "a1"\n# b2_add_orders.py\nrevision = "a1"',
        use_instead='# b2_add_orders.py\nrevision = "b2"',
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=AMBIGUOUS_REVISION_PREFIX,
        name="ambiguous-revision-prefix",
        what_it_does="Checks that no revision id is a prefix of another one.",
        why_is_this_bad=(
            "Alembic accepts abbreviated ids on the command line (`alembic downgrade 3f2a`); "
            "when one id starts another, an abbreviation means different revisions to different "
            "people and tools."
        ),
        example='revision = "3f2a"  # and elsewhere: revision = "3f2ab91c"',
        use_instead='revision = "9d41c07e"  # and elsewhere: revision = "3f2ab91c"',
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=DOCSTRING_REVISES_MISMATCH,
        name="docstring-revises-mismatch",
        what_it_does=(
            "Checks that the docstring's `Revises:` line lists the same revisions as "
            "`down_revision`. A warning."
        ),
        why_is_this_bad=(
            "The docstring is what people read; after a hand-made rebase it often still names "
            "the old parent and misleads reviewers."
        ),
        example='"""Add email\n\nRevises: a0\n"""\ndown_revision = "b1"',
        use_instead='"""Add email\n\nRevises: b1\n"""\ndown_revision = "b1"',
        fix_safety="`pants rebase-alembic` keeps the two in step.",
    ),
    RuleDoc(
        code=DOCSTRING_REVISION_ID_MISMATCH,
        name="docstring-revision-id-mismatch",
        what_it_does=(
            "Checks that the docstring's `Revision ID:` line matches `revision`. A warning."
        ),
        why_is_this_bad=(
            "It usually means a file was copied and only one of the two was changed; searches "
            "for the id then find the wrong file."
        ),
        example='"""Add email\n\nRevision ID: a0\n"""\nrevision = "b1"',
        use_instead='"""Add email\n\nRevision ID: b1\n"""\nrevision = "b1"',
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=UNREADABLE_MIGRATION,
        name="unreadable-migration",
        what_it_does=(
            "Reports migration files whose revision metadata can't be read without running "
            "them: syntax errors (in the metadata block; anywhere with `check_syntax`), "
            "undecodable bytes, a missing `revision` or `down_revision`, or one computed at "
            "runtime."
        ),
        why_is_this_bad=(
            "Alembic imports every migration to build the history, so a broken file stops every "
            "command; a value computed at runtime hides the history's shape from review and "
            "from these checks."
        ),
        example="down_revision = get_previous_revision()",
        use_instead='down_revision = "a0"',
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=BRANCH_LABEL_CLASH,
        name="branch-label-clash",
        what_it_does=(
            "Checks that each branch label is declared once and isn't also a revision id."
        ),
        why_is_this_bad="Alembic refuses to load such a history (`Branch name ... already used`).",
        example='# a1.py\nbranch_labels = ("billing",)\n# c3.py\nbranch_labels = ("billing",)',
        use_instead='# a1.py\nbranch_labels = ("billing",)\n# c3.py\nbranch_labels = None',
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=ILLEGAL_REVISION_ID,
        name="illegal-revision-id",
        what_it_does="Checks that revision ids contain none of `@`, `-` and `+`.",
        why_is_this_bad=(
            "Alembic uses them for relative targets (`head-1`, `branch@head`) and refuses to "
            "load an id containing them."
        ),
        example='revision = "2024-05-add-users"',
        use_instead='revision = "2024_05_add_users"',
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=HEAD_MARKER_MISSING,
        name="head-marker-missing",
        what_it_does=(
            "With `[check-alembic].head_marker`, checks that the history has its head marker: "
            "`alembic_head.txt` beside the versions directory, holding the head revision id."
        ),
        why_is_this_bad=(
            "Two pull requests that each add a migration are green on their own; the second "
            "head appears only once both are merged. When both also rewrite the one line of the "
            "marker, git reports a conflict at merge or rebase time instead."
        ),
        example="svc/migrations/versions/  # and no svc/migrations/alembic_head.txt",
        use_instead="# svc/migrations/alembic_head.txt\nc3d4e5f6a7b8",
        options=("[check-alembic].head_marker",),
        fix_safety=(
            "`pants check-alembic --fix` writes it when the history has one head; "
            "`pants rebase-alembic` writes it when it makes the history linear."
        ),
    ),
    RuleDoc(
        code=HEAD_MARKER_STALE,
        name="head-marker-stale",
        what_it_does="Checks that the head marker names the history's head.",
        why_is_this_bad=(
            "A migration was added without updating the marker (no post-write hook), so the "
            "next branch that adds one won't conflict with it."
        ),
        example="# alembic_head.txt\na1  # but `c3` revises `a1`",
        use_instead="# alembic_head.txt\nc3",
        options=("[check-alembic].head_marker",),
        fix_safety="`pants check-alembic --fix` rewrites it when the history has one head.",
    ),
    RuleDoc(
        code=HEAD_MARKER_CONFLICT,
        name="head-marker-conflict",
        what_it_does="Reports a head marker that holds git conflict markers.",
        why_is_this_bad=(
            "Both branches added a migration on the same head: merged as is, the history has two "
            "heads and `alembic upgrade head` fails."
        ),
        example="<<<<<<< HEAD\nb2\n=======\nc3\n>>>>>>> feature",
        use_instead=("# `pants rebase-alembic` moved `c3` onto `b2`:\n# alembic_head.txt\nc3"),
        options=("[check-alembic].head_marker",),
        fix_safety=(
            "`pants rebase-alembic` takes both heads from the conflict (during `git merge`, "
            "`HEAD`'s is yours; during `git rebase`, the replayed commit's is), moves yours on "
            "top (or writes a merge migration with `--strategy=merge`) and resolves the marker; "
            "`git add` it to finish the merge or rebase."
        ),
    ),
    RuleDoc(
        code=REDUNDANT_MERGE_PARENT,
        name="redundant-merge-parent",
        what_it_does=(
            "Checks that no merge revision lists a parent that is already an ancestor of another "
            "parent it lists. On by default: a graph fault."
        ),
        why_is_this_bad=(
            "Alembic can't order such a merge: `alembic upgrade head` fails with a `KeyError` "
            "naming the redundant parent, on a fresh database as on one already past it. It "
            'happens when a "merge heads" lists revisions that were backported to a branch '
            "and are already below another head."
        ),
        example=(
            '# b revises a, c revises b, x revises a\nrevision = "m"\n'
            'down_revision = ("b", "c", "x")'
        ),
        use_instead='revision = "m"\ndown_revision = ("c", "x")',
        fix_safety=(
            "`pants check-alembic --fix` drops the redundant parents from `down_revision` and "
            "`Revises:`; the graph keeps the same heads, bases and ancestors (`b` is still below "
            "`m`, through `c`)."
        ),
    ),
    RuleDoc(
        code=MISSING_RELEASE_MARKER,
        name="missing-release-marker",
        what_it_does=(
            "With `release_marker` and `release_marker_required_after`, checks that every "
            "migration added after that revision carries the release marker, and (unless "
            "`release_marker_allow_placeholder`) that it names a release, not the placeholder."
        ),
        why_is_this_bad=(
            "The marker says which release shipped a migration; `rebase-alembic` never rewrites "
            "a released one, and reviewers know which migrations are already on databases."
        ),
        example='"""Add email"""\nrevision = "c3"',
        use_instead='"""Add email"""\n# Part of: NEXT_RELEASE_VERSION\nrevision = "c3"',
        options=(
            "[check-alembic].release_marker",
            "[check-alembic].release_marker_placeholder",
            "[check-alembic].release_marker_required_after",
            "[check-alembic].release_marker_allow_placeholder",
        ),
        fix_safety=_NO_FIX,
    ),
    RuleDoc(
        code=OFFLINE_UNSAFE_READ,
        name="offline-unsafe-read",
        what_it_does=(
            "With `check_offline_reads`, checks that `upgrade()`/`downgrade()` don't read from "
            "the database (`execute`/`scalar` on `op.get_bind()`, `sa.inspect(bind)`, "
            "`Session(bind=bind)`) unless the function checks `context.is_offline_mode()`."
        ),
        why_is_this_bad=(
            "`alembic upgrade --sql` writes the SQL for a DBA without a database: there is "
            "nothing to read from, and the command fails on the whole history."
        ),
        example=(
            "def upgrade():\n    bind = op.get_bind()\n"
            '    rows = bind.execute(sa.text("SELECT id FROM users")).fetchall()'
        ),
        use_instead=(
            "def upgrade():\n    if context.is_offline_mode():\n"
            '        raise NotImplementedError("needs the data: run online")\n'
            '    rows = op.get_bind().execute(sa.text("SELECT id FROM users")).fetchall()'
        ),
        options=("[check-alembic].check_offline_reads",),
        fix_safety=_NO_FIX,
    ),
)
