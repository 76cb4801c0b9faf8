"""The head marker (issue 25): git reports the second head as a conflict, `check-alembic` reports
the marker's state, `rebase-alembic` resolves it, and alembic's own post-write hook keeps it.

Everything runs for real: `alembic revision` (with the hook configured in alembic.ini and in
pyproject.toml) writes the migrations and the marker on two branches of a real git repository,
`git merge` / `git rebase` stop on the marker's conflict, and alembic's `ScriptDirectory` is the
oracle for the heads afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

import monorepo_hygiene
from monorepo_hygiene.alembic.check import CheckOptions, check_history
from monorepo_hygiene.alembic.head_marker import (
    HEAD_MARKER_NAME,
    MarkerConflict,
    MarkerFile,
    head_marker_path,
    read_marker,
)
from monorepo_hygiene.alembic.rebase import RebaseOutcome, RebaseRequest, read_versions, run_rebase
from tests.monorepo_hygiene.alembic.alembic_fixtures import chain, write_alembic_project

VERSIONS = "migrations/versions"
MARKER = f"migrations/{HEAD_MARKER_NAME}"
_GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_EDITOR": "true",
}
# The setting the README documents, as a user pastes it.
HOOK_INI = """
[post_write_hooks]
hooks = head_marker
head_marker.type = module
head_marker.module = monorepo_hygiene.alembic.head_marker
"""
# Alembic before 1.16.3 has no `module` hook type: `exec` runs the interpreter named.
HOOK_INI_EXEC = f"""
[post_write_hooks]
hooks = head_marker
head_marker.type = exec
head_marker.executable = {sys.executable}
head_marker.options = -m monorepo_hygiene.alembic.head_marker REVISION_SCRIPT_FILENAME
"""
HOOK_PYPROJECT = """
[tool.alembic]
script_location = "%(here)s/migrations"

[[tool.alembic.post_write_hooks]]
name = "head_marker"
type = "module"
module = "monorepo_hygiene.alembic.head_marker"
"""


pytestmark = pytest.mark.usefixtures("no_bytecode")


@pytest.fixture(autouse=True)
def _hook_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Alembic runs the hook as `sys.executable -m ...`: it must import this checkout's core.
    source_root = os.path.dirname(os.path.dirname(monorepo_hygiene.__file__))
    path = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", source_root + (os.pathsep + path if path else ""))


# --- Reading a marker ------------------------------------------------------------------------


def test_a_marker_holds_one_revision_id() -> None:
    assert read_marker(b"c3d4\n").revision == "c3d4"
    assert read_marker(b"\n  c3d4  \n\n").revision == "c3d4"
    assert read_marker(b"").revision is None
    assert read_marker(b"a1\nb2\n").revision is None


def test_conflict_markers_give_both_sides_in_merge_and_diff3_style() -> None:
    merge = read_marker(b"<<<<<<< HEAD\nb2\n=======\nc3\n>>>>>>> feature\n").conflict
    assert merge == MarkerConflict(1, ("b2",), ("c3",))
    diff3 = read_marker(
        b"<<<<<<< HEAD\nb2\n||||||| base\na1\n=======\nc3\n>>>>>>> 9f1c (add c3)\n"
    ).conflict
    assert diff3 == MarkerConflict(1, ("b2",), ("c3",))
    # During `git rebase` HEAD is the upstream (kept); during `git merge` it is yours (moved).
    assert merge.sides(merging=False) == ("b2", "c3")
    assert merge.sides(merging=True) == ("c3", "b2")


def test_head_marker_sits_beside_the_versions_directory() -> None:
    assert head_marker_path(["svc/migrations/versions"]) == f"svc/migrations/{HEAD_MARKER_NAME}"
    assert head_marker_path(["versions/"]) == HEAD_MARKER_NAME


# --- check-alembic ----------------------------------------------------------------------------


def _check(marker: Optional[bytes], revisions: Sequence[str] = ("a1", "b2")) -> Tuple[str, ...]:
    files = {
        f"{VERSIONS}/{rev.revision}.py": _source(rev.revision, rev.down)
        for rev in chain(*revisions)
    }
    report = check_history(VERSIONS, files, CheckOptions(), head_marker=MarkerFile(MARKER, marker))
    return tuple(f"{f.code} {f.message}{' [*]' if f.fixable else ''}" for f in report.findings)


def _source(revision: str, down: Tuple[str, ...]) -> bytes:
    return f"revision = {revision!r}\ndown_revision = {(down[0] if down else None)!r}\n".encode()


def test_check_reports_a_missing_stale_or_conflicted_marker_and_says_what_to_run() -> None:
    assert _check(b"b2\n") == ()
    assert _check(None) == (
        f"HM113 No head marker for `{VERSIONS}`; run `pants check-alembic --fix {VERSIONS}` "
        "to write it [*]",
    )
    assert _check(b"a1\n") == (
        f"HM114 Head marker names `a1`, but the head is `b2`; run "
        f"`pants check-alembic --fix {VERSIONS}` [*]",
    )
    assert _check(b"<<<<<<< HEAD\nb2\n=======\nc3\n>>>>>>> feature\n") == (
        "HM115 Head marker in conflict between `b2` and `c3`: two branches each added a "
        f"migration; run `pants rebase-alembic {VERSIONS}` (it takes both heads from the "
        "conflict), then `git add` the marker",
    )


def test_the_fix_writes_the_head_and_only_for_fixable_findings() -> None:
    files = {f"{VERSIONS}/{r.revision}.py": _source(r.revision, r.down) for r in chain("a1", "b2")}
    stale = check_history(VERSIONS, files, head_marker=MarkerFile(MARKER, b"a1\n"))
    assert stale.fixes == ((MARKER, b"b2\n"),)
    true = check_history(VERSIONS, files, head_marker=MarkerFile(MARKER, b"b2\n"))
    assert true.fixes == ()
    conflicted = check_history(
        VERSIONS, files, head_marker=MarkerFile(MARKER, b"<<<<<<< HEAD\na1\n=======\nb2\n>>>>>>>\n")
    )
    assert conflicted.fixes == ()  # rebase-alembic's job: it needs git to tell the sides.
    assert check_history(VERSIONS, files).fixes == ()  # markers off


def test_with_several_heads_a_missing_marker_points_at_rebase_alembic() -> None:
    files = {
        f"{VERSIONS}/a1.py": _source("a1", ()),
        f"{VERSIONS}/b2.py": _source("b2", ("a1",)),
        f"{VERSIONS}/c3.py": _source("c3", ("a1",)),
    }
    report = check_history(VERSIONS, files, head_marker=MarkerFile(MARKER, None))
    hm113 = [f for f in report.findings if f.code == "HM113"]
    assert [(f.message, f.fixable) for f in hm113] == [
        (
            f"No head marker for `{VERSIONS}`; run `pants rebase-alembic {VERSIONS}` to write it",
            False,
        )
    ]
    # A marker naming one of the heads is HM101's business alone.
    named = check_history(VERSIONS, files, head_marker=MarkerFile(MARKER, b"b2\n"))
    assert [f.code for f in named.findings] == ["HM101"]


# --- Real alembic, real git -----------------------------------------------------------------


class Project:
    """A git repository holding an alembic project whose `alembic revision` runs the hook."""

    def __init__(self, top: Path, config: str = "ini") -> None:
        self.top = top
        top.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        (top / ".gitignore").write_text("__pycache__/\n*.db\n")
        ini = write_alembic_project(top, ())
        if config in ("ini", "ini-exec"):
            ini.write_text(ini.read_text() + (HOOK_INI if config == "ini" else HOOK_INI_EXEC))
            self.config = Config(str(ini))
        else:
            ini.unlink()
            (top / "pyproject.toml").write_text(HOOK_PYPROJECT)
            self.config = Config(toml_file=str(top / "pyproject.toml"))

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["git", *args], cwd=self.top, env=_GIT_ENV, capture_output=True, text=True
        )
        assert result.returncode == 0 or not check, result.stdout + result.stderr
        return result

    def revision(self, rev_id: str, message: str) -> None:
        """`alembic revision`, then commit what it wrote (the migration and the marker)."""
        command.revision(self.config, message=message, rev_id=rev_id)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def marker(self) -> str:
        return (self.top / MARKER).read_text()

    def heads(self) -> Tuple[str, ...]:
        """The oracle: alembic's own view of the history."""
        return tuple(ScriptDirectory.from_config(self.config).get_heads())

    def rebase(self, **options: object) -> RebaseOutcome:
        return run_rebase(
            RebaseRequest(str(self.top), (VERSIONS,), head_marker=MARKER, **options)  # type: ignore[arg-type]
        )

    def check(self) -> Tuple[str, ...]:
        files = read_versions(str(self.top), [VERSIONS])
        content = (self.top / MARKER).read_bytes() if (self.top / MARKER).exists() else None
        report = check_history(VERSIONS, files, head_marker=MarkerFile(MARKER, content))
        return tuple(f.render() for f in report.findings)


@pytest.mark.parametrize("config", ["ini", "ini-exec", "pyproject"])
def test_alembic_revision_keeps_the_marker_through_the_post_write_hook(
    tmp_path: Path, config: str
) -> None:
    project = Project(tmp_path, config)
    project.revision("a1", "users")
    assert project.marker() == "a1\n"
    project.revision("b2", "orders")
    assert project.marker() == "b2\n"
    assert project.check() == ()
    # `alembic merge heads` runs the hook too: the merge revision becomes the marker.
    command.revision(project.config, message="side", rev_id="c3", head="a1", splice=True)
    assert project.marker() == "b2\n"  # Two heads: the hook leaves the marker (and says why).
    command.merge(project.config, ["b2", "c3"], message="merge", rev_id="d4")
    assert project.marker() == "d4\n"
    assert project.heads() == ("d4",)


def test_the_alembic_command_line_runs_the_hook_too(tmp_path: Path) -> None:
    project = Project(tmp_path)
    ini = str(tmp_path / "alembic.ini")
    for rev_id in ("a1", "b2"):
        result = subprocess.run(
            [sys.executable, "-m", "alembic", "-c", ini, "revision", "-m", "x", "--rev-id", rev_id],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "Running post write hook 'head_marker'" in result.stdout
        assert project.marker() == f"{rev_id}\n"


def _two_branches(top: Path) -> Project:
    """main and `feature` each add a migration on `a1` with `alembic revision`."""
    project = Project(top)
    project.revision("a1", "users")
    project.git("checkout", "-q", "-b", "feature")
    project.revision("f1", "orders")
    project.git("checkout", "-q", "main")
    project.revision("m1", "invoices")
    return project


def test_merge_conflicts_on_the_marker_and_rebase_alembic_resolves_it(tmp_path: Path) -> None:
    project = _two_branches(tmp_path)
    project.git("checkout", "-q", "feature")

    merge = project.git("merge", "--no-edit", "main", check=False)

    assert merge.returncode == 1
    assert f"CONFLICT (content): Merge conflict in {MARKER}" in merge.stdout
    assert project.git("diff", "--name-only", "--diff-filter=U").stdout.split() == [MARKER]
    assert [line.split(" ")[1] for line in project.check()] == ["HM115", "HM101"]

    outcome = project.rebase()

    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.splitlines()[0] == (
        f"{MARKER} is in conflict (merge): keeping `m1`, moving `f1` on top of it."
    )
    assert f"Updated {MARKER}: head marker: `f1` (resolves the conflict; `git add` it)" in (
        outcome.output
    )
    assert project.marker() == "f1\n"
    assert project.heads() == ("f1",)
    project.git("add", "-A")
    project.git("commit", "-q", "--no-edit")  # The merge completes: nothing left in conflict.
    assert project.git("status", "--porcelain").stdout == ""
    assert project.check() == ()


def test_rebase_conflicts_on_the_marker_and_rebase_alembic_resolves_it(tmp_path: Path) -> None:
    project = _two_branches(tmp_path)
    project.git("checkout", "-q", "feature")

    rebase = project.git("rebase", "main", check=False)

    assert rebase.returncode != 0
    assert project.git("diff", "--name-only", "--diff-filter=U").stdout.split() == [MARKER]
    outcome = project.rebase()
    assert outcome.exit_code == 0, outcome.output
    # In a rebase, HEAD's side is the upstream's (`m1`): the replayed `f1` moves.
    assert outcome.output.splitlines()[0] == (
        f"{MARKER} is in conflict (rebase): keeping `m1`, moving `f1` on top of it."
    )
    project.git("add", "-A")
    project.git("rebase", "--continue")
    assert project.git("status", "--porcelain").stdout == ""
    assert project.heads() == ("f1",)
    assert project.marker() == "f1\n"
    assert project.check() == ()
    # The rebased branch now merges into main without a conflict, fast-forward even.
    project.git("checkout", "-q", "main")
    project.git("merge", "-q", "--ff-only", "feature")
    assert project.check() == ()


def test_rebase_keeps_a_marker_that_merged_without_conflict_true(tmp_path: Path) -> None:
    project = _two_branches(tmp_path)
    project.git("checkout", "-q", "feature")
    # Resolved by hand the wrong way: the marker names main's head, the branch's is left over.
    project.git("merge", "-q", "--no-edit", "-X", "theirs", "main")
    assert project.marker() == "m1\n"

    outcome = project.rebase()

    assert outcome.exit_code == 0, outcome.output
    assert f"Updated {MARKER}: head marker: `f1`" in outcome.output
    assert project.marker() == "f1\n"
    assert project.heads() == ("f1",)
    assert project.check() == ()


def test_merge_strategy_on_a_conflicted_marker_writes_the_merge_revision_into_it(
    tmp_path: Path,
) -> None:
    project = _two_branches(tmp_path)
    project.git("checkout", "-q", "feature")
    project.git("merge", "--no-edit", "main", check=False)

    outcome = project.rebase(strategy="merge")

    assert outcome.exit_code == 0, outcome.output
    (head,) = project.heads()
    assert head not in ("m1", "f1")
    assert project.marker() == f"{head}\n"
    project.git("add", "-A")
    project.git("commit", "-q", "--no-edit")
    assert project.check() == ()


def test_rebase_alembic_writes_a_missing_or_stale_marker_of_a_linear_history(
    tmp_path: Path,
) -> None:
    project = _two_branches(tmp_path)  # on main: a1 -> m1, marker m1
    (project.top / MARKER).write_text("a1\n")
    project.git("commit", "-q", "-am", "stale marker")

    check = project.rebase(check=True)
    assert check.exit_code == 1
    assert "-a1\n+m1" in check.output

    outcome = project.rebase()
    assert outcome.exit_code == 0, outcome.output
    assert project.marker() == "m1\n"
    assert project.rebase().output == f"`{VERSIONS}` has one head (`m1`): nothing to rebase."


def test_a_conflict_naming_no_head_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    project = _two_branches(tmp_path)
    project.git("checkout", "-q", "feature")
    project.git("merge", "--no-edit", "main", check=False)
    conflicted = "<<<<<<< HEAD\nzz\n=======\nm1\n>>>>>>> main\n"
    (project.top / MARKER).write_text(conflicted)
    before: Dict[str, bytes] = read_versions(str(project.top), [VERSIONS])

    outcome = project.rebase()

    assert outcome.exit_code == 1
    assert outcome.output == (
        f"Can't rebase `{VERSIONS}`: the head marker can't be resolved: the conflict names "
        "`zz`, which is not a head of the history (heads: `f1`, `m1`)"
    )
    assert project.marker() == conflicted
    assert read_versions(str(project.top), [VERSIONS]) == before
