"""The modules a check looks up, read from the text: facts holding only those (what a lint of a few
files gathers) give the same findings and fixes as facts holding every module of the repo."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path
from typing import Dict, List, Mapping, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monorepo_hygiene.imports import (
    ABSOLUTE,
    RELATIVE_WITHIN_BUILD,
    RELATIVE_WITHIN_BUILD_NO_PARENTS,
    FileFacts,
    check_source,
    fix_source,
)
from monorepo_hygiene.imports.lookups import looked_up_modules, needed_modules, with_prefixes
from monorepo_hygiene.imports.package_inits import PackageInits
from tests.monorepo_hygiene.imports.imports_trees import package_trees, statement_lists

POLICIES = (RELATIVE_WITHIN_BUILD, RELATIVE_WITHIN_BUILD_NO_PARENTS, ABSOLUTE)


def _restricted(owners: Mapping[str, str], facts: FileFacts, content: bytes) -> Dict[str, str]:
    """The module owners a scoped lint hands the checker for this one file."""
    needed = needed_modules(looked_up_modules(facts.module, facts.is_package, content), owners)
    return {module: owner for module, owner in owners.items() if module in needed}


def _same_answers(
    path: str,
    content: bytes,
    facts: FileFacts,
    owners: Mapping[str, str],
    inits: Mapping[str, str],
    read: Mapping[str, bytes],
) -> None:
    restricted = _restricted(owners, facts, content)
    restricted_inits = {package: file for package, file in inits.items() if package in restricted}
    whole = (owners, PackageInits(inits, read.__getitem__))
    scoped = (restricted, PackageInits(restricted_inits, read.__getitem__))
    assert check_source(path, content, facts, *scoped) == check_source(
        path, content, facts, *whole
    )
    assert fix_source(path, content, facts, *scoped) == fix_source(path, content, facts, *whole)


# How a statement may be spelled over lines, each the same statement to Python.
def _parenthesized(statement: str) -> str:
    head, _, names = statement.partition(" import ")
    spelled = ",  # a comment with ) and import x\n    ".join(names.split(", "))
    return f"{head} import (  # (\n    {spelled},\n)"


def _continued(statement: str) -> str:
    return statement.replace(" import ", " \\\n    import ", 1).replace(".", " . ", 1)


_SPELLINGS = (
    lambda statement: statement,
    lambda statement: f"if True: {statement}",
    lambda statement: f"x = 1; {statement}",
    _continued,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), policy=st.sampled_from(POLICIES))
def test_scoped_facts_give_the_same_findings_and_fixes(data: st.DataObject, policy: str) -> None:
    tree = data.draw(package_trees())
    importer = data.draw(st.sampled_from(sorted(tree.modules)))
    statements = data.draw(statement_lists(tree, importer, 4))
    spelled = [
        data.draw(
            st.sampled_from(
                _SPELLINGS if "*" in statement else (*_SPELLINGS, _parenthesized)
            )
        )(statement)
        for statement in statements
    ]
    content = ("".join(f"{line}\n" for line in spelled)).encode()
    facts = tree.facts(policy)
    path = tree.path(importer)
    inits = tree.init_contents()
    _same_answers(
        path, content, facts.files[path], facts.module_owners, facts.package_inits, inits
    )


def test_a_namespace_package_needs_every_module_under_it() -> None:
    owners = {"ns.a.x": "src/ns/a", "ns.b.y": "src/ns/b", "ns.b": "src/ns/b", "other.z": "src/o"}
    # `ns` has no file: its owner is that of everything under it (here no single one).
    assert needed_modules(frozenset({"ns.c"}), owners) == {"ns.a.x", "ns.b.y", "ns.b"}
    assert needed_modules(frozenset({"other.z.name"}), owners) == {"other.z"}
    assert needed_modules(frozenset({"json"}), owners) == frozenset()
    # A package with a file answers for itself: nothing under it is needed.
    owners = {"pkg": "src/pkg", "pkg.sub.m": "src/pkg/sub", "pkg.n": "src/pkg"}
    assert needed_modules(frozenset({"pkg.n.attr"}), owners) == {"pkg", "pkg.n"}


def test_names_are_read_from_every_spelling() -> None:
    source = (
        "from .models import (  # ( a comment\n"
        "    user,  # ) another\n"
        "    order as o,\n"
        ")\n"
        "import a . b as c, d\n"
        "from \\\n  ... pkg import thing\n"
        "from caf\u00e9 import x\n"
        "from ﬁle import y\n"  # NFKC: `file`
    )
    found = looked_up_modules("app.api.views", False, source.encode())
    for name in ("app.api.models.user", "app.api.models.order", "a.b", "d", "app.pkg.thing"):
        assert name in found
    assert {"café.x", "file.y"} <= found
    assert "app.models.user" in found  # a climbing `..models` is looked up too


def _stdlib_modules() -> List[Tuple[str, Path]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    found = []
    for package in ("json", "email", "asyncio", "importlib", "xml", "concurrent", "http", "urllib"):
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((module, path))
    return found


def _statement_names(tree: ast.Module, package_parts: Tuple[str, ...]) -> List[str]:
    """Each module and imported name the statements spell, resolved as Python would."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package_parts[: len(package_parts) - node.level + 1] if node.level else ()
            module = ".".join((*base, node.module) if node.module else base)
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    return [name for name in names if name]


@pytest.mark.parametrize("policy", [RELATIVE_WITHIN_BUILD, RELATIVE_WITHIN_BUILD_NO_PARENTS])
def test_standard_library_as_first_party_code(policy: str) -> None:
    """Real code: eight stdlib packages as the repo's first-party modules, a BUILD file per
    directory; each file's scoped check equals its whole-repo check, and every name its
    statements spell (resolved) is among the names looked up."""
    modules = _stdlib_modules()
    paths = {module: path for module, path in modules}
    owners = {module: str(path.parent) for module, path in modules}
    inits = {module: str(path) for module, path in modules if path.name == "__init__.py"}
    read = {str(path): path.read_bytes() for path in paths.values()}
    for module, path in modules:
        content = path.read_bytes()
        is_package = path.name == "__init__.py"
        facts = FileFacts(module, is_package, owners[module], policy)
        parts = tuple(module.split("."))
        names = _statement_names(ast.parse(content), parts if is_package else parts[:-1])
        assert set(names) <= with_prefixes(looked_up_modules(module, is_package, content)), path
        _same_answers(str(path), content, facts, owners, inits, read)
