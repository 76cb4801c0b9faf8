"""No import circle inside `src/` or `pants-plugins/`, and no adapter importing another
capability's adapter.

Every import counts: those under `if TYPE_CHECKING:` (they show the same tangle, and turn into a
runtime circle the day someone needs the name at runtime) and those inside functions (a lazy
import only postpones the circle). A module importing a name from a package depends on the
package's `__init__`; importing a submodule (`from . import codes`) depends on that submodule.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

# Both source roots: the core and the Pants adapters that import it.
ROOTS = ("src", "pants-plugins")
ImportGraph = Dict[str, Set[str]]
# The adapters' rooms every capability may use (README, "Layout"): the checkers' processes, the
# reports, and what every adapter uses. Any other `pants_hygiene.<name>` is a capability's.
SHARED_ADAPTERS = frozenset({"tool", "reports", "util"})


def module_files(root: Path) -> Dict[str, Path]:
    """Every module under a source root, by dotted name (a package by its `__init__.py`)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            modules[".".join(parts)] = path
    return modules


def _imported(module: str, is_package: bool, tree: ast.Module) -> Iterator[Tuple[str, List[str]]]:
    """(the module named, the names taken from it) for every import statement anywhere in the
    file, relative ones made absolute."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                named = f"{base}.{node.module}" if node.module else base
            else:
                named = node.module or ""
            yield named, [alias.name for alias in node.names]


def _deepest_module(dotted: str, modules: Set[str]) -> Optional[str]:
    """`import a.b.c` runs `a.b.c` if it is a module, else the deepest package that is."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def import_graph(roots: Sequence[Path]) -> ImportGraph:
    """Each module's imports of modules under the same roots."""
    files: Dict[str, Path] = {}
    for root in roots:
        files.update(module_files(root))
    modules = set(files)
    graph: ImportGraph = {}
    for module, path in files.items():
        tree = ast.parse(path.read_bytes(), str(path))
        edges = graph.setdefault(module, set())
        for named, names in _imported(module, path.name == "__init__.py", tree):
            submodules = [f"{named}.{name}" for name in names if f"{named}.{name}" in modules]
            if submodules:
                edges.update(submodules)
            if len(submodules) < len(names) or not names:
                # A name defined in the module (or package `__init__`) itself.
                target = _deepest_module(named, modules)
                if target is not None:
                    edges.add(target)
        edges.discard(module)
    return graph


def import_cycles(graph: ImportGraph) -> List[List[str]]:
    """The graph's strongly connected components of more than one module (Tarjan), each
    sorted, smallest name first; [] when the imports form no circle."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    cycles: List[List[str]] = []

    def visit(module: str) -> None:
        # Recursive: the module graph is a few hundred nodes deep at most.
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(cycles)


def sideways_imports(graph: ImportGraph, adapters: str = "pants_hygiene") -> List[Tuple[str, str]]:
    """(importer, imported) for every module under `adapters.<x>` that imports a module of
    another capability's adapter `adapters.<cap>` (cap != x, and not a shared room), sorted."""

    def room(module: str) -> Optional[str]:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 and parts[0] == adapters else None

    return sorted(
        (importer, imported)
        for importer, imports in graph.items()
        if room(importer) is not None
        for imported in imports
        if room(imported) not in (None, room(importer), *SHARED_ADAPTERS)
    )


def test_no_import_cycle_in_src_or_pants_plugins() -> None:
    repo = Path(__file__).resolve().parents[2]
    graph = import_graph([repo / root for root in ROOTS])
    # The walk really saw both roots, the adapters' imports of the core included.
    assert "monorepo_hygiene.imports.check" in graph
    assert "monorepo_hygiene.alembic.check" in graph["pants_hygiene.alembic.check_goal"]
    assert import_cycles(graph) == []


def _write_package(root: Path, files: Dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))


def test_the_finder_sees_type_checking_and_lazy_imports(tmp_path: Path) -> None:
    _write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/graph.py": "from .errors import GraphError\n",
            "pkg/errors.py": """
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from .graph import Graph
                """,
            "pkg/check.py": """
                def fix():
                    from pkg.rewrite import apply
                """,
            "pkg/rewrite.py": "from pkg import check\n",
            "pkg/leaf.py": "import os\nfrom . import errors\n",
        },
    )
    graph = import_graph([tmp_path])
    assert graph["pkg.leaf"] == {"pkg.errors"}
    assert import_cycles(graph) == [["pkg.check", "pkg.rewrite"], ["pkg.errors", "pkg.graph"]]


def test_the_finder_passes_a_layered_package(tmp_path: Path) -> None:
    _write_package(
        tmp_path,
        {
            # The package's `__init__` imports its modules, which import each other downwards.
            "pkg/__init__.py": "from .check import check\nfrom .codes import CODE\n",
            "pkg/codes.py": "CODE = 'X1'\n",
            "pkg/check.py": "from .codes import CODE\nfrom . import sub\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/deep.py": "from ..codes import CODE\nfrom .. import codes\n",
        },
    )
    graph = import_graph([tmp_path])
    assert graph["pkg"] == {"pkg.check", "pkg.codes"}
    assert graph["pkg.check"] == {"pkg.codes", "pkg.sub"}
    assert graph["pkg.sub.deep"] == {"pkg.codes"}
    assert import_cycles(graph) == []


def test_no_adapter_imports_another_capabilitys_adapter() -> None:
    repo = Path(__file__).resolve().parents[2]
    graph = import_graph([repo / root for root in ROOTS])
    # The walk saw the adapters' imports of the shared rooms, which are allowed.
    assert "pants_hygiene.util.compat" in graph["pants_hygiene.imports.rules"]
    assert sideways_imports(graph) == []


def test_the_finder_sees_a_sideways_adapter_import(tmp_path: Path) -> None:
    _write_package(
        tmp_path,
        {
            "adapters/__init__.py": "",
            "adapters/util/__init__.py": "",
            "adapters/util/compat.py": "",
            "adapters/tool/__init__.py": "",
            "adapters/tool/rules.py": "from ..util import compat\n",
            "adapters/alembic/__init__.py": "",
            "adapters/alembic/discovery.py": "from ..util.compat import *\n",
            "adapters/imports/__init__.py": "",
            "adapters/imports/rules.py": """
                from ..tool import rules
                from . import fields

                def lazily():
                    from adapters.alembic.discovery import find
                """,
            "adapters/imports/fields.py": "",
        },
    )
    graph = import_graph([tmp_path])
    assert sideways_imports(graph, adapters="adapters") == [
        ("adapters.imports.rules", "adapters.alembic.discovery")
    ]
