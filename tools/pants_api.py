"""What the adapters use of Pants on the call-by-name side, and what newer Pants releases offer.

Only Pants 2.17 runs on the machines this suite is developed on, so the newer side is checked
statically: `collect_usage` reads the adapters (and `util/compat.py`) with `ast` and lists every
`pants.*` name they import and every Pants function they call on one release, taking the branch
of each of compat's version flags that release runs (`if CALL_BY_NAME:`, `if POLYMORPHIC_RULES:`)
and skipping imports guarded by `except ImportError`.
`extract_api` reads, from a Pants git checkout at a release tag, what those modules define and
the parameters of their `@rule`s. Refresh the committed data with

    python3 tools/pants_api.py --pants-git-dir <pantsbuild/pants clone>

which rewrites tests/pants_hygiene/compat/pants_api.json from the tags in `TAGS`, and copies
each tag's own rule parser (`rule_visitor.py`, which the tests run on our rules) beside it.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

TAGS = ("release_2.23.0", "release_2.27.0", "release_2.32.1")
ADAPTERS_DIR = Path("pants-plugins/pants_hygiene")
DATA_PATH = Path("tests/pants_hygiene/compat/pants_api.json")
VISITOR_PATH = "src/python/pants/engine/internals/rule_visitor.py"
# Text, not `.py`: it is Pants' code, not ours to lint.
VISITORS_DIR = Path("tests/pants_hygiene/compat/rule_visitors")
# The flags `util/compat.py` branches on, and the first (major, minor) release that takes the
# `if` branch of each.
VERSION_FLAGS = {"CALL_BY_NAME": (2, 23), "POLYMORPHIC_RULES": (2, 28)}
RULE_DECORATORS = {"rule", "goal_rule", "_uncacheable_rule"}


@dataclass(frozen=True)
class PantsImport:
    module: str
    name: Optional[str]  # None for `import pants.x.y`
    path: str
    line: int


@dataclass(frozen=True)
class PantsCall:
    """A call of a Pants function: positional argument types where the source says them."""

    module: str
    name: str
    positional: Tuple[Optional[str], ...]
    # The names of the caller's parameters passed positionally, in order (None for other values).
    positional_params: Tuple[Optional[str], ...]
    implicitly: bool
    path: str
    line: int


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve_relative(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def release_version(tag: str) -> Tuple[int, int]:
    """`release_2.32.1` -> (2, 32)."""
    major, minor = tag[len("release_") :].split(".")[:2]
    return int(major), int(minor)


def _version_flag(test: ast.expr) -> Optional[str]:
    name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
    return name if name in VERSION_FLAGS else None


def _guards_import_error(node: ast.Try) -> bool:
    return any(
        isinstance(handler.type, ast.Name)
        and handler.type.id in {"ImportError", "ModuleNotFoundError"}
        for handler in node.handlers
    )


def _statements_run(body: Sequence[ast.stmt], version: Tuple[int, int]) -> Iterator[ast.stmt]:
    """The statements the release `version` runs: one branch of each version flag, no guards."""
    for statement in body:
        flag = _version_flag(statement.test) if isinstance(statement, ast.If) else None
        if flag is not None:
            taken = statement.body if version >= VERSION_FLAGS[flag] else statement.orelse
            yield from _statements_run(taken, version)
        elif isinstance(statement, ast.Try) and _guards_import_error(statement):
            yield from _statements_run(statement.orelse, version)
            yield from _statements_run(statement.finalbody, version)
        else:
            yield statement


@dataclass
class _Module:
    name: str
    path: str
    is_package: bool
    tree: ast.Module
    # local name -> ("pants", module, name) | ("pants-module", module, "") | ("ours", module, name)
    bindings: Dict[str, Tuple[str, str, str]]


def _read_modules(root: Path, version: Tuple[int, int]) -> Dict[str, _Module]:
    modules = {}
    for path in sorted(root.rglob("*.py")):
        name = _module_name(path, root)
        tree = ast.parse(path.read_text(), filename=str(path))
        modules[name] = _Module(name, path.as_posix(), path.name == "__init__.py", tree, {})
    for module in modules.values():
        for statement in _statements_run(module.tree.body, version):
            for node in ast.walk(statement):
                if isinstance(node, ast.ImportFrom):
                    source = _resolve_relative(module.name, module.is_package, node)
                    for alias in node.names:
                        local = alias.asname or alias.name
                        if source == "pants" or source.startswith("pants."):
                            module.bindings[local] = ("pants", source, alias.name)
                        elif source in modules:
                            module.bindings[local] = ("ours", source, alias.name)
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.startswith("pants.") and alias.asname:
                            module.bindings[alias.asname] = ("pants-module", alias.name, "")
    return modules


def _pants_target(
    modules: Dict[str, _Module], module: _Module, name: str
) -> Optional[Tuple[str, str]]:
    """The Pants (module, name) a local name stands for, following re-exports of our modules."""
    seen: Set[Tuple[str, str]] = set()
    binding = module.bindings.get(name)
    while binding is not None and binding[0] == "ours" and (binding[1], binding[2]) not in seen:
        seen.add((binding[1], binding[2]))
        binding = modules[binding[1]].bindings.get(binding[2])
    if binding is None or binding[0] == "ours":
        return None
    if binding[0] == "pants-module":
        return (binding[1], "")
    return (binding[1], binding[2])


def _callee(
    modules: Dict[str, _Module], module: _Module, func: ast.expr
) -> Optional[Tuple[str, str]]:
    if isinstance(func, ast.Name):
        target = _pants_target(modules, module, func.id)
        return target if target and target[1] else None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        target = _pants_target(modules, module, func.value.id)
        if target is None:
            return None
        # `from pants.engine import intrinsics as _intrinsics`, then `_intrinsics.f(...)`.
        owner = f"{target[0]}.{target[1]}" if target[1] else target[0]
        return (owner, func.attr)
    return None


def _parameter_annotations(function: ast.AST) -> Dict[str, Optional[str]]:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {}
    return {
        arg.arg: ast.unparse(arg.annotation) if arg.annotation is not None else None
        for arg in [*function.args.posonlyargs, *function.args.args]
    }


def _calls_in(
    modules: Dict[str, _Module], module: _Module, node: ast.AST, params: Dict[str, Optional[str]]
) -> Iterator[PantsCall]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        params = {**params, **_parameter_annotations(node)}
    if isinstance(node, ast.Call):
        callee = _callee(modules, module, node.func)
        if callee is not None:
            positional: List[Optional[str]] = []
            positional_params: List[Optional[str]] = []
            for arg in node.args:
                if isinstance(arg, ast.Name) and arg.id in params:
                    positional.append(params[arg.id])
                    positional_params.append(arg.id)
                elif (
                    isinstance(arg, ast.Call)
                    and isinstance(arg.func, ast.Name)
                    and arg.func.id[:1].isupper()
                ):
                    # A constructed request: its class is its type.
                    target = _pants_target(modules, module, arg.func.id)
                    positional.append(target[1] if target else arg.func.id)
                    positional_params.append(None)
                else:
                    positional.append(None)
                    positional_params.append(None)
            yield PantsCall(
                module=callee[0],
                name=callee[1],
                positional=tuple(positional),
                positional_params=tuple(positional_params),
                implicitly=any(
                    keyword.arg is None
                    and isinstance(keyword.value, ast.Call)
                    and isinstance(keyword.value.func, ast.Name)
                    and keyword.value.func.id == "implicitly"
                    for keyword in node.keywords
                ),
                path=module.path,
                line=node.lineno,
            )
    for child in ast.iter_child_nodes(node):
        yield from _calls_in(modules, module, child, params)


def collect_usage(
    tag: str, root: Path = ADAPTERS_DIR
) -> Tuple[List[PantsImport], List[PantsCall]]:
    """Every `pants.*` import and Pants call the adapters make when running on the release."""
    version = release_version(tag)
    modules = _read_modules(root, version)
    imports = []
    calls = []
    for module in modules.values():
        for statement in _statements_run(module.tree.body, version):
            for node in ast.walk(statement):
                if isinstance(node, ast.ImportFrom):
                    source = _resolve_relative(module.name, module.is_package, node)
                    if source == "pants" or source.startswith("pants."):
                        imports.extend(
                            PantsImport(source, alias.name, module.path, node.lineno)
                            for alias in node.names
                        )
                elif isinstance(node, ast.Import):
                    imports.extend(
                        PantsImport(alias.name, None, module.path, node.lineno)
                        for alias in node.names
                        if alias.name.startswith("pants.")
                    )
            calls.extend(_calls_in(modules, module, statement, {}))
    return imports, calls


def modules_used(imports: Sequence[PantsImport]) -> Set[str]:
    """The modules the adapters import from, or import (`import pants.x`)."""
    return {item.module for item in imports}


def submodule_candidates(imports: Sequence[PantsImport]) -> Set[str]:
    """Imported names that may be modules themselves (`from pants.engine import intrinsics`)."""
    return {f"{item.module}.{item.name}" for item in imports if item.name and item.name.islower()}


# --- Reading a Pants checkout ---------------------------------------------------------------


def _git(git_dir: Path, *args: str) -> Optional[str]:
    result = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, text=True, check=False
    )
    return result.stdout if result.returncode == 0 else None


def _module_source(git_dir: Path, tag: str, module: str) -> Optional[str]:
    base = PurePosixPath("src/python", *module.split("."))
    source = _git(git_dir, "show", f"{tag}:{base}.py")
    return source if source is not None else _git(git_dir, "show", f"{tag}:{base}/__init__.py")


def _top_level_names(body: Sequence[ast.stmt]) -> Iterator[str]:
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield statement.name
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                yield alias.asname or alias.name.split(".")[0]
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        yield node.id
        elif isinstance(statement, (ast.If, ast.Try)):
            yield from _top_level_names(statement.body)
            yield from _top_level_names(statement.orelse)
            for handler in getattr(statement, "handlers", ()):
                yield from _top_level_names(handler.body)


def _decorator_name(decorator: ast.expr) -> str:
    node = decorator.func if isinstance(decorator, ast.Call) else decorator
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _rules(tree: ast.Module) -> Dict[str, Dict[str, object]]:
    return {
        node.name: {
            "params": [
                [arg.arg, ast.unparse(arg.annotation) if arg.annotation is not None else None]
                for arg in [*node.args.posonlyargs, *node.args.args]
            ],
            "returns": ast.unparse(node.returns) if node.returns is not None else None,
        }
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any(_decorator_name(d) in RULE_DECORATORS for d in node.decorator_list)
    }


def extract_api(
    git_dir: Path, tag: str, modules: Set[str], candidates: Set[str]
) -> Dict[str, object]:
    """module -> its top-level names and `@rule`s at `tag`; None for one of `modules` absent
    there (a candidate that is not a module is left out)."""
    api: Dict[str, object] = {}
    for module in sorted(modules | candidates):
        source = _module_source(git_dir, tag, module)
        if source is None:
            if module in modules:
                api[module] = None
            continue
        tree = ast.parse(source)
        api[module] = {
            "names": sorted(set(_top_level_names(tree.body))),
            "rules": _rules(tree),
        }
    return api


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pants-git-dir", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=DATA_PATH)
    args = parser.parse_args()
    imports = [item for tag in TAGS for item in collect_usage(tag)[0]]
    modules = modules_used(imports)
    candidates = submodule_candidates(imports)
    data = {
        "source": "https://github.com/pantsbuild/pants",
        "generated_by": "tools/pants_api.py",
        "tags": {tag: extract_api(args.pants_git_dir, tag, modules, candidates) for tag in TAGS},
    }
    args.output.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    for tag in TAGS:
        visitor = _git(args.pants_git_dir, "show", f"{tag}:{VISITOR_PATH}")
        assert visitor is not None, f"{tag} has no {VISITOR_PATH}"
        (VISITORS_DIR / f"{tag}.txt").write_text(visitor)


if __name__ == "__main__":
    main()
