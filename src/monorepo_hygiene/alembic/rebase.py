"""`pants rebase-alembic`: put a branch's migrations back on top of the base branch's head.

A feature branch adds migrations; meanwhile the base branch gains its own; after merging the base
branch in, the history has two heads. This does by the book what people do by hand:

1. Work out the two sides. The base branch's revisions ("theirs": every revision in the tree of
   `--base-ref` or of the merge-base) may already be applied to databases and are never
   rewritten. The other heads are "ours"; each moves with its whole chain (the revisions only it
   has), the bottom of which gets the base head as its `down_revision`. Several chains of ours
   are stacked one after the other, oldest first by the commit that added them.
   `--onto` / `--revisions` name the base head and the tops explicitly instead.
2. Compare the schema operations of what moves with what it was written without, and refuse on
   an overlap (unless `--force`).
3. Rewrite only `down_revision` values and docstring `Revises:` lines, all files or none: files
   are replaced one by one, the history is read back and must have one head and the same
   revisions, and every file is restored on any failure.

`--strategy=merge` writes an empty merge migration instead. The planning is pure
(`rebase_plan.py`); `run_rebase` does the IO (git, files) around it.
"""

from __future__ import annotations

import datetime
import os
import posixpath
from dataclasses import dataclass
from typing import AbstractSet, Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple

from ..files import replace_files_atomically, unified_diff
from .config import DEFAULT_FILE_TEMPLATE
from .errors import (
    AlembicHygieneError,
    AmbiguousSidesError,
    ConflictError,
    GitError,
    HeadMarkerError,
    NoBaseRefError,
    RebaseRefusedError,
    TemplateError,
    VerificationError,
)
from .git_history import DEFAULT_BASE_REFS, ORIGIN_HEAD, GitRepo, blob_id
from .graph import RevisionGraph
from .head_marker import MarkerConflict, MarkerFile, marker_content, read_marker
from .merge_migration import merge_message, new_revision_id, render_merge_migration
from .operations import SchemaOperation, upgrade_operations
from .reader import History, is_migration_file, read_history
from .rebase_plan import ChainMove, choose_targets, find_conflicts, plan_rebase, stack_chains
from .release import ReleaseMarker
from .rewrite import rewrite_down_revision
from .templates import ScriptTemplate
from .wording import quoted

REBASE = "rebase"
MERGE = "merge"
STRATEGIES = (REBASE, MERGE)


@dataclass(frozen=True)
class RebaseRequest:
    """One history to make linear. Paths are relative to `repo_root` (a directory in a git work
    tree); `versions_dirs` are the history's version locations."""

    repo_root: str
    versions_dirs: Tuple[str, ...]
    # The base branch; None: every one of `origin/HEAD`'s target, `origin/main`,
    # `origin/master`, `main`, `master` that exists.
    base_ref: Optional[str] = None
    # The base head to move onto, and the tops of the chains to move (explicit mode).
    onto: Optional[str] = None
    revisions: Tuple[str, ...] = ()
    # Print the diff and exit 1 if anything would change; write nothing.
    check: bool = False
    # Rebase even when both sides change the same table, column or index.
    force: bool = False
    allow_dirty: bool = False
    strategy: str = REBASE
    # alembic's `recursive_version_locations`.
    recursive: bool = False
    # Where `script.py.mako` lives; None: the parent of the first versions dir.
    script_dir: Optional[str] = None
    # alembic's `file_template`, for the merge migration's file name.
    file_template: str = DEFAULT_FILE_TEMPLATE
    # The command `--check` output tells people to run.
    fix_command: str = "pants rebase-alembic ::"
    # The history's migration files as discovery listed them (`check-alembic` reads the same);
    # () to list `versions_dirs` here.
    migration_paths: Tuple[str, ...] = ()
    # The history's head marker (`head_marker.head_marker_path`), kept true; None: markers off.
    head_marker: Optional[str] = None
    # Released revisions are never rewritten: those of every ref matching one of these globs
    # over branches, remote branches and tags (`origin/release/*`, `v*`), and those whose
    # release marker names a release.
    release_refs: Tuple[str, ...] = ()
    release_marker: Optional[ReleaseMarker] = None

    @property
    def history_name(self) -> str:
        return ", ".join(self.versions_dirs)


@dataclass(frozen=True)
class RebaseOutcome:
    exit_code: int
    output: str
    changed_paths: Tuple[str, ...] = ()


@dataclass(frozen=True)
class _BaseSide:
    """What git says is the base branch's: revisions never to rewrite, and where they are."""

    protected: FrozenSet[str] = frozenset()
    # The base candidates that exist (or `--base-ref`), and what was looked for.
    candidates: Tuple[str, ...] = ()
    # Merge commits on HEAD's first-parent line whose other parents count as the base's.
    merges: Tuple[str, ...] = ()
    looked_for: Tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"`{ref}`" for ref in self.candidates]
        if self.merges:
            parts.append("what " + ", ".join(f"`{m[:10]}`" for m in self.merges) + " merged in")
        return ", ".join(parts)


def run_rebase(request: RebaseRequest) -> RebaseOutcome:
    """Make the request's history linear (or say what would change, with `check`)."""
    if request.strategy not in STRATEGIES:
        return _refused(request, f"unknown strategy `{request.strategy}` (use one of {STRATEGIES})")
    try:
        return _Rebase(request).run()
    except (AlembicHygieneError, OSError) as e:
        return _refused(request, str(e))


def _refused(request: RebaseRequest, reason: str) -> RebaseOutcome:
    return RebaseOutcome(1, f"Can't rebase `{request.history_name}`: {reason}")


class _Rebase:
    def __init__(self, request: RebaseRequest) -> None:
        self.request = request
        self.root = request.repo_root
        self.dirs = tuple(posixpath.normpath(d) for d in request.versions_dirs)
        self.notes: List[str] = []
        self.marker = self._read_marker()
        state = read_marker(self.marker.content) if self.marker and self.marker.content else None
        # A marker git left in conflict: a merge or rebase is under way and names both heads.
        self.conflict: Optional[MarkerConflict] = state.conflict if state else None

    def run(self) -> RebaseOutcome:
        files = self._read_files()
        history = read_history(files)
        graph = _valid_graph(history)
        if len(graph.heads) <= 1:
            if graph.heads and self._marker_contents(graph.heads[0]):
                return self._write_marker(graph)
            state = f"one head (`{graph.heads[0]}`)" if graph.heads else "no migrations"
            return RebaseOutcome(
                0, f"`{self.request.history_name}` has {state}: nothing to rebase."
            )

        git = self._git()
        onto, tops, protected, base = self._targets(git, graph, files)
        if self.request.strategy == MERGE:
            return self._merge(git, graph, files, onto, tops)

        released = self._released(git, graph, files)
        plan = plan_rebase(graph, tops, onto, protected, base or "the base branch", released)
        if len(plan.heads_after) != 1:
            raise RebaseRefusedError(
                f"after moving, it would still have heads {quoted(plan.heads_after)}; name every "
                "top with `--revisions`"
            )
        self._check_conflicts(plan.moves, graph, files)
        contents = {
            change.path: rewrite_down_revision(change.path, files[change.path], change.new)
            for change in plan.changes
        }
        moved = "; ".join(f"{quoted(move.revisions)} onto `{move.onto}`" for move in plan.moves)
        if base:
            moved += f" (base: {base})"
        expected = frozenset(graph.revisions)
        _verify(read_history({**files, **contents}), expected)
        describe = {change.path: change.describe() for change in plan.changes}
        originals: Dict[str, Optional[bytes]] = {path: files[path] for path in contents}
        self._add_marker(plan.heads_after[0], originals, contents, describe)
        return self._apply(
            git,
            graph,
            originals=originals,
            contents=contents,
            action=(f"move {moved}", f"moved {moved}"),
            describe=describe,
            expected=expected,
        )

    # --- The head marker ---

    def _read_marker(self) -> Optional[MarkerFile]:
        if self.request.head_marker is None:
            return None
        try:
            with open(os.path.join(self.root, self.request.head_marker), "rb") as f:
                return MarkerFile(self.request.head_marker, f.read())
        except FileNotFoundError:
            return MarkerFile(self.request.head_marker, None)

    def _marker_contents(self, head: str) -> Dict[str, bytes]:
        """{marker path: content naming `head`}, when markers are on and it doesn't yet."""
        if self.marker is None or self.marker.content == marker_content(head):
            return {}
        return {self.marker.path: marker_content(head)}

    def _add_marker(
        self,
        head: str,
        originals: Dict[str, Optional[bytes]],
        contents: Dict[str, bytes],
        describe: Dict[str, str],
    ) -> None:
        for path, content in self._marker_contents(head).items():
            originals[path] = self.marker.content if self.marker else None
            contents[path] = content
            resolved = " (resolves the conflict; `git add` it)" if self.conflict else ""
            describe[path] = f"head marker: `{head}`{resolved}"

    def _write_marker(self, graph: RevisionGraph) -> RebaseOutcome:
        """A linear history whose marker is missing, stale or in conflict: write it."""
        originals: Dict[str, Optional[bytes]] = {}
        contents: Dict[str, bytes] = {}
        describe: Dict[str, str] = {}
        self._add_marker(graph.heads[0], originals, contents, describe)
        return self._apply(
            self._git_or_none(),
            graph,
            originals=originals,
            contents=contents,
            action=("write the head marker", "wrote the head marker"),
            describe=describe,
            expected=frozenset(graph.revisions),
        )

    def _git_or_none(self) -> Optional[GitRepo]:
        try:
            return GitRepo(self.root)
        except GitError:
            return None

    # --- Steps ---

    def _read_files(self, written: Sequence[str] = ()) -> Dict[str, bytes]:
        """The history's files; `written` adds those this run created (a merge migration)."""
        if not self.request.migration_paths:
            return read_versions(self.root, self.dirs, self.request.recursive)
        files: Dict[str, bytes] = {}
        for path in dict.fromkeys((*self.request.migration_paths, *written)):
            if is_migration_file(path):
                with open(os.path.join(self.root, path), "rb") as f:
                    files[path] = f.read()
        return files

    def _git(self) -> Optional[GitRepo]:
        try:
            return GitRepo(self.root)
        except GitError:
            if self.request.onto is None and not self.request.revisions:
                raise
            self.notes.append(
                f"{self.root} is not in a git work tree: base branch revisions and uncommitted "
                "changes are not checked."
            )
            return None

    def _targets(
        self, git: Optional[GitRepo], graph: RevisionGraph, files: Mapping[str, bytes]
    ) -> Tuple[Optional[str], Tuple[str, ...], FrozenSet[str], str]:
        """(onto, tops, protected revisions, what protects them)."""
        explicit = self.request.onto is not None or bool(self.request.revisions)
        if self.conflict is not None and not explicit:
            return self._conflict_targets(git, graph, files)
        base = self._base_revisions(git, graph, files, explicit)
        added = self._added_order(git, graph)
        if not explicit:
            onto, tops = choose_targets(graph, base.protected, added)
            if onto not in graph.heads:
                # No head is the base's: every chain is new, and which to move is a guess.
                chains = [
                    (top, graph.own_chain(top, [h for h in tops if h != top]).revisions)
                    for top in tops
                ]
                raise AmbiguousSidesError(
                    [(top, graph.with_files(chain)) for top, chain in chains],
                    base.candidates,
                    base.looked_for,
                )
        else:
            onto, tops = self.request.onto, tuple(self.request.revisions)
            if onto is None:
                onto = self._default_onto(graph, base.protected, tops)
            if not tops:
                excluded = graph.ancestors(onto) | {onto}
                _, tops = choose_targets(graph, excluded, added)
        return onto, tops, base.protected, base.describe()

    def _conflict_targets(
        self, git: Optional[GitRepo], graph: RevisionGraph, files: Mapping[str, bytes]
    ) -> Tuple[Optional[str], Tuple[str, ...], FrozenSet[str], str]:
        """(onto, tops, ...) from the marker's conflict: git already says which head is whose."""
        assert self.conflict is not None
        merging = git is not None and git.merge_in_progress()
        onto, top = self.conflict.sides(merging)
        for revision in (onto, top):
            if revision not in graph.heads:
                raise HeadMarkerError(
                    f"the conflict names `{revision}`, which is not a head of the history "
                    f"(heads: {quoted(graph.heads)})"
                )
        self.notes.append(
            f"{self.request.head_marker} is in conflict ({'merge' if merging else 'rebase'}): "
            f"keeping `{onto}`, moving `{top}` on top of it."
        )
        base = self._base_revisions(git, graph, files, explicit=True)
        return onto, (top,), base.protected, base.describe()

    def _released(
        self, git: Optional[GitRepo], graph: RevisionGraph, files: Mapping[str, bytes]
    ) -> Dict[str, str]:
        """revision -> what releases it: its release marker, else the first release ref
        holding it."""
        released: Dict[str, str] = {}
        marker = self.request.release_marker
        if marker is not None:
            for revision in graph.revisions:
                path = graph.migration(revision).path
                found = marker.released(files[path].decode("utf-8", "replace"))
                if found is not None:
                    released[revision] = f"its marker `{found.text}`, line {found.line}"
        if git is not None:
            for short, full in git.refs_matching(self.request.release_refs):
                for revision in sorted(self._revisions_at(git, full, graph, files)):
                    released.setdefault(revision, f"on release ref `{short}`")
        return released

    def _base_revisions(
        self,
        git: Optional[GitRepo],
        graph: RevisionGraph,
        files: Mapping[str, bytes],
        explicit: bool,
    ) -> _BaseSide:
        """The revisions that are never rewritten: those of every base candidate's tree (and of
        its merge-base with HEAD), and those of every side HEAD's first-parent line merged in.
        A revision counts when a work-tree file at the same path is there, or a file there
        declares it."""
        if git is None:
            return _BaseSide()
        if self.request.base_ref is not None:
            git.commit(self.request.base_ref)  # A clear error when it names nothing.
            candidates: Tuple[str, ...] = (self.request.base_ref,)
        else:
            candidates = git.base_candidates()
        looked_for = (ORIGIN_HEAD, *DEFAULT_BASE_REFS)
        if not candidates and explicit:
            self.notes.append(
                f"{NoBaseRefError(looked_for)}: base branch revisions are not checked."
            )
        refs: List[str] = list(candidates)
        if git.ref_exists("HEAD"):
            for candidate in candidates:
                try:
                    refs.append(git.merge_base(candidate))
                except GitError:
                    pass  # Unrelated histories: the candidate's own tree is all there is.
        protected: Set[str] = set()
        for ref in dict.fromkeys(refs):
            protected |= self._revisions_at(git, ref, graph, files)
        # Where HEAD merged the other side in, the merge decides: its first parent is ours.
        merges: List[str] = []
        for merge, parent in git.merged_in_parents(candidates):
            theirs = self._revisions_at(git, parent, graph, files) - protected
            if theirs:
                protected |= theirs
                merges.append(merge)
        return _BaseSide(
            frozenset(protected),
            candidates,
            tuple(dict.fromkeys(merges)),
            looked_for if self.request.base_ref is None else candidates,
        )

    def _revisions_at(
        self, git: GitRepo, ref: str, graph: RevisionGraph, files: Mapping[str, bytes]
    ) -> Set[str]:
        base_ids = git.blob_ids_at(ref, self.dirs, self.request.recursive)
        found = {r for r in graph.revisions if graph.migration(r).path in base_ids}
        # Only files the work tree doesn't have as they are need reading.
        unknown = {
            path: object_id
            for path, object_id in base_ids.items()
            if path not in files or blob_id(files[path]) != object_id
        }
        contents = git.read_blobs(list(unknown.values()))
        found |= {m.revision for m in read_history(dict(zip(unknown, contents))).migrations}
        return found

    def _added_order(self, git: Optional[GitRepo], graph: RevisionGraph) -> Dict[str, int]:
        if git is None:
            return {}
        by_path = git.added_order("HEAD", self.dirs) if git.ref_exists("HEAD") else {}
        return {
            revision: by_path[graph.migration(revision).path]
            for revision in graph.revisions
            if graph.migration(revision).path in by_path
        }

    def _default_onto(
        self, graph: RevisionGraph, protected: AbstractSet[str], tops: Sequence[str]
    ) -> str:
        if protected:
            onto, _ = choose_targets(graph, protected, {})
            if onto is not None:
                return onto
        others = [head for head in graph.heads if head not in tops]
        if len(others) != 1:
            # Anything else is a guess: with three heads, which one is the base's?
            raise RebaseRefusedError("can't tell which head to rebase onto; pass `--onto`")
        return others[0]

    def _check_conflicts(
        self, moves: Sequence[ChainMove], graph: RevisionGraph, files: Mapping[str, bytes]
    ) -> None:
        read: Dict[str, Tuple[SchemaOperation, ...]] = {}

        def operations(revision: str) -> Tuple[SchemaOperation, ...]:
            if revision not in read:
                path = graph.migration(revision).path
                read[revision] = upgrade_operations(revision, path, files[path])
            return read[revision]

        overlaps, unknown = find_conflicts(moves, operations)
        if unknown:
            self.notes.append(
                "Not compared (raw SQL or operations this doesn't read): "
                + "; ".join(op.location() for op in unknown)
            )
        if overlaps and not self.request.force:
            raise ConflictError([overlap.render() for overlap in overlaps])
        for overlap in overlaps:
            self.notes.append(f"Overlap (going ahead with `--force`): {overlap.render()}")

    def _merge(
        self,
        git: Optional[GitRepo],
        graph: RevisionGraph,
        files: Mapping[str, bytes],
        onto: Optional[str],
        tops: Sequence[str],
    ) -> RebaseOutcome:
        self._check_conflicts(stack_chains(graph, onto, tops), graph, files)
        # Every head is merged (alembic's `merge heads`), the named or base one first.
        named = [head for head in (onto, *tops) if head in graph.heads]
        heads = tuple(dict.fromkeys((*named, *graph.heads)))
        revision = new_revision_id()
        template = self._script_template()
        migration = render_merge_migration(
            heads,
            revision,
            merge_message(heads),
            datetime.datetime.now(),
            template,
            self.request.file_template,
        )
        if template is not None and migration.engine == "built-in":
            self.notes.append(f"Rendered {template.path} with the built-in renderer (no mako).")
        path = posixpath.join(
            posixpath.dirname(graph.migration(heads[0]).path), migration.file_name
        )
        if path in files:
            raise RebaseRefusedError(f"{path} already exists")
        expected = frozenset((*graph.revisions, revision))
        _verify(read_history({**files, path: migration.content}), expected)
        merged = f"{quoted(heads)} with a merge migration"
        originals: Dict[str, Optional[bytes]] = {path: None}
        contents = {path: migration.content}
        describe = {path: f"merge migration `{revision}` of {quoted(heads)}"}
        self._add_marker(revision, originals, contents, describe)
        return self._apply(
            git,
            graph,
            originals=originals,
            contents=contents,
            action=(f"merge {merged}", f"merged {merged}"),
            describe=describe,
            expected=expected,
        )

    def _script_template(self) -> Optional[ScriptTemplate]:
        script_dir = self.request.script_dir or posixpath.dirname(self.dirs[0])
        path = posixpath.join(script_dir, "script.py.mako")
        try:
            with open(os.path.join(self.root, path), "rb") as f:
                return ScriptTemplate(path, f.read().decode("utf-8"))
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as e:
            raise TemplateError(path, 1, f"not UTF-8 ({e.reason})") from None

    def _apply(
        self,
        git: Optional[GitRepo],
        graph: RevisionGraph,
        originals: Mapping[str, Optional[bytes]],
        contents: Mapping[str, bytes],
        action: Tuple[str, str],
        describe: Mapping[str, str],
        expected: FrozenSet[str],
    ) -> RebaseOutcome:
        """Print (`check`) or write the new contents; `action` says what they do, as
        (would-form, done-form)."""
        check = self.request.check
        heads = f"`{self.request.history_name}` has heads {quoted(graph.heads)}"
        lines = [*self.notes, f"{heads}: {action[0] if check else action[1]}."]
        for path in sorted(contents):
            verb = "create" if originals[path] is None else "update"
            verb = f"Would {verb}" if check else f"{verb.capitalize()}d"
            lines.append(f"{verb} {path}: {describe[path]}")
        if self.request.check:
            lines.append("")
            lines.extend(
                unified_diff(path, originals[path], contents[path]) for path in sorted(contents)
            )
            lines.append(f"To fix, run `{self.request.fix_command}`.")
            return RebaseOutcome(1, "\n".join(lines))
        if git is not None and not self.request.allow_dirty and self.conflict is None:
            # Only migrations matter: untracked caches or notes next to them change nothing. In
            # a merge or rebase stopped on the marker's conflict, what git staged is the point.
            dirty = [path for path in git.dirty_paths(self.dirs) if is_migration_file(path)]
            if dirty:
                raise RebaseRefusedError(
                    "uncommitted changes in "
                    + ", ".join(dirty)
                    + "; commit or stash them, or pass `--allow-dirty`"
                )

        def verify() -> None:
            _verify(read_history(self._read_files(written=tuple(contents))), expected)

        replace_files_atomically(self.root, originals, contents, verify)
        return RebaseOutcome(0, "\n".join(lines), tuple(sorted(contents)))


def _valid_graph(history: History) -> RevisionGraph:
    if history.errors:
        raise RebaseRefusedError(
            "these migrations can't be read:" + "".join(f"\n  {e}" for e in history.errors)
        )
    graph = RevisionGraph.from_migrations(history.migrations)
    problems = [
        f"{graph.migration(revision).path}:{graph.migration(revision).down_revision_line}: "
        f"`down_revision` names `{missing}`, which isn't in the history"
        for revision, missing in graph.missing_down_revisions()
    ]
    problems.extend(
        "cycle: "
        + " -> ".join(
            f"`{r}` ({graph.migration(r).path}:{graph.migration(r).down_revision_line})"
            for r in cycle
        )
        for cycle in graph.cycles()
    )
    if problems:
        raise RebaseRefusedError(
            "fix the history first (`pants check-alembic`):" + "".join(f"\n  {p}" for p in problems)
        )
    return graph


def _verify(history: History, expected: AbstractSet[str]) -> None:
    if history.errors:
        raise VerificationError(f"the rewritten history can't be read: {history.errors[0]}")
    graph = RevisionGraph.from_migrations(history.migrations)
    if set(graph.revisions) != set(expected) or len(history.migrations) != len(expected):
        raise VerificationError("the rewritten history doesn't have the same revisions")
    if len(graph.heads) != 1 or graph.cycles() or graph.missing_down_revisions():
        raise VerificationError(
            f"the rewritten history has heads {quoted(graph.heads)} (expected one, no cycles)"
        )


def read_versions(
    root: str, versions_dirs: Sequence[str], recursive: bool = False
) -> Dict[str, bytes]:
    """The migration files of `versions_dirs` (repo-relative path -> content); missing dirs are
    empty."""
    files: Dict[str, bytes] = {}
    for directory in versions_dirs:
        top = os.path.join(root, directory)
        for current, subdirs, names in os.walk(top):
            if not recursive:
                subdirs.clear()
            subdirs[:] = [d for d in subdirs if d != "__pycache__"]
            relative = posixpath.normpath(
                posixpath.join(directory, os.path.relpath(current, top).replace(os.sep, "/"))
            )
            for name in names:
                path = posixpath.join(relative, name)
                if is_migration_file(path):
                    with open(os.path.join(current, name), "rb") as f:
                        files[path] = f.read()
    return files
