"""Generates `monorepo_hygiene/annotations/stdlib_bases.py` from typeshed, the stubs every type
checker reads the stdlib through (here: the copies bundled with mypy).

For each vetted stdlib class, the names its class body and its bases' bodies declare in the
stubs (`object` aside: see `provable.OBJECT_BASES`), in every `sys.version_info` branch, so
the table doesn't depend on the interpreter that runs the checker or on the Python version a
type checker targets. Names are only ever added: the table is the union over every typeshed it
was generated from (a user's type checker may bundle an older or a newer one), so a method named
like anything some typeshed declares is left to a human. `test_annotations_stdlib_bases.py`
checks that the installed mypy's typeshed adds nothing;
`python -m tests.monorepo_hygiene.annotations.typeshed_bases [TYPESHED_STDLIB_DIR ...]` adds
the names of those (default: the installed mypy's) and rewrites the table.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Dict, FrozenSet, List, Set, Tuple

import mypy

from monorepo_hygiene.annotations import stdlib_bases

TYPESHED = Path(mypy.__file__).parent / "typeshed" / "stdlib"
TABLE = Path(stdlib_bases.__file__)

# (the name as a file imports it, the stub module that defines the class, its name there).
# Classes whose every typeshed ancestor is itself a stub class (not a special form beyond
# `Generic`/`Protocol`), commonly subclassed, in modules that exist on CPython 3.9-3.13, and
# whose public attributes at runtime typeshed all declares (not `OSError`: `characters_written`).
VETTED: Tuple[Tuple[str, str, str], ...] = (
    ("abc.ABC", "abc", "ABC"),
    *(
        (f"builtins.{name}", "builtins", name)
        for name in (
            "BaseException",
            "Exception",
            "ValueError",
            "TypeError",
            "RuntimeError",
            "KeyError",
            "LookupError",
            "NotImplementedError",
            "dict",
            "list",
        )
    ),
    *((f"enum.{name}", "enum", name) for name in ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag")),
    ("threading.Thread", "threading", "Thread"),
    *((f"logging.{name}", "logging", name) for name in ("Handler", "Filter", "Formatter")),
    ("json.JSONEncoder", "json.encoder", "JSONEncoder"),
    ("unittest.TestCase", "unittest.case", "TestCase"),
    *(
        (f"asyncio.{name}", "asyncio.protocols", name)
        for name in ("Protocol", "DatagramProtocol", "BaseProtocol")
    ),
)
# Bases the stubs spell as special forms: they declare no attribute of the class.
SPECIAL_FORMS: FrozenSet[Tuple[str, str]] = frozenset(
    {("typing", "Generic"), ("typing", "Protocol"), ("builtins", "object")}
)

_stubs: Dict[str, ast.Module] = {}


def stub(module: str) -> ast.Module:
    if module not in _stubs:
        base = TYPESHED.joinpath(*module.split("."))
        path = base / "__init__.pyi" if base.is_dir() else base.with_suffix(".pyi")
        _stubs[module] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return _stubs[module]


def _all_branches(statements: List[ast.stmt]) -> List[ast.stmt]:
    """Statements, with those of every `if`/`try` branch (version checks) flattened in."""
    found: List[ast.stmt] = []
    for statement in statements:
        if isinstance(statement, ast.If):
            found.extend(_all_branches(statement.body + statement.orelse))
        elif isinstance(statement, ast.Try):
            blocks = [statement.body, statement.orelse, statement.finalbody]
            blocks.extend(handler.body for handler in statement.handlers)
            found.extend(_all_branches([s for block in blocks for s in block]))
        else:
            found.append(statement)
    return found


def _package(module: str) -> str:
    return (
        module
        if (TYPESHED.joinpath(*module.split(".")) / "__init__.pyi").exists()
        else module.rpartition(".")[0]
    )


def _locate(module: str, name: str) -> List[Tuple[str, str]]:
    """Where the class `name` of `module`'s namespace is defined, through re-exports and
    aliases (`_IntEnumBase = ReprEnum` in one version branch, `= Enum` in another: both)."""
    if (module, name) in SPECIAL_FORMS:
        return [(module, name)]
    statements = _all_branches(stub(module).body)
    if any(isinstance(s, ast.ClassDef) and s.name == name for s in statements):
        return [(module, name)]
    aliases = [
        s.value
        for s in statements
        if isinstance(s, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in s.targets)
    ]
    if aliases:
        return [where for alias in aliases for where in _resolve_base(module, alias)]
    for statement in statements:
        if isinstance(statement, ast.ImportFrom):
            source = statement.module or ""
            if statement.level:
                package = _package(module)
                for _ in range(statement.level - 1):
                    package = package.rpartition(".")[0]
                source = f"{package}.{source}" if source else package
            for alias in statement.names:
                if (alias.asname or alias.name) == name:
                    return _locate(source, alias.name)
                if alias.name == "*":
                    try:
                        return _locate(source, name)
                    except LookupError:
                        continue
    raise LookupError(f"{module}.{name}")


def _resolve_base(module: str, base: ast.expr) -> List[Tuple[str, str]]:
    if isinstance(base, ast.Subscript):
        base = base.value
    if isinstance(base, ast.Name):
        try:
            return _locate(module, base.id)
        except LookupError:
            return _locate("builtins", base.id)
    if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
        return _locate(base.value.id, base.attr)
    raise LookupError(f"{module}: base {ast.dump(base)}")


def _declared(statements: List[ast.stmt]) -> Set[str]:
    names: Set[str] = set()
    for statement in _all_branches(statements):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.add(statement.target.id)
        elif isinstance(statement, ast.Assign):
            names.update(t.id for t in statement.targets if isinstance(t, ast.Name))
    return names


def use_typeshed(stdlib: Path) -> None:
    """Read the stubs from another typeshed's `stdlib` directory from now on."""
    global TYPESHED
    TYPESHED = stdlib
    _stubs.clear()


def class_names(module: str, name: str) -> FrozenSet[str]:
    """Every name the class and its stub ancestors declare, `object` and special forms aside."""
    names: Set[str] = set()
    pending = _locate(module, name)
    seen: Set[Tuple[str, str]] = set()
    while pending:
        where = pending.pop()
        if where in seen or where in SPECIAL_FORMS:
            continue
        seen.add(where)
        where_module, where_name = where
        for statement in _all_branches(stub(where_module).body):
            if isinstance(statement, ast.ClassDef) and statement.name == where_name:
                names |= _declared(statement.body)
                for base in statement.bases:
                    pending.extend(_resolve_base(where_module, base))
    return frozenset(names)


def object_methods() -> Dict[str, ast.FunctionDef]:
    """`builtins.object`'s methods in the stubs (the last definition of each name)."""
    for statement in stub("builtins").body:
        if isinstance(statement, ast.ClassDef) and statement.name == "object":
            return {
                s.name: s for s in _all_branches(statement.body) if isinstance(s, ast.FunctionDef)
            }
    raise LookupError("builtins.object")


def render() -> str:
    """The table: the checked-in names and those of the typeshed in use, together."""
    lines = [
        '"""Names each vetted stdlib base class declares, for `provable`: generated from typeshed',
        "(mypy's copy) by tests/monorepo_hygiene/annotations/typeshed_bases.py; don't edit.",
        "",
        "A method whose name a stdlib base of its class declares (in any Python version's branch",
        "of the stubs) may have to match that declaration; any other name is free to be `-> None`.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Dict, FrozenSet",
        "",
        "STDLIB_BASES: Dict[str, FrozenSet[str]] = {",
    ]
    for public, module, name in VETTED:
        # Double quotes, as the formatter writes them: the names are identifiers.
        lines.append(f'    "{public}": frozenset(')
        lines.append("        {")
        names = class_names(module, name) | stdlib_bases.STDLIB_BASES.get(public, frozenset())
        lines.extend(f'            "{member}",' for member in sorted(names))
        lines.append("        }")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for directory in sys.argv[1:] or [str(TYPESHED)]:
        use_typeshed(Path(directory))
        stdlib_bases.STDLIB_BASES = {
            public: frozenset(class_names(module, name))
            | stdlib_bases.STDLIB_BASES.get(public, frozenset())
            for public, module, name in VETTED
        }
    TABLE.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {TABLE}\n")
