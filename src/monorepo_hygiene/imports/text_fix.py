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
        lambda tree, fixed: _parses_as_rewritten(tree, fixed, wanted),
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
    made = 0
    for before, after in zip(original.body, fixed.body):
        if any(before.lineno <= line <= (before.end_lineno or 0) for line in edited_lines):
            rewritten, count = _dump_rewritten(before, wanted)
            if rewritten != ast.dump(after):
                return False
            made += count
        elif _span(before) != _span(after):
            return False
    return made == len(wanted)


def _span(node: ast.stmt) -> Tuple[int, int, Optional[int], Optional[int]]:
    return node.lineno, node.col_offset, node.end_lineno, node.end_col_offset


def _dump_rewritten(
    statement: ast.stmt, wanted: Mapping[Tuple[int, int], Rewrite]
) -> Tuple[str, int]:
    """`ast.dump` of `statement` with the rewrites made, and how many were: what the edited
    text must parse to. The statement belongs to the file's tree, which its check shares
    (`source.parse_tree`): each import rewritten is swapped in for the dump, then put back."""
    rewrite = _wanted_at(statement, wanted)
    if rewrite is not None:
        return ast.dump(_rewritten(statement, rewrite)), 1
    # Imports are statements: they sit in the statement lists of the blocks inside.
    swaps: List[Tuple[List[ast.stmt], int, ast.stmt]] = []
    for node in ast.walk(statement):
        for _, value in ast.iter_fields(node):
            if isinstance(value, list):
                for index, child in enumerate(value):
                    rewrite = _wanted_at(child, wanted)
                    if rewrite is not None:
                        swaps.append((value, index, child))
    try:
        for block, index, child in swaps:
            block[index] = _rewritten(child, wanted[(child.lineno, child.col_offset)])
        return ast.dump(statement), len(swaps)
    finally:
        for block, index, child in swaps:
            block[index] = child


def _wanted_at(node: ast.AST, wanted: Mapping[Tuple[int, int], Rewrite]) -> Optional[Rewrite]:
    if not isinstance(node, (ast.Import, ast.ImportFrom)):
        return None
    return wanted.get((node.lineno, node.col_offset))


def _rewritten(statement: ast.stmt, rewrite: Rewrite) -> ast.ImportFrom:
    """A new import statement: `statement` with `rewrite` made."""
    if isinstance(statement, ast.ImportFrom):
        names = statement.names
    else:
        (alias,) = statement.names  # The verdict only rewrites `import a.b.c as d`.
        names = [ast.alias(name=alias.name.rpartition(".")[2], asname=alias.asname)]
    return ast.ImportFrom(module=rewrite.module or None, names=names, level=rewrite.level)
