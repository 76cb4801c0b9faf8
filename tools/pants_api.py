"""What the adapters use of Pants on the call-by-name side, and what newer Pants releases offer.

Only Pants 2.17 runs on the machines this suite is developed on, so the newer side is checked
from each release's source: `collect_usage` reads the adapters (and `util/compat.py`) with `ast`
and lists every `pants.*` name they import and every Pants function they call on one release,
taking the branch of each of compat's version flags that release runs (`if CALL_BY_NAME:`, ...)
and skipping imports guarded by `except ImportError`.
`extract_api` reads, from a Pants git checkout at a release tag, what those modules define, the
parameters of their `@rule`s and what each Pants class the adapters construct takes (its
`__init__`, or its dataclass fields, bases first). Refresh the committed data with

    python3 tools/pants_api.py --pants-git-dir <pantsbuild/pants clone>

which rewrites tests/pants_hygiene/compat/pants_api.json for the releases `checked_tags` picks
from the clone's tags (so a new release joins by re-running it), and copies each tag's own rule
parser (`rule_visitor.py`, which the tests run on our rules) beside it.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

# The release these machines run, which every other is compared with; 2.32.0 exactly, the
# target monorepo's; and the newest patch of every minor release from FIRST_CHECKED_MINOR on.
REFERENCE_TAG = "release_2.17.1"
PINNED_TAGS = (REFERENCE_TAG, "release_2.32.0")
FIRST_CHECKED_MINOR = (2, 18)
_FINAL_TAG = re.compile(r"release_(\d+)\.(\d+)\.(\d+)$")
ADAPTERS_DIR = Path("pants-plugins/pants_hygiene")
DATA_PATH = Path("tests/pants_hygiene/compat/pants_api.json")
VISITOR_PATH = "src/python/pants/engine/internals/rule_visitor.py"
# Text, not `.py`: it is Pants' code, not ours to lint.
VISITORS_DIR = Path("tests/pants_hygiene/compat/rule_visitors")
# Each release's own source of the modules tests/pants_hygiene/compat/pants_exec.py runs, one
# file per distinct content (named by its sha256), which the data maps each release to.
SOURCES_DIR = Path("tests/pants_hygiene/compat/pants_sources")
EXECUTED_MODULES = (
    "pants.core.util_rules.lockfile_metadata",
    "pants.backend.python.util_rules.lockfile_metadata",
    "pants.backend.python.util_rules.pex_requirements",
    "pants.option.option_types",
    "pants.engine.unions",
    "pants.util.meta",
    "pants.core.util_rules.partitions",
    "pants.core.goals.lint",
    "pants.core.goals.fix",
)
# The flags `util/compat.py` branches on, and the first (major, minor) release that takes the
# `if` branch of each.
VERSION_FLAGS = {
    "CALL_BY_NAME": (2, 23),
    "POLYMORPHIC_RULES": (2, 28),
    "LINT_PARTITION_RULES": (2, 29),
}
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
    # The names passed by keyword (`**` expansions left out).
    keywords: Tuple[str, ...] = ()


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve_relative(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def tag_key(tag: str) -> Tuple[int, ...]:
    """`release_2.32.1` -> (2, 32, 1): tags in release order."""
    return tuple(int(part) for part in tag[len("release_") :].split("."))


def load_data(path: Path = DATA_PATH) -> Dict[str, Dict[str, Dict[str, object]]]:
    data: Dict[str, Dict[str, Dict[str, object]]] = json.loads(path.read_text())
    return data


def data_tags(data: Dict[str, Dict[str, Dict[str, object]]]) -> List[str]:
    """The releases the committed data holds, in release order."""
    return sorted(data["tags"], key=tag_key)


def checked_tags(all_tags: Iterable[str]) -> List[str]:
    """The final releases checked, in release order, from a Pants clone's tags."""
    newest: Dict[Tuple[int, int], str] = {}
    for tag in all_tags:
        match = _FINAL_TAG.match(tag)
        if match is None:
            continue
        minor = (int(match.group(1)), int(match.group(2)))
        if minor >= FIRST_CHECKED_MINOR and (
            minor not in newest or tag_key(tag) > tag_key(newest[minor])
        ):
            newest[minor] = tag
    return sorted({*newest.values(), *PINNED_TAGS}, key=tag_key)


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
                keywords=tuple(keyword.arg for keyword in node.keywords if keyword.arg),
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


def _module_path(git_dir: Path, tag: str, module: str) -> Optional[Tuple[str, str]]:
    """(path, source) of `module` at `tag`; a `.pyi` is the native engine's stub (newer
    releases implement `RemovePrefix`, `MergeDigests`, ... in Rust)."""
    base = PurePosixPath("src/python", *module.split("."))
    for path in (f"{base}.py", f"{base}/__init__.py", f"{base}.pyi"):
        source = _git(git_dir, "show", f"{tag}:{path}")
        if source is not None:
            return path, source
    return None


def _module_source(git_dir: Path, tag: str, module: str) -> Optional[str]:
    found = _module_path(git_dir, tag, module)
    return found[1] if found is not None else None


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


# A constructor parameter: [name, kind, has_default], kind "positional", "var" (`*args`),
# "keyword" (keyword-only) or "var-keyword" (`**kwargs`).
Param = List[object]


def _function_params(function: ast.FunctionDef) -> List[Param]:
    args = function.args
    positional = [*args.posonlyargs, *args.args][1:]  # without `self`/`cls`
    first_default = len(positional) - len(args.defaults)
    params: List[Param] = [
        [arg.arg, "positional", index >= first_default] for index, arg in enumerate(positional)
    ]
    if args.vararg is not None:
        params.append([args.vararg.arg, "var", True])
    params.extend(
        [arg.arg, "keyword", default is not None]
        for arg, default in zip(args.kwonlyargs, args.kw_defaults)
    )
    if args.kwarg is not None:
        params.append([args.kwarg.arg, "var-keyword", True])
    return params


def _is_dataclass(node: ast.ClassDef) -> bool:
    return any(_decorator_name(decorator) == "dataclass" for decorator in node.decorator_list)


def _dataclass_field(statement: ast.stmt) -> Optional[Param]:
    if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
        return None
    if "ClassVar" in ast.unparse(statement.annotation):
        return None
    value = statement.value
    if isinstance(value, ast.Call) and _decorator_name(value) == "field":
        keywords = {keyword.arg: keyword.value for keyword in value.keywords}
        init = keywords.get("init")
        if isinstance(init, ast.Constant) and init.value is False:
            return None
        has_default = "default" in keywords or "default_factory" in keywords
        return [statement.target.id, "positional", has_default]
    return [statement.target.id, "positional", value is not None]


def _base_name(base: ast.expr) -> Optional[str]:
    node = base.value if isinstance(base, ast.Subscript) else base
    return node.id if isinstance(node, ast.Name) else None


def _defining_module(
    git_dir: Path, tag: str, module: str, name: str, depth: int = 0
) -> Optional[Tuple[str, ast.Module, ast.ClassDef]]:
    """(path, tree, class) where `module.name` is defined at `tag`, following re-exports."""
    found = _module_path(git_dir, tag, module) if depth < 8 else None
    if found is None:
        return None
    tree = ast.parse(found[1])
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return found[0], tree, node
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return _defining_module(git_dir, tag, node.module, alias.name, depth + 1)
    return None


def constructor_params(
    git_dir: Path, tag: str, module: str, name: str, depth: int = 0
) -> Optional[List[Param]]:
    """What `module.name(...)` takes at `tag` (following re-exports and bases), or None when
    the source doesn't say (a class of the engine's own, `typing.Generic`, ...)."""
    found = _defining_module(git_dir, tag, module, name, depth)
    if found is None:
        return None
    path, tree, node = found
    defined_in = path[len("src/python/") :].rsplit(".", 1)[0].replace("/", ".")
    return _class_params(git_dir, tag, defined_in.replace(".__init__", ""), tree, node, depth)


def constructed_class(git_dir: Path, tag: str, module: str, name: str) -> Dict[str, object]:
    """What the class takes, and whether it is the native engine's (its names are the Rust
    constructor's, which the `.pyi` stub only mirrors: such a class is passed positionally)."""
    found = _defining_module(git_dir, tag, module, name)
    return {
        "params": constructor_params(git_dir, tag, module, name),
        "native": found is not None and found[0].endswith(".pyi"),
    }


def _class_params(
    git_dir: Path, tag: str, module: str, tree: ast.Module, node: ast.ClassDef, depth: int
) -> Optional[List[Param]]:
    for statement in node.body:
        if (
            isinstance(statement, ast.FunctionDef)
            and statement.name in {"__init__", "__new__"}
            # `@overload`s are the type checker's; the implementation follows them.
            and not any(_decorator_name(d) == "overload" for d in statement.decorator_list)
        ):
            return _function_params(statement)
    bases = [
        constructor_params(git_dir, tag, module, base, depth + 1)
        for base in filter(None, map(_base_name, node.bases))
    ]
    if not _is_dataclass(node):
        return next((params for params in bases if params is not None), None)
    # Dataclass fields: the bases' first, a redefined field keeping its place.
    params: List[Param] = [param for base_params in bases for param in base_params or []]
    for statement in node.body:
        field = _dataclass_field(statement)
        if field is None:
            continue
        existing = next((index for index, p in enumerate(params) if p[0] == field[0]), None)
        if existing is None:
            params.append(field)
        else:
            params[existing] = field
    return params


def constructed_classes(calls: Iterable[PantsCall]) -> Set[Tuple[str, str]]:
    """The Pants classes the adapters construct (by the naming convention: capitalized)."""
    return {(call.module, call.name) for call in calls if call.name[:1].isupper()}


def extract_api(
    git_dir: Path,
    tag: str,
    modules: Set[str],
    candidates: Set[str],
    classes: Set[Tuple[str, str]],
) -> Dict[str, object]:
    """module -> its top-level names, `@rule`s and the parameters of the classes in `classes`
    at `tag`; None for one of `modules` absent there (a candidate that is not a module is left
    out)."""
    api: Dict[str, object] = {}
    for module in sorted(modules | candidates):
        source = _module_source(git_dir, tag, module)
        if source is None:
            if module in modules:
                api[module] = None
            continue
        tree = ast.parse(source)
        names = set(_top_level_names(tree.body))
        api[module] = {
            "names": sorted(names),
            "rules": _rules(tree),
            "classes": {
                name: constructed_class(git_dir, tag, module, name)
                for class_module, name in sorted(classes)
                if class_module == module and name in names
            },
        }
    return api


_PEX_VERSION = re.compile(r'(?:default_version|_PEX_VERSION) = "(v[0-9.]+)"')


def pex_version(git_dir: Path, tag: str) -> str:
    """The Pex the release runs by default (`[pex-cli].version`), from its `pex_cli.py`."""
    source = _module_source(git_dir, tag, "pants.backend.python.util_rules.pex_cli") or ""
    match = _PEX_VERSION.search(source)
    assert match is not None, f"{tag}: no Pex version in pex_cli.py"
    return match.group(1)


def copy_executed_sources(git_dir: Path, tag: str) -> Dict[str, str]:
    """Copies the release's source of EXECUTED_MODULES into SOURCES_DIR; module -> file stem."""
    SOURCES_DIR.mkdir(exist_ok=True)
    stems = {}
    for module in EXECUTED_MODULES:
        source = _module_source(git_dir, tag, module)
        assert source is not None, f"{tag} has no {module}"
        stem = hashlib.sha256(source.encode()).hexdigest()[:16]
        (SOURCES_DIR / f"{stem}.txt").write_text(source)
        stems[module] = stem
    return stems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pants-git-dir", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=DATA_PATH)
    args = parser.parse_args()
    all_tags = (_git(args.pants_git_dir, "tag", "--list", "release_*") or "").split()
    tags = checked_tags(all_tags)
    usage = [collect_usage(tag) for tag in tags]
    imports = [item for tag_imports, _ in usage for item in tag_imports]
    classes = constructed_classes(call for _, tag_calls in usage for call in tag_calls)
    modules = modules_used(imports)
    candidates = submodule_candidates(imports)
    data = {
        "source": "https://github.com/pantsbuild/pants",
        "generated_by": "tools/pants_api.py",
        "tags": {
            tag: extract_api(args.pants_git_dir, tag, modules, candidates, classes)
            for tag in tags
        },
    }
    for stale in [*VISITORS_DIR.glob("*.txt"), *SOURCES_DIR.glob("*.txt")]:
        stale.unlink()
    data["executed"] = {tag: copy_executed_sources(args.pants_git_dir, tag) for tag in tags}
    data["pex_versions"] = {tag: pex_version(args.pants_git_dir, tag) for tag in tags}
    args.output.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    # 2.17-2.22 parse compat's `Get` branch, whose parser the 2.17 suite runs for real.
    for tag in [tag for tag in tags if release_version(tag) >= VERSION_FLAGS["CALL_BY_NAME"]]:
        visitor = _git(args.pants_git_dir, "show", f"{tag}:{VISITOR_PATH}")
        assert visitor is not None, f"{tag} has no {VISITOR_PATH}"
        (VISITORS_DIR / f"{tag}.txt").write_text(visitor)


if __name__ == "__main__":
    main()
