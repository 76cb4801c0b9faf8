"""Migration conventions, beyond the graph's shape: a merge listing a redundant parent (HM116, a
graph fault, on by default and fixable), a required release marker (HM117, opt-in), and database
reads in `upgrade()`/`downgrade()` that break `alembic upgrade --sql` (HM118, opt-in).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Set, Tuple

from ..findings import Finding, Severity
from .codes import MISSING_RELEASE_MARKER, OFFLINE_UNSAFE_READ, REDUNDANT_MERGE_PARENT
from .errors import MigrationReadError
from .graph import RevisionGraph
from .reader import Migration, decode_migration, parse_migration
from .release import ReleaseMarker
from .rewrite import rewrite_down_revision
from .wording import quoted, shortened


@dataclass(frozen=True)
class ConventionOptions:
    # The release marker every migration added after `required_after` must carry (HM117).
    release_marker: Optional[ReleaseMarker] = None
    required_after: Optional[str] = None
    # Whether the marker's placeholder ("not released yet") satisfies HM117.
    allow_placeholder: bool = False
    # HM118: database reads without an offline-mode guard.
    offline_reads: bool = False
    # How the two release-marker options are named in messages.
    option_names: Tuple[str, str] = ("release_marker", "release_marker_required_after")


# --- HM116: a merge's parent that another parent already descends from ----------------------


def redundant_parents(graph: RevisionGraph, revision: str) -> Tuple[str, ...]:
    """The parents of `revision` that are ancestors of another of its parents."""
    parents = graph.parents(revision)
    if len(parents) < 2:
        return ()
    below: Set[str] = set()
    for parent in parents:
        below |= graph.ancestors(parent)
    return tuple(parent for parent in parents if parent in below)


def redundant_parent_findings(
    graph: RevisionGraph, files: Mapping[str, bytes]
) -> Tuple[List[Finding], Dict[str, bytes]]:
    """HM116 findings, and the fixed content of each file (its redundant parents dropped)."""
    findings: List[Finding] = []
    fixes: Dict[str, bytes] = {}
    # Within or above a cycle every parent is everyone's ancestor: HM103 says what is wrong.
    cyclic = {revision for cycle in graph.cycles() for revision in cycle}
    for revision in graph.revisions:
        redundant = redundant_parents(graph, revision)
        if not redundant or (cyclic and (revision in cyclic or graph.ancestors(revision) & cyclic)):
            continue
        migration = graph.migration(revision)
        kept = tuple(p for p in migration.down_revisions if p not in redundant)
        reasons = "; ".join(
            f"`{parent}` is an ancestor of "
            + quoted(p for p in graph.parents(revision) if parent in graph.ancestors(p))
            for parent in redundant
        )
        try:
            fixes[migration.path] = rewrite_down_revision(
                migration.path, files[migration.path], kept
            )
        except MigrationReadError:
            pass  # Reported without the fix; the rewrite says why only when asked to write.
        findings.append(
            Finding(
                migration.path,
                migration.down_revision_line,
                1,
                REDUNDANT_MERGE_PARENT,
                f"Merge `{revision}` lists redundant parents: {reasons}; `alembic upgrade` "
                f"fails on it (KeyError); keep {quoted(kept)}",
                fixable=migration.path in fixes,
            )
        )
    return findings, fixes


# --- HM117: the release marker ----------------------------------------------------------------


def release_marker_findings(
    graph: RevisionGraph,
    files: Mapping[str, bytes],
    options: ConventionOptions,
    history_name: str,
) -> List[Finding]:
    """HM117 for every migration after `options.required_after` without a usable marker."""
    marker, after = options.release_marker, options.required_after
    option_names = options.option_names
    if marker is None or after is None:
        return []
    if after not in graph:
        return [
            Finding(
                history_name,
                1,
                1,
                MISSING_RELEASE_MARKER,
                f"`{option_names[1]}` names `{after}`, which is not a revision of this history",
                Severity.WARNING,
            )
        ]
    findings: List[Finding] = []
    for revision in sorted(graph.descendants(after)):
        migration = graph.migration(revision)
        try:
            text, _ = decode_migration(migration.path, files[migration.path])
        except MigrationReadError:
            continue  # HM110's.
        found = marker.find(text)
        if found is None:
            message = f"`{revision}` has no release marker (`{option_names[0]}`)"
        elif found.release == marker.placeholder and not options.allow_placeholder:
            message = (
                f"`{revision}` is marked `{found.text}`: the placeholder is not allowed here; "
                "name the release"
            )
        else:
            continue
        line = found.line if found is not None else migration.revision_line
        findings.append(Finding(migration.path, line, 1, MISSING_RELEASE_MARKER, message))
    return findings


# --- HM118: database reads that `alembic upgrade --sql` can't run ------------------------------

_UPGRADE_FUNCTIONS = ("upgrade", "downgrade")
# Calls on a connection that need a live database: in offline mode there is none.
_READ_METHODS = ("execute", "scalar", "scalars", "exec_driver_sql")
# Calls that take a connection and query it: `sa.inspect(bind)`, `Session(bind=bind)`.
_READ_FUNCTIONS = ("inspect", "Session", "sessionmaker", "from_engine")


def offline_read_findings(
    migrations: Tuple[Migration, ...], files: Mapping[str, bytes]
) -> List[Finding]:
    findings: List[Finding] = []
    for migration in migrations:
        try:
            module = parse_migration(migration.path, files[migration.path])
        except MigrationReadError:
            continue  # HM110's.
        for function in module.body:
            if isinstance(function, ast.FunctionDef) and function.name in _UPGRADE_FUNCTIONS:
                read = _first_unguarded_read(function)
                if read is not None:
                    findings.append(
                        Finding(
                            migration.path,
                            read.lineno,
                            read.col_offset + 1,
                            OFFLINE_UNSAFE_READ,
                            f"`{function.name}()` reads from the database "
                            f"(`{shortened(ast.unparse(read))}`) without a "
                            "`context.is_offline_mode()` guard; `alembic upgrade --sql` fails "
                            "on it",
                        )
                    )
    return findings


def _first_unguarded_read(function: ast.FunctionDef) -> Optional[ast.Call]:
    nodes = list(ast.walk(function))
    if any(
        _is_call_to(node, "is_offline_mode")
        or (isinstance(node, ast.Attribute) and node.attr == "as_sql")
        for node in nodes
    ):
        return None  # The function decides what to do offline (`op.get_context().as_sql` too).
    binds = {
        target.id
        for node in nodes
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        and node.value is not None
        and _is_call_to(node.value, "get_bind")
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }

    def is_bind(expr: ast.expr) -> bool:
        return (isinstance(expr, ast.Name) and expr.id in binds) or _is_call_to(expr, "get_bind")

    reads = [
        node
        for node in nodes
        if isinstance(node, ast.Call)
        and (
            (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in _READ_METHODS
                and is_bind(node.func.value)
            )
            or (
                _called_name(node) in _READ_FUNCTIONS
                and any(is_bind(a) for a in [*node.args, *(k.value for k in node.keywords)])
            )
        )
    ]
    return min(reads, key=lambda call: (call.lineno, call.col_offset), default=None)


def _called_name(call: ast.Call) -> Optional[str]:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_call_to(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and _called_name(node) == name
