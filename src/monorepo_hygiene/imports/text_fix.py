"""The import rewrite made on the text, without libcst: `fix.try_fix` tries it first.

A fix changes only the head of a statement: the `from` part of `from ... import` (its dots and
module name), or `import a.b.c` of `import a.b.c as d`, made `from <...> import c`. The tokenizer
finds that head from the statement's own place, a few tokens each, where libcst costs ~20 ms a
file to parse, visit and print a whole module. The edit is spaced as the libcst rewrite spaces it
(`rewrite`), and the result must parse to exactly the original `ast` with the rewrites made, or
the edit is not used and libcst makes it instead.
"""

from __future__ import annotations

import ast
import tokenize
from typing import List, Mapping, Optional, Sequence, Tuple

from ..source import NotEditable, edit_lines
from .statements import ImportStatement, Rewrite


def rewrite_imports(
    content: bytes, statements: Sequence[ImportStatement], rewrites: Mapping[int, Rewrite]
) -> Optional[bytes]:
    """`content` with the statements at the given positions (in `statements`) rewritten, or None
    when the text edit can't be shown right (`edit_lines`): a statement's head over several
    lines, or an `ast` that doesn't come out as the original's with the rewrites."""

    def rewrite(lines: List[str]) -> None:
        # From the last statement back, so an edit never moves the place of one still to make.
        for ordinal in sorted(
            rewrites, key=lambda o: (statements[o].line, statements[o].col), reverse=True
        ):
            statement = statements[ordinal]
            index = statement.line - 1
            lines[index] = _rewritten_line(lines[index], statement, rewrites[ordinal])

    wanted = {(statements[o].line, statements[o].col): r for o, r in rewrites.items()}
    return edit_lines(
        content,
        rewrite,
        lambda text, fixed: _parses_as_rewritten(ast.parse(text), ast.parse(fixed), wanted),
    )


def _rewritten_line(line: str, statement: ImportStatement, rewrite: Rewrite) -> str:
    """`line` with the head of `statement` (which starts on it) rewritten: the `from` part of a
    `from` statement, or `import a.b.c` of `import a.b.c as d` made `from <rewrite> import c`."""
    col = len(line.encode("utf-8")[: statement.col].decode("utf-8"))
    tokens = tokenize.generate_tokens(iter([line[col:]]).__next__)
    keyword = next(tokens)
    if keyword.string != ("from" if statement.is_from else "import"):
        raise NotEditable
    # The dotted part up to `import` (or `as`): dots and names only, all on this line (a `\`
    # continuation is left to libcst).
    part: List[tokenize.TokenInfo] = []
    for token in tokens:
        if token.type == tokenize.NAME and token.string in ("import", "as"):
            break
        dots = token.type == tokenize.OP and set(token.string) == {"."}
        if token.start[0] != 1 or not (dots or token.type == tokenize.NAME):
            raise NotEditable
        part.append(token)
    else:
        raise NotEditable
    if not part or token.start[0] != 1:
        raise NotEditable
    head, tail = line[: col + keyword.end[1]], line[col + part[-1].end[1] :]
    after_keyword = line[col + keyword.end[1] : col + part[0].start[1]]
    if not statement.is_from:
        # As `rewrite._ImportRewriter.leave_Import`: libcst's default spaces around the new
        # `from` part, the imported name's own whitespace kept.
        new_head = f"from {'.' * rewrite.level}{rewrite.module} import"
        return line[:col] + new_head + after_keyword + part[-1].string + tail
    before_import = line[col + part[-1].end[1] : col + token.start[1]]
    # As `rewrite._with_from_part`: `from.x import y` and `from .import y` need the spaces once
    # the part is absolute or names a module.
    if rewrite.level == 0 and not after_keyword:
        after_keyword = " "
    if rewrite.module and not before_import:
        before_import = " "
    from_part = after_keyword + "." * rewrite.level + rewrite.module + before_import
    return head + from_part + line[col + token.start[1] :]


def _parses_as_rewritten(
    original: ast.Module, fixed: ast.Module, wanted: Mapping[Tuple[int, int], Rewrite]
) -> bool:
    """Whether the fixed text's tree is the original's with the rewrites made.

    Only the lines of rewritten statements changed, so a top-level statement on none of them
    is the same text: it parses to the same tree when it spans the same places. Those on an
    edited line are compared whole, with the rewrites made to the original.
    """
    if len(original.body) != len(fixed.body):
        return False
    edited_lines = {line for line, _ in wanted}
    rewriter = _Rewriter(wanted)
    for before, after in zip(original.body, fixed.body):
        if any(before.lineno <= line <= (before.end_lineno or 0) for line in edited_lines):
            if ast.dump(rewriter.visit(before)) != ast.dump(after):
                return False
        elif _span(before) != _span(after):
            return False
    return rewriter.made == len(wanted)


def _span(node: ast.stmt) -> Tuple[int, int, Optional[int], Optional[int]]:
    return node.lineno, node.col_offset, node.end_lineno, node.end_col_offset


class _Rewriter(ast.NodeTransformer):
    """The original tree with the rewrites made: what the edited text must parse to."""

    def __init__(self, wanted: Mapping[Tuple[int, int], Rewrite]) -> None:
        self._wanted = wanted
        self.made = 0

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.ImportFrom:
        rewrite = self._wanted.get((node.lineno, node.col_offset))
        if rewrite is not None:
            node.level, node.module = rewrite.level, rewrite.module or None
            self.made += 1
        return node

    def visit_Import(self, node: ast.Import) -> ast.AST:
        rewrite = self._wanted.get((node.lineno, node.col_offset))
        if rewrite is None:
            return node
        (alias,) = node.names  # The verdict only rewrites `import a.b.c as d`.
        self.made += 1
        return ast.ImportFrom(
            module=rewrite.module or None,
            names=[ast.alias(name=alias.name.rpartition(".")[2], asname=alias.asname)],
            level=rewrite.level,
        )
