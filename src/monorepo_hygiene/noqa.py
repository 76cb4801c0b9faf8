"""`# noqa` comments, read the way ruff reads them.

`# noqa` alone suppresses every code on its line; `# noqa: A1, B2` only those codes. Only real
comments count (found with `tokenize`, so `"# noqa"` in a string is text, not a directive), and a
comment is parsed with ruff's rules (its `NoqaLexer`): the first `#` followed by `noqa` in the
comment is the directive; `noqa` then ends the comment, is followed by whitespace and no colon
(bare: every code), or by a colon (optionally after whitespace) and codes, each uppercase letters
then digits, separated by commas and/or whitespace. Codes end at the first word that isn't one
(`# noqa: E501 because`), and a malformed directive (`# noqa:`, `# noqa: e501`, `# noqaE501`,
`# noqa: E501x`) suppresses nothing, as in ruff. Checked against ruff itself in
`tests/monorepo_hygiene/test_noqa.py`.
"""

from __future__ import annotations

import io
import tokenize
from typing import FrozenSet, Iterator, List, Optional, Sequence

# Marks a bare `# noqa`, which suppresses every code.
ALL_CODES: FrozenSet[str] = frozenset({"*"})

_DIGITS = "0123456789"


def is_suppressed(code: str, line_texts: Sequence[str]) -> bool:
    """Whether a `# noqa` comment on the given lines covers `code`.

    The lines must start where a statement (or a decorator, or a BUILD file call) starts, so
    that tokenizing them from there finds the comments Python would: one line of a multi-line
    statement is fine (comments before the unfinished part are still found).
    """
    text = "\n".join(line_texts)
    if "noqa" not in text.lower():  # Most lines: no need to tokenize.
        return False
    for comment in _comments(text):
        codes = noqa_codes(comment)
        if codes is not None and (codes is ALL_CODES or code in codes):
            return True
    return False


def noqa_codes(comment: str) -> Optional[FrozenSet[str]]:
    """The codes a comment's `# noqa` directive suppresses: None without a valid directive,
    ALL_CODES when bare. `comment` is one comment token's text, from its `#` to the line end."""
    start = 0
    while True:
        hash_at = comment.find("#", start)
        if hash_at < 0:
            return None
        rest = comment[hash_at + 1 :].lstrip()
        if rest[:4].isascii() and rest[:4].lower() == "noqa":
            return _directive(rest[4:])
        start = hash_at + 1


def _comments(text: str) -> Iterator[str]:
    """The comment tokens of `text`, up to where it stops being tokenizable."""
    tokens = tokenize.generate_tokens(io.StringIO(text + "\n").readline)
    try:
        for token in tokens:
            if token.type == tokenize.COMMENT:
                yield token.string
    except (tokenize.TokenError, SyntaxError):  # An unfinished statement, or a bad dedent.
        return


def _directive(after_noqa: str) -> Optional[FrozenSet[str]]:
    if not after_noqa or after_noqa[0] == "#":
        return ALL_CODES
    if after_noqa[0] == ":":
        codes_text = after_noqa[1:]
    elif after_noqa[0].isspace():
        after_space = after_noqa.lstrip()
        if not after_space.startswith(":"):
            return ALL_CODES  # `# noqa - why`: bare, with an explanation.
        codes_text = after_space[1:]
    else:
        return None  # `# noqaE501`, `# noqa!`: ruff reports it and suppresses nothing.
    codes = _codes(codes_text)
    return frozenset(codes) if codes else None


def _codes(text: str) -> Optional[List[str]]:
    """The codes after `noqa:`; None if they are malformed (ruff's `lex_codes`)."""
    codes: List[str] = []
    # Set after a code directly followed by another (`E501F401`): then a non-code is an error.
    missing_delimiter = False
    i, end = 0, len(text)
    while i < end:
        while i < end and text[i].isspace():
            i += 1
        if i < end and text[i] == ",":
            i += 1
            continue
        if i == end or not ("A" <= text[i] <= "Z"):
            break  # Not a code: the rest is an explanation.
        code_start = i
        while i < end and "A" <= text[i] <= "Z":
            i += 1
        if i == end or text[i] not in _DIGITS:
            if missing_delimiter:
                return None
            break
        while i < end and text[i] in _DIGITS:
            i += 1
        codes.append(text[code_start:i])
        if i == end:
            break
        following = text[i]
        if following == ",":
            i += 1
            missing_delimiter = False
        elif following.isspace() or following == "#":
            missing_delimiter = False
        elif "A" <= following <= "Z":
            missing_delimiter = True
        else:
            return None  # `E501x`, `E501:F401`, `E501;`.
    return codes
