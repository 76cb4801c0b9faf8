"""A committed baseline of accepted findings, so a rule can be turned on before every finding is
fixed.

An entry is keyed by file, code and the *normalised statement* the finding points into (its
logical line's tokens joined by single spaces, comments dropped), with a count for identical
statements, never by line number: inserting or deleting lines elsewhere in a file leaves the
baseline valid. Findings whose key is in the baseline (up to its count) are not reported; entries
that no longer match a finding are reported as *stale*, so the file only shrinks.

File format (JSON, one entry per line so diffs review well):

    {"version": 1, "entries": [
      {"code": "HI101", "count": 1, "path": "src/a.py", "statement": "from shop import util"},
      ...
    ]}
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import (
    AbstractSet,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
)

from ..errors import FileError
from ..findings import Finding

BASELINE_VERSION = 1

@dataclass(frozen=True, order=True)
class BaselineKey:
    path: str
    code: str
    statement: str

    def render(self) -> str:
        statement = f" `{self.statement}`" if self.statement else ""
        return f"{self.path}: {self.code}{statement}"


class BaselineError(FileError, ValueError):
    """A baseline file that can't be read; the message names the file and what is wrong."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, None, reason)


@dataclass(frozen=True)
class Baseline:
    counts: Tuple[Tuple[BaselineKey, int], ...]

    @classmethod
    def from_keys(cls, keys: Iterable[BaselineKey]) -> "Baseline":
        return cls(tuple(sorted(Counter(keys).items())))

    def as_counter(self) -> Counter:
        return Counter(dict(self.counts))

    def render(self) -> str:
        lines = [
            json.dumps(
                {"code": k.code, "count": n, "path": k.path, "statement": k.statement},
                sort_keys=True,
                ensure_ascii=False,
            )
            for k, n in self.counts
        ]
        entries = "".join(f"\n  {line}," for line in lines).rstrip(",")
        return f'{{"version": {BASELINE_VERSION}, "entries": [{entries}\n]}}\n'

    @classmethod
    def parse(cls, path: str, text: str) -> "Baseline":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise BaselineError(path, f"not JSON (line {e.lineno}: {e.msg})") from None
        if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
            raise BaselineError(path, f'expected an object with "version": {BASELINE_VERSION}')
        entries = data.get("entries")
        if not isinstance(entries, list):
            raise BaselineError(path, 'expected "entries" to be a list')
        counts: Counter = Counter()
        for index, entry in enumerate(entries):
            try:
                key = BaselineKey(entry["path"], entry["code"], entry["statement"])
                count = entry["count"]
            except (KeyError, TypeError):
                raise BaselineError(
                    path, f"entry {index + 1} needs `path`, `code`, `statement` and `count`"
                ) from None
            # JSON's `true` is a Python int too: a count must be a number.
            if not all(isinstance(v, str) for v in (key.path, key.code, key.statement)) or not (
                isinstance(count, int) and not isinstance(count, bool) and count >= 1
            ):
                raise BaselineError(path, f"entry {index + 1}: strings and a count of 1 or more")
            counts[key] += count
        return cls(tuple(sorted(counts.items())))


@dataclass(frozen=True)
class BaselineOutcome:
    reported: Tuple[Finding, ...]
    baselined: Tuple[Finding, ...]
    # Entries (with how many of their count went unmatched) whose file was checked.
    stale: Tuple[Tuple[BaselineKey, int], ...]


def finding_keys(findings: Sequence[Finding], sources: Mapping[str, str]) -> List[BaselineKey]:
    """Each finding's key; `sources` maps the findings' file paths to their text (a path without
    text, such as a BUILD file yet to be created, keys by an empty statement)."""
    statements: Dict[str, "_Statements"] = {}
    last_lines: Dict[str, int] = {}
    for finding in findings:
        last_lines[finding.path] = max(finding.line, last_lines.get(finding.path, 0))
    keys = []
    for finding in findings:
        source = sources.get(finding.path)
        statement = ""
        if source is not None:
            if finding.path not in statements:
                statements[finding.path] = _Statements(source, last_lines[finding.path])
            statement = statements[finding.path].at(finding.line)
        keys.append(BaselineKey(finding.path, finding.code, statement))
    return keys


def apply_baseline(
    baseline: Baseline,
    findings: Sequence[Finding],
    keys: Sequence[BaselineKey],
    checked_paths: Iterable[str],
    codes: Optional[Iterable[str]] = None,
    former_codes: Optional[Mapping[str, Sequence[str]]] = None,
) -> BaselineOutcome:
    """Subtract `baseline` from `findings` (keyed by `keys`, in the same order). Entries for a
    path in `checked_paths` (and, when given, a code in `codes`) that match no finding are stale.
    A finding whose code was renamed also matches an entry under one of its `former_codes`
    (`RuleDoc.former_codes`, by current code), so a baseline written before the rename holds."""
    remaining = baseline.as_counter()
    reported, baselined = [], []
    for finding, key in sorted(zip(findings, keys)):
        former = () if former_codes is None else former_codes.get(key.code, ())
        candidates = [key, *(replace(key, code=code) for code in former)]
        match = next((candidate for candidate in candidates if remaining[candidate] > 0), None)
        if match is not None:
            remaining[match] -= 1
            baselined.append(finding)
        else:
            reported.append(finding)
    checked = set(checked_paths)
    wanted_codes = None if codes is None else set(codes)
    stale = tuple(
        (key, count)
        for key, count in sorted(remaining.items())
        if count > 0 and key.path in checked and (wanted_codes is None or key.code in wanted_codes)
    )
    return BaselineOutcome(tuple(reported), tuple(baselined), stale)


def unchecked_entries(baseline: Baseline, checked_paths: Iterable[str]) -> FrozenSet[BaselineKey]:
    """The entries of `baseline` for paths a run didn't check. A checked file covers its own
    entries and those of every directory above it (a BUILD file yet to be created keys by its
    directory, `src/app/`)."""
    checked = set(checked_paths)
    covered = checked | {
        path[: index + 1] for path in checked for index, char in enumerate(path) if char == "/"
    }
    return frozenset(key for key, _ in baseline.counts if key.path not in covered)


@dataclass(frozen=True)
class BaselineUpdate:
    """The baseline a run writes, and how many of each entry it added and removed."""

    baseline: Baseline
    added: Counter
    removed: Counter


def updated_baseline(
    old: Baseline,
    new_keys: Iterable[BaselineKey],
    unchecked: AbstractSet[BaselineKey],
    existing_paths: AbstractSet[str],
) -> BaselineUpdate:
    """`old` rewritten from the keys of a run's findings: the entries the run didn't check
    (`unchecked_entries`) stay as long as their file or directory is among `existing_paths`
    (named without a trailing `/`); every other entry is replaced by the run's own."""
    kept = [
        (key, count)
        for key, count in old.counts
        if key in unchecked and key.path.rstrip("/") in existing_paths
    ]
    new = Baseline(tuple(sorted((Counter(new_keys) + Counter(dict(kept))).items())))
    old_counts, new_counts = old.as_counter(), new.as_counter()
    return BaselineUpdate(new, added=new_counts - old_counts, removed=old_counts - new_counts)


class _Statements:
    """The normalised logical line around any line of a file: tokens joined by single spaces,
    comments and line breaks dropped, so reformatting within the statement changes nothing
    but editing its code does.

    Read by `_logical_lines`, not by the `tokenize` of the interpreter Pants runs on: a key must
    not change with the interpreter (CPython 3.9's tokenizer gives up at a 3.12 f-string, and
    3.12's splits f-strings into parts). Where `tokenize` reads a file it agrees, token for
    token, with an f-string one token as up to 3.11."""

    def __init__(self, source: str, last_line: int) -> None:
        """Reads only as far as the statement holding `last_line`: the rest of a long file
        would cost more than the whole lookup."""
        self._lines = source.splitlines()
        self._by_line: Dict[int, str] = {}
        for first, last, tokens in _logical_lines(source):
            if tokens:
                text = " ".join(tokens)
                for line in range(first, last + 1):
                    self._by_line[line] = text
            if last >= last_line:
                break

    def at(self, line: int) -> str:
        if line in self._by_line:
            return self._by_line[line]
        if 1 <= line <= len(self._lines):
            return " ".join(self._lines[line - 1].split())
        return ""


_OPERATORS = (
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "!=", "%=", "&=", "**", "*=", "+=", "-=",
    "//", "/=", "<<", "<=", "==", ">=", ">>", "@=", "^=", "|=",
)  # fmt: skip
_TOKEN_RE = re.compile(
    r"(?P<space>[ \t\f]+|\\(?:\r\n|\r|\n))"
    r"|(?P<comment>#[^\r\n]*)"
    r"|(?P<newline>\r\n|\r|\n)"
    r"""|(?P<string>(?:[rR][bBfF]?|[bBfF][rR]?|[uU])?(?:'''|\"\"\"|'|"))"""
    r"|(?P<number>0[xXoObB][0-9a-fA-F_]+"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<operator>" + "|".join(map(re.escape, _OPERATORS)) + r"|.)",
    re.DOTALL,
)
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_OPENING, _CLOSING = frozenset("([{"), frozenset(")]}")


def _logical_lines(source: str) -> Iterator[Tuple[int, int, List[str]]]:
    """(first line, last line, tokens) of each logical line, in order; a blank or comment-only
    line has no tokens. A statement left open at the end of the file (a bracket, a triple-quoted
    string) is no logical line: its lines key by their own text, as they did when `tokenize`
    gave up there."""
    position, line, depth, open_string = 0, 1, 0, False
    first, tokens = 1, []
    while position < len(source):
        match = _TOKEN_RE.match(source, position)
        assert match is not None  # The last alternative matches any character.
        kind = match.lastgroup
        end = match.end()
        if kind == "string":
            end = _string_end(source, end, match.group())
            quote = match.group().lstrip("rRbBfFuU")
            open_string = end - match.end() < len(quote) or not source.endswith(quote, 0, end)
        if kind == "newline" and depth == 0:
            yield first, line, tokens
            first, tokens = line + 1, []
        elif kind not in ("space", "comment", "newline"):
            if not tokens:
                first = line
            text = source[position:end]
            tokens.append(text)
            if text in _OPENING:
                depth += 1
            elif text in _CLOSING:
                depth = max(depth - 1, 0)
        line += len(_LINE_BREAK_RE.findall(source, position, end))
        position = end
    if tokens and depth == 0 and not open_string:
        yield first, line, tokens


def _string_end(source: str, position: int, start: str) -> int:
    """Where the string literal that `start` (prefix and quote) opens ends. A backslash escapes
    the next character (in raw strings too, as far as the end goes); a replacement field of an
    f-string is read as code, so it may hold strings in the same quotes (3.12)."""
    quote = start.lstrip("rRbBfFuU")
    formatted = "f" in start.lower()
    while position < len(source):
        char = source[position]
        if source.startswith(quote, position):
            return position + len(quote)
        if char == "\\":
            position += 2
        elif char in "\r\n" and len(quote) == 1:
            return position  # Unterminated: the line ends it.
        elif formatted and source.startswith("{{", position):
            position += 2
        elif formatted and char == "{":
            position = _replacement_field_end(source, position + 1)
        else:
            position += 1
    return len(source)


def _replacement_field_end(source: str, position: int) -> int:
    """Where an f-string's replacement field that starts at `position` (after `{`) ends."""
    depth = 0
    while position < len(source):
        char = source[position]
        match = _TOKEN_RE.match(source, position)
        assert match is not None
        if match.lastgroup == "string":
            position = _string_end(source, match.end(), match.group())
            continue
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            if depth == 0:
                return position + 1
            depth -= 1
        elif char == ":" and depth == 0 and match.group() != ":=":
            return _format_spec_end(source, position + 1)
        position = match.end()
    return position


def _format_spec_end(source: str, position: int) -> int:
    """Where a replacement field's format spec (literal text, nested fields) ends."""
    while position < len(source):
        char = source[position]
        if char == "}":
            return position + 1
        if char == "{":
            position = _replacement_field_end(source, position + 1)
        elif char in "\r\n":
            return position
        else:
            position += 1
    return position
