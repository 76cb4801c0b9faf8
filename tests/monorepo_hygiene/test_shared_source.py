from __future__ import annotations

import sys
from typing import Optional, Tuple

import libcst
import pytest

from monorepo_hygiene.source import (
    NewerSyntax,
    SourceError,
    check_fix,
    decode_source,
    line_at,
    parse_module,
)


def test_newer_syntax_is_told_apart_from_a_syntax_error() -> None:
    assert isinstance(parse_module("a.py", b"type Alias = int\n"), NewerSyntax)
    with pytest.raises(SourceError) as error:
        parse_module("a.py", b"x = 1\ndef f(:\n")
    assert (error.value.path, error.value.line) == ("a.py", 2)


def test_undecodable_bytes_name_line_and_column() -> None:
    with pytest.raises(SourceError) as error:
        parse_module("a.py", b"x = 1\ny = '\xff'\n")
    assert str(error.value) == "a.py:2:6: not valid utf-8: byte 0xff (invalid start byte)"


def test_a_bad_byte_on_the_first_line_is_blamed_on_the_byte() -> None:
    with pytest.raises(SourceError) as error:
        parse_module("a.py", b"x = '\xff'\n")
    assert str(error.value) == "a.py:1:6: not valid utf-8: byte 0xff (invalid start byte)"


def test_an_unknown_declared_encoding_is_blamed_on_the_declaration() -> None:
    with pytest.raises(SourceError) as error:
        parse_module("a.py", b"#!/usr/bin/env python\n# -*- coding: klingon -*-\nx = 1\n")
    assert (error.value.line, error.value.reason.split(":")[0]) == (
        2,
        "invalid encoding declaration",
    )


def test_a_declared_encoding_is_honoured() -> None:
    assert parse_module("a.py", "# coding: latin-1\nx = 'é'\n".encode("latin-1"))


def test_line_at_numbers_lines_as_python_does() -> None:
    text = "a = 1\n\x0cb = 2  # noqa\r\nc = 3\rd = 4"
    assert [line_at(text, n) for n in range(1, 6)] == [
        "a = 1",
        "\x0cb = 2  # noqa",
        "c = 3",
        "d = 4",
        None,
    ]


def _cpython_verdict(content: bytes) -> Optional[Tuple[str, int]]:
    """What the running CPython's compiler says: None if it compiles, else (message, line)."""
    try:
        compile(content, "a.py", "exec", dont_inherit=True)
    except SyntaxError as e:
        return e.msg, e.lineno or 1
    except ValueError as e:  # NUL bytes on 3.9/3.10.
        return str(e), 1
    return None


# Sources libcst's parser accepts and every CPython rejects: checking or "fixing" them as code
# would hand back files no interpreter runs.
# (content, the line CPython blames; for NUL, which CPython gives no line for, the NUL's line).
NEVER_VALID = {
    "nul": (b"x = 1\ny = 2  # \x00\n", 2),
    "non_ascii_bytes": ('x = 1\ny = b"\u00e9"\n'.encode(), 2),
    "deep_brackets": (b"x = 1\ny = " + b"(" * 201 + b"1" + b")" * 201 + b"\n", 2),
    "bom_and_latin1": (b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nx = 1\n", 1),
}


@pytest.mark.parametrize("content, line", NEVER_VALID.values(), ids=NEVER_VALID.keys())
def test_what_libcst_accepts_and_cpython_rejects_is_cpythons_error(
    content: bytes, line: int
) -> None:
    # The premise: libcst alone would take the decoded text for Python.
    libcst.parse_module(content.decode("utf-8"))
    verdict = _cpython_verdict(content)
    assert verdict is not None
    with pytest.raises(SourceError) as error:
        parse_module("a.py", content)
    assert (error.value.reason, error.value.line) == (f"syntax error: {verdict[0]}", line)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="needs syntax newer than the interpreter")
@pytest.mark.parametrize("content, line", NEVER_VALID.values(), ids=NEVER_VALID.keys())
def test_never_valid_constructs_are_refused_after_newer_syntax_too(
    content: bytes, line: int
) -> None:
    # The running `ast` fails first, on 3.12 syntax, so libcst reads the file: it must still
    # refuse what no CPython accepts, where it is.
    content = content.replace(b"x = 1\n", b"type X = int\n")
    with pytest.raises(SourceError) as error:
        parse_module("a.py", content)
    assert error.value.line == line
    assert any(text in error.value.reason for text in ("null bytes", "ASCII", "nested", "BOM"))


def test_what_only_the_compiler_rejects_is_a_syntax_error() -> None:
    with pytest.raises(SourceError) as error:
        parse_module("a.py", b"x = 1\nreturn x\n")
    assert str(error.value) == "a.py:2:1: syntax error: 'return' outside function"


def test_a_non_utf8_byte_in_a_comment_is_accepted_as_cpython_compile_accepts_it() -> None:
    # compile() (so every import) accepts it on 3.9-3.13; only `python file.py` refuses it.
    content = b"# caf\xe9\nx = 1  # \xff\ny = 2\n"
    assert _cpython_verdict(content) is None
    assert not isinstance(parse_module("a.py", content), NewerSyntax)
    assert decode_source("a.py", content) == "# caf\ufffd\nx = 1  # \ufffd\ny = 2\n"


def test_a_non_utf8_byte_in_a_string_is_still_an_error() -> None:
    # The first bad byte is in a comment, which CPython lets pass: its error is the one given.
    content = b"x = 1  # \xff\ny = '\xff'\n"
    verdict = _cpython_verdict(content)
    assert verdict is not None and verdict[1] == 2
    with pytest.raises(SourceError) as error:
        parse_module("a.py", content)
    assert (error.value.line, error.value.reason) == (2, f"syntax error: {verdict[0]}")


def test_cr_only_line_endings_parse_and_number_lines() -> None:
    content = b"x = 1\rdef f(:\r"
    with pytest.raises(SourceError) as error:
        parse_module("a.py", content)
    assert error.value.line == 2
    assert not isinstance(parse_module("a.py", b"x = 1\ry = 2\r"), NewerSyntax)


def test_a_fix_that_would_not_compile_is_refused_naming_the_line() -> None:
    with pytest.raises(SourceError) as error:
        check_fix("a.py", b"def f():\n    pass\n", b"def f():\n    pass\nreturn 1\n")
    assert str(error.value) == (
        "a.py:3:1: the fixed file would not compile (syntax error: 'return' outside function)"
    )
    check_fix("a.py", b"def f():\n    pass\n", b"def f() -> None:\n    pass\n")


def test_a_fix_may_not_turn_compiling_code_into_libcst_only_code() -> None:
    with pytest.raises(SourceError) as error:
        check_fix("a.py", b"x = 1\n", 'x = b"\u00e9"\n'.encode())
    assert error.value.line == 1
