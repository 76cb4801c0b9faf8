"""What a first-party package's `__init__` may bind, read statically and only when a fix asks.

`import a.b.c as d` binds the submodule `a.b.c`; `from a.b import c as d` binds the attribute `c`
of `a.b`, and imports the submodule only if `a.b` has no such attribute yet. They are the same
exactly when `a.b`'s `__init__` binds no name `c` itself (`import logging` in `pkg/__init__.py`
makes `from pkg import logging` the stdlib module, while `import pkg.logging as lg` is the
submodule). Whether it does is read from the `__init__`'s code, statically and conservatively:
any binding of the name anywhere in the file counts, and so does whatever may bind any name
(`from x import *`, a module `__getattr__`, `globals()`, `setattr`, `exec`, ...).
"""

from __future__ import annotations

import ast
import hashlib
from typing import Callable, Dict, FrozenSet, Mapping, Optional

from ..source import SourceError, parse_module

# Calls through which code may bind names it doesn't spell as names.
_DYNAMIC_BINDERS = frozenset({"globals", "vars", "locals", "setattr", "exec", "eval"})

# A file that may bind any name; otherwise the names it may bind.
_AnyName = None
_BoundNames = Optional[FrozenSet[str]]


class PackageInits:
    """The `__init__` files the checker was handed, by package: `paths` maps a package's dotted
    name to its file, which `read` reads. Each is read and parsed at most once; `consulted`
    records the digest of every file an answer depended on (a cached result is valid only
    while they are unchanged), until the caller clears it."""

    def __init__(
        self, paths: Mapping[str, str], read: Callable[[str], bytes] = lambda path: b""
    ) -> None:
        self.paths = paths
        self._read = read
        self._files = frozenset(paths.values())
        self._contents: Dict[str, Optional[bytes]] = {}
        self._bound: Dict[str, _BoundNames] = {}
        self.consulted: Dict[str, str] = {}

    def digest(self, path: str) -> str:
        """The digest of the file as read now ("unreadable" if it can't be read)."""
        content = self._content(path)
        return "unreadable" if content is None else hashlib.sha256(content).hexdigest()

    def read_as(self, path: str, content: bytes) -> None:
        """Take `content` as what the `__init__` at `path` says, unless it was read already: a
        batch is judged against its files as first read, whatever its fixes wrote since."""
        if path in self._files:
            self._contents.setdefault(path, content)

    def binding_reason(self, package: str, name: str, has_init: bool) -> Optional[str]:
        """Why `package` may bind `name` itself, or None if it provably doesn't: a package
        without an `__init__` (a namespace package, `has_init` false) runs no code."""
        if not has_init:
            return None
        path = self.paths.get(package)
        if path is None:
            return f"the `__init__` of `{package}` was not given to the checker"
        if path not in self._bound:
            self._bound[path] = self._names_bound(path)
        self.consulted[path] = self.digest(path)
        bound = self._bound[path]
        if bound is _AnyName:
            return f"`{path}` may bind any name"
        if name in bound:
            return f"`{path}` binds `{name}` itself"
        return None

    def _content(self, path: str) -> Optional[bytes]:
        if path not in self._contents:
            try:
                self._contents[path] = self._read(path)
            except OSError:
                self._contents[path] = None
        return self._contents[path]

    def _names_bound(self, path: str) -> _BoundNames:
        content = self._content(path)
        if content is None:
            return _AnyName
        try:
            parsed = parse_module(path, content)
        except SourceError:
            return _AnyName
        # Syntax the interpreter can't read (NewerSyntax) is not proven harmless.
        return names_bound(parsed) if isinstance(parsed, ast.Module) else _AnyName


def names_bound(module: ast.Module) -> _BoundNames:
    """Every name the module's code may bind, in any scope (None: any name at all)."""
    names = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                names.add(node.id)
            elif node.id in _DYNAMIC_BINDERS:
                return _AnyName
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return _AnyName
                names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Attribute) and node.attr in ("modules", "__dict__"):
            # `sys.modules[__name__] = ...` replaces the module, `__dict__` holds its names.
            return _AnyName
        else:
            # `match` capture patterns (3.10+): MatchAs/MatchStar `name`, MatchMapping `rest`.
            for attribute in ("name", "rest"):
                bound = getattr(node, attribute, None)
                if isinstance(bound, str) and type(node).__name__.startswith("Match"):
                    names.add(bound)
    # A module `__getattr__` answers for every name the module lacks (PEP 562).
    return _AnyName if "__getattr__" in names else frozenset(names)
