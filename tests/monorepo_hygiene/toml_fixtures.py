"""Generated TOML 1.0 documents, with the value each one means, for the TOML readers' property
tests: tables as headers, inline tables and arrays of tables, mixed-type arrays, every string
form, integers in every base, floats, booleans, dates; `tool` and `tool.alembic` /
`tool.ruff` tables of any shape, since those are what the readers look into."""

from __future__ import annotations

import datetime
import math
from typing import Any, Dict, List, Tuple

from hypothesis import strategies as st

BARE_KEY = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
# Keys the readers look up, to be met at any depth and with any type.
KNOWN_KEYS = st.sampled_from(
    [
        "tool",
        "alembic",
        "ruff",
        "lint",
        "script_location",
        "version_locations",
        "recursive_version_locations",
        "select",
        "extend",
        "per-file-ignores",
    ]
)
KEYS = st.one_of(BARE_KEY, KNOWN_KEYS, st.text(max_size=6))

SCALARS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(max_size=12),
    st.dates(),
)


def values() -> st.SearchStrategy[Any]:
    """A TOML value: scalars, arrays of anything (TOML 1.0 allows mixed types), tables."""
    return st.recursive(
        SCALARS,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(KEYS, children, max_size=4),
        ),
        max_leaves=12,
    )


def documents() -> st.SearchStrategy[Dict[str, Any]]:
    alembic = st.fixed_dictionaries(
        {},
        optional={
            "script_location": st.one_of(st.text(max_size=8), SCALARS),
            "version_locations": st.one_of(st.lists(st.text(max_size=8), max_size=3), values()),
            "recursive_version_locations": st.one_of(st.booleans(), SCALARS),
        },
    )
    tool = st.dictionaries(
        st.sampled_from(["alembic", "ruff", "other"]),
        st.one_of(alembic, values()),
        max_size=3,
    )
    return st.dictionaries(KEYS, values(), max_size=4) | st.fixed_dictionaries(
        {"tool": st.one_of(tool, values())}, optional={"project": values()}
    )


def _key(draw: st.DrawFn, key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
    if bare and draw(st.booleans()):
        return key
    if "'" not in key and "\n" not in key and key.isprintable() and draw(st.booleans()):
        return f"'{key}'"
    return _basic_string(key)


def _basic_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _string(draw: st.DrawFn, text: str) -> str:
    form = draw(st.sampled_from(["basic", "literal", "multiline_literal"]))
    if form == "literal" and "'" not in text and all(c == "\t" or c.isprintable() for c in text):
        return f"'{text}'"
    if (
        form == "multiline_literal"
        and "'" not in text
        and all(c in "\t\n" or c.isprintable() for c in text)
    ):
        # A newline right after the opening delimiter is trimmed; `\r` alone isn't allowed.
        return f"'''\n{text}'''"
    return _basic_string(text)


def _scalar(draw: st.DrawFn, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        form = draw(st.sampled_from(["dec", "hex", "oct", "bin", "underscore"]))
        if value >= 0 and form in ("hex", "oct", "bin"):
            return {"hex": hex, "oct": oct, "bin": bin}[form](value)
        if form == "underscore" and abs(value) >= 1000:
            return f"{value:_}"
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)
        return text if any(c in text for c in ".e") else text + ".0"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _string(draw, value)


def _inline(draw: st.DrawFn, value: Any) -> str:
    """A value on one line: arrays and tables inline."""
    if isinstance(value, list):
        separator = draw(st.sampled_from([", ", ",", " , "]))
        trailing = "," if value and draw(st.booleans()) else ""
        return "[" + separator.join(_inline(draw, item) for item in value) + trailing + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_key(draw, k)} = {_inline(draw, v)}" for k, v in value.items())
        return "{" + items + "}"
    return _scalar(draw, value)


def _table(draw: st.DrawFn, path: List[str], table: Dict[str, Any], lines: List[str]) -> None:
    """`table`'s own key/values, then its sub-tables and arrays of tables under headers."""
    headed = {
        key: value
        for key, value in table.items()
        if (
            isinstance(value, dict)
            or (isinstance(value, list) and value and all(isinstance(v, dict) for v in value))
        )
        and draw(st.booleans())
    }
    for key, value in table.items():
        if key not in headed:
            lines.append(f"{_key(draw, key)} = {_inline(draw, value)}")
    for key, value in headed.items():
        header = ".".join(_key(draw, part) for part in [*path, key])
        if isinstance(value, dict):
            lines.append(f"[{header}]")
            _table(draw, [*path, key], value, lines)
        else:
            for item in value:
                lines.append(f"[[{header}]]")
                _table(draw, [*path, key], item, lines)


@st.composite
def toml_documents(draw: st.DrawFn) -> Tuple[str, Dict[str, Any]]:
    """(TOML text, the document it means)."""
    document = draw(documents())
    lines: List[str] = []
    _table(draw, [], document, lines)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline, document
