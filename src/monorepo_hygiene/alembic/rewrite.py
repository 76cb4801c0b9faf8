"""Point a migration file at new parents: its `down_revision` value and its docstring's `Revises:`.

The rewrite runs inside Pants, whose interpreter has no libcst, so it splices text at the exact
positions `ast` gives (`col_offset`s count UTF-8 bytes, not characters) and leaves every other
byte of the file alone: comments, quotes, annotations (`down_revision: str | None = ...`), line
endings and encoding. Within a tuple or list only the ids that change are replaced, so a merge
migration's multi-line value keeps its layout and comments. The result is read back with the
check-alembic reader and must say exactly what was asked, or nothing is returned.
"""

from __future__ import annotations

import ast
import re
from typing import List, Optional, Sequence, Tuple, Union

from ..source import LINE_BREAK_RE
from .errors import MigrationReadError
from .reader import decode_migration, parse_migration, read_migration

# The ids after `Revises:` in alembic's docstring; the closing quotes may follow on the line.
_REVISES_RE = re.compile(
    r"(?P<head>[ \t]*Revises:[ \t]*)(?P<ids>[^\s,'\"]+(?:[ \t]*,[ \t]*[^\s,'\"]+)*)?"
)
_STRING_PREFIX_CHARS = "rRuUbBfF"

# A replacement: (start, end) character offsets into the text, and the text to put there.
_Splice = Tuple[int, int, str]


def rewrite_down_revision(path: str, content: bytes, down_revisions: Sequence[str]) -> bytes:
    """`content` with `down_revision` (and `Revises:`, when the docstring has one) set to
    `down_revisions`; nothing else changes.

    Raises MigrationReadError naming the line when the file has no literal `down_revision` or
    can't be written back byte-for-byte in its own encoding.
    """
    new_ids = tuple(down_revisions)
    text, encoding = _decode(path, content)
    module = parse_migration(path, content)
    lines = _Lines(path, text)
    assignment = _last_down_revision_assignment(module)
    if assignment is None:
        raise MigrationReadError(path, 1, "missing `down_revision`")
    assert assignment.value is not None
    splices = _value_splices(lines, assignment.value, new_ids, _quote_of_revision(lines, module))
    revises = _revises_splice(lines, module, new_ids)
    if revises is not None:
        splices.append(revises)

    for start, end, replacement in sorted(splices, reverse=True):
        text = text[:start] + replacement + text[end:]
    rewritten = text.encode(encoding, "surrogateescape")

    migration = read_migration(path, rewritten)
    if migration.down_revisions != new_ids or (
        revises is not None and migration.docstring_revises != new_ids
    ):
        raise MigrationReadError(
            path, assignment.lineno, "rewriting `down_revision` gave an unexpected result"
        )
    return rewritten


def _decode(path: str, content: bytes) -> Tuple[str, str]:
    text, encoding = decode_migration(path, content)
    if text.encode(encoding, "surrogateescape") != content:
        raise MigrationReadError(
            path, 1, f"can't be rewritten byte-for-byte in its encoding ({encoding})"
        )
    return text, encoding


class _Lines:
    """Maps `ast` positions (1-based line, UTF-8 byte column) to offsets into the text."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._starts = [0] + [match.end() for match in LINE_BREAK_RE.finditer(text)]
        self._ends = [match.start() for match in LINE_BREAK_RE.finditer(text)] + [len(text)]

    def line(self, lineno: int) -> str:
        return self.text[self._starts[lineno - 1] : self._ends[lineno - 1]]

    def start_of(self, lineno: int) -> int:
        return self._starts[lineno - 1]

    def offset(self, lineno: int, utf8_col: int) -> int:
        # Surrogates stand for bytes CPython let pass in a comment, which never precedes a node.
        line = self.line(lineno).encode("utf-8", "surrogateescape")
        prefix = line[:utf8_col].decode("utf-8", "surrogateescape")
        return self._starts[lineno - 1] + len(prefix)

    def span(self, node: ast.expr) -> Tuple[int, int]:
        assert node.end_lineno is not None and node.end_col_offset is not None
        return (
            self.offset(node.lineno, node.col_offset),
            self.offset(node.end_lineno, node.end_col_offset),
        )

    def source(self, node: ast.expr) -> str:
        start, end = self.span(node)
        return self.text[start:end]


def _last_down_revision_assignment(
    module: ast.Module,
) -> Optional[Union[ast.Assign, ast.AnnAssign]]:
    """The binding alembic's import would keep: the last module-level one."""
    found = None
    for statement in module.body:
        if isinstance(statement, ast.Assign):
            targets: List[ast.expr] = statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "down_revision" for t in targets):
            found = statement
    return found


def _value_splices(
    lines: _Lines, value: ast.expr, new_ids: Tuple[str, ...], default_quote: str
) -> List[_Splice]:
    elements = _string_elements(value)
    if elements is None and not (isinstance(value, ast.Constant) and value.value is None):
        raise MigrationReadError(
            lines.path, value.lineno, "`down_revision` is computed at runtime; write a literal"
        )
    if elements is not None and len(elements) == len(new_ids):
        return [
            (*lines.span(element), _string_literal(new_id, _quote_of(lines.source(element))))
            for element, new_id in zip(elements, new_ids)
            if element.value != new_id
        ]
    quote = _quote_of(lines.source(elements[0])) if elements else default_quote
    literals = [_string_literal(new_id, quote) for new_id in new_ids]
    if not literals:
        rendered = "None"
    elif len(literals) == 1:
        rendered = literals[0]
    elif isinstance(value, ast.List):
        rendered = f"[{', '.join(literals)}]"
    else:
        rendered = f"({', '.join(literals)})"
    return [(*lines.span(value), rendered)]


def _string_elements(value: ast.expr) -> Optional[List[ast.Constant]]:
    """The string literals of a string, tuple or list value; None for anything else (`None`)."""
    candidates = value.elts if isinstance(value, (ast.Tuple, ast.List)) else [value]
    if all(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in candidates):
        return candidates  # type: ignore[return-value]
    return None


def _quote_of_revision(lines: _Lines, module: ast.Module) -> str:
    """The quote the file's `revision = "..."` uses, so a `None` becomes a string in its style."""
    for statement in module.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            value = statement.value
            if (
                any(isinstance(t, ast.Name) and t.id == "revision" for t in targets)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                return _quote_of(lines.source(value))
    return '"'


def _quote_of(literal_source: str) -> str:
    quote = literal_source.lstrip(_STRING_PREFIX_CHARS)[:1]
    return quote if quote in ("'", '"') else '"'


def _string_literal(revision: str, quote: str) -> str:
    literal = f"{quote}{revision}{quote}"
    # Revision ids are plain words; one that would need escapes gets Python's own spelling.
    return literal if ast.literal_eval(literal) == revision else repr(revision)


def _revises_splice(
    lines: _Lines, module: ast.Module, new_ids: Tuple[str, ...]
) -> Optional[_Splice]:
    """Replaces the ids of the module docstring's first `Revises:` line, if it has one."""
    if not module.body:
        return None
    first = module.body[0]
    if not (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return None
    assert first.end_lineno is not None
    # The docstring's first line holds the opening quotes (and the message), never the field.
    for lineno in range(first.lineno + 1, first.end_lineno + 1):
        match = _REVISES_RE.match(lines.line(lineno))
        if match is not None:
            start = lines.start_of(lineno)
            ids_start = start + match.end("head")
            ids_end = start + match.end()
            return ids_start, ids_end, ", ".join(new_ids)
    return None
