"""Random package trees under `src/`, with BUILD files, and random import statements in them.

Shared by the property tests: the tree knows, independently of the code under test, which
BUILD file owns each module (the nearest directory with a BUILD file) and which modules exist.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import os
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple

from hypothesis import strategies as st

from monorepo_hygiene.imports import ABSOLUTE, FileFacts, ImportFacts
from monorepo_hygiene.imports.package_inits import PackageInits

# Names no installed distribution or stdlib module uses, so a real import finds only the tree.
TOP_LEVEL_NAMES = ("hyp_alpha", "hyp_beta")
SUBPACKAGE_NAMES = ("pa", "pb")
MODULE_NAMES = ("ma", "mb", "mc")
TOP_LEVEL_MODULE = "hyp_tool"
# Ways a package's `__init__` binds a name of its own (`{}`), each with a value whose `repr` is
# the same in every process.
SHADOWING_FORMS = (
    "{} = 'shadow'\n",
    "import json as {}\n",
    "class {}:\n    pass\n",
    "for {} in ['shadow']:\n    pass\n",
)


@dataclass(frozen=True)
class PackageTree:
    # Every module and package with a file: dotted name -> is a package (`__init__.py`).
    modules: Dict[str, bool]
    # Packages without `__init__.py`: no file, not in the facts' module mapping.
    namespace_packages: FrozenSet[str]
    # Packages whose directory has its own BUILD file; `src/` has one too.
    build_packages: FrozenSet[str]
    # What a package's `__init__` says after `TOKEN`: names bound there shadow the submodule of
    # that name in `from package import name` (until the submodule is imported).
    init_bodies: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # The names each package binds that way.
    shadowed: Mapping[str, FrozenSet[str]] = dataclasses.field(default_factory=dict)

    def path(self, module: str) -> str:
        stem = "src/" + module.replace(".", "/")
        return f"{stem}/__init__.py" if self.modules[module] else f"{stem}.py"

    def owner(self, module: str) -> str:
        """The directory of the nearest BUILD file at or above the module's own directory."""
        parts = module.split(".")
        package_parts = parts if self.modules[module] else parts[:-1]
        for depth in range(len(package_parts), 0, -1):
            package = ".".join(package_parts[:depth])
            if package in self.build_packages:
                return "src/" + package.replace(".", "/")
        return "src"

    def package_of(self, module: str) -> str:
        return module if self.modules[module] else module.rpartition(".")[0]

    def exists(self, module: str) -> bool:
        return module in self.modules or module in self.namespace_packages

    def facts(self, policy: str) -> ImportFacts:
        return ImportFacts(
            files={
                self.path(module): FileFacts(module, is_package, self.owner(module), policy)
                for module, is_package in self.modules.items()
            },
            module_owners={module: self.owner(module) for module in self.modules},
            package_inits={
                module: self.path(module) for module, is_package in self.modules.items()
                if is_package
            },
        )

    def init_contents(self) -> Dict[str, bytes]:
        """Every package's `__init__` as `write_tree` writes it with no bodies."""
        return {
            self.path(package): f"TOKEN = {package!r}\n{self.init_bodies.get(package, '')}".encode()
            for package, is_package in self.modules.items()
            if is_package
        }

    def package_inits(self, contents: Mapping[str, bytes]) -> PackageInits:
        """The packages' `__init__`s as the checker reads them, their files read from `contents`."""
        return PackageInits(self.facts(ABSOLUTE).package_inits, contents.__getitem__)


@st.composite
def package_trees(draw: st.DrawFn, namespaces: bool = True, shadows: bool = True) -> PackageTree:
    modules: Dict[str, bool] = {TOP_LEVEL_MODULE: False}
    namespace_packages = set()
    build_packages = set()
    children: Dict[str, List[str]] = {}

    def add_package(name: str, depth: int) -> None:
        if namespaces and draw(st.integers(0, 4)) == 0:
            namespace_packages.add(name)
        else:
            modules[name] = True
        if depth == 0 or draw(st.booleans()):
            build_packages.add(name)
        children[name] = sorted(draw(st.sets(st.sampled_from(MODULE_NAMES), min_size=1)))
        for module_name in children[name]:
            modules[f"{name}.{module_name}"] = False
        if depth < 2:
            subpackage_names = st.sets(st.sampled_from(SUBPACKAGE_NAMES), min_size=int(depth == 0))
            for subpackage_name in sorted(draw(subpackage_names)):
                children[name].append(subpackage_name)
                add_package(f"{name}.{subpackage_name}", depth + 1)

    for top_level_name in draw(st.sets(st.sampled_from(TOP_LEVEL_NAMES), min_size=1)):
        add_package(top_level_name, 0)
    init_bodies: Dict[str, str] = {}
    shadowed: Dict[str, FrozenSet[str]] = {}
    if shadows:
        for package in sorted(package for package, is_package in modules.items() if is_package):
            names = draw(st.sets(st.sampled_from(children[package])))
            init_bodies[package] = "".join(
                draw(st.sampled_from(SHADOWING_FORMS)).format(name) for name in sorted(names)
            )
            shadowed[package] = frozenset(names)
    return PackageTree(
        modules,
        frozenset(namespace_packages),
        frozenset(build_packages),
        init_bodies,
        shadowed,
    )


def relative_spellings(package: str, module: str) -> List[str]:
    """Every relative spelling of `module` from `package` (minimal or not), e.g. `..b.c`."""
    package_parts = package.split(".") if package else []
    spellings = []
    for level in range(1, len(package_parts) + 1):
        base = package_parts[: len(package_parts) - level + 1]
        module_parts = module.split(".")
        if module_parts[: len(base)] == base:
            spellings.append("." * level + ".".join(module_parts[len(base) :]))
    return spellings


@st.composite
def module_spellings(draw: st.DrawFn, package: str, module: str) -> str:
    """`module` as written after `from`: absolute, or (as often) one of its relative spellings."""
    relatives = relative_spellings(package, module)
    if relatives and draw(st.booleans()):
        return draw(st.sampled_from(relatives))
    return module


@st.composite
def import_statements(
    draw: st.DrawFn, tree: PackageTree, importer: str, alias: str, targets: List[str]
) -> str:
    """One import statement in `importer` referring to one of `targets` (modules of the tree).

    Every statement is importable, except with `targets` left out, when it may also be a
    relative import climbing above the top-level package.
    """
    package = tree.package_of(importer)
    # Half the time a module of the importer's own top-level package, where the rule has a say,
    # half of that one of its own BUILD file, where it wants relative imports.
    near = [target for target in targets if target.split(".")[0] == importer.split(".")[0]]
    same_build = [
        target
        for target in near
        if target in tree.modules and tree.owner(target) == tree.owner(importer)
    ]
    pool = targets
    if near and draw(st.booleans()):
        pool = same_build if same_build and draw(st.booleans()) else near
    target = draw(st.sampled_from(pool))
    parent, _, last = target.rpartition(".")
    has_token = target in tree.modules
    forms = ["import_plain"]
    if parent:
        forms += ["from_parent", "import_as", "from_parent_with_token"]
    if has_token:
        forms += ["from_target", "star"]
    form = draw(st.sampled_from(forms))
    if form == "import_plain":
        return f"import {target}"
    if form == "import_as":
        return f"import {target} as {alias}"
    if form == "star":
        return f"from {draw(module_spellings(package, target))} import *"
    if form == "from_target":
        return f"from {draw(module_spellings(package, target))} import TOKEN as {alias}"
    spelled_parent = draw(module_spellings(package, parent))
    if form == "from_parent_with_token" and parent in tree.modules:
        return f"from {spelled_parent} import {last} as {alias}, TOKEN as {alias}_token"
    return f"from {spelled_parent} import {last} as {alias}"


@st.composite
def climbing_imports(draw: st.DrawFn, tree: PackageTree, importer: str, alias: str) -> str:
    """A relative import with more dots than the importer has packages (never importable)."""
    package = tree.package_of(importer)
    depth = len(package.split(".")) if package else 0
    extra = draw(st.integers(1, 2))
    named = draw(st.sampled_from(sorted({*MODULE_NAMES, *SUBPACKAGE_NAMES, *TOP_LEVEL_NAMES})))
    return f"from {'.' * (depth + extra)}{named} import TOKEN as {alias}"


@st.composite
def statement_lists(draw: st.DrawFn, tree: PackageTree, importer: str, most: int) -> List[str]:
    """1 to `most` statements in `importer`: a climbing relative import one time in four, else an
    import of a module or namespace package of the tree."""
    targets = sorted({*tree.modules, *tree.namespace_packages})
    return [
        draw(
            climbing_imports(tree, importer, f"n{i}")
            if draw(st.integers(0, 3)) == 0
            else import_statements(tree, importer, f"n{i}", targets)
        )
        for i in range(draw(st.integers(1, most)))
    ]


def bindings(
    statement: ast.stmt, package: str, tree: PackageTree
) -> List[Tuple[str, str, str, bool]]:
    """What a statement binds, as (module, name in it, bound name, whether the module's own
    binding of the name shadows its submodule), resolved like Python does.

    `import a.b.c as d` is written as `from a.b import c as d`, which is its equivalent unless
    `a.b` binds `c` itself: `from` takes that, `import` the submodule. Relative module names are
    resolved with `importlib.util.resolve_name`.
    """
    if isinstance(statement, ast.ImportFrom):
        module = statement.module or ""
        if statement.level:
            module = importlib.util.resolve_name("." * statement.level + module, package)
        return [
            (
                module,
                alias.name,
                alias.asname or alias.name,
                alias.name in tree.shadowed.get(module, ()),
            )
            for alias in statement.names
        ]
    assert isinstance(statement, ast.Import)
    result = []
    for alias in statement.names:
        if alias.asname is None:
            result.append(("", alias.name, alias.name.split(".")[0], False))
        else:
            parent, _, last = alias.name.rpartition(".")
            result.append((parent, last, alias.asname, False))
    return result


def import_nodes(source: str) -> List[ast.stmt]:
    return [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]


def write_tree(root: str, tree: PackageTree, bodies: Dict[str, str]) -> None:
    """The tree's files under `root`, each defining `TOKEN` (its own name), then its body."""
    for module in tree.modules:
        path = os.path.join(root, tree.path(module))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as module_file:
            init_body = tree.init_bodies.get(module, "")
            module_file.write(f"TOKEN = {module!r}\n{init_body}{bodies.get(module, '')}")
    for package in tree.namespace_packages:
        os.makedirs(os.path.join(root, "src", *package.split(".")), exist_ok=True)


def read_tree(root: str, tree: PackageTree) -> Dict[str, bytes]:
    contents = {}
    for module in tree.modules:
        with open(os.path.join(root, tree.path(module)), "rb") as module_file:
            contents[tree.path(module)] = module_file.read()
    return contents


def owner_of_binding(tree: PackageTree, module: str, name: str) -> Optional[str]:
    """The BUILD directory owning what `from <module> import <name>` binds.

    None when no single BUILD file owns it: not a module of the tree, or a namespace package
    whose contents several BUILD files own.
    """
    submodule = f"{module}.{name}"
    holder = submodule if tree.exists(submodule) else module
    if holder in tree.modules:
        return tree.owner(holder)
    owners = {tree.owner(m) for m in tree.modules if m.startswith(holder + ".")}
    return owners.pop() if len(owners) == 1 else None
