"""`run_rebase` end to end, in real git repositories built in temp dirs.

Every scenario: main and a feature branch each add migrations, main is merged into the branch,
then the rebase runs. Alembic itself is the oracle: after every rebase its `ScriptDirectory`
must load the history and report one head, and the database tests run `alembic upgrade head`
and `alembic downgrade base` on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest
import sqlalchemy
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monorepo_hygiene import files as atomic_files
from monorepo_hygiene.alembic.git_history import blob_id
from monorepo_hygiene.alembic.graph import RevisionGraph
from monorepo_hygiene.alembic.reader import read_history
from monorepo_hygiene.alembic.rebase import RebaseOutcome, RebaseRequest, read_versions, run_rebase
from tests.monorepo_hygiene.alembic.alembic_fixtures import (
    Rev,
    Style,
    chain,
    file_name,
    migration_source,
    write_alembic_project,
)

VERSIONS = "migrations/versions"
_GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


# Alembic imports the migrations these tests write.
pytestmark = pytest.mark.usefixtures("no_bytecode")


class Repo:
    """A git repository holding one alembic project (in `project`, relative to the top)."""

    def __init__(self, top: Path, base: Sequence[Rev], project: str = ".") -> None:
        self.top = top
        self.top.mkdir(parents=True, exist_ok=True)
        self.root = top / project
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        (top / ".gitignore").write_text("__pycache__/\n*.db\n")
        self.ini = write_alembic_project(self.root, base)
        self.commit("base")

    def git(self, *args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=self.top, env=_GIT_ENV, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def add(self, revisions: Sequence[Rev], message: str = "add migrations") -> None:
        for rev in revisions:
            self.write(file_name(rev, 0), migration_source(rev))
        self.commit(message)

    def write(self, name: str, source: str) -> None:
        (self.root / VERSIONS / name).write_text(source)

    def path_of(self, revision: str) -> str:
        (path,) = (self.root / VERSIONS).glob(f"{revision}_*.py")
        return f"{VERSIONS}/{path.name}"

    def rebase(self, **options: object) -> RebaseOutcome:
        outcome = run_rebase(RebaseRequest(str(self.root), (VERSIONS,), **options))  # type: ignore[arg-type]
        if outcome.changed_paths:
            # The oracle, after every rebase that wrote: alembic loads it and sees one head.
            assert len(self.alembic_heads()) == 1
        return outcome

    def files(self) -> Dict[str, bytes]:
        return read_versions(str(self.root), [VERSIONS])

    def alembic_heads(self) -> Tuple[str, ...]:
        """The oracle: alembic's own view of the history."""
        return tuple(ScriptDirectory.from_config(Config(str(self.ini))).get_heads())

    def changed_lines(self) -> Dict[str, List[str]]:
        """`git diff` of the work tree: path -> the removed and added lines."""
        changed: Dict[str, List[str]] = {}
        path = ""
        for line in self.git("diff", "--unified=0", "--no-color").splitlines():
            if line.startswith("+++ "):
                path = line[len("+++ b/") :]
            elif line[:1] in "+-" and not line.startswith("--- "):
                changed.setdefault(path, []).append(line)
        return changed


def diverged(
    top: Path,
    ours: Sequence[Sequence[Rev]] = (chain("o1", "o2", down=("b",)),),
    theirs: Sequence[Rev] = chain("t1", "t2", down=("b",)),
    base: Sequence[Rev] = chain("a", "b"),
    project: str = ".",
) -> Repo:
    """main: `base`; the branch adds each of `ours` (one commit each), main adds `theirs`, and
    main is merged into the branch."""
    repo = Repo(top, base, project)
    repo.git("checkout", "-q", "-b", "feature")
    for our_chain in ours:
        repo.add(our_chain, "ours")
    repo.git("checkout", "-q", "main")
    if theirs:
        repo.add(theirs, "theirs")
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    return repo


def test_our_chain_moves_onto_their_head_and_only_its_bottom_changes(tmp_path: Path) -> None:
    repo = diverged(tmp_path)
    assert sorted(repo.alembic_heads()) == ["o2", "t2"]

    outcome = repo.rebase()

    o1 = repo.path_of("o1")
    assert outcome == RebaseOutcome(
        0,
        "`migrations/versions` has heads `o2`, `t2`: moved `o1`, `o2` onto `t2` (base: `main`).\n"
        f"Updated {o1}: `down_revision` of `o1`: `b` -> `t2`",
        (o1,),
    )
    assert repo.alembic_heads() == ("o2",)
    assert repo.changed_lines() == {
        o1: [
            "-Revises: b",
            "+Revises: t2",
            '-down_revision: Union[str, Sequence[str], None] = "b"',
            '+down_revision: Union[str, Sequence[str], None] = "t2"',
        ]
    }

    again = repo.rebase()
    assert again == RebaseOutcome(
        0, "`migrations/versions` has one head (`o2`): nothing to rebase."
    )
    assert list(repo.changed_lines()) == [o1]


def test_files_keep_their_mode_and_new_ones_follow_the_umask(tmp_path: Path) -> None:
    repo = diverged(tmp_path / "rebase")
    o1 = repo.root / repo.path_of("o1")
    o1.chmod(0o640)  # Git tracks only the executable bit: the tree stays clean.
    assert repo.rebase().exit_code == 0
    assert o1.stat().st_mode & 0o777 == 0o640

    repo = diverged(tmp_path / "merge")
    umask = os.umask(0o027)
    try:
        (created,) = repo.rebase(strategy="merge").changed_paths
    finally:
        os.umask(umask)
    assert (repo.root / created).stat().st_mode & 0o777 == 0o640
    assert not list((repo.root / VERSIONS).glob(".*.tmp"))


def test_check_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    repo = diverged(tmp_path)
    before = repo.files()

    outcome = repo.rebase(check=True, fix_command="pants rebase-alembic migrations::")

    o1 = repo.path_of("o1")
    assert outcome.exit_code == 1
    assert outcome.changed_paths == ()
    assert outcome.output.startswith(
        "`migrations/versions` has heads `o2`, `t2`: move `o1`, `o2` onto `t2` (base: `main`).\n"
        f"Would update {o1}: `down_revision` of `o1`: `b` -> `t2`\n\n"
        f"--- a/{o1}\n+++ b/{o1}\n"
    )
    assert '-down_revision: Union[str, Sequence[str], None] = "b"\n' in outcome.output
    assert '+down_revision: Union[str, Sequence[str], None] = "t2"\n' in outcome.output
    assert outcome.output.endswith("\nTo fix, run `pants rebase-alembic migrations::`.")
    assert repo.files() == before

    assert repo.rebase().exit_code == 0
    assert repo.rebase(check=True) == RebaseOutcome(
        0, "`migrations/versions` has one head (`o2`): nothing to rebase."
    )


def test_project_below_the_top_of_the_work_tree(tmp_path: Path) -> None:
    repo = diverged(tmp_path, project="services/billing")
    outcome = repo.rebase()
    assert outcome.changed_paths == (repo.path_of("o1"),)
    assert repo.alembic_heads() == ("o2",)


def test_several_chains_of_ours_are_stacked_in_commit_order(tmp_path: Path) -> None:
    repo = diverged(tmp_path, ours=[chain("p1", down=("b",)), chain("o1", "o2", down=("a",))])
    assert len(repo.alembic_heads()) == 3

    outcome = repo.rebase()

    assert outcome.exit_code == 0, outcome.output
    assert "moved `p1` onto `t2`; `o1`, `o2` onto `p1`" in outcome.output
    assert repo.alembic_heads() == ("o2",)
    assert set(repo.changed_lines()) == {repo.path_of("p1"), repo.path_of("o1")}


def test_chain_with_a_merge_migration_moves_by_its_bottom(tmp_path: Path) -> None:
    ours = [Rev("o1", ("b",)), Rev("o2a", ("o1",)), Rev("o2b", ("o1",)), Rev("om", ("o2a", "o2b"))]
    repo = diverged(tmp_path, ours=[ours])
    outcome = repo.rebase()
    assert outcome.changed_paths == (repo.path_of("o1"),)
    assert repo.alembic_heads() == ("om",)


def test_earlier_merge_with_main_inside_our_chain(tmp_path: Path) -> None:
    repo = _merged_twice(tmp_path)
    outcome = repo.rebase()
    assert outcome.exit_code == 0, outcome.output
    om = repo.path_of("om")
    assert f"Updated {om}: `down_revision` of `om`: `o1`, `t1` -> `o1`" in outcome.output
    assert repo.alembic_heads() == ("om",)
    assert repo.changed_lines()[om] == [
        "-Revises: o1, t1",
        "+Revises: o1",
        '-down_revision: Union[str, Sequence[str], None] = ("o1", "t1")',
        '+down_revision: Union[str, Sequence[str], None] = "o1"',
    ]


def _merged_twice(top: Path) -> Repo:
    """The branch merged main's `t1` with a merge migration; main has gained `t2` since."""
    repo = Repo(top, chain("a", "b"))
    repo.git("checkout", "-q", "-b", "feature")
    repo.add(chain("o1", down=("b",)))
    repo.git("checkout", "-q", "main")
    repo.add(chain("t1", down=("b",)))
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    repo.add([Rev("om", ("o1", "t1"))])
    repo.git("checkout", "-q", "main")
    repo.add(chain("t2", down=("t1",)))
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    return repo


def test_styles_of_assignment_survive(tmp_path: Path) -> None:
    styled = Style(typed=False, quote="'", sequence="list", single_as_sequence=True)
    ours = [Rev("o1", ("b",), style=styled), Rev("o2", ("o1",), style=styled)]
    repo = diverged(tmp_path, ours=[ours])
    repo.rebase()
    assert repo.changed_lines() == {
        repo.path_of("o1"): [
            "-Revises: b",
            "+Revises: t2",
            "-down_revision = ['b']",
            "+down_revision = ['t2']",
        ]
    }
    assert repo.alembic_heads() == ("o2",)


def test_explicit_onto_and_revisions_when_git_cant_tell(tmp_path: Path) -> None:
    # Both chains on branches of their own, no base branch, no merge commit: nothing tells.
    repo = Repo(tmp_path, chain("a", "b"))
    repo.git("checkout", "-q", "-b", "other")
    repo.add(chain("t1", "t2", down=("b",)), "theirs")
    repo.git("checkout", "-q", "-b", "feature", "HEAD~1")
    repo.add(chain("o1", "o2", down=("b",)), "ours")
    repo.git("checkout", "-q", "other", "--", ".")
    repo.commit("took their files without a merge")
    repo.git("branch", "-D", "main")
    before = repo.files()

    refused = repo.rebase()

    assert refused.exit_code == 1
    assert refused.output == (
        "Can't rebase `migrations/versions`: can't tell which side is yours: every head's chain "
        "is on no base branch (none of `origin/HEAD`, `origin/main`, `origin/master`, `main`, "
        "`master` exists), and no merge commit of this branch brought one in:\n"
        "  head `o2`: `o1` (o1_change_o1.py) -> `o2` (o2_change_o2.py)\n"
        "  head `t2`: `t1` (t1_change_t1.py) -> `t2` (t2_change_t2.py)\n"
        "Pass `--base-ref=<branch that has the other side>`, or `--onto=<head to keep>` "
        "(with `--revisions=<top to move>`)"
    )
    assert repo.files() == before
    outcome = repo.rebase(onto="t2", revisions=("o2",))

    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.startswith(
        "none of `origin/HEAD`, `origin/main`, `origin/master`, `main`, `master` exists; pass the "
        "base branch with `--base-ref`: base branch revisions are not checked.\n"
    )
    assert repo.alembic_heads() == ("o2",)
    assert repo.rebase(base_ref="other").exit_code == 0  # Now linear: nothing to do.


# --- Which side is ours: every base candidate, and the merge structure --------------------------


def _feature_and_main(top: Path) -> Repo:
    """main: a <- b; the feature adds f1 <- f2 on b (two commits), main adds m1 on b."""
    repo = Repo(top, chain("a", "b"))
    repo.git("checkout", "-q", "-b", "feature")
    repo.add(chain("f1", down=("b",)), "f1")
    repo.add(chain("f2", down=("f1",)), "f2")
    repo.git("checkout", "-q", "main")
    repo.add(chain("m1", down=("b",)), "m1")
    repo.git("checkout", "-q", "feature")
    return repo


def _stale_origin_main(repo: Repo, ref: str = "main~1") -> None:
    repo.git("update-ref", "refs/remotes/origin/main", repo.git("rev-parse", ref).strip())
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")


def _assert_feature_moved_onto_m1(repo: Repo, m1_before: bytes) -> None:
    assert (repo.root / repo.path_of("m1")).read_bytes() == m1_before  # Main's, never rewritten.
    assert repo.alembic_heads() == ("f2",)
    assert repo.changed_lines() == {
        repo.path_of("f1"): [
            "-Revises: b",
            "+Revises: m1",
            '-down_revision: Union[str, Sequence[str], None] = "b"',
            '+down_revision: Union[str, Sequence[str], None] = "m1"',
        ]
    }


def test_local_main_ahead_of_a_stale_origin_main_is_never_rewritten(tmp_path: Path) -> None:
    # The reproduction: origin/main lacks m1, local main has it, main merged in.
    repo = _feature_and_main(tmp_path)
    _stale_origin_main(repo)
    repo.git("merge", "-q", "--no-edit", "main")
    m1_before = (repo.root / repo.path_of("m1")).read_bytes()

    outcome = repo.rebase()

    assert outcome.exit_code == 0, outcome.output
    assert "moved `f1`, `f2` onto `m1` (base: `origin/main`, `main`)." in outcome.output
    _assert_feature_moved_onto_m1(repo, m1_before)


def test_fresh_git_rebase_onto_main_without_a_merge_commit(tmp_path: Path) -> None:
    repo = _feature_and_main(tmp_path)
    _stale_origin_main(repo)
    repo.git("rebase", "-q", "main")
    m1_before = (repo.root / repo.path_of("m1")).read_bytes()

    outcome = repo.rebase()

    assert outcome.exit_code == 0, outcome.output
    _assert_feature_moved_onto_m1(repo, m1_before)


def test_local_main_behind_origin_main(tmp_path: Path) -> None:
    # m1 reached the remote (and the feature, by merging origin/main) but not the local main;
    # the feature's own remote branch is behind it too.
    repo = _feature_and_main(tmp_path)
    _stale_origin_main(repo, "main")
    repo.git("branch", "-f", "main", "main~1")
    repo.git(
        "update-ref", "refs/remotes/origin/feature", repo.git("rev-parse", "feature~1").strip()
    )
    repo.git("merge", "-q", "--no-edit", "origin/main")
    m1_before = (repo.root / repo.path_of("m1")).read_bytes()

    outcome = repo.rebase()

    assert outcome.exit_code == 0, outcome.output
    _assert_feature_moved_onto_m1(repo, m1_before)


def test_a_merged_in_branch_that_no_candidate_has_is_theirs(tmp_path: Path) -> None:
    # HEAD merged `other` (not a base candidate): the first-parent line is ours.
    repo = _feature_and_main(tmp_path)
    repo.git("checkout", "-q", "-b", "other", "main")
    repo.git("branch", "-f", "main", "main~1")  # Only `other` has m1.
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "other")
    m1_before = (repo.root / repo.path_of("m1")).read_bytes()

    outcome = repo.rebase()

    assert outcome.exit_code == 0, outcome.output
    assert "(base: `main`, what `" in outcome.output
    _assert_feature_moved_onto_m1(repo, m1_before)


def test_both_chains_new_to_every_candidate_is_refused(tmp_path: Path) -> None:
    repo = _feature_and_main(tmp_path)
    repo.git("checkout", "-q", "-b", "other", "main")
    repo.git("branch", "-f", "main", "main~1")
    repo.git("checkout", "-q", "feature")
    repo.git("checkout", "-q", "other", "--", ".")  # Their file, copied: no merge commit.
    repo.commit("copy m1")
    before = repo.files()

    outcome = repo.rebase()

    assert outcome.exit_code == 1
    assert "every head's chain is new to every base candidate (`main`)" in outcome.output
    assert "head `f2`: `f1` (f1_change_f1.py) -> `f2` (f2_change_f2.py)" in outcome.output
    assert "head `m1`: `m1` (m1_change_m1.py)" in outcome.output
    assert "`--base-ref=" in outcome.output and "`--onto=" in outcome.output
    assert repo.files() == before
    assert repo.rebase(base_ref="other").exit_code == 0
    assert repo.alembic_heads() == ("f2",)


def test_explicit_mode_outside_git(tmp_path: Path) -> None:
    ini = write_alembic_project(tmp_path, [*chain("a", "t1"), *chain("o1", "o2", down=("a",))])
    outcome = run_rebase(RebaseRequest(str(tmp_path), (VERSIONS,), onto="t1"))
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.splitlines()[:2] == [
        f"{tmp_path} is not in a git work tree: base branch revisions and uncommitted changes "
        "are not checked.",
        "`migrations/versions` has heads `o2`, `t1`: moved `o1`, `o2` onto `t1`.",
    ]
    assert ScriptDirectory.from_config(Config(str(ini))).get_heads() == ["o2"]
    auto = run_rebase(RebaseRequest(str(tmp_path / "missing"), (VERSIONS,)))
    assert auto.exit_code == 0  # No files there: nothing to do, git isn't even asked.


def test_untracked_files_other_than_migrations_are_not_dirt(tmp_path: Path) -> None:
    repo = diverged(tmp_path / "notes")
    (repo.root / VERSIONS / "NOTES.txt").write_text("scratch\n")
    assert repo.rebase().exit_code == 0
    repo = diverged(tmp_path / "new-migration")
    (repo.root / VERSIONS / "zz_new.py").write_text(migration_source(Rev("zz", ("o2",))))
    assert repo.rebase().output.endswith(
        "uncommitted changes in migrations/versions/zz_new.py; commit or stash them, "
        "or pass `--allow-dirty`"
    )


def test_base_ref_option(tmp_path: Path) -> None:
    repo = diverged(tmp_path)
    repo.git("branch", "-m", "main", "trunk")
    outcome = repo.rebase(base_ref="trunk")
    assert "(base: `trunk`)" in outcome.output
    assert repo.alembic_heads() == ("o2",)


def test_revisions_of_the_base_branch_are_never_rewritten(tmp_path: Path) -> None:
    repo = diverged(tmp_path)
    before = repo.files()
    outcome = repo.rebase(onto="o2", revisions=("t2",))
    t1 = repo.path_of("t1")
    line = _line_of(migration_source(Rev("t1", ("b",))), "revision: str")
    assert outcome == RebaseOutcome(
        1,
        f"Can't rebase `migrations/versions`: `t1` ({t1}:{line}) is on `main` and may already be "
        "applied to databases; it is never rewritten (`--strategy=merge` joins the heads instead)",
    )
    assert repo.files() == before


def test_dirty_tree_is_refused_unless_allowed(tmp_path: Path) -> None:
    repo = diverged(tmp_path)
    o2 = repo.root / repo.path_of("o2")
    o2.write_text(o2.read_text() + "# local edit\n")
    before = repo.files()

    outcome = repo.rebase()

    assert outcome.exit_code == 1
    assert outcome.output.endswith(
        f"uncommitted changes in {repo.path_of('o2')}; commit or stash them, "
        "or pass `--allow-dirty`"
    )
    assert repo.files() == before
    assert repo.rebase(allow_dirty=True).exit_code == 0
    assert repo.alembic_heads() == ("o2",)


def _line_of(source: str, text: str) -> int:
    return source[: source.index(text)].count("\n") + 1


def _creates_users(rev: Rev) -> str:
    return migration_source(rev).replace(f'"table_{rev.revision}"', '"users"')


def test_overlapping_schema_changes_are_refused_unless_forced(tmp_path: Path) -> None:
    repo = Repo(tmp_path, chain("a", "b"))
    repo.git("checkout", "-q", "-b", "feature")
    source = _creates_users(Rev("o1", ("b",)))
    line = _line_of(source, "op.create_table(")
    repo.write("o1_users.py", source)
    repo.commit("ours")
    repo.git("checkout", "-q", "main")
    repo.write("t1_users.py", _creates_users(Rev("t1", ("b",))))
    repo.commit("theirs")
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    before = repo.files()

    refused = repo.rebase()

    assert refused.exit_code == 1
    assert refused.output.splitlines() == [
        "Can't rebase `migrations/versions`: both sides change the same schema objects "
        "(`--force` goes ahead anyway):",
        "  - table `users` created on both sides: "
        f"`op.create_table` in `t1` ({VERSIONS}/t1_users.py:{line}); "
        f"`op.create_table` in `o1` ({VERSIONS}/o1_users.py:{line})",
    ]
    assert repo.files() == before

    forced = repo.rebase(force=True)
    assert forced.exit_code == 0
    assert forced.output.startswith("Overlap (going ahead with `--force`): table `users` created")
    assert repo.alembic_heads() == ("o1",)


def test_raw_sql_is_reported_as_not_compared(tmp_path: Path) -> None:
    repo = Repo(tmp_path, chain("a"))
    repo.git("checkout", "-q", "-b", "feature")
    source = migration_source(Rev("o1", ("a",))).replace(
        "def upgrade() -> None:\n", "def upgrade() -> None:\n    op.execute('UPDATE x SET y = 1')\n"
    )
    repo.write("o1_sql.py", source)
    repo.commit("ours")
    repo.git("checkout", "-q", "main")
    repo.add(chain("t1", down=("a",)))
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    outcome = repo.rebase()
    assert outcome.output.splitlines()[0] == (
        "Not compared (raw SQL or operations this doesn't read): "
        f"`op.execute` in `o1` ({VERSIONS}/o1_sql.py:{_line_of(source, 'op.execute(')})"
    )


def test_unreadable_migration_is_named_with_its_line(tmp_path: Path) -> None:
    repo = diverged(tmp_path)
    repo.write("zz_broken.py", 'revision = "zz"\ndown_revision = pick("b")\n')
    outcome = repo.rebase()
    assert outcome.exit_code == 1
    assert f"{VERSIONS}/zz_broken.py:2: `down_revision` is computed at runtime" in outcome.output


def test_merge_strategy_writes_an_alembic_merge_migration(tmp_path: Path) -> None:
    repo = diverged(tmp_path)
    before = repo.files()

    check = repo.rebase(strategy="merge", check=True)
    assert check.exit_code == 1
    assert re.search(
        r"Would create migrations/versions/[0-9a-f]{12}_merge_heads_t2_o2\.py", check.output
    )
    assert "+down_revision: Union[str, Sequence[str], None] = ('t2', 'o2')\n" in check.output
    assert repo.files() == before

    outcome = repo.rebase(strategy="merge")

    assert outcome.exit_code == 0, outcome.output
    (created,) = outcome.changed_paths
    assert set(repo.files()) == {*before, created}
    assert {path: content for path, content in repo.files().items() if path != created} == before
    script = ScriptDirectory.from_config(Config(str(repo.ini)))
    (head,) = script.get_heads()
    assert script.get_revision(head).down_revision == ("t2", "o2")
    assert repo.rebase(strategy="merge").output.endswith("nothing to rebase.")


@pytest.mark.parametrize("strategy", ["rebase", "merge"])
def test_files_listed_by_discovery_are_the_history(tmp_path: Path, strategy: str) -> None:
    # As the Pants goal runs it: the paths `check-alembic`'s discovery listed, not a new walk.
    repo = diverged(tmp_path)
    (repo.root / VERSIONS / "zz_not_listed.py").write_text(migration_source(Rev("zz", ("t2",))))
    listed = tuple(sorted(path for path in repo.files() if "zz_" not in path))
    outcome = run_rebase(
        RebaseRequest(
            str(repo.root), (VERSIONS,), strategy=strategy, migration_paths=listed, allow_dirty=True
        )
    )
    assert outcome.exit_code == 0, outcome.output
    (repo.root / VERSIONS / "zz_not_listed.py").unlink()
    assert len(repo.alembic_heads()) == 1  # Nothing was put on top of the unlisted `zz`.


def test_blob_id_is_gits(tmp_path: Path) -> None:
    content = "ünïcode\r\nand bytes\n".encode()
    (tmp_path / "f").write_bytes(content)
    expected = subprocess.run(
        ["git", "hash-object", "f"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert blob_id(content) == expected


# --- Failure injection: all files or none ------------------------------------------------------


def _two_file_rebase(top: Path) -> Repo:
    return diverged(top, ours=[chain("p1", down=("b",)), chain("o1", "o2", down=("a",))])


def test_failing_replace_midway_restores_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _two_file_rebase(tmp_path)
    before = repo.files()
    real_replace = os.replace
    calls: List[str] = []

    def flaky_replace(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", flaky_replace)
    outcome = repo.rebase()

    # Two writes, the second failing, then the first file put back the same way.
    assert len(calls) == 3 and calls[2] == calls[0]
    assert outcome.exit_code == 1
    assert "No space left on device" in outcome.output
    assert repo.files() == before
    assert repo.git("status", "--porcelain") == ""


def test_failed_verification_after_writing_restores_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _two_file_rebase(tmp_path)
    before = repo.files()
    real_stage = atomic_files._stage
    staged: List[str] = []

    def corrupting_stage(target: str, content: bytes, new: bool) -> str:
        # The second file is written with a cycle: every write succeeds, the re-read fails.
        staged.append(target)
        if len(staged) == 2:
            content, count = re.subn(rb'(down_revision[^=\n]*= )"\w+"', rb'\1"o2"', content)
            assert count == 1
        return real_stage(target, content, new)

    monkeypatch.setattr(atomic_files, "_stage", corrupting_stage)
    outcome = repo.rebase()

    assert len(staged) == 4  # Two writes, two restores.
    assert outcome.exit_code == 1
    assert "the rewritten history" in outcome.output
    assert repo.files() == before
    assert repo.git("status", "--porcelain") == ""


def test_non_utf8_byte_in_a_comment_is_rewritten_byte_for_byte(tmp_path: Path) -> None:
    # CPython and alembic accept it; the rebase must neither refuse nor touch the byte.
    repo = diverged(tmp_path)
    o1 = repo.root / repo.path_of("o1")
    o1.write_bytes(o1.read_bytes().replace(b"\nrevision", b"# r\xe9sum\xe9\nrevision", 1))
    repo.commit("latin-1 comment")
    before = o1.read_bytes()
    assert repo.rebase().exit_code == 0
    after = o1.read_bytes()
    assert b"# r\xe9sum\xe9\n" in after
    assert after.replace(b'= "t2"', b'= "b"').replace(b"Revises: t2", b"Revises: b") == before


def _permissions_as_for_a_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Root may open a 0444 file for writing; a user may not. Under root, `open` in the module
    that writes the files refuses as the kernel would for a user, so the test means the same for
    both."""
    if os.geteuid() != 0:
        return
    real_open = open

    def user_open(file: str, mode: str = "r", *args: object, **kwargs: object) -> object:
        if any(flag in mode for flag in "wax+") and os.path.exists(file):
            if not os.stat(file).st_mode & 0o222:
                raise PermissionError(13, "Permission denied", file)
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(atomic_files, "open", user_open, raising=False)


def test_read_only_files_are_restored_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _two_file_rebase(tmp_path)
    before = repo.files()
    for revision in ("p1", "o1"):  # The two files the rebase rewrites.
        (repo.root / repo.path_of(revision)).chmod(0o444)
    _permissions_as_for_a_user(monkeypatch)
    real_stage = atomic_files._stage
    staged: List[str] = []

    def corrupting_stage(target: str, content: bytes, new: bool) -> str:
        staged.append(target)
        if len(staged) == 2:  # Both writes succeed, the re-read finds a cycle.
            content = re.sub(rb'(down_revision[^=\n]*= )"\w+"', rb'\1"o2"', content)
        return real_stage(target, content, new)

    monkeypatch.setattr(atomic_files, "_stage", corrupting_stage)
    outcome = repo.rebase()

    assert outcome.exit_code == 1
    assert "the rewritten history" in outcome.output
    assert "could not restore" not in outcome.output
    assert repo.files() == before
    assert repo.git("status", "--porcelain") == ""
    for revision in ("p1", "o1"):
        assert (repo.root / repo.path_of(revision)).stat().st_mode & 0o777 == 0o444


# --- Property: random branched histories --------------------------------------------------------

_STYLES = st.builds(
    Style,
    typed=st.booleans(),
    quote=st.sampled_from(['"', "'"]),
    sequence=st.sampled_from(["tuple", "list"]),
    single_as_sequence=st.booleans(),
    file_name=st.sampled_from(["rev_first", "slug_first"]),
)


@st.composite
def _histories(draw: st.DrawFn) -> Tuple[List[Rev], List[Rev], List[List[Rev]]]:
    def styled(revs: Sequence[Rev]) -> List[Rev]:
        return [Rev(r.revision, r.down, style=draw(_STYLES)) for r in revs]

    base = styled(chain(*(f"b{i}" for i in range(draw(st.integers(1, 3))))))
    theirs = styled(
        chain(*(f"t{i}" for i in range(draw(st.integers(0, 3)))), down=(base[-1].revision,))
    )
    ours: List[List[Rev]] = []
    for c in range(draw(st.integers(1, 2))):
        fork = draw(st.sampled_from([r.revision for r in base]))
        length = draw(st.integers(1, 3))
        ours.append(styled(chain(*(f"o{c}x{i}" for i in range(length)), down=(fork,))))
    return base, theirs, ours


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(_histories())
def test_random_branched_histories(history: Tuple[List[Rev], List[Rev], List[List[Rev]]]) -> None:
    base, theirs, ours = history
    with tempfile.TemporaryDirectory() as top:
        repo = diverged(Path(top), ours=ours, theirs=theirs, base=base)
        before = repo.files()
        heads_before = RevisionGraph.from_migrations(read_history(before).migrations).heads

        outcome = repo.rebase()

        main_revisions = {rev.revision for rev in (*base, *theirs)}
        if len(heads_before) > 1 and not main_revisions & set(heads_before):
            # No head is main's: every chain is new to main, so which moves is not guessed.
            assert outcome.exit_code == 1
            assert "can't tell which side is yours" in outcome.output
            assert repo.files() == before
            return
        assert outcome.exit_code == 0, outcome.output
        assert len(repo.alembic_heads()) == 1
        after = repo.files()
        assert set(after) == set(before)
        assert {m.revision for m in read_history(after).migrations} == {
            m.revision for m in read_history(before).migrations
        }
        our_paths = {m.path for m in read_history(before).migrations if m.revision.startswith("o")}
        changed = {path for path in before if before[path] != after[path]}
        assert changed <= our_paths
        assert set(outcome.changed_paths) == changed
        for lines in repo.changed_lines().values():
            assert all("down_revision" in line or line[1:].startswith("Revises:") for line in lines)
        if len(heads_before) == 1:
            assert outcome.output.endswith("nothing to rebase.")

        again = repo.rebase()
        assert again.exit_code == 0
        assert again.output.endswith("nothing to rebase.")
        assert repo.files() == after


# --- Real databases ----------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'app.db'}"


def _rebased_simple(top: Path) -> Repo:
    repo = diverged(top)
    assert repo.rebase().exit_code == 0
    return repo


def _rebased_merged_twice(top: Path) -> Repo:
    repo = _merged_twice(top)
    assert repo.rebase().exit_code == 0
    return repo


def _merged_with_strategy(top: Path) -> Repo:
    repo = diverged(top)
    assert repo.rebase(strategy="merge").exit_code == 0
    return repo


_SCENARIOS = {
    "rebase": _rebased_simple,
    "rebase-chain-with-merge": _rebased_merged_twice,
    "merge-strategy": _merged_with_strategy,
}


def _upgrade_and_downgrade(repo: Repo, url: str) -> None:
    assert len(repo.alembic_heads()) == 1
    config = Config(str(repo.ini))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    files = repo.files()
    tables = {
        f"table_{m.revision}"
        for m in read_history(files).migrations
        if b"op.create_table" in files[m.path]
    }
    engine = sqlalchemy.create_engine(url)
    try:
        command.upgrade(config, "head")
        with engine.connect() as connection:
            version = connection.execute(sqlalchemy.text("SELECT version_num FROM alembic_version"))
            assert [row[0] for row in version] == list(repo.alembic_heads())
        assert tables <= set(sqlalchemy.inspect(engine).get_table_names())
        command.downgrade(config, "base")
        assert not tables & set(sqlalchemy.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("scenario", sorted(_SCENARIOS))
def test_upgrade_and_downgrade_on_sqlite(tmp_path: Path, sqlite_url: str, scenario: str) -> None:
    (tmp_path / "db").mkdir()
    repo = _SCENARIOS[scenario](tmp_path / "repo")
    _upgrade_and_downgrade(repo, sqlite_url)


@pytest.mark.parametrize("scenario", sorted(_SCENARIOS))
def test_upgrade_and_downgrade_on_postgresql(
    tmp_path: Path, postgres_url: str, scenario: str
) -> None:
    repo = _SCENARIOS[scenario](tmp_path / "repo")
    _upgrade_and_downgrade(repo, postgres_url)
