"""The error every capability raises about a place in a file (a migration, a config, a template,
a baseline): where it is and why, kept as attributes so callers can report it in their own
shape, and `path:line: reason` as the message."""

from __future__ import annotations

from typing import Optional


class FileError(Exception):
    def __init__(self, path: str, line: Optional[int], reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        location = path if line is None else f"{path}:{line}"
        super().__init__(f"{location}: {reason}")
