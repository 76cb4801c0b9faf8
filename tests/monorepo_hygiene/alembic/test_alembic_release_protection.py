"""Released revisions are never rewritten (issue 25): those a release ref (branch, remote branch,
tag) holds, and those whose release marker names a release. Real git repositories; alembic's
`ScriptDirectory` is the oracle whenever something is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from monorepo_hygiene.alembic.errors import ReleaseMarkerError
from monorepo_hygiene.alembic.release import ReleaseMarker
from tests.monorepo_hygiene.alembic.alembic_fixtures import Rev, chain, file_name, migration_source
from tests.monorepo_hygiene.alembic.test_alembic_rebase_git import Repo

PART_OF = ReleaseMarker.parse(r"^# Part of: (?P<release>\S+)", "NEXT_RELEASE_VERSION")


def _diverged(top: Path, our_marker: str = "") -> Repo:
    """main: a -> b -> t1; the branch `feature`: b -> o1 (with `our_marker` appended to its file);
    main merged into the branch."""
    repo = Repo(top, chain("a", "b"))
    repo.git("checkout", "-q", "-b", "feature")
    o1 = Rev("o1", ("b",))
    repo.write(file_name(o1, 0), migration_source(o1) + our_marker)
    repo.commit("ours")
    repo.git("checkout", "-q", "main")
    repo.add(chain("t1", down=("b",)), "theirs")
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    return repo


def _revision_line(repo: Repo, revision: str) -> int:
    source = (repo.root / repo.path_of(revision)).read_text()
    return source[: source.index("revision: str")].count("\n") + 1


@pytest.mark.parametrize(
    ("ref", "pattern"),
    [
        ("refs/tags/v26.8.0", "v*"),
        ("refs/remotes/origin/release/26.8", "origin/release/*"),
        ("refs/heads/release-26.8", "release-*"),
    ],
)
def test_a_revision_on_a_release_ref_is_refused_naming_the_ref(
    tmp_path: Path, ref: str, pattern: str
) -> None:
    repo = _diverged(tmp_path)
    # The release was cut from the branch's commit that added `o1`.
    repo.git("update-ref", ref, "feature^1")
    before = repo.files()

    outcome = repo.rebase(release_refs=(pattern, "no-such-*"))

    short = ref.split("/", 2)[2]
    assert outcome.exit_code == 1
    assert outcome.output == (
        f"Can't rebase `migrations/versions`: `o1` ({repo.path_of('o1')}:"
        f"{_revision_line(repo, 'o1')}) is released (on release ref `{short}`); it is never "
        "rewritten (`--strategy=merge` joins the heads instead)"
    )
    assert repo.files() == before
    # What the refusal offers works, and rewrites nothing.
    merge = repo.rebase(strategy="merge", release_refs=(pattern,))
    assert merge.exit_code == 0, merge.output
    assert {path: before[path] for path in before} == {path: repo.files()[path] for path in before}


def test_release_refs_default_to_none_and_a_non_matching_pattern_protects_nothing(
    tmp_path: Path,
) -> None:
    repo = _diverged(tmp_path)
    repo.git("tag", "v26.8.0", "feature^1")
    assert repo.rebase(release_refs=("release/*",)).exit_code == 0
    assert repo.alembic_heads() == ("o1",)


def test_a_revision_whose_marker_names_a_release_is_refused_naming_the_marker(
    tmp_path: Path,
) -> None:
    repo = _diverged(tmp_path, our_marker="# Part of: 26.8.0\n")
    source = (repo.root / repo.path_of("o1")).read_text()
    marker_line = source.count("\n")
    before = repo.files()

    outcome = repo.rebase(release_marker=PART_OF)

    assert outcome.output == (
        f"Can't rebase `migrations/versions`: `o1` ({repo.path_of('o1')}:"
        f"{_revision_line(repo, 'o1')}) is released (its marker `# Part of: 26.8.0`, line "
        f"{marker_line}); it is never rewritten (`--strategy=merge` joins the heads instead)"
    )
    assert repo.files() == before


def test_the_placeholder_means_unreleased_and_the_rebase_goes_ahead(tmp_path: Path) -> None:
    repo = _diverged(tmp_path, our_marker="# Part of: NEXT_RELEASE_VERSION\n")
    outcome = repo.rebase(release_marker=PART_OF)
    assert outcome.exit_code == 0, outcome.output
    assert repo.alembic_heads() == ("o1",)


def test_a_release_marker_option_that_cant_be_used_is_named() -> None:
    with pytest.raises(ReleaseMarkerError) as no_group:
        ReleaseMarker.parse(r"^# Part of: (\S+)", None)
    assert str(no_group.value) == (
        "`release_marker`: needs a named group `(?P<release>...)` holding the release"
    )
    with pytest.raises(ReleaseMarkerError, match=r"^`release_marker`: not a regular expression"):
        ReleaseMarker.parse(r"^# Part of: (?P<release>\S+", None)


def test_the_marker_is_found_with_its_line() -> None:
    text = '"""Add users"""\n# Part of: 26.8.0\nrevision = "a1"\n'
    found = PART_OF.find(text)
    assert found is not None and (found.release, found.line, found.text) == (
        "26.8.0",
        2,
        "# Part of: 26.8.0",
    )
    assert PART_OF.released(text.replace("26.8.0", "NEXT_RELEASE_VERSION")) is None
    assert PART_OF.released('revision = "a1"\n') is None
