"""The type a fixture injects, read from its return annotation (HA103), and the imports that
annotation needs in the file that will spell it.

A generator fixture's `Iterator[T]`/`Generator[T, ...]`/`AsyncIterator[T]` is unwrapped to `T`.
A name in the annotation must mean, in the test file, what it means where the fixture is
defined: imported the same way, or not bound yet (the import is then added).
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from typing import FrozenSet, List, Optional, Set, Tuple

from .ast_functions import dotted_name
from .fixtures import FUNCTION_TYPES, FixtureDef, FixtureModule, FunctionNode, ImportNeed

# What a generator fixture is annotated with; the first argument is what the test receives.
_GENERATOR_TYPES = frozenset(
    {"Iterator", "Generator", "Iterable", "AsyncIterator", "AsyncGenerator", "AsyncIterable"}
)

_GENERATOR_MODULES = frozenset({"typing", "typing_extensions", "collections.abc"})

_BUILTIN_NAMES = frozenset(dir(builtins))

# Builtins whose subscript needs Python 3.9 (PEP 585) at runtime.
_PEP585_BUILTINS = frozenset({"list", "dict", "set", "frozenset", "tuple", "type"})


@dataclass(frozen=True)
class FixtureType:
    """An annotation to write for a fixture parameter, and what it needs in the file."""

    text: str
    imports: Tuple[ImportNeed, ...] = ()
    # Names the annotation takes from the test file's own module (a fixture defined there).
    local_names: FrozenSet[str] = frozenset()
    # Written as a string: it can't be evaluated where the fixture module never evaluated it.
    quoted: bool = False
    # The same type spelled otherwise, for a file where this spelling's names mean something
    # else (`pathlib.Path` where `Path` is `anyio.Path`).
    fallback: Optional[FixtureType] = None


@dataclass(frozen=True)
class Resolution:
    """What a parameter names: a fixture whose type is known (`fixture_type`), or why not."""

    fixture_type: Optional[FixtureType]
    reason: Optional[str] = None


def _is_generator(node: FunctionNode) -> bool:
    pending: List[ast.AST] = list(node.body)
    while pending:
        child = pending.pop()
        if isinstance(child, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(child, (*FUNCTION_TYPES, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(child))
    return False


def _parse_string(expression: ast.expr) -> Optional[ast.expr]:
    """A string annotation's expression; the expression itself otherwise; None if unparsable."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        try:
            parsed = ast.parse(expression.value.strip(), mode="eval").body
        except SyntaxError:
            return None
        return parsed
    return expression


class TypeReader:
    """Turns a fixture's return annotation into the annotation of a parameter naming it."""

    def __init__(self, module: FixtureModule, target: FixtureModule) -> None:
        self._module = module
        self._target = target

    def read(self, fixture: FixtureDef) -> Resolution:
        node = fixture.node
        where = f"fixture `{fixture.name}` ({self._module.path}:{node.lineno})"
        if node.returns is None:
            return Resolution(None, f"{where} has no return annotation")
        expression = _parse_string(node.returns)
        if expression is None:
            return Resolution(None, f"{where} has a string annotation that isn't an expression")
        if _is_generator(node):
            expression = self._yielded(expression)
            if expression is None:
                return Resolution(None, f"{where} is a generator not annotated `Iterator[...]`")
            expression = _parse_string(expression)
            if expression is None:
                return Resolution(None, f"{where} yields a string annotation that isn't one")
        return self._resolve(expression, where)

    def _yielded(self, expression: ast.expr) -> Optional[ast.expr]:
        if not isinstance(expression, ast.Subscript):
            return None
        head = dotted_name(expression.value)
        if head is None:
            return None
        root, _, rest = head.rpartition(".")
        if rest not in _GENERATOR_TYPES:
            return None
        if root:
            if self._module_named(root) not in _GENERATOR_MODULES:
                return None
        else:
            need = self._single_import(rest)
            if need is None or need.module not in _GENERATOR_MODULES or need.name != rest:
                return None
        arguments = expression.slice
        if isinstance(arguments, ast.Tuple):
            return arguments.elts[0] if arguments.elts else None
        return arguments

    def _module_named(self, dotted: str) -> Optional[str]:
        """The module a dotted name means where it is imported (`abc` after `from collections
        import abc` is `collections.abc`), if imports alone say so."""
        first, _, rest = dotted.partition(".")
        need = self._single_import(first)
        if need is None:
            plain = [b.need for b in self._module.bindings.get(first, []) if b.kind == "import"]
            if not plain or any(n is None or n.name or n.asname for n in plain):
                return None
            base = first  # `import a.b` and `import a.c`: `a` is the package.
        elif need.name is not None:
            base = f"{need.module}.{need.name}" if not need.level else ""
        else:
            base = need.module if need.asname else first
        return f"{base}.{rest}" if base and rest else base or None

    def _single_import(self, name: str) -> Optional[ImportNeed]:
        bindings = self._module.bindings.get(name, [])
        if (
            len(bindings) == 1
            and bindings[0].kind == "import"
            and not bindings[0].type_checking_only
        ):
            return bindings[0].need
        return None

    def _resolve(self, expression: ast.expr, where: str) -> Resolution:
        names: Set[str] = set()
        if not _collect_names(expression, names):
            return Resolution(None, f"{where}: its annotation holds a string nobody can read")
        needs: Set[ImportNeed] = set()
        local: Set[str] = set()
        same_module = self._module is self._target
        for name in sorted(names):
            bindings = self._module.bindings.get(name, [])
            if not bindings:
                if "*" in self._module.bindings:
                    return Resolution(None, f"{where}: `{name}` may come from a star import")
                if name in _BUILTIN_NAMES:
                    continue
                return Resolution(None, f"{where}: `{name}` is not defined in its module")
            if same_module:
                local.add(name)
                continue
            if any(binding.type_checking_only for binding in bindings):
                return Resolution(None, f"{where}: `{name}` is imported only when `TYPE_CHECKING`")
            if any(binding.kind != "import" for binding in bindings):
                return Resolution(
                    None, f"{where}: `{name}` is defined in `{self._module.path}`, not imported"
                )
            binding_needs = {binding.need for binding in bindings if binding.need}
            plain_imports = all(need.name is None and not need.asname for need in binding_needs)
            if len(binding_needs) > 1 and not plain_imports:
                return Resolution(None, f"{where}: `{name}` is imported more than once")
            for need in binding_needs:
                if need.level:
                    if self._module.directory != self._target.directory:
                        return Resolution(
                            None, f"{where}: `{name}` is imported relatively, from another package"
                        )
                needs.add(need)
        text = self._module.source_of(expression)
        quoted = (
            self._module.postponed and not self._target.postponed and _needs_postponing(expression)
        )
        if quoted and ('"' in text or "'" in text):
            return Resolution(None, f"{where}: its annotation can't be evaluated at runtime here")
        return Resolution(
            FixtureType(
                f'"{text}"' if quoted else text, tuple(sorted(needs)), frozenset(local), quoted
            )
        )


def _collect_names(expression: ast.expr, into: Set[str]) -> bool:
    """The root names an annotation uses (inside its string parts too, not inside `Literal`).
    False when a string part isn't an expression."""
    pending: List[ast.AST] = [expression]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            into.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = _parse_string(node)
            if parsed is None:
                return False
            pending.append(parsed)
        elif isinstance(node, ast.Subscript) and (dotted_name(node.value) or "").endswith(
            "Literal"
        ):
            pending.append(node.value)
        else:
            pending.extend(ast.iter_child_nodes(node))
    return True


def _needs_postponing(expression: ast.expr) -> bool:
    """`X | Y` or `list[int]`: fine where annotations are never evaluated, not on older
    interpreters where they are."""
    for node in ast.walk(expression):
        if isinstance(node, ast.BinOp):
            return True
        if isinstance(node, ast.Subscript) and dotted_name(node.value) in _PEP585_BUILTINS:
            return True
    return False


def missing_imports(
    module: FixtureModule, owner: Optional[str], line: int, fixture_type: FixtureType
) -> Tuple[Tuple[ImportNeed, ...], Optional[str]]:
    """The imports the file lacks for the annotation, or why it can't be written there."""
    class_names = module.class_bindings.get(owner, set()) if owner else set()
    provided = {need.binds: need for need in fixture_type.imports}
    missing: List[ImportNeed] = []
    for name in sorted(_root_names(fixture_type)):
        if name in class_names:
            return (), f"`{name}` means something else in class `{owner}`"
        bindings = module.bindings.get(name, [])
        need = provided.get(name)
        if name in fixture_type.local_names:
            usable = module.postponed or fixture_type.quoted or all(b.line < line for b in bindings)
            if not usable:
                return (), f"`{name}` is defined after the function"
            continue
        if need is None:  # A builtin in the fixture's module.
            if bindings:
                return (), f"`{name}` means something else in this file"
            continue
        if "*" in module.bindings:
            return (), "the file has a star import"
        if not bindings:
            missing.extend(n for n in fixture_type.imports if n.binds == name)
            continue
        same = [b for b in bindings if b.kind == "import" and b.need in fixture_type.imports]
        plain = all(
            b.kind == "import" and b.need and b.need.name is None and not b.need.asname
            for b in bindings
        )
        if len(same) == len(bindings):
            if any(b.type_checking_only for b in same) and not module.postponed:
                return (), f"`{name}` is imported only when `TYPE_CHECKING`"
            missing.extend(
                n
                for n in fixture_type.imports
                if n.binds == name and n not in {b.need for b in same}
            )
        elif plain and need.name is None and not need.asname:
            # `import a.b` next to the file's `import a`: both bind `a`, to the same package.
            known = {b.need for b in bindings}
            missing.extend(n for n in fixture_type.imports if n.binds == name and n not in known)
        else:
            return (), f"`{name}` means something else in this file"
    return tuple(missing), None


def _root_names(fixture_type: FixtureType) -> Set[str]:
    text = fixture_type.text
    expression = ast.parse(text, mode="eval").body
    names: Set[str] = set()
    _collect_names(expression, names)
    return names
