"""Errors of the import rule: one base class, structured subclasses.

Bad facts are the caller's to fix; a file libcst can't rewrite faithfully is reported (`HI105`)
and left alone; the other errors are bugs of the rule, which the batch checker turns into an
`HI100` finding for the one file concerned.
"""

from __future__ import annotations


class ImportRuleError(Exception):
    """Base of every error the import rule raises."""


class FactsError(ImportRuleError, ValueError):
    """Facts JSON that doesn't have the documented shape."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"Invalid import facts at `{where}`: {reason}")


class StatementMismatch(ImportRuleError):
    """libcst and `ast` disagree on the k-th import statement of a file."""

    def __init__(self, ordinal: int, expected: object, found: object) -> None:
        self.ordinal = ordinal
        self.expected = expected
        self.found = found
        super().__init__(f"Import statement #{ordinal}: expected {expected!r}, found {found!r}")


class UnfixableFile(ImportRuleError):
    """libcst can't rewrite the file faithfully, so no fix is applied to it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
