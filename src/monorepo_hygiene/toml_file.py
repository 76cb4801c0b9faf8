"""TOML as the repo's own tools read it: TOML 1.0, with the stdlib `tomllib` (CPython 3.11+) or,
on older Pythons, `tomli`, the same parser (a requirement of the wheel there). The `toml`
package that Pants 2.17's own process has is pre-1.0: it rejects valid mixed-type arrays and
accepts a truncated `key = [`."""

from __future__ import annotations

import re
from typing import Any, Dict

from .errors import FileError

try:
    import tomllib as _toml  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # CPython < 3.11.
    import tomli as _toml  # type: ignore[no-redef,unused-ignore]  # pants: no-infer-dep

# Where both parsers place an error: "Unclosed array (at line 3, column 24)".
_PLACE_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


class TomlError(FileError):
    """A file that isn't valid TOML: the parser's message, line and column."""


def load_toml(path: str, text: str) -> Dict[str, Any]:
    try:
        document: Dict[str, Any] = _toml.loads(text)
    except _toml.TOMLDecodeError as e:
        message = str(e)
        place = _PLACE_RE.search(message)
        if place is None:  # "... (at end of document)": just past the last character.
            last_line = text.rpartition("\n")[2]
            line, column = text.count("\n") + 1, len(last_line) + 1
            message = message.replace(" (at end of document)", "")
            reason = f"not valid TOML: {message} (at the end of the file, column {column})"
        else:
            line = int(place.group(1))
            reason = f"not valid TOML: {message[: place.start()]} (column {place.group(2)})"
        raise TomlError(path, line, reason) from None
    return document
