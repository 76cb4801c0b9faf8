"""The baseline: keys that survive unrelated edits, counts, stale entries, a readable file."""

from __future__ import annotations

import ast
import io
import sysconfig
import tokenize
from collections import Counter
from pathlib import Path
from typing import Dict, List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monorepo_hygiene.annotations.codes import RULE_DOCS as ANNOTATION_DOCS
from monorepo_hygiene.findings import Finding
from monorepo_hygiene.reports.baseline import (
    Baseline,
    BaselineError,
    BaselineKey,
    apply_baseline,
    finding_keys,
    unchecked_entries,
    updated_baseline,
)

SOURCE = """\
import os
from shop import (
    util,  # the helpers
    models,
)


def main(argv,
         env):
    return util.run(argv)
"""


def _findings(source: str) -> List[Finding]:
    """One finding per function (on its `def` line) and per import (on its last line), the way
    checkers point into statements; found with the stdlib `ast`, independently of the keys."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            found.append(Finding("m.py", node.lineno, 1, "HA101", f"`{node.name}`"))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(Finding("m.py", node.end_lineno or node.lineno, 1, "HI101", "import"))
    return found


def test_a_key_is_the_normalised_statement_around_the_line() -> None:
    keys = finding_keys(_findings(SOURCE), {"m.py": SOURCE})
    assert sorted(keys) == [
        BaselineKey("m.py", "HA101", "def main ( argv , env ) :"),
        BaselineKey("m.py", "HI101", "from shop import ( util , models , )"),
        BaselineKey("m.py", "HI101", "import os"),
    ]


def test_paths_without_text_and_broken_files_still_key() -> None:
    broken = "def f(:\n    x = (\n"
    keys = finding_keys(
        [Finding("src/app/BUILD", 1, 1, "HB101", "m"), Finding("b.py", 2, 1, "HA101", "m")],
        {"b.py": broken},
    )
    assert keys == [
        BaselineKey("src/app/BUILD", "HB101", ""),
        BaselineKey("b.py", "HA101", "x = ("),
    ]


# f-strings of CPython 3.12 (PEP 701), which older tokenizers read differently or not at all.
NEWER_F_STRINGS = (
    's = f"{"""a"""}"',
    "t = f'{x:{'>'}10}'",
    'u = f"{"\'"}"',
    'v = f"{a["b"]!r:>{width}} {{literal}}"',
)
lines_to_insert = st.lists(
    st.sampled_from(
        ["", "# a comment", "x = 1", "def helper() -> None:\n    pass", "import sys"]
        + list(NEWER_F_STRINGS)
    ),
    max_size=5,
)


def _findings_of_edited(edited: str) -> List[Finding]:
    """`_findings` of a file that may hold 3.12 f-strings, which the `ast` of the interpreter
    running the tests may not read: each is found as a one-line statement like it."""
    for line in NEWER_F_STRINGS:
        edited = edited.replace(line, "x = 1")
    return _findings(edited)


# The machines that run these tests are shared and slow: no wall-clock health checks.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(above=lines_to_insert, between=lines_to_insert)
def test_keys_survive_lines_inserted_above_and_between(
    above: List[str], between: List[str]
) -> None:
    edited = (
        "\n".join(above)
        + "\n"
        + SOURCE.replace("\n\n\ndef", "\n" + "\n".join(between) + "\n\n\ndef")
    )
    before = finding_keys(_findings(SOURCE), {"m.py": SOURCE})
    baseline = Baseline.from_keys(before)
    found = _findings_of_edited(edited)
    keys = finding_keys(found, {"m.py": edited})
    outcome = apply_baseline(baseline, found, keys, checked_paths=["m.py"])
    # Every original finding is still accepted wherever it moved; only inserted code reports.
    assert sorted(outcome.baselined) == sorted(f for f, k in zip(found, keys) if k in set(before))
    assert outcome.stale == ()
    assert len(outcome.baselined) == len(before)


def test_keys_do_not_depend_on_the_interpreters_tokenizer() -> None:
    # CPython 3.9-3.11's `tokenize` ends at `f"{"""a"""}"` (3.12 syntax), so a key computed with
    # it turned from `def f ( x ) :` into the line's own text below such a line.
    edited = NEWER_F_STRINGS[0] + "\n" + SOURCE
    keys = finding_keys(_findings_of_edited(edited), {"m.py": edited})
    assert keys == finding_keys(_findings(SOURCE), {"m.py": SOURCE})
    assert BaselineKey("m.py", "HA101", "def main ( argv , env ) :") in keys


def _tokenize_keys(source: str) -> Dict[int, str]:
    """The oracle: each line's logical line as CPython's `tokenize` reads it, tokens joined by
    single spaces, comments and line breaks dropped."""
    skipped = (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    keys: Dict[int, str] = {}
    current: List[tokenize.TokenInfo] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == getattr(tokenize, "FSTRING_START", None):
            # 3.12+ split f-strings into parts; the key keeps each whole, as before 3.12.
            raise tokenize.TokenError("an f-string in parts")
        if token.type == tokenize.NEWLINE:
            if current:
                for line in range(current[0].start[0], token.end[0] + 1):
                    keys[line] = " ".join(t.string for t in current)
            current = []
        elif token.type not in skipped:
            current.append(token)
    return keys


def test_keys_are_the_statements_as_cpythons_tokenizer_reads_them() -> None:
    """On the standard library's own modules (whatever the interpreter's version reads), every
    line keys as `tokenize` groups and splits it (an f-string one token, as up to 3.11)."""
    checked = 0
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:80]:
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            expected = _tokenize_keys(source)
        except (tokenize.TokenError, SyntaxError, IndentationError):
            continue
        last_line = source.count("\n") + 1
        findings = [Finding(path.name, line, 1, "X", "m") for line in sorted(expected)]
        keys = finding_keys(findings, {path.name: source})
        assert {f.line: k.statement for f, k in zip(findings, keys)} == expected, path
        checked += last_line
    assert checked > 10_000


def test_reformatting_a_statement_keeps_its_key_and_editing_it_does_not() -> None:
    reformatted = SOURCE.replace("def main(argv,\n         env):", "def main(argv, env):  # entry")
    edited = SOURCE.replace("env):", "environ):")
    (key,) = [k for k in finding_keys(_findings(SOURCE), {"m.py": SOURCE}) if k.code == "HA101"]
    assert key in finding_keys(_findings(reformatted), {"m.py": reformatted})
    assert key not in finding_keys(_findings(edited), {"m.py": edited})


def test_counts_accept_that_many_identical_statements_and_the_rest_report() -> None:
    source = "def f(): ...\ndef f(): ...\ndef f(): ...\n"
    found = [Finding("a.py", line, 1, "HA101", "f") for line in (1, 2, 3)]
    keys = finding_keys(found, {"a.py": source})
    baseline = Baseline.from_keys(keys[:2])
    assert baseline.counts == ((BaselineKey("a.py", "HA101", "def f ( ) : ..."), 2),)
    outcome = apply_baseline(baseline, found, keys, checked_paths=["a.py"])
    assert (len(outcome.baselined), outcome.reported) == (2, (found[2],))


def test_entries_that_match_nothing_in_checked_files_are_stale() -> None:
    gone = BaselineKey("a.py", "HA101", "def old ( ) :")
    elsewhere = BaselineKey("b.py", "HA101", "def old ( ) :")
    other_check = BaselineKey("a.py", "HI101", "import os")
    baseline = Baseline.from_keys([gone, gone, elsewhere, other_check])
    outcome = apply_baseline(baseline, [], [], checked_paths=["a.py"], codes=["HA101"])
    assert outcome.stale == ((gone, 2),)


def test_an_entry_under_a_former_code_still_matches_the_renamed_finding() -> None:
    # Before issue 22, an annotation fix that couldn't be made was an HA100 warning; it is HA105.
    source = "def f(): ...\ndef g(): ...\n"
    found = [Finding("a.py", 1, 1, "HA105", "Cannot fix file: x")]
    keys = finding_keys(found, {"a.py": source})
    old_key = BaselineKey("a.py", "HA100", keys[0].statement)
    cannot_check = BaselineKey("a.py", "HA100", "def g ( ) : ...")
    baseline = Baseline.from_keys([old_key, cannot_check])
    former = {doc.code: doc.former_codes for doc in ANNOTATION_DOCS}
    outcome = apply_baseline(
        baseline, found, keys, ["a.py"], codes=former.keys(), former_codes=former
    )
    assert (outcome.reported, outcome.baselined) == ((), tuple(found))
    # The alias works one way: an HA100 entry with no finding is still stale, and without the
    # aliases (a check that doesn't know the rename) the HA105 finding is reported.
    assert outcome.stale == ((cannot_check, 1),)
    unaliased = apply_baseline(baseline, found, keys, ["a.py"])
    assert unaliased.reported == tuple(found)

    # `hygiene-baseline` rewrites the entry under the current code.
    update = updated_baseline(baseline, keys, frozenset(), {"a.py"})
    assert update.baseline.counts == ((keys[0], 1),)


# The machines that run these tests are shared and slow: no wall-clock health checks.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    keys=st.lists(
        st.builds(
            BaselineKey,
            path=st.text(min_size=1),
            code=st.sampled_from(["HA101", "HI101", "HB104"]),
            statement=st.text(),
        )
    )
)
def test_the_file_reads_back_as_written(keys: List[BaselineKey]) -> None:
    baseline = Baseline.from_keys(keys)
    text = baseline.render()
    assert Baseline.parse("hygiene-baseline.json", text) == baseline
    assert text.count("\n") == len(baseline.counts) + 2  # one line per entry


@pytest.mark.parametrize(
    "text, reason",
    [
        (
            "{",
            "hygiene-baseline.json: not JSON (line 1: Expecting property name enclosed in double quotes)",
        ),
        (
            '{"version": 2, "entries": []}',
            'hygiene-baseline.json: expected an object with "version": 1',
        ),
        (
            '{"version": 1, "entries": [{"path": "a.py"}]}',
            "hygiene-baseline.json: entry 1 needs `path`, `code`, `statement` and `count`",
        ),
        (
            '{"version": 1, "entries": [{"path": "a.py", "code": "HA101", "statement": "", "count": 0}]}',
            "hygiene-baseline.json: entry 1: strings and a count of 1 or more",
        ),
        (
            '{"version": 1, "entries": [{"path": "a.py", "code": "HA101", "statement": "", "count": true}]}',
            "hygiene-baseline.json: entry 1: strings and a count of 1 or more",
        ),
    ],
)
def test_a_bad_file_names_itself_and_the_problem(text: str, reason: str) -> None:
    with pytest.raises(BaselineError) as error:
        Baseline.parse("hygiene-baseline.json", text)
    assert str(error.value) == reason


def test_a_checked_file_covers_its_entries_and_its_directories_entries() -> None:
    old = Baseline.from_keys(
        [
            BaselineKey("src/app/a.py", "HI101", "import os"),
            BaselineKey("src/app/", "HB101", ""),  # A BUILD file yet to be created.
            BaselineKey("src/", "HB101", ""),
            BaselineKey("src/other/b.py", "HA101", "def f ( ) :"),
            BaselineKey("src/other/", "HB101", ""),
        ]
    )
    assert unchecked_entries(old, ["src/app/a.py"]) == {
        BaselineKey("src/other/b.py", "HA101", "def f ( ) :"),
        BaselineKey("src/other/", "HB101", ""),
    }


def test_an_update_keeps_unchecked_entries_of_existing_paths_and_counts_the_changes() -> None:
    fixed = BaselineKey("src/app/a.py", "HI101", "import os")
    still = BaselineKey("src/app/a.py", "HA101", "def f ( ) :")
    elsewhere = BaselineKey("src/other/b.py", "HA101", "def g ( ) :")
    elsewhere_dir = BaselineKey("src/other/", "HB101", "")
    deleted = BaselineKey("src/gone.py", "HA101", "def h ( ) :")
    old = Baseline(
        tuple(sorted([(deleted, 1), (still, 1), (fixed, 2), (elsewhere_dir, 1), (elsewhere, 3)]))
    )
    found = BaselineKey("src/app/a.py", "HA101", "def k ( ) :")
    unchecked = unchecked_entries(old, ["src/app/a.py"])
    update = updated_baseline(
        old, [still, still, found], unchecked, {"src/other/b.py", "src/other"}
    )
    assert update.baseline.counts == tuple(
        sorted([(still, 2), (found, 1), (elsewhere, 3), (elsewhere_dir, 1)])
    )
    assert update.added == Counter({still: 1, found: 1})
    assert update.removed == Counter({fixed: 2, deleted: 1})
