"""One behaviour per test: each HM1xx finding, with its exact rendering."""

from __future__ import annotations

from typing import Dict, List, Sequence

from monorepo_hygiene.alembic.check import CheckOptions, check_history
from monorepo_hygiene.findings import Severity, render_findings
from tests.monorepo_hygiene.alembic.alembic_fixtures import VERSIONS_DIR, Rev, chain, history_files

V = VERSIONS_DIR
STRICT = CheckOptions()


def _lines(files: Dict[str, bytes], options: CheckOptions = STRICT) -> List[str]:
    return render_findings(check_history(V, files, options).findings)


def _check(revisions: Sequence[Rev], options: CheckOptions = STRICT) -> List[str]:
    return _lines(history_files(revisions), options)


def test_clean_history() -> None:
    report = check_history(V, history_files(chain("a1", "b2", "c3")))
    assert report.findings == ()
    assert (report.revision_count, report.heads, report.bases, report.exit_code) == (
        3,
        ("c3",),
        ("a1",),
        0,
    )


def test_merge_migration_makes_one_head() -> None:
    revisions = [*chain("a1", "b1"), Rev("c1", ("a1",)), Rev("m1", ("b1", "c1"))]
    assert _check(revisions) == []


def test_hm101_multiple_heads_lists_each_chain_to_the_fork_point() -> None:
    revisions = [*chain("a1", "b1", "b2"), *chain("c1", "c2", down=("a1",))]
    assert _check(revisions) == [
        (
            f"{V}/b2_change_b2.py:15:1: HM101 Multiple heads `b2`, `c2`; "
            f"run `pants rebase-alembic {V}` (or `alembic merge heads`)\n"
            "    head `b2`, forked from `a1` (a1_change_a1.py):\n"
            "      `b1` (b1_change_b1.py)\n"
            "      `b2` (b2_change_b2.py)\n"
            "    head `c2`, forked from `a1` (a1_change_a1.py):\n"
            "      `c1` (c1_change_c1.py)\n"
            "      `c2` (c2_change_c2.py)"
        )
    ]


def test_hm101_head_sharing_nothing_with_the_others() -> None:
    revisions = [Rev("a1"), Rev("x1", ("gone",))]
    assert _check(revisions)[0].splitlines()[1:] == [
        "    head `a1`, sharing no revision with the other heads:",
        "      `a1` (a1_change_a1.py)",
        "    head `x1`, sharing no revision with the other heads:",
        "      `x1` (x1_change_x1.py)",
    ]


def test_hm101_names_the_configured_command() -> None:
    revisions = [Rev("a1"), Rev("b1", ("a1",)), Rev("c1", ("a1",))]
    lines = _check(revisions, CheckOptions(rebase_command="./pants rebase-alembic"))
    assert (
        lines[0]
        .splitlines()[0]
        .endswith(f"run `./pants rebase-alembic {V}` (or `alembic merge heads`)")
    )


def test_hm102_extra_base_is_the_one_with_fewer_descendants() -> None:
    revisions = [*chain("a1", "b1", "c1"), Rev("x9"), Rev("m1", ("c1", "x9"))]
    assert _check(revisions) == [
        (
            f"{V}/x9_change_x9.py:16:1: HM102 Extra base `x9`: its `down_revision` is empty "
            "but the history already starts at `a1` (a1_change_a1.py)"
        )
    ]


def test_labeled_branches_need_the_option() -> None:
    revisions = [
        *chain("a1", "a2"),
        Rev("n1", branch_labels=("networking",)),
        Rev("n2", ("n1",), depends_on=("a1",)),
    ]
    revisions[0] = Rev("a1", branch_labels=("shop",))
    assert [line.split()[1] for line in _check(revisions)] == ["HM101", "HM102"]
    assert _check(revisions, CheckOptions(allow_labeled_branches=True)) == []


def test_labeled_branches_option_still_reports_a_head_without_its_own_label() -> None:
    # `b2` and `c2` both inherit `shop` from `a1`: `shop@head` would be ambiguous.
    revisions = [
        Rev("a1", branch_labels=("shop",)),
        *chain("b1", "b2", down=("a1",)),
        *chain("c1", "c2", down=("a1",)),
    ]
    lines = _check(revisions, CheckOptions(allow_labeled_branches=True))
    assert [line.split()[1] for line in lines] == ["HM101"]


def test_hm103_cycle_of_down_revisions() -> None:
    revisions = [Rev("a1"), Rev("b1", ("a1", "c1")), Rev("c1", ("b1",)), Rev("d1", ("c1",))]
    assert _check(revisions) == [
        f"{V}/b1_change_b1.py:16:1: HM103 Revision cycle: `b1` revises `c1`, `c1` revises `b1`"
    ]


def test_hm103_self_loop() -> None:
    assert _check([Rev("a1"), Rev("b1", ("b1",))])[-1] == (
        f"{V}/b1_change_b1.py:16:1: HM103 Revision cycle: `b1` revises `b1`"
    )


def test_hm103_cycle_through_depends_on() -> None:
    revisions = [Rev("a1", depends_on=("b1",)), Rev("b1", ("a1",))]
    assert _check(revisions) == [
        f"{V}/a1_change_a1.py:18:1: HM103 Revision cycle: `a1` depends on `b1`, `b1` revises `a1`"
    ]


def test_hm104_missing_down_revision() -> None:
    assert _check([Rev("a1"), Rev("b1", ("a0",))])[-1] == (
        f"{V}/b1_change_b1.py:16:1: HM104 `down_revision` names missing revision `a0`"
    )


def test_hm104_hint_for_a_file_stem() -> None:
    assert _check([Rev("a1"), Rev("b1", ("a1_change_a1",))])[-1] == (
        f"{V}/b1_change_b1.py:16:1: HM104 `down_revision` names missing revision "
        "`a1_change_a1`; that is a file name, did you mean its revision `a1`?"
    )


def test_hm104_hint_for_a_file_name() -> None:
    assert _check([Rev("a1"), Rev("b1", ("a1_change_a1.py",))])[-1].endswith(
        "that is a file name, did you mean its revision `a1`?"
    )


def test_hm104_hint_for_an_abbreviated_id() -> None:
    assert _check([Rev("3f2ab91c"), Rev("b1", ("3f2a",))])[-1] == (
        f"{V}/b1_change_b1.py:16:1: HM104 `down_revision` names missing revision `3f2a`; "
        "ids must be complete, did you mean `3f2ab91c`?"
    )


def test_hm104_hint_for_a_branch_label() -> None:
    assert _check([Rev("a1", branch_labels=("shop",)), Rev("b1", ("shop",))])[-1] == (
        f"{V}/b1_change_b1.py:16:1: HM104 `down_revision` names missing revision `shop`; "
        "it is a branch label of `a1`, but `down_revision` takes revision ids"
    )


def test_hm105_missing_dependency() -> None:
    revisions = [Rev("a1"), Rev("b1", ("a1",), depends_on=("networking",))]
    assert _check(revisions) == [
        (
            f"{V}/b1_change_b1.py:18:1: HM105 `depends_on` names missing revision or branch label "
            "`networking`"
        )
    ]


def test_depends_on_a_branch_label_resolves() -> None:
    revisions = [
        Rev("a1", branch_labels=("shop",)),
        Rev("b1", ("a1",), depends_on=("shop",)),
    ]
    assert _check(revisions) == []


def test_hm106_duplicate_revision_names_both_files() -> None:
    files = history_files(chain("a1", "b1"))
    files[f"{V}/b1_copy.py"] = files[f"{V}/b1_change_b1.py"]
    assert _lines(files) == [
        f"{V}/b1_copy.py:15:1: HM106 Revision `b1` is also declared in `{V}/b1_change_b1.py`"
    ]


def test_hm107_id_prefix_of_another() -> None:
    revisions = [Rev("3f2a"), Rev("3f2ab91c", ("3f2a",))]
    assert _check(revisions) == [
        (
            f"{V}/3f2a_change_3f2a.py:15:1: HM107 Revision id `3f2a` is a prefix of "
            "`3f2ab91c` (3f2ab91c_change_3f2ab91c.py); partial ids naming them are ambiguous"
        )
    ]


def test_hm108_docstring_revises_disagrees_and_is_a_warning() -> None:
    files = history_files(chain("a1", "b1"))
    path = f"{V}/b1_change_b1.py"
    files[path] = files[path].replace(b"Revises: a1", b"Revises: z0")
    report = check_history(V, files)
    assert render_findings(report.findings) == [
        f"{path}:4:1: HM108 Docstring says `Revises: z0` but `down_revision` is `a1`"
    ]
    assert report.findings[0].severity is Severity.WARNING
    assert report.exit_code == 0


def test_hm108_base_with_stale_revises() -> None:
    files = history_files([Rev("a1")])
    path = f"{V}/a1_change_a1.py"
    files[path] = files[path].replace(b"Revises: \n", b"Revises: z9\n")
    assert _lines(files) == [
        f"{path}:4:1: HM108 Docstring says `Revises: z9` but `down_revision` is `None`"
    ]


def test_hm109_docstring_revision_id_disagrees() -> None:
    files = history_files([Rev("a1")])
    path = f"{V}/a1_change_a1.py"
    files[path] = files[path].replace(b"Revision ID: a1", b"Revision ID: a0")
    assert _lines(files) == [
        f"{path}:3:1: HM109 Docstring says `Revision ID: a0` but `revision` is `a1`"
    ]


def test_hm110_unreadable_file_and_the_rest_still_checked() -> None:
    files = history_files([Rev("a1"), Rev("b1", ("a1",)), Rev("c1", ("a1",))])
    files[f"{V}/d1_dynamic.py"] = b'revision = "d1"\ndown_revision = previous()\n'
    # Not UTF-8, but in a comment: CPython (so alembic) imports it, and so does the reader.
    files[f"{V}/e1_latin.py"] = b'revision = "e1"\ndown_revision = "d1"\n# caf\xe9\n'
    report = check_history(V, files)
    assert [line.splitlines()[0] for line in render_findings(report.findings)] == [
        (
            f"{V}/b1_change_b1.py:15:1: HM101 Multiple heads `b1`, `c1`, `e1` as far as the "
            f"readable files tell; they may follow from `{V}/d1_dynamic.py`, which can't be read "
            "(HM110): fix that first"
        ),
        (
            f"{V}/d1_dynamic.py:2:1: HM110 Can't read migration: `down_revision` is computed at "
            "runtime (`down_revision = previous()`); write a string, a tuple of strings or `None`"
        ),
        (
            f"{V}/e1_latin.py:2:1: HM104 `down_revision` names `d1`, which `{V}/d1_dynamic.py` "
            "seems to declare but can't be read (HM110): fix that first"
        ),
    ]
    assert report.revision_count == 4


def test_hm110_consequences_are_warnings_that_name_the_unreadable_file() -> None:
    # a1 <- b1 <- c1 with b1 unreadable: c1's parent looks missing and a1 looks like a head.
    files = history_files(chain("a1", "b1", "c1"))
    files[f"{V}/b1_change_b1.py"] = files[f"{V}/b1_change_b1.py"].replace(
        b'down_revision: Union[str, Sequence[str], None] = "a1"', b"down_revision = 'a1' +"
    )
    report = check_history(V, files)
    assert [(f.code, f.path, f.severity) for f in report.findings] == [
        ("HM101", f"{V}/a1_change_a1.py", Severity.WARNING),
        ("HM110", f"{V}/b1_change_b1.py", Severity.ERROR),
        ("HM104", f"{V}/c1_change_c1.py", Severity.WARNING),
    ]
    assert "rebase-alembic" not in report.findings[0].message
    assert f"`{V}/b1_change_b1.py`" in report.findings[2].message


def test_hm101_stands_when_the_unreadable_file_explains_nothing() -> None:
    files = history_files([Rev("a1"), Rev("b1", ("a1",)), Rev("c1", ("a1",))])
    files[f"{V}/d1_dynamic.py"] = b'revision = "d1"\ndown_revision = previous()\n'
    codes = [(f.code, f.severity) for f in check_history(V, files).findings]
    assert codes == [("HM101", Severity.ERROR), ("HM110", Severity.ERROR)]


def test_hm111_branch_label_declared_twice() -> None:
    revisions = [Rev("a1", branch_labels=("shop",)), Rev("b1", ("a1",), branch_labels=("shop",))]
    assert _check(revisions) == [
        (
            f"{V}/b1_change_b1.py:17:1: HM111 Branch label `shop` is also declared in "
            f"`{V}/a1_change_a1.py`"
        )
    ]


def test_hm111_branch_label_equal_to_a_revision_id() -> None:
    revisions = [Rev("a1"), Rev("b1", ("a1",), branch_labels=("a1",))]
    assert _check(revisions) == [
        f"{V}/b1_change_b1.py:17:1: HM111 Branch label `a1` is also a revision id"
    ]


def test_hm112_illegal_characters_in_id() -> None:
    revisions = [Rev("2024-05@x"), Rev("b1", ("2024-05@x",))]
    assert _check(revisions) == [
        (
            f"{V}/2024-05@x_change_2024-05@x.py:15:1: HM112 Revision id `2024-05@x` contains "
            "`@`, `-`, which alembic reserves for relative revisions"
        )
    ]


def test_noqa_suppresses_the_code_on_its_line() -> None:
    files = history_files([Rev("3f2a"), Rev("3f2ab91c", ("3f2a",))])
    path = f"{V}/3f2a_change_3f2a.py"
    files[path] = files[path].replace(
        b'revision: str = "3f2a"', b'revision: str = "3f2a"  # noqa: HM107'
    )
    assert _lines(files) == []


def test_noqa_for_another_code_keeps_the_finding() -> None:
    files = history_files([Rev("3f2a"), Rev("3f2ab91c", ("3f2a",))])
    path = f"{V}/3f2a_change_3f2a.py"
    files[path] = files[path].replace(
        b'revision: str = "3f2a"', b'revision: str = "3f2a"  # noqa: HM101'
    )
    assert [line.split()[1] for line in _lines(files)] == ["HM107"]


def test_every_code_has_a_rule_doc() -> None:
    from monorepo_hygiene.alembic.codes import RULE_DOCS

    assert [doc.code for doc in RULE_DOCS] == [f"HM1{n:02d}" for n in range(19)]
    assert len({doc.name for doc in RULE_DOCS}) == len(RULE_DOCS)
