"""Hostile sources through both checkers and both fixers, as their command lines run them.

Generated files mix code both fixers edit with what breaks parsers and fixers: random bytes in
comments, strings and bytes literals, NUL bytes, deep brackets, form feeds, BOMs, coding
cookies, and `\\n`, `\\r\\n` or lone `\\r` line endings. For each: nothing escapes as an internal
error; a file is checked as code exactly when the running CPython compiles it; and every file a
fixer writes compiles and differs from its original only by the fixer's own edits.
"""

from __future__ import annotations

import difflib
from typing import Dict, List, Optional

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monorepo_hygiene.annotations import check_files as check_annotations
from monorepo_hygiene.annotations import fix_files
from monorepo_hygiene.findings import Finding
from monorepo_hygiene.imports import FileFacts, ImportFacts
from monorepo_hygiene.imports import check_files as check_imports

PATH = "src/shop/a.py"
FACTS = ImportFacts(
    files={PATH: FileFacts("shop.a", False, "src/shop")},
    module_owners={"shop.a": "src/shop", "shop.b": "src/shop"},
)
_BOM = b"\xef\xbb\xbf"
NL = b"\n"  # Replaced by the file's line ending once the file is assembled.

_ANY_BYTE_BUT_BREAKS = st.binary(max_size=6).map(
    lambda raw: raw.replace(b"\n", b"").replace(b"\r", b"")
)
_LITERAL_BYTES = _ANY_BYTE_BUT_BREAKS.map(lambda raw: raw.replace(b"'", b"").replace(b"\\", b""))
_TEXT = st.text(max_size=6).map(
    lambda text: "".join(c for c in text if c not in "'\\\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
)

_FRAGMENTS = st.one_of(
    st.just(b"def fixable():" + NL + b"    print(1)" + NL),
    st.just(b"def unfixable():" + NL + b"    return 1" + NL),
    st.just(b"class C:" + NL + b"    def method(self):" + NL + b"        pass" + NL),
    st.just(b"from shop.b import x" + NL),
    st.just(b"from shop.b import (" + NL + b"    y,  # why" + NL + b")" + NL),
    st.just(b"if x:" + NL + b"    from shop.b import z" + NL),
    _ANY_BYTE_BUT_BREAKS.map(lambda raw: b"# " + raw + NL),
    _ANY_BYTE_BUT_BREAKS.map(lambda raw: b"x = 1  # " + raw + NL),
    _LITERAL_BYTES.map(lambda raw: b"s = '" + raw + b"'" + NL),
    _TEXT.map(lambda text: b"t = '" + text.encode("utf-8") + b"'" + NL),
    _LITERAL_BYTES.map(lambda raw: b"b = b'" + raw + b"'" + NL),
    st.integers(195, 205).map(lambda depth: b"n = " + b"(" * depth + b"1" + b")" * depth + NL),
    st.just(b"\x0cz = 2" + NL),
    st.just(b"w = 3\x00" + NL),
    st.just(b"return 4" + NL),
)


@st.composite
def hostile_sources(draw: st.DrawFn) -> bytes:
    newline = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    prefix = draw(st.sampled_from([b"", _BOM]))
    cookie = draw(st.sampled_from([None, "utf-8", "latin-1", "ascii"]))
    body = b"".join(draw(st.lists(_FRAGMENTS, min_size=1, max_size=8)))
    if cookie is not None:
        body = f"# -*- coding: {cookie} -*-".encode() + NL + body
    content = prefix + body.replace(NL, newline)
    return content if draw(st.booleans()) else content.rstrip(newline)


def _compile_error(content: bytes) -> Optional[str]:
    try:
        compile(content, PATH, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        return str(e)
    return None


def _assert_checked_as_cpython_says(content: bytes, findings: List[Finding], code: str) -> None:
    assert not [f for f in findings if "internal error" in f.message], findings
    cannot_check = [f for f in findings if f.code == code]
    if _compile_error(content) is None:
        assert cannot_check == [], (content, cannot_check)
    else:
        # Never checked as code: the one finding says why.
        assert [f.code for f in findings] == [code], (content, findings)


def _assert_only_inserted(original: bytes, written: bytes, insertion: bytes) -> None:
    matcher = difflib.SequenceMatcher(None, original, written, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            assert (tag, original[i1:i2]) == ("insert", b""), (original, written)
            assert written[j1:j2] in (insertion, insertion[1:] + b" "), (original, written)


def _assert_only_import_lines_changed(original: bytes, written: bytes) -> None:
    before, after = original.splitlines(keepends=True), written.splitlines(keepends=True)
    assert len(before) == len(after), (original, written)
    for old, new in zip(before, after):
        if old != new:
            old, new = old.replace(_BOM, b""), new.replace(_BOM, b"")
            assert old.lstrip().startswith(b"from shop.b import"), (original, written)
            assert new.lstrip().startswith(b"from .b import"), (original, written)
            assert old.replace(b"from shop.b import", b"from .b import") == new


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_sources())
def test_annotations_check_and_fix_hostile_sources(content: bytes) -> None:
    checked = check_annotations([PATH], {PATH: content}.__getitem__)
    _assert_checked_as_cpython_says(content, list(checked.findings), "HA100")

    written: Dict[str, bytes] = {}
    fixed = fix_files([PATH], {PATH: content}.__getitem__, written.__setitem__)
    assert not [f for f in fixed.findings if "internal error" in f.message], fixed.findings
    if PATH in written:
        assert _compile_error(content) is None
        assert _compile_error(written[PATH]) is None
        _assert_only_inserted(content, written[PATH], b" -> None")
        assert fixed.fixed == written


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_sources())
def test_imports_check_and_fix_hostile_sources(content: bytes) -> None:
    checked = check_imports({PATH: content}, FACTS)
    _assert_checked_as_cpython_says(content, list(checked.findings), "HI100")

    fixed = check_imports({PATH: content}, FACTS, fix=True)
    assert not [f for f in fixed.findings if "internal error" in f.message], fixed.findings
    if PATH in fixed.fixed:
        assert _compile_error(content) is None
        assert _compile_error(fixed.fixed[PATH]) is None
        _assert_only_import_lines_changed(content, fixed.fixed[PATH])
