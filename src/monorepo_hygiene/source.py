"""Reading Python source files the way every checker and fixer needs (writing them: `files`).

CPython's compiler on the running interpreter is the judge of what is Python: a file it rejects
is never checked as code nor written, and a fix it would reject is never written. Checkers run
inside sandboxed processes on the newest interpreter the tool may use, yet a file may use syntax
newer still (PEP 695 generics on 3.11, ...); `parse_module` tells that case apart from a real
syntax error by asking libcst, whose parser knows the newer grammar, and by refusing what CPython
rejects in every version.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import sys
import threading
import tokenize
import warnings
from dataclasses import dataclass, field, replace
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Hashable,
    List,
    Optional,
    Tuple,
    TypeVar,
    Union,
)

if TYPE_CHECKING:
    import libcst

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
    """Decode with the file's PEP 263 encoding (UTF-8 by default), naming the bad line if any.

    CPython's compiler doesn't decode comments: a non-UTF-8 byte in one is accepted by
    `compile()`, so by every import, on 3.9-3.13 (only `python file.py` refuses it). Such a
    file decodes here too, each bad byte read as U+FFFD: positions before it on its line, and
    every other line, stay exact.
    """
    encoding = _encoding(path, content)
    try:
        return _decode_strictly(path, content, encoding)
    except SourceError:
        if not _compiles_to_ast(content):
            raise
        return content.decode(encoding, "replace")


def _compiles_to_ast(content: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(content)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _encoding(path: str, content: bytes) -> str:
    """The file's PEP 263 encoding; SourceError naming an invalid declaration."""
    # Lines as Python breaks them: with lone `\r` endings, `readline` would see one long line.
    lines = (match.group() for match in _BYTE_LINE_RE.finditer(content))
    try:
        encoding, _ = tokenize.detect_encoding(lambda: next(lines, b""))
    except SyntaxError as e:
        # detect_encoding also fails on a bad byte in the first two lines; only blame the
        # declaration when there is one, and otherwise report the byte like anywhere else.
        declaration = _coding_declaration_line(content)
        if declaration is not None:
            raise SourceError(
                path, declaration, 1, f"invalid encoding declaration: {e.msg}"
            ) from None
        encoding = "utf-8"
    return encoding


def _decode_strictly(path: str, content: bytes, encoding: Optional[str] = None) -> str:
    if encoding is None:
        encoding = _encoding(path, content)
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as e:
        line, col = _place_of(content, e.start)
        raise SourceError(
            path, line, col, f"not valid {encoding}: byte 0x{content[e.start]:02x} ({e.reason})"
        ) from None


_BYTE_LINE_BREAK_RE = re.compile(rb"\r\n|\r|\n")
_BYTE_LINE_RE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _place_of(content: bytes, offset: int) -> Tuple[int, int]:
    """1-based line and column (in bytes) of a byte offset, numbering lines as Python does."""
    line = len(_BYTE_LINE_BREAK_RE.findall(content, 0, offset)) + 1
    line_start = max(content.rfind(b"\n", 0, offset), content.rfind(b"\r", 0, offset)) + 1
    return line, offset - line_start + 1


@dataclass(frozen=True)
class NewerSyntax:
    """Marks source that parses with libcst but not with the running interpreter's `ast`; the
    tree libcst made of it, so a front end doesn't parse it again."""

    text: str
    module: "libcst.Module" = field(compare=False, repr=False)


# CPython's errors for code no version accepts, so never a sign of newer syntax. Decoding
# errors say `(unicode error)` (a bad byte or escape in a literal) or name the codec.
_NEVER_VALID_RE = re.compile(
    r"cannot contain null bytes|bytes can only contain ASCII|too many nested parentheses"
    r"|encoding problem|\(unicode error\)|codec can't decode"
)
# CPython's tokenizer refuses a bracket opened inside this many open ones (MAXLEVEL), in every
# version.
_MAX_BRACKET_DEPTH = 200
_OPENING_BRACKETS = frozenset("([{")
_CLOSING_BRACKETS = frozenset(")]}")


# Deep enough for any nesting CPython compiles (200 open brackets, 100 indentation levels) in
# libcst's recursive visitors, about eight frames a level: with the default 1,000 a 3.12-syntax
# file of 150 nested lists was "internal error: RecursionError" on the 3.11 checkers.
CHECKER_RECURSION_LIMIT = 10_000


_Main = TypeVar("_Main", bound=Callable[..., int])


def allows_deep_nesting(main: _Main) -> _Main:
    """A checker's `main`, run with the recursion limit raised (never lowered) and then put
    back, so a caller in the same process (a test) keeps its own. The result cache keys on the
    limit, so results of another limit are never mixed in."""

    @functools.wraps(main)
    def run(*args: Any, **kwargs: Any) -> int:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, CHECKER_RECURSION_LIMIT))
        try:
            return main(*args, **kwargs)
        finally:
            sys.setrecursionlimit(limit)

    return run  # type: ignore[return-value]


def parse_module(path: str, content: bytes) -> Union[ast.Module, NewerSyntax]:
    """Parse as CPython compiles a module; fall back to libcst only for newer syntax.

    The bytes go to CPython as an import hands them over, so it applies the coding cookie, the
    BOM and its byte checks itself, and the tree is compiled too, which catches what only the
    compiler rejects (`return` outside a function, a misplaced `from __future__`, ...).
    Returns NewerSyntax when CPython's parser fails but libcst parses the text and the text holds
    none of what CPython rejects in every version (NUL, non-ASCII in a bytes literal, 200 open
    brackets), so the caller can analyse it with libcst. Otherwise raises SourceError with
    CPython's message and line.

    Each text is parsed and compiled once per process: a fixed file is read by its check, its
    fix, the fix's compile check and the check of the fixed text, which share the outcome (see
    `_Kept`). So the tree is shared too: no caller may change it.
    """
    key = (path, content, sys.getrecursionlimit())
    outcome = _modules.get(key)
    if outcome is None:
        try:
            outcome = _parse_module(path, content)
        except SourceError as e:
            outcome = e
        _modules.put(key, outcome)
    if isinstance(outcome, SourceError):
        raise replace(outcome)  # A fresh exception: the kept one gathers no tracebacks.
    return outcome


def parse_tree(content: bytes) -> Optional[ast.Module]:
    """The `ast` of `content` as CPython's parser reads it (not compiled), None if it can't be:
    shared with `parse_module`, so no caller may change it."""
    tree = _tree(content)
    return tree if isinstance(tree, ast.Module) else None


class _Kept:
    """The outcomes of the last few texts read, by text: those of one file's check and fix
    (the file, its fixed text) are asked for again within a few calls, and never after."""

    _SIZE = 8

    def __init__(self) -> None:
        self._outcomes: Dict[Hashable, Any] = {}
        # Pants runs the Alembic check in its own process, where rules run on several threads.
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        return self._outcomes.get(key)

    def put(self, key: Hashable, outcome: Any) -> None:
        with self._lock:
            if len(self._outcomes) >= self._SIZE:
                del self._outcomes[next(iter(self._outcomes))]  # The oldest.
            self._outcomes[key] = outcome


# By (text, recursion limit): CPython's tree of the text, or what its parser raised.
_trees = _Kept()
# By (path, text, recursion limit): what `parse_module` returns or raises.
_modules = _Kept()


def _tree(content: bytes) -> Union[ast.Module, Exception]:
    # The recursion limit decides whether a deeply nested text parses.
    key = (content, sys.getrecursionlimit())
    tree = _trees.get(key)
    if tree is None:
        try:
            with warnings.catch_warnings():
                # Invalid escape sequences and the like are the file's business, not this output's.
                warnings.simplefilter("ignore")
                tree = ast.parse(content, type_comments=False)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
            tree = e.with_traceback(None)  # Kept without the frames it was raised in.
        _trees.put(key, tree)
    return tree


def _parse_module(path: str, content: bytes) -> Union[ast.Module, NewerSyntax]:
    tree = _tree(content)
    if isinstance(tree, ast.Module):
        compile_module(path, tree)
        return tree
    if isinstance(tree, SyntaxError):
        error = _cpython_error(path, content, tree.msg, tree.lineno, tree.offset)
    elif isinstance(tree, ValueError):  # 3.9/3.10: "source code string cannot contain null bytes"
        error = _cpython_error(path, content, str(tree), None, None)
    else:  # RecursionError or MemoryError: "too complex to parse", depending on the version
        raise SourceError(path, 1, 1, "syntax error: too deeply nested for Python")
    if _NEVER_VALID_RE.search(error.reason):
        raise error
    try:
        import libcst  # Imported lazily: the fast path never pays for it.
    except ImportError:  # In-process in Pants: newer syntax can't be told apart there.
        major, minor = sys.version_info[:2]
        newer = f" (or syntax newer than the Python {major}.{minor} reading it)"
        raise replace(error, reason=error.reason + newer) from None
    text = _decode_strictly(path, content)
    try:
        module = libcst.parse_module(text)
    except (libcst.ParserSyntaxError, RecursionError):
        raise error from None
    _raise_if_never_valid(path, content, text, module)
    return NewerSyntax(text, module)


def compile_module(path: str, source: Union[ast.Module, bytes]) -> None:
    """Raise SourceError unless the running CPython compiles `source`, as an import would."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        content = source if isinstance(source, bytes) else b""
        raise _cpython_error(path, content, e.msg, e.lineno, e.offset) from None
    except ValueError as e:
        content = source if isinstance(source, bytes) else b""
        raise _cpython_error(path, content, str(e), None, None) from None
    except (RecursionError, MemoryError):
        raise SourceError(path, 1, 1, "syntax error: too deeply nested for Python") from None


def _cpython_error(
    path: str, content: bytes, message: str, line: Optional[int], col: Optional[int]
) -> SourceError:
    if "null bytes" in message and b"\0" in content:  # CPython gives no place for it.
        line, col = _place_of(content, content.index(b"\0"))
    elif "(unicode error)" in message or "codec can't decode" in message:
        try:
            _decode_strictly(path, content)
        except SourceError as e:
            # Name the bad byte's exact place, unless it is an earlier one CPython let pass (in
            # a comment). A codec failing on a declared encoding gives no line at all.
            if not line or e.line == line:
                return e
    elif message.startswith("encoding problem") and not line:  # The BOM contradicts a cookie.
        line = _coding_declaration_line(content)
    return SourceError(path, max(line or 1, 1), max(col or 1, 1), f"syntax error: {message}")


def _coding_declaration_line(content: bytes) -> Optional[int]:
    return next(
        (n for n, line in enumerate(content.splitlines()[:2], 1) if _CODING_RE.match(line)),
        None,
    )


def _raise_if_never_valid(path: str, content: bytes, text: str, module: "libcst.Module") -> None:
    """Raise what CPython says about the constructs libcst accepts and no CPython version does."""
    if "\0" in text:
        raise _cpython_error(path, content, "source code cannot contain null bytes", None, None)
    too_deep = _too_deep_bracket(text)
    if too_deep is not None:
        raise SourceError(path, *too_deep, "syntax error: too many nested parentheses")
    # Only a file with a non-ASCII character can hold such a literal; most are ASCII, and the
    # walk of the whole libcst tree is the dearest part of reading a file on the libcst path.
    non_ascii_bytes = None if text.isascii() else _non_ascii_bytes_literal(module)
    if non_ascii_bytes is not None:
        reason = "syntax error: bytes can only contain ASCII literal characters"
        raise SourceError(path, *non_ascii_bytes, reason)


def _too_deep_bracket(text: str) -> Optional[Tuple[int, int]]:
    """Where a bracket opens inside 200 others, as CPython's tokenizer counts them.

    The running interpreter's tokenizer may not know every newer construct; where it fails,
    libcst's verdict stands.
    """
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in _OPENING_BRACKETS:
                if depth >= _MAX_BRACKET_DEPTH:
                    return token.start[0], token.start[1] + 1
                depth += 1
            elif token.string in _CLOSING_BRACKETS:
                depth -= 1
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def _non_ascii_bytes_literal(module: "libcst.Module") -> Optional[Tuple[int, int]]:
    """The place of the first bytes literal holding a non-ASCII character, if any."""
    import libcst
    from libcst.metadata import MetadataWrapper, PositionProvider

    found: List[libcst.SimpleString] = []

    class _Finder(libcst.CSTVisitor):
        def visit_SimpleString(self, node: libcst.SimpleString) -> None:
            if "b" in node.prefix.lower() and not node.value.isascii() and not found:
                found.append(node)

    module.visit(_Finder())
    if not found:
        return None
    # Positions cost a second walk: only paid for a file that has such a literal.
    position = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)[found[0]]
    return position.start.line, position.start.column + 1


# Python numbers lines by these breaks only; str.splitlines() also breaks at \f, \x1c, ...
LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
# A line with its break, as CPython's tokenizer counts lines (not ended by \f, \v, ...).
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class NotEditable(Exception):
    """A text edit can't find what it edits where it expects it: libcst makes the fix."""


def edit_lines(
    content: bytes,
    edit: Callable[[List[str]], None],
    shown_right: Callable[[ast.Module, ast.Module], bool],
) -> Optional[bytes]:
    """A fixer's edit made on the text, without libcst: `content` with `edit` made to its lines
    (each with its line break, edited in place), or None when the edit can't be shown right.

    That is: a file that isn't plain UTF-8 (libcst keeps another encoding, a BOM), an edit that
    raises `NotEditable`, a tokenizer or parser error, or `shown_right(tree, fixed_tree)` false
    (each fixer compares the `ast` of both: the original's with its fixes made). The trees are
    `parse_tree`'s, shared with the check of either text: `shown_right` may not change them.
    """
    try:
        if tokenize.detect_encoding(io.BytesIO(content).readline)[0] != "utf-8":
            return None
        text = content.decode("utf-8")
        lines = _LINE_RE.findall(text)
        edit(lines)
        fixed = "".join(lines).encode("utf-8")
        tree, fixed_tree = parse_tree(content), parse_tree(fixed)
        if tree is None or fixed_tree is None or not shown_right(tree, fixed_tree):
            return None
    except (NotEditable, tokenize.TokenError, SyntaxError, ValueError, RecursionError):
        return None
    return fixed


def line_at(text: str, line: int) -> Optional[str]:
    """Line `line` (1-based) as Python numbers lines, or None past the end."""
    lines = LINE_BREAK_RE.split(text)
    return lines[line - 1] if 0 < line <= len(lines) else None


def check_fix(
    path: str, original: bytes, fixed: bytes, original_is_newer: Optional[bool] = None
) -> None:
    """Raise SourceError, at the fixed file's line, unless a fix keeps the file valid Python.

    A file the running CPython compiled must still compile; a file of newer syntax must still
    parse as such (see `parse_module`). A caller that parsed the original says which it was
    (`original_is_newer`), so it isn't parsed again.
    """
    try:
        if isinstance(parse_module(path, fixed), NewerSyntax):
            if original_is_newer is None:
                original_is_newer = isinstance(parse_module(path, original), NewerSyntax)
            if not original_is_newer:
                compile_module(path, fixed)  # Raises: CPython's parser just refused it.
    except SourceError as e:
        raise replace(e, reason=f"the fixed file would not compile ({e.reason})") from None


def split_lone_cr_ending(content: bytes) -> Tuple[bytes, bytes]:
    """`content` without the lone `\\r` ending it, and that ending (or b"").

    libcst reproduces every file byte for byte but one ending in a lone `\\r` (old Mac line
    endings): it drops that last `\\r`. A fixer edits the first part and appends the second.
    """
    if content.endswith(b"\r"):
        return content[:-1], b"\r"
    return content, b""


_TRIVIA = frozenset(
    {
        tokenize.ENCODING,
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
)


def is_empty_python_source(content: bytes) -> bool:
    """Only whitespace, comments and at most a docstring: an `__init__.py` that marks a package."""
    tokens = (
        token
        for token in tokenize.tokenize(io.BytesIO(content).readline)
        if token.type not in _TRIVIA
    )
    try:
        # Two tokens, or one that isn't a string, settle it: most files are read no further
        # (every `__init__.py` of a repo is asked about, and tokenizing is slow).
        first = next(tokens, None)
        if first is None:
            return True
        return first.type == tokenize.STRING and next(tokens, None) is None
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        return False
