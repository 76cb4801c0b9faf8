"""Reading Python source files the way every checker needs: bytes in, text or a clear error out.

Checkers run inside sandboxed processes on whatever interpreter the tool chose, so a file may use
syntax newer than the running `ast` knows (PEP 695 generics on 3.11, ...). `parse_module` tells
that case apart from a real syntax error by asking libcst, whose parser knows the newer grammar.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from typing import Optional, Union

# PEP 263's coding cookie.
_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


@dataclass(frozen=True)
class SourceError(Exception):
    """A file that can't be checked: undecodable bytes or a real syntax error."""

    path: str
    line: int
    col: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.reason}"


def decode_source(path: str, content: bytes) -> str:
    """Decode with the file's PEP 263 encoding (UTF-8 by default), naming the bad line if any."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(content).readline)
    except SyntaxError as e:
        # detect_encoding also fails on a bad byte in the first two lines; only blame the
        # declaration when there is one, and otherwise report the byte like anywhere else.
        declaration = next(
            (n for n, line in enumerate(content.splitlines()[:2], 1) if _CODING_RE.match(line)),
            None,
        )
        if declaration is not None:
            raise SourceError(
                path, declaration, 1, f"invalid encoding declaration: {e.msg}"
            ) from None
        encoding = "utf-8"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as e:
        line = content.count(b"\n", 0, e.start) + 1
        col = e.start - (content.rfind(b"\n", 0, e.start) + 1) + 1
        raise SourceError(
            path, line, col, f"not valid {encoding}: byte 0x{content[e.start]:02x} ({e.reason})"
        ) from None


@dataclass(frozen=True)
class NewerSyntax:
    """Marks source that parses with libcst but not with the running interpreter's `ast`."""

    text: str


def parse_module(path: str, content: bytes) -> Union[ast.Module, NewerSyntax]:
    """Parse with the fast stdlib parser; fall back to libcst only when `ast` can't read it.

    Returns NewerSyntax when the code is valid Python the running interpreter is too old for, so
    the caller can analyse it with libcst instead. Raises SourceError for real syntax errors.
    """
    text = decode_source(path, content)
    try:
        return ast.parse(text, filename=path, type_comments=False)
    except SyntaxError as ast_error:
        parses_with_libcst = _parses_with_libcst(text)
        if parses_with_libcst:
            return NewerSyntax(text)
        reason = f"syntax error: {ast_error.msg}"
        if parses_with_libcst is None:
            major, minor = sys.version_info[:2]
            reason += f" (or syntax newer than the Python {major}.{minor} reading it)"
        raise SourceError(path, ast_error.lineno or 1, ast_error.offset or 1, reason) from None
    except ValueError as e:  # e.g. "source code string cannot contain null bytes"
        raise SourceError(path, 1, 1, f"cannot parse: {e}") from None


def _parses_with_libcst(text: str) -> Optional[bool]:
    """None without libcst (in-process in Pants): newer syntax can't be told apart then."""
    try:
        import libcst  # Imported lazily: the fast path never pays for it.
    except ImportError:
        return None

    try:
        libcst.parse_module(text)
    except libcst.ParserSyntaxError:
        return False
    return True


# Python numbers lines by these breaks only; str.splitlines() also breaks at \f, \x1c, ...
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


def line_at(text: str, line: int) -> Optional[str]:
    """Line `line` (1-based) as Python numbers lines, or None past the end."""
    lines = _LINE_BREAK_RE.split(text)
    return lines[line - 1] if 0 < line <= len(lines) else None
