from __future__ import annotations

import pytest

from monorepo_hygiene.source import NewerSyntax, SourceError, line_at, parse_module


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
