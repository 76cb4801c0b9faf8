"""The first-party modules a file's import check may ask about, read from the file's text alone.

A lint of a few files (a CI run with `--changed-since`) then needs the owners of only these
modules, not every module of the repo. The check's answers must not change, so this is a
superset of what `check.judge` looks up, found without parsing: the checkers may run on a newer
Python than the adapter's, and a file that doesn't parse still has to cost nothing extra. Every
`import` keyword in the text counts, in comments and strings too: a name too many is a lookup
that finds nothing; a name too few would change a finding.

The owners index (`owners.ModuleOwners`) answers for a module from the module itself, or, for a
name with no file of its own (a namespace package), from every module under it, and walks the
prefixes of a dotted name. So the adapter completes these names with their prefixes, and a
prefix without a file with every module under it.
"""

from __future__ import annotations

import codecs
import re
import tokenize
import unicodedata
from io import BytesIO
from typing import FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple

# An identifier's characters, generously: everything but ASCII whitespace and punctuation (`_`
# excepted). Python's own identifiers are a subset (non-ASCII letters, combining marks, ...).
_NAME = r"[^\s!-/:-@\[-^`{-~]+"
_NAME_CHAR = re.compile(_NAME)
_DOTTED = re.compile(rf"{_NAME}(?:\s*\.\s*{_NAME})*")
_IMPORT = re.compile(rf"(?<![^\s!-/:-@\[-^`{{-~])import(?!{_NAME})")
_FROM = re.compile(rf"(?<![^\s!-/:-@\[-^`{{-~])from(?!{_NAME})")
# A backslash continues a logical line over a line break.
_CONTINUATION = re.compile(r"\\(?:\r\n|\r|\n)")
_LINE_END = re.compile(r"\r\n|\r|\n")


def looked_up_modules(module: str, is_package: bool, content: bytes) -> FrozenSet[str]:
    """Dotted names `check.judge` may look up for the file `module` (its own package's `__init__`
    when `is_package`): every module a statement names, and every name it imports under it,
    resolved against each package from the file's own up to the top for a relative import (the
    check also tries those, for an import that climbs too far)."""
    parts = tuple(module.split("."))
    package_parts = parts if is_package else parts[:-1]
    bases = [package_parts[:depth] for depth in range(len(package_parts) + 1)]
    found: Set[str] = set()
    for level, from_module, names in _imports(_decode(content)):
        if level == 0:
            found.add(from_module)
            found.update(f"{from_module}.{name}" for name in names if from_module)
            continue
        for base in bases:
            holder = ".".join((*base, from_module) if from_module else base)
            if holder:
                found.add(holder)
                found.update(f"{holder}.{name}" for name in names)
    found.discard("")
    return frozenset(found)


def with_prefixes(names: FrozenSet[str]) -> FrozenSet[str]:
    """The names and every dotted prefix of them (`a.b.c`: `a.b`, `a`), as the index walks."""
    return frozenset(
        ".".join(parts[:end])
        for parts in (name.split(".") for name in names)
        for end in range(1, len(parts) + 1)
    )


def needed_modules(names: FrozenSet[str], modules: Iterable[str]) -> FrozenSet[str]:
    """Of `modules` (first-party modules with a file, or more of them), those the check of files
    looking up `names` needs: each of `names` and their prefixes, and every module under one of
    those that has no file of its own (its owner is the one owner of everything under it)."""
    modules = frozenset(modules)
    wanted = with_prefixes(names)
    namespaces = wanted - modules
    return frozenset(
        module
        for module in modules
        if module in wanted or any(prefix in namespaces for prefix in _parents(module))
    )


def _parents(module: str) -> Iterator[str]:
    while "." in module:
        module = module.rpartition(".")[0]
        yield module


def _decode(content: bytes) -> str:
    """The text as Python would read it; undecodable bytes become replacement characters."""
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(content).readline)
        codecs.lookup(encoding)
    except (SyntaxError, LookupError):
        encoding = "utf-8"
    return content.decode(encoding, errors="replace")


def _imports(text: str) -> Iterator[Tuple[int, str, Tuple[str, ...]]]:
    """(level, module, names) per `import` keyword: for `from <module> import <names>`, and,
    as every keyword may also start a plain import, (0, dotted name, ()) for each name after it."""
    text = _CONTINUATION.sub("  ", text)
    for match in _IMPORT.finditer(text):
        imported = _dotted_names(_statement_rest(text, match.end()))
        for name in imported:
            yield 0, name, ()
        clause = _from_clause(text, match.start())
        if clause is not None:
            level, from_module = clause
            names = tuple(part for name in imported for part in name.split("."))
            yield level, from_module, names


def _statement_rest(text: str, start: int) -> str:
    """What follows `import`: up to the closing parenthesis of a parenthesized list, else to the
    end of the line."""
    rest = text[start:]
    stripped = rest.lstrip(" \t\f")
    if not stripped.startswith("("):
        return _LINE_END.split(rest, 1)[0]
    # Comments may sit between the names, and hold a `)` of their own.
    names = []
    for line in _LINE_END.split(stripped[1:]):
        code = line.split("#", 1)[0]
        names.append(code.split(")", 1)[0])
        if ")" in code:
            break
    return " ".join(names)


def _dotted_names(text: str) -> List[str]:
    return [_normalize(re.sub(r"\s+", "", name)) for name in _DOTTED.findall(text)]


def _from_clause(text: str, import_start: int) -> Optional[Tuple[int, str]]:
    """(level, module) of the `from` clause right before an `import` keyword, if there is one.

    A clause holds only dots, names and whitespace (line breaks escaped above), so the search
    walks back over those and takes the last `from` keyword it passes.
    """
    start = import_start
    while start > 0:
        char = text[start - 1]
        if not (char.isspace() or char == "." or _NAME_CHAR.fullmatch(char)):
            break
        start -= 1
    keywords = list(_FROM.finditer(text, start, import_start))
    if not keywords:
        return None
    clause = re.sub(r"\s+", "", text[keywords[-1].end() : import_start])
    module = clause.lstrip(".")
    return len(clause) - len(module), _normalize(module)


def _normalize(name: str) -> str:
    """As the parser spells identifiers: NFKC-normalized (PEP 3131)."""
    return unicodedata.normalize("NFKC", name)
