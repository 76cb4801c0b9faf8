"""`check-alembic`: find what would make `alembic upgrade head` fail or surprise, statically.

`check_history` reads one history's migration files (never importing them), builds its revision
graph and reports HM1xx findings (documented in `monorepo_hygiene.alembic.codes`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Tuple

from ..findings import Finding, Severity
from ..noqa import is_suppressed
from ..source import line_at
from .codes import (
    AMBIGUOUS_REVISION_PREFIX,
    BRANCH_LABEL_CLASH,
    DOCSTRING_REVISES_MISMATCH,
    DOCSTRING_REVISION_ID_MISMATCH,
    DUPLICATE_REVISION,
    ILLEGAL_REVISION_ID,
    MISSING_DEPENDENCY,
    MISSING_DOWN_REVISION,
    MULTIPLE_BASES,
    MULTIPLE_HEADS,
    REVISION_CYCLE,
    UNREADABLE_MIGRATION,
)
from .conventions import (
    ConventionOptions,
    offline_read_findings,
    redundant_parent_findings,
    release_marker_findings,
)
from .drawing import draw_mermaid, draw_text
from .errors import MigrationReadError
from .graph import HeadChain, RevisionGraph
from .head_marker import MarkerFile, marker_content, marker_findings
from .reader import Migration, decode_migration, read_history
from .report import HistoryReport
from .wording import quoted, with_file

# Characters alembic refuses in revision ids (`alembic.script.revision._revision_illegal_chars`).
_ILLEGAL_ID_CHARACTERS = ("@", "-", "+")


@dataclass(frozen=True)
class CheckOptions:
    # Accept several heads (bases) when each one is on a branch of its own: it carries a
    # `branch_label` no other head (base) has, so `alembic upgrade <label>@head` is unambiguous.
    allow_labeled_branches: bool = False
    # The command printed with HM101; the history's name is appended.
    rebase_command: str = "pants rebase-alembic"
    # The command printed with fixable findings (HM113, HM114); the history's name is appended.
    fix_command: str = "pants check-alembic --fix"
    # Compile each migration whole, so that a syntax error anywhere in it is reported (alembic
    # would fail to import it). Off by default: the metadata block before the first `def` is all
    # the graph needs, and compiling bodies costs ~4x the rest of the check; every Python linter
    # (ours: HA100/HI100) already compiles them.
    check_syntax: bool = False
    # HM116-HM118 (conventions.py).
    conventions: ConventionOptions = ConventionOptions()
    # With several heads (HM101): draw the fork points up to each head as text, and as Mermaid.
    draw_graph: bool = True
    mermaid: bool = False


def check_history(
    name: str,
    files: Mapping[str, bytes],
    options: CheckOptions = CheckOptions(),
    found_by: Tuple[str, ...] = (),
    head_marker: Optional[MarkerFile] = None,
) -> HistoryReport:
    """Check one history. `name` is its display name (its versions directory); `files` maps
    each repo-relative path to the bytes of every migration file of the history; `found_by` says
    how it was found, for the summary line; `head_marker` is its marker, when markers are on.
    The report's `fixes` hold the new content of each file a fixable finding is in."""
    history = read_history(files, whole_files=options.check_syntax)
    graph = RevisionGraph.from_migrations(history.migrations)
    findings: List[Finding] = [
        _finding(
            error.path, error.line, UNREADABLE_MIGRATION, f"Can't read migration: {error.reason}"
        )
        for error in history.errors
    ]
    unreadable = _unreadable_revisions(history.errors, files)
    findings += _multiple_heads(name, graph, options, unreadable)
    findings += _extra_bases(graph, options)
    findings += _cycles(graph)
    findings += _missing_references(graph, history.migrations, unreadable)
    findings += _duplicate_ids(history.migrations)
    findings += _prefix_ids(graph)
    findings += _docstring_mismatches(history.migrations)
    findings += _branch_label_clashes(history.migrations)
    findings += _illegal_ids(history.migrations)
    redundant, fixes = redundant_parent_findings(graph, files)
    findings += redundant
    findings += release_marker_findings(graph, files, options.conventions, name)
    if options.conventions.offline_reads:
        findings += offline_read_findings(history.migrations, files)
    if head_marker is not None:
        findings += marker_findings(
            head_marker, graph, name, options.fix_command, options.rebase_command
        )
    kept = tuple(sorted(_unsuppressed(findings, files)))
    fixed_paths = {f.path for f in kept if f.fixable}
    fixes = {path: content for path, content in fixes.items() if path in fixed_paths}
    if head_marker is not None and any(f.fixable and f.path == head_marker.path for f in kept):
        fixes[head_marker.path] = marker_content(graph.heads[0])
    several_heads = any(finding.code == MULTIPLE_HEADS for finding in kept)
    return HistoryReport(
        name=name,
        findings=kept,
        revision_count=len(history.migrations),
        heads=graph.heads,
        bases=graph.bases,
        found_by=found_by,
        drawing=draw_text(graph) if several_heads and options.draw_graph else (),
        mermaid=draw_mermaid(graph) if several_heads and options.mermaid else None,
        fixes=tuple(sorted(fixes.items())),
    )


# `revision = "..."` as alembic's template writes it, found in a file that can't be parsed.
_REVISION_ASSIGNMENT_RE = re.compile(
    rb"^revision[ \t]*(?::[^=\n]*)?=[ \t]*[rRuU]?['\"]([^'\"\n]+)['\"]", re.MULTILINE
)


def _unreadable_revisions(
    errors: Iterable[MigrationReadError], files: Mapping[str, bytes]
) -> Dict[str, str]:
    """The ids the unreadable migrations most likely declare (revision id -> path): findings that
    only follow from those files being unreadable are said to, not asserted."""
    guessed: Dict[str, str] = {}
    for error in errors:
        match = _REVISION_ASSIGNMENT_RE.search(files[error.path])
        if match is not None:
            guessed.setdefault(match.group(1).decode("utf-8", "replace"), error.path)
    return guessed


def _finding(
    path: str, line: int, code: str, message: str, severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(path=path, line=line, col=1, code=code, message=message, severity=severity)


def _multiple_heads(
    name: str, graph: RevisionGraph, options: CheckOptions, unreadable: Mapping[str, str]
) -> List[Finding]:
    heads = graph.heads
    if len(heads) < 2:
        return []
    if options.allow_labeled_branches and _each_has_own_label(
        heads, lambda head: graph.ancestors(head) | {head}, graph
    ):
        return []
    details = "".join(_describe_chain(chain, graph) for chain in graph.head_chains())
    first = graph.migration(heads[0])
    broken = sorted(
        {
            unreadable[missing]
            for _, missing in graph.missing_down_revisions()
            if missing in unreadable
        }
    )
    if broken:
        # A revision whose child can't be read looks like a head: the heads may be an artefact.
        return [
            _finding(
                first.path,
                first.revision_line,
                MULTIPLE_HEADS,
                f"Multiple heads {quoted(heads)} as far as the readable files tell; they may "
                f"follow from {', '.join(f'`{p}`' for p in broken)}, which can't be read "
                f"(HM110): fix that first{details}",
                Severity.WARNING,
            )
        ]
    return [
        _finding(
            first.path,
            first.revision_line,
            MULTIPLE_HEADS,
            f"Multiple heads {quoted(heads)}; run `{options.rebase_command} {name}` "
            f"(or `alembic merge heads`){details}",
        )
    ]


def _describe_chain(chain: HeadChain, graph: RevisionGraph) -> str:
    if chain.fork_points:
        fork_points = graph.with_files(chain.fork_points)
        origin = "forked from " + ", ".join(with_file(*fork_point) for fork_point in fork_points)
    else:
        origin = "sharing no revision with the other heads"
    revisions = "".join(f"\n      {with_file(*r)}" for r in graph.with_files(chain.revisions))
    return f"\n    head `{chain.head}`, {origin}:{revisions}"


def _extra_bases(graph: RevisionGraph, options: CheckOptions) -> List[Finding]:
    bases = graph.bases
    if len(bases) < 2:
        return []
    if options.allow_labeled_branches and _each_has_own_label(
        bases, lambda base: graph.descendants(base) | {base}, graph
    ):
        return []
    # The base most of the history builds on is the real one; the others are likely mistakes.
    trunk = min(bases, key=lambda base: (-len(graph.descendants(base)), base))
    return [
        _finding(
            graph.migration(base).path,
            graph.migration(base).down_revision_line,
            MULTIPLE_BASES,
            f"Extra base `{base}`: its `down_revision` is empty but the history already starts "
            f"at {with_file(trunk, graph.migration(trunk).file_name)}",
        )
        for base in bases
        if base != trunk
    ]


def _each_has_own_label(
    revisions: Tuple[str, ...],
    lineage: Callable[[str], FrozenSet[str]],
    graph: RevisionGraph,
) -> bool:
    """Whether each revision's lineage declares a branch label no other one's lineage has."""
    labels = {
        revision: {label for r in lineage(revision) for label in graph.migration(r).branch_labels}
        for revision in revisions
    }
    return all(
        labels[revision] - set().union(*(labels[other] for other in revisions if other != revision))
        for revision in revisions
    )


def _cycles(graph: RevisionGraph) -> List[Finding]:
    findings: List[Finding] = []
    for cycle in graph.cycles():
        steps: List[str] = []
        for position, revision in enumerate(cycle):
            following = cycle[(position + 1) % len(cycle)]
            verb = "revises" if following in graph.parents(revision) else "depends on"
            steps.append(f"`{revision}` {verb} `{following}`")
        first = graph.migration(cycle[0])
        line = (
            first.down_revision_line
            if cycle[1 % len(cycle)] in graph.parents(cycle[0])
            else first.depends_on_line or first.down_revision_line
        )
        findings.append(
            _finding(first.path, line, REVISION_CYCLE, "Revision cycle: " + ", ".join(steps))
        )
    return findings


def _missing_references(
    graph: RevisionGraph, migrations: Tuple[Migration, ...], unreadable: Mapping[str, str]
) -> List[Finding]:
    hint = _MissingRevisionHint(graph, migrations)
    findings: List[Finding] = []
    for revision, missing in graph.missing_down_revisions():
        migration = graph.migration(revision)
        if missing in unreadable:
            findings.append(
                _finding(
                    migration.path,
                    migration.down_revision_line,
                    MISSING_DOWN_REVISION,
                    f"`down_revision` names `{missing}`, which `{unreadable[missing]}` seems to "
                    "declare but can't be read (HM110): fix that first",
                    Severity.WARNING,
                )
            )
            continue
        findings.append(
            _finding(
                migration.path,
                migration.down_revision_line,
                MISSING_DOWN_REVISION,
                f"`down_revision` names missing revision `{missing}`"
                + hint.for_down_revision(missing),
            )
        )
    for revision, missing in graph.unresolved_dependencies():
        migration = graph.migration(revision)
        findings.append(
            _finding(
                migration.path,
                migration.depends_on_line or migration.revision_line,
                MISSING_DEPENDENCY,
                f"`depends_on` names missing revision or branch label `{missing}`"
                + hint.for_dependency(missing),
            )
        )
    return findings


class _MissingRevisionHint:
    """Guesses what a reference to a missing revision meant, for the finding's message."""

    def __init__(self, graph: RevisionGraph, migrations: Tuple[Migration, ...]) -> None:
        self._graph = graph
        self._revision_of_file: Dict[str, str] = {}
        for migration in migrations:
            self._revision_of_file[migration.file_name] = migration.revision
            self._revision_of_file[posixpath.splitext(migration.file_name)[0]] = migration.revision

    def for_down_revision(self, missing: str) -> str:
        label_owner = self._graph.resolve(missing)
        if label_owner is not None:
            return (
                f"; it is a branch label of `{label_owner}`, but `down_revision` takes revision ids"
            )
        return self._id_hint(missing)

    def for_dependency(self, missing: str) -> str:
        return self._id_hint(missing)

    def _id_hint(self, missing: str) -> str:
        file_revision = self._revision_of_file.get(missing)
        if file_revision is not None:
            return f"; that is a file name, did you mean its revision `{file_revision}`?"
        extended = [r for r in self._graph.revisions if r.startswith(missing)]
        if len(extended) == 1:
            return f"; ids must be complete, did you mean `{extended[0]}`?"
        return ""


def _duplicate_ids(migrations: Tuple[Migration, ...]) -> List[Finding]:
    first_by_id: Dict[str, Migration] = {}
    findings: List[Finding] = []
    for migration in migrations:
        first = first_by_id.setdefault(migration.revision, migration)
        if first is not migration:
            findings.append(
                _finding(
                    migration.path,
                    migration.revision_line,
                    DUPLICATE_REVISION,
                    f"Revision `{migration.revision}` is also declared in `{first.path}`",
                )
            )
    return findings


def _prefix_ids(graph: RevisionGraph) -> List[Finding]:
    revisions = graph.revisions  # Sorted: every id that extends another follows it directly.
    findings: List[Finding] = []
    for position, prefix in enumerate(revisions):
        longer: List[str] = []
        for other in revisions[position + 1 :]:
            if not other.startswith(prefix):
                break
            longer.append(other)
        if longer:
            migration = graph.migration(prefix)
            findings.append(
                _finding(
                    migration.path,
                    migration.revision_line,
                    AMBIGUOUS_REVISION_PREFIX,
                    f"Revision id `{prefix}` is a prefix of "
                    + ", ".join(with_file(*r) for r in graph.with_files(longer))
                    + "; partial ids naming them are ambiguous",
                )
            )
    return findings


def _docstring_mismatches(migrations: Tuple[Migration, ...]) -> List[Finding]:
    findings: List[Finding] = []
    for migration in migrations:
        if (
            migration.docstring_revises is not None
            and migration.docstring_revises_line is not None
            and set(migration.docstring_revises) != set(migration.down_revisions)
        ):
            findings.append(
                _finding(
                    migration.path,
                    migration.docstring_revises_line,
                    DOCSTRING_REVISES_MISMATCH,
                    f"Docstring says `Revises: {', '.join(migration.docstring_revises)}` but "
                    f"`down_revision` is {quoted(migration.down_revisions)}",
                    Severity.WARNING,
                )
            )
        if (
            migration.docstring_revision_id is not None
            and migration.docstring_revision_id_line is not None
            and migration.docstring_revision_id != migration.revision
        ):
            findings.append(
                _finding(
                    migration.path,
                    migration.docstring_revision_id_line,
                    DOCSTRING_REVISION_ID_MISMATCH,
                    f"Docstring says `Revision ID: {migration.docstring_revision_id}` but "
                    f"`revision` is `{migration.revision}`",
                    Severity.WARNING,
                )
            )
    return findings


def _branch_label_clashes(migrations: Tuple[Migration, ...]) -> List[Finding]:
    """Alembic refuses a label declared twice or equal to a revision id (`RevisionError`)."""
    revision_ids = {migration.revision for migration in migrations}
    first_owner: Dict[str, Migration] = {}
    findings: List[Finding] = []
    for migration in migrations:
        for label in migration.branch_labels:
            owner = first_owner.setdefault(label, migration)
            if label in revision_ids:
                reason = "is also a revision id"
            elif owner is not migration:
                reason = f"is also declared in `{owner.path}`"
            else:
                continue
            findings.append(
                _finding(
                    migration.path,
                    migration.branch_labels_line or migration.revision_line,
                    BRANCH_LABEL_CLASH,
                    f"Branch label `{label}` {reason}",
                )
            )
    return findings


def _illegal_ids(migrations: Tuple[Migration, ...]) -> List[Finding]:
    return [
        _finding(
            migration.path,
            migration.revision_line,
            ILLEGAL_REVISION_ID,
            f"Revision id `{migration.revision}` contains "
            + ", ".join(f"`{c}`" for c in _ILLEGAL_ID_CHARACTERS if c in migration.revision)
            + ", which alembic reserves for relative revisions",
        )
        for migration in migrations
        if any(c in migration.revision for c in _ILLEGAL_ID_CHARACTERS)
    ]


def _unsuppressed(findings: Iterable[Finding], files: Mapping[str, bytes]) -> List[Finding]:
    texts: Dict[str, Optional[str]] = {}
    kept: List[Finding] = []
    for finding in findings:
        if finding.path not in files:  # The head marker: no comments, no `# noqa`.
            kept.append(finding)
            continue
        if finding.path not in texts:
            try:
                texts[finding.path], _ = decode_migration(finding.path, files[finding.path])
            except MigrationReadError:
                texts[finding.path] = None
        text = texts[finding.path]
        line_text = line_at(text, finding.line) if text is not None else None
        if line_text is None or not is_suppressed(finding.code, [line_text]):
            kept.append(finding)
    return kept
