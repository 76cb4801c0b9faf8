"""Runs a newer Pants' own rule visitor on our rules, as they are written for that Pants.

`python -m tests.pants_hygiene.compat.new_side <tag> <rule_visitor.py of that tag>` prints, for
each of our rules, what that visitor finds it awaits. Run in a process of its own, because it
makes this Pants 2.17 process look like the newer one where our code looks:

- `pants.version.PANTS_SEMVER` says the tag's version, so `util/compat.py` takes its
  call-by-name branch;
- the Pants rules that branch calls by name are stand-ins built from the extracted API
  (tests/pants_hygiene/compat/pants_api.json): the same module, name, parameter names and
  types, and the `rule_id` newer Pants' `@rule` gives them; `implicitly` is newer Pants' own
  one-liner and `concurrently` a stand-in, as neither exists in 2.17;
- our own rules get the `rule_id` newer Pants' `@rule` would give them (module + name);
- `@rule` accepts 2.28's `polymorphic=True`; the polymorphic base rules it marks are left out,
  as they await nothing and 2.17 has no such rules to compare them with.

The visitor itself is the tag's source, unchanged; only its `selectors` import is served the
tag's `AwaitableConstraints` shape and the `concurrently` above, and its `native_engine` import
2.33's `RuleCallTrampoline` (a stand-in); a module-level `A | B` (an `isinstance` argument) is
read as `(A, B)`, as CPython 3.9 can't evaluate the former.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import json
import linecache
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import (
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    Optional,
    Tuple,
    get_origin,
    get_type_hints,
)

from tools.pants_api import ADAPTERS_DIR, collect_usage

DATA_PATH = Path("tests/pants_hygiene/compat/pants_api.json")
REGISTER_MODULES = (
    "pants_hygiene.alembic.register",
    "pants_hygiene.annotations.register",
    "pants_hygiene.imports.register",
    "pants_hygiene.build_files.register",
)
# Where a stand-in's annotation names are looked up in 2.17 (the rule's own module first).
TYPE_MODULES = (
    "pants.engine.fs",
    "pants.engine.process",
    "pants.engine.target",
    "pants.backend.python.util_rules.pex",
    "pants.core.util_rules.source_files",
    "pants.core.util_rules.stripped_source_files",
)


@dataclass(frozen=True)
class CallByNameConstraints:
    """The shape of `AwaitableConstraints` from 2.23 on (2.23-2.31 add `is_effect`)."""

    rule_id: Optional[str]  # None for a `Get`
    output_type: type
    explicit_args_arity: int
    input_types: Tuple[type, ...]
    is_effect: bool = False


def implicitly(*args: Any) -> Dict[str, Any]:
    # Newer Pants' whole `implicitly`; the visitor finds it by this name.
    return {"__implicitly": args}


async def concurrently(*args: Any) -> Tuple[Any, ...]:
    raise NotImplementedError("a stand-in: the visitor only reads calls, it never runs them")


def type_name(annotation: Any) -> str:
    return str(getattr(get_origin(annotation) or annotation, "__name__", annotation))


def _find_type(name: Optional[str], modules: Tuple[str, ...]) -> Any:
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if name in vars(module):
            return vars(module)[name]
    # Not in 2.17 at all: a class that only carries the name is all the visitor reads.
    return type(str(name), (), {})


def _stand_in(module: str, name: str, rule: Dict[str, Any]) -> Callable[..., Any]:
    params = [param for param, _ in rule["params"]]
    source = f"async def {name}({', '.join(params)}):\n    raise NotImplementedError\n"
    # 2.17's own visitor runs when our rules are decorated and reads the source of what they
    # call: linecache is where `inspect.getsource` finds source that has no file.
    filename = f"<stand-in for {module}.{name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: Dict[str, Any] = {}
    exec(compile(source, filename, "exec"), namespace)
    function = namespace[name]
    function.__module__ = module
    modules = (module, *TYPE_MODULES)
    function.__annotations__ = {
        **{param: _find_type(annotation, modules) for param, annotation in rule["params"]},
        "return": _find_type(rule["returns"], modules),
    }
    function.rule_id = f"{module}.{name}"
    return function


def _module(name: str) -> types.ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError:
        module = types.ModuleType(name)
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        setattr(_module(parent), child, module)
        return module


POLYMORPHIC_BASES: List[Callable[..., Any]] = []


def _rule_accepting_polymorphic(real_rule: Callable[..., Any]) -> Callable[..., Any]:
    def rule(*args: Any, polymorphic: bool = False, **kwargs: Any) -> Any:
        decorate = real_rule(*args, **kwargs)
        if not polymorphic:
            return decorate

        def decorate_base(func: Callable[..., Any]) -> Any:
            POLYMORPHIC_BASES.append(func)
            return decorate(func)

        return decorate_base

    return rule


def install_stand_ins(api: Dict[str, Any], tag: str) -> Dict[str, Callable[..., Any]]:
    """Make what compat imports on the release importable; returns the rule stand-ins."""
    rules_module = importlib.import_module("pants.engine.rules")
    rules_module.implicitly = implicitly  # type: ignore[attr-defined]
    rules_module.concurrently = concurrently  # type: ignore[attr-defined]
    rules_module.rule = _rule_accepting_polymorphic(rules_module.rule)  # type: ignore[attr-defined]
    compat_path = (ADAPTERS_DIR / "util/compat.py").as_posix()
    imports, _ = collect_usage(tag)
    stand_ins: Dict[str, Callable[..., Any]] = {}

    def install(module: str, name: str, rule: Dict[str, Any]) -> None:
        rule_id = f"{module}.{name}"
        if rule_id not in stand_ins:
            stand_ins[rule_id] = _stand_in(module, name, rule)
            setattr(_module(module), name, stand_ins[rule_id])

    for item in imports:
        if item.path != compat_path or item.name is None:
            continue
        rule = api[item.module]["rules"].get(item.name)
        submodule = api.get(f"{item.module}.{item.name}")
        if rule is not None:
            install(item.module, item.name, rule)
        elif submodule is not None:
            # `from pants.engine import intrinsics as _intrinsics`, then `_intrinsics.f(...)`.
            for rule_name, sub_rule in submodule["rules"].items():
                install(f"{item.module}.{item.name}", rule_name, sub_rule)
    return stand_ins


class RuleCallTrampoline:
    """2.33's native wrapper of an `@rule` (the visitor unwraps it); our rules, decorated by 2.17
    here, are plain functions, so nothing is one."""


def _served(name: str, **overrides: Any) -> types.ModuleType:
    """The 2.17 module `name` with the newer release's shapes of some of its names."""
    real = sys.modules[name]
    served = types.ModuleType(real.__name__)
    served.__dict__.update(vars(real))
    served.__dict__.update(overrides)
    return served


class _UnionAliases(ast.NodeTransformer):
    """`Alias = A | B` at module level (2.33, for `isinstance`) as `Alias = (A, B)`, which
    `isinstance` takes the same way and CPython 3.9, Pants 2.17's interpreter, can build."""

    def visit_Assign(self, node: ast.Assign) -> ast.Assign:
        if isinstance(node.value, ast.BinOp) and isinstance(node.value.op, ast.BitOr):
            node.value = ast.Tuple(elts=[node.value.left, node.value.right], ctx=ast.Load())
        return node


def _for_python39(source: str) -> ast.Module:
    tree = ast.parse(source)
    tree.body = [_UnionAliases().visit(node) for node in tree.body]
    return ast.fix_missing_locations(tree)


def load_visitor(source: str, tag: str) -> types.ModuleType:
    served = [
        _served(
            "pants.engine.internals.selectors",
            AwaitableConstraints=CallByNameConstraints,
            concurrently=concurrently,
        ),
        _served("pants.engine.internals.native_engine", RuleCallTrampoline=RuleCallTrampoline),
    ]
    visitor = types.ModuleType(f"rule_visitor_{tag}")
    # Its dataclasses look their module up here.
    sys.modules[visitor.__name__] = visitor
    real = {module.__name__: sys.modules[module.__name__] for module in served}
    sys.modules.update({module.__name__: module for module in served})
    try:
        exec(compile(_for_python39(source), f"{tag}:rule_visitor.py", "exec"), vars(visitor))
    finally:
        sys.modules.update(real)
    return visitor


def our_rule_functions() -> Iterator[Callable[..., Any]]:
    for name in REGISTER_MODULES:
        for rule in importlib.import_module(name).rules():
            func = getattr(rule, "func", None)
            # Pants' generated partitioner rules are `partial`s of its own functions.
            if inspect.isfunction(func) and func.__module__.startswith("pants_hygiene."):
                yield func


def describe(awaitable: CallByNameConstraints, callees: Dict[str, Callable[..., Any]]) -> str:
    """`Output(Input, ...)`: what a `Get` with the same meaning would say on 2.17."""
    if awaitable.rule_id is None:  # A `Get`, as compat dispatches unions before 2.28.
        inputs = ", ".join(type_name(t) for t in awaitable.input_types)
        return f"{type_name(awaitable.output_type)}({inputs})"
    hints = get_type_hints(callees[awaitable.rule_id])
    hints.pop("return", None)
    explicit = list(hints.values())[: awaitable.explicit_args_arity]
    inputs = [type_name(t) for t in (*explicit, *awaitable.input_types)]
    return f"{type_name(awaitable.output_type)}({', '.join(inputs)})"


def main(tag: str, visitor_path: str) -> None:
    api = json.loads(DATA_PATH.read_text())["tags"][tag]
    import pants.version

    pants.version.PANTS_SEMVER = pants.version.Version(tag[len("release_") :])
    callees = install_stand_ins(api, tag)
    functions = list(our_rule_functions())
    compat = importlib.import_module("pants_hygiene.util.compat")
    assert compat.CALL_BY_NAME, "compat took its Get branch"
    for func in functions:
        func.rule_id = f"{func.__module__}.{func.__qualname__}"  # type: ignore[attr-defined]
        callees[func.rule_id] = func  # type: ignore[attr-defined]
    visitor = load_visitor(Path(visitor_path).read_text(), tag)
    # 2.33's visitor reads `module.__builtins__` as a dict, which it is in every imported module
    # but `__main__` (this one, where the stand-ins it follows are defined).
    sys.modules["__main__"].__builtins__ = vars(builtins)  # type: ignore[attr-defined]
    found: Dict[str, List[str]] = {
        func.rule_id: sorted(  # type: ignore[attr-defined]
            {describe(awaitable, callees) for awaitable in visitor.collect_awaitables(func)}
        )
        for func in functions
        if func not in POLYMORPHIC_BASES
    }
    print(json.dumps(found, sort_keys=True))


if __name__ == "__main__":
    main(*sys.argv[1:])
