"""A repo-wide scan for what the `-> None` fix can't see from one file: a subclass in another
file overriding a fixed method with a non-None return.

Classes are matched across files through each file's imports (`from pkg.base import Shape`,
`import pkg.base as b` ... `b.Shape`, relative imports, re-exports in a package `__init__`).
Used by the fix-safety test and by `benchmarks`-style measurements on a corpus.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

from monorepo_hygiene.annotations.ast_functions import dotted_name

FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
# (module, class name): one class of the scanned tree.
ClassKey = Tuple[str, str]


@dataclass(frozen=True)
class Override:
    base: ClassKey
    method: str
    subclass: ClassKey


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class Tree:
    """The module-level classes and imports of every `.py` file under a root."""

    def __init__(self, root: Path, paths: Iterable[Path]) -> None:
        self.packages: Set[str] = set()
        self.classes: Dict[ClassKey, ast.ClassDef] = {}
        # module -> local name -> (module, name) it was imported as (`name` "" for a module).
        self.imports: Dict[str, Dict[str, Tuple[str, str]]] = {}
        for path in paths:
            module = module_name(root, path)
            if path.name == "__init__.py":
                self.packages.add(module)
            try:
                tree = ast.parse(path.read_bytes())
            except (SyntaxError, ValueError):
                continue
            names: Dict[str, Tuple[str, str]] = {}
            for statement in tree.body:
                if isinstance(statement, ast.ClassDef):
                    self.classes[(module, statement.name)] = statement
                elif isinstance(statement, ast.Import):
                    for alias in statement.names:
                        head = alias.name.partition(".")[0]
                        names[alias.asname or head] = (alias.name if alias.asname else head, "")
                elif isinstance(statement, ast.ImportFrom):
                    source = self._absolute(module, path.name == "__init__.py", statement)
                    for alias in statement.names:
                        names[alias.asname or alias.name] = (source, alias.name)
            self.imports[module] = names

    @staticmethod
    def _absolute(module: str, is_package: bool, statement: ast.ImportFrom) -> str:
        if not statement.level:
            return statement.module or ""
        package = module if is_package else module.rpartition(".")[0]
        for _ in range(statement.level - 1):
            package = package.rpartition(".")[0]
        return ".".join(part for part in (package, statement.module) if part)

    def locate(self, module: str, name: str, depth: int = 0) -> Optional[ClassKey]:
        """The class `name` means in `module`'s namespace, through imports and re-exports."""
        if (module, name) in self.classes:
            return module, name
        imported = self.imports.get(module, {}).get(name)
        if imported is None or depth > 20:
            return None
        source, original = imported
        if not original:
            return None
        if f"{source}.{original}" in self.imports and (source, original) not in self.classes:
            return None  # A submodule, not a class.
        return self.locate(source, original, depth + 1)

    def base_keys(self, module: str, cls: ast.ClassDef) -> List[ClassKey]:
        keys = []
        for base in cls.bases:
            if isinstance(base, ast.Subscript):
                base = base.value
            found: Optional[ClassKey] = None
            if isinstance(base, ast.Name):
                found = self.locate(module, base.id)
            elif isinstance(base, ast.Attribute):
                dotted = dotted_name(base.value)
                head, _, middle = (dotted or "").partition(".")
                imported = self.imports.get(module, {}).get(head)
                if imported is not None:
                    prefix = f"{imported[0]}.{imported[1]}" if imported[1] else imported[0]
                    found = self.locate(".".join(p for p in (prefix, middle) if p), base.attr)
            if found is not None:
                keys.append(found)
        return keys

    def subclasses(self, key: ClassKey) -> Set[ClassKey]:
        """Every class of the tree that has `key` among its ancestors."""
        direct: Dict[ClassKey, Set[ClassKey]] = {}
        for (module, name), cls in self.classes.items():
            for base in self.base_keys(module, cls):
                direct.setdefault(base, set()).add((module, name))
        found: Set[ClassKey] = set()
        pending = [key]
        while pending:
            for child in direct.get(pending.pop(), ()):
                if child not in found:
                    found.add(child)
                    pending.append(child)
        return found


def returns_not_none(function: ast.AST) -> bool:
    """Declared or evidently other than None: a non-None return annotation, `return <value>`
    or `yield` in its own scope."""
    assert isinstance(function, FUNCTION_TYPES)
    returns = function.returns
    if returns is not None:
        return not (isinstance(returns, ast.Constant) and returns.value is None)
    pending: List[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (*FUNCTION_TYPES, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                return True
        pending.extend(ast.iter_child_nodes(node))
    return False


def fixed_methods(before: ast.Module, after: ast.Module) -> Set[Tuple[str, str]]:
    """(class, method) of the module-level classes' methods the fix gave `-> None`."""
    fixed = set()
    for old, new in zip(before.body, after.body):
        if isinstance(old, ast.ClassDef) and isinstance(new, ast.ClassDef):
            for old_def, new_def in zip(old.body, new.body):
                if (
                    isinstance(old_def, FUNCTION_TYPES)
                    and isinstance(new_def, FUNCTION_TYPES)
                    and old_def.returns is None
                    and new_def.returns is not None
                ):
                    fixed.add((old.name, old_def.name))
    return fixed


def overrides(tree: Tree, fixed: Iterable[Tuple[str, str, str]]) -> List[Override]:
    """Each override, anywhere in the tree, of a fixed (module, class, method)."""
    found = []
    for module, cls, method in fixed:
        for subclass in sorted(tree.subclasses((module, cls))):
            for statement in tree.classes[subclass].body:
                if isinstance(statement, FUNCTION_TYPES) and statement.name == method:
                    found.append(Override((module, cls), method, subclass))
    return found


def conflicts(tree: Tree, found: Iterable[Override]) -> List[Override]:
    """The overrides that return something other than None."""
    return [
        override
        for override in found
        for statement in tree.classes[override.subclass].body
        if isinstance(statement, FUNCTION_TYPES)
        and statement.name == override.method
        and returns_not_none(statement)
    ]
